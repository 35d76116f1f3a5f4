//! The rotation fair queueing and load balancing share: pipes in turn,
//! the active ones (those that may have something to read, or room to
//! write) first, and a current one that a multipart message stays on.

use crate::pipe::PipeIdx;

#[derive(Debug, Default)]
pub struct RoundRobin {
    /// Active pipes first: `pipes[..active]`.
    pipes: Vec<PipeIdx>,
    active: usize,
    /// The pipe whose turn it is: `pipes[current]`, while any is active.
    current: usize,
}

impl RoundRobin {
    /// A new pipe, active.
    pub fn attach(&mut self, idx: PipeIdx) {
        self.pipes.push(idx);
        let last = self.pipes.len() - 1;
        self.pipes.swap(self.active, last);
        self.active += 1;
    }

    /// Pipe `idx` may be read or written again.
    pub fn activated(&mut self, idx: PipeIdx) {
        if let Some(pos) = self.pipes.iter().position(|&p| p == idx) {
            if pos >= self.active {
                self.pipes.swap(pos, self.active);
                self.active += 1;
            }
        }
    }

    pub fn contains(&self, idx: PipeIdx) -> bool {
        self.pipes.contains(&idx)
    }

    /// Takes pipe `idx` out; true when it was the current one.
    pub fn remove(&mut self, idx: PipeIdx) -> bool {
        let Some(pos) = self.pipes.iter().position(|&p| p == idx) else {
            return false;
        };
        let was_current = pos < self.active && pos == self.current;
        if pos < self.active {
            self.active -= 1;
            self.pipes.swap(pos, self.active);
            if self.current == self.active {
                // The current pipe was the last active one and has just
                // moved to `pos` (unless it is the one going): it stays
                // current, so a message under way goes on with it.
                self.current = if pos < self.active { pos } else { 0 };
            }
        }
        self.pipes
            .swap_remove(if pos < self.active { self.active } else { pos });
        was_current
    }

    /// The pipe whose turn it is, if any is active.
    #[inline]
    pub fn current(&self) -> Option<PipeIdx> {
        (self.active > 0).then(|| self.pipes[self.current])
    }

    /// The current pipe's turn is over (a whole message went).
    #[inline]
    pub fn advance(&mut self) {
        self.current = (self.current + 1) % self.active;
    }

    /// The current pipe has nothing to read or no room: out of the turn
    /// until `activated`.
    pub fn deactivate_current(&mut self) {
        self.active -= 1;
        self.pipes.swap(self.current, self.active);
        if self.current == self.active {
            self.current = 0;
        }
    }
}
