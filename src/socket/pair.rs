//! PAIR: exactly one peer; a second one is turned away.

use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::PipeIdx;

#[derive(Debug, Default)]
pub struct Pair {
    pipe: Option<PipeIdx>,
}

impl Pattern for Pair {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        if self.pipe.is_some() {
            // Already paired: the newcomer's pipe is ended at once.
            cx.pipes.get(idx).terminate();
            cx.pipes.dead.push(idx);
            return;
        }
        self.pipe = Some(idx);
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        let idx = self.pipe.ok_or(Error::EAGAIN)?;
        let more = msg.more();
        let p = cx.pipes.get(idx);
        match p.write(msg.take()) {
            Ok(()) => {
                if !more {
                    p.flush();
                }
                Ok(())
            }
            Err(back) => {
                *msg = back;
                Err(Error::EAGAIN)
            }
        }
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        let idx = self.pipe.ok_or(Error::EAGAIN)?;
        cx.pipes.read(idx).ok_or(Error::EAGAIN)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.pipe.is_some_and(|idx| cx.pipes.check_read(idx))
    }

    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.pipe.is_some_and(|idx| cx.pipes.get(idx).check_write())
    }

    fn read_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}

    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        if self.pipe == Some(idx) {
            self.pipe = None;
        }
    }
}
