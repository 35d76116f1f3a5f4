//! Fair queueing: receive from each pipe with a message in turn, one whole
//! multipart message at a time. Pipes with nothing to read are moved out of
//! the active range until an `ActivateRead` brings them back.

use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::{PipeIdx, Pipes};

#[derive(Debug, Default)]
pub struct Fq {
    /// Active pipes first: `pipes[..active]`.
    pipes: Vec<PipeIdx>,
    active: usize,
    current: usize,
    /// In the middle of a multipart message from `pipes[current]`.
    more: bool,
}

impl Fq {
    pub fn attach(&mut self, idx: PipeIdx) {
        self.pipes.push(idx);
        let last = self.pipes.len() - 1;
        self.pipes.swap(self.active, last);
        self.active += 1;
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
        if pos < self.active {
            self.active -= 1;
            self.pipes.swap(pos, self.active);
            if self.current == self.active {
                self.current = 0;
            }
            if pos == self.current {
                self.more = false;
            }
        }
        self.pipes
            .swap_remove(if pos < self.active { self.active } else { pos });
    }

    fn deactivate_current(&mut self) {
        self.active -= 1;
        self.pipes.swap(self.current, self.active);
        if self.current == self.active {
            self.current = 0;
        }
    }

    /// The next message part, and the pipe it came from.
    #[inline]
    pub fn recv(&mut self, pipes: &mut Pipes) -> Result<(Msg, PipeIdx)> {
        while self.active > 0 {
            let idx = self.pipes[self.current];
            if let Some(msg) = pipes.read(idx) {
                self.more = msg.more();
                if !self.more {
                    self.current = (self.current + 1) % self.active;
                }
                return Ok((msg, idx));
            }
            // A pipe never holds half a message (a message is flushed
            // whole), unless its peer died mid-message.
            self.more = false;
            self.deactivate_current();
        }
        Err(Error::EAGAIN)
    }

    pub fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while self.active > 0 {
            if pipes.check_read(self.pipes[self.current]) {
                return true;
            }
            self.deactivate_current();
        }
        false
    }
}
