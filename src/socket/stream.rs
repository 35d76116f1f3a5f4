//! STREAM: raw TCP connections. It needs the tcp transport; until then a
//! STREAM socket exists but has no peers, so it has nothing to receive and
//! drops what it is asked to send.

use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::PipeIdx;

#[derive(Debug, Default)]
pub struct Stream;

impl Pattern for Stream {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        // STREAM speaks only to tcp peers.
        cx.pipes.get(idx).terminate();
        cx.pipes.dead.push(idx);
    }
    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if cx.options.router_mandatory {
            return Err(Error(libc::EHOSTUNREACH));
        }
        *msg = Msg::new();
        Ok(())
    }
    fn recv(&mut self, _cx: &mut Cx) -> Result<Msg> {
        Err(Error::EAGAIN)
    }
    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }
    fn read_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn terminated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
}
