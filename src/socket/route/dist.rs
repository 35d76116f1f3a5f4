//! Distribution: send each message to every pipe that can take it (PUB,
//! XPUB). A pipe at its HWM misses whole messages, never parts of one.

use crate::msg::Msg;
use crate::pipe::{PipeIdx, Pipes};

#[derive(Debug, Default)]
pub struct Dist {
    pipes: Vec<PipeIdx>,
    /// Set when the message being sent started: the pipes it goes to.
    targets: Vec<PipeIdx>,
    more: bool,
}

impl Dist {
    pub fn attach(&mut self, idx: PipeIdx) {
        self.pipes.push(idx);
    }

    pub fn terminated(&mut self, idx: PipeIdx) {
        self.pipes.retain(|&p| p != idx);
        self.targets.retain(|&p| p != idx);
    }

    /// Sends one part to every pipe (or to those `filter` accepts, decided
    /// at the first part). Never blocks: full pipes miss the message.
    pub fn send(
        &mut self,
        msg: &mut Msg,
        pipes: &mut Pipes,
        mut filter: impl FnMut(PipeIdx) -> bool,
    ) {
        let more = msg.more();
        if !self.more {
            self.targets.clear();
            for &idx in &self.pipes {
                if filter(idx) && pipes.get(idx).check_write() {
                    self.targets.push(idx);
                }
            }
        }
        self.more = more;
        // Share the body with every target but the last, which takes it.
        let mut m = msg.take();
        let last = self.targets.len().checked_sub(1);
        for (i, &idx) in self.targets.iter().enumerate() {
            let part = if Some(i) == last { m.take() } else { m.share() };
            let p = pipes.get(idx);
            if p.write(part).is_ok() && !more {
                p.flush();
            }
        }
    }

    pub fn has_out(&self) -> bool {
        true
    }

    /// Whether `idx` is one of the pipes.
    pub fn has_pipe(&self, idx: PipeIdx) -> bool {
        self.pipes.contains(&idx)
    }

    /// Whether a message is under way (its first part sent, not its last).
    pub fn in_message(&self) -> bool {
        self.more
    }

    /// Whether every pipe `filter` accepts could take a message now (XPUB's
    /// NODROP; a pipe whose peer is gone does not count).
    pub fn all_have_room(
        &self,
        pipes: &mut Pipes,
        mut filter: impl FnMut(PipeIdx) -> bool,
    ) -> bool {
        self.pipes.iter().all(|&idx| {
            if !filter(idx) {
                return true;
            }
            let p = pipes.get(idx);
            p.is_peer_gone() || p.check_write()
        })
    }
}
