//! Load balancing: send each whole message to the next pipe that can take
//! it, round robin. Pipes at their HWM are moved out of the active range
//! until credit comes back.

use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::{PipeIdx, Pipes};

#[derive(Debug, Default)]
pub struct Lb {
    pipes: Vec<PipeIdx>,
    active: usize,
    current: usize,
    /// In the middle of a multipart message to `pipes[current]`.
    more: bool,
    /// Dropping the rest of a message whose pipe went away.
    dropping: bool,
}

impl Lb {
    pub fn attach(&mut self, idx: PipeIdx) {
        self.pipes.push(idx);
        self.activated(idx);
    }

    pub fn activated(&mut self, idx: PipeIdx) {
        if let Some(pos) = self.pipes.iter().position(|&p| p == idx) {
            if pos >= self.active {
                self.pipes.swap(pos, self.active);
                self.active += 1;
            }
        }
    }

    pub fn terminated(&mut self, idx: PipeIdx) {
        let Some(pos) = self.pipes.iter().position(|&p| p == idx) else {
            return;
        };
        if pos == self.current && self.more {
            self.dropping = true;
        }
        if pos < self.active {
            self.active -= 1;
            self.pipes.swap(pos, self.active);
            if self.current == self.active {
                self.current = 0;
            }
        }
        let last = if pos < self.active { self.active } else { pos };
        self.pipes.swap_remove(last);
    }

    /// Sends one part; on success `msg` is left empty. Returns the pipe it
    /// went to (None when it was dropped).
    pub fn send(&mut self, msg: &mut Msg, pipes: &mut Pipes) -> Result<Option<PipeIdx>> {
        let more = msg.more();
        if self.dropping {
            self.dropping = more;
            *msg = Msg::new();
            return Ok(None);
        }
        while self.active > 0 {
            let idx = self.pipes[self.current];
            match pipes.get(idx).write(msg.take()) {
                Ok(()) => {
                    self.more = more;
                    if !more {
                        pipes.get(idx).flush();
                        self.current = (self.current + 1) % self.active;
                    }
                    return Ok(Some(idx));
                }
                Err(back) => {
                    *msg = back;
                    if self.more {
                        // The pipe went away mid-message: take back the parts
                        // written and drop the rest of this message.
                        pipes.get(idx).rollback();
                        self.more = false;
                        self.dropping = more;
                        return Err(Error::EAGAIN);
                    }
                    self.deactivate_current();
                }
            }
        }
        Err(Error::EAGAIN)
    }

    fn deactivate_current(&mut self) {
        self.active -= 1;
        self.pipes.swap(self.current, self.active);
        if self.current == self.active {
            self.current = 0;
        }
    }

    pub fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while self.active > 0 {
            if pipes.get(self.pipes[self.current]).check_write() {
                return true;
            }
            self.deactivate_current();
        }
        false
    }
}
