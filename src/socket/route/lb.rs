//! Load balancing: send each whole message to the next pipe that can take
//! it, round robin. Pipes at their HWM are moved out of the active range
//! until credit comes back.

use super::rr::RoundRobin;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::{PipeIdx, Pipes};

#[derive(Debug, Default)]
pub struct Lb {
    rr: RoundRobin,
    /// In the middle of a multipart message to the current pipe.
    more: bool,
    /// Dropping the rest of a message whose pipe went away.
    dropping: bool,
}

impl Lb {
    pub fn attach(&mut self, idx: PipeIdx) {
        self.rr.attach(idx);
    }

    pub fn activated(&mut self, idx: PipeIdx) {
        self.rr.activated(idx);
    }

    pub fn terminated(&mut self, idx: PipeIdx) {
        if self.rr.remove(idx) && self.more {
            self.dropping = true;
        }
    }

    /// Sends one part; on success `msg` is left empty. Returns the pipe it
    /// went to (None when it was dropped).
    pub fn send(&mut self, msg: &mut Msg, pipes: &mut Pipes) -> Result<Option<PipeIdx>> {
        let more = msg.more();
        if self.dropping {
            // The message under way ends here or later; the next one starts
            // afresh (a `more` left over would make its first refusal look
            // like a pipe lost mid-message, and drop that message too).
            self.more = more;
            self.dropping = more;
            *msg = Msg::new();
            return Ok(None);
        }
        while let Some(idx) = self.rr.current() {
            match pipes.get(idx).write(msg.take()) {
                Ok(()) => {
                    self.more = more;
                    if !more {
                        pipes.get(idx).flush();
                        self.rr.advance();
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
                    self.rr.deactivate_current();
                }
            }
        }
        Err(Error::EAGAIN)
    }

    pub fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while let Some(idx) = self.rr.current() {
            if pipes.get(idx).check_write() {
                return true;
            }
            self.rr.deactivate_current();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipe::{pipe_pair, Direction};

    fn part(b: u8, more: bool) -> Msg {
        let mut m = Msg::from_slice(&[b]).unwrap();
        if more {
            m.set_flags(crate::msg::flags::MORE);
        }
        m
    }

    /// Found by the `routing` fuzz target: a pipe that goes mid-message
    /// has the rest of that message dropped, and then only that: the next
    /// message, refused for want of room, is not taken for the rest of
    /// the lost one and dropped when sent again.
    #[test]
    fn after_a_pipe_lost_mid_message_the_next_message_is_not_dropped() {
        let mut pipes = Pipes::default();
        let mut lb = Lb::default();
        let one = Direction {
            hwm: 1,
            conflate: false,
        };
        let (a, _a_peer) = pipe_pair(Direction::default(), Direction::default());
        let (b, mut b_peer) = pipe_pair(one, Direction::default());
        let a = pipes.insert(a);
        let b = pipes.insert(b);
        lb.attach(a);
        lb.attach(b);
        // A whole message to `a`, then one to `b` fills it.
        assert_eq!(lb.send(&mut part(0, false), &mut pipes).unwrap(), Some(a));
        assert_eq!(lb.send(&mut part(1, false), &mut pipes).unwrap(), Some(b));
        // The first part of the next goes to `a`, which then goes.
        assert_eq!(lb.send(&mut part(2, true), &mut pipes).unwrap(), Some(a));
        lb.terminated(a);
        pipes.remove(a);
        assert_eq!(lb.send(&mut part(3, false), &mut pipes).unwrap(), None);
        // `b` is full: refused, and nothing dropped.
        let mut m = part(4, true);
        assert_eq!(lb.send(&mut m, &mut pipes).unwrap_err(), Error::EAGAIN);
        assert_eq!(m.data(), [4]);
        // Credit comes back; the message goes whole to `b`.
        assert!(matches!(b_peer.read(), crate::pipe::Read::Msg(_)));
        pipes.get(b).activate_write(1);
        lb.activated(b);
        assert_eq!(lb.send(&mut m, &mut pipes).unwrap(), Some(b));
        assert_eq!(lb.send(&mut part(5, false), &mut pipes).unwrap(), Some(b));
    }

    /// Found by the `routing` fuzz target: another pipe going while a
    /// message is under way to the last active pipe does not send the
    /// rest of the message elsewhere.
    #[test]
    fn a_message_under_way_stays_on_its_pipe_when_another_goes() {
        let mut pipes = Pipes::default();
        let mut lb = Lb::default();
        let d = Direction::default();
        let ends: Vec<_> = (0..3).map(|_| pipe_pair(d, d)).collect();
        let mut idx = Vec::new();
        let mut peers = Vec::new();
        for (ours, theirs) in ends {
            let i = pipes.insert(ours);
            lb.attach(i);
            idx.push(i);
            peers.push(theirs);
        }
        // Round robin: 0, 1, then a message begins on 2, the last.
        assert_eq!(
            lb.send(&mut part(0, false), &mut pipes).unwrap(),
            Some(idx[0])
        );
        assert_eq!(
            lb.send(&mut part(1, false), &mut pipes).unwrap(),
            Some(idx[1])
        );
        assert_eq!(
            lb.send(&mut part(2, true), &mut pipes).unwrap(),
            Some(idx[2])
        );
        lb.terminated(idx[1]);
        pipes.remove(idx[1]);
        assert_eq!(
            lb.send(&mut part(3, false), &mut pipes).unwrap(),
            Some(idx[2])
        );
    }
}
