//! Fair queueing: receive from each pipe with a message in turn, one whole
//! multipart message at a time. Pipes with nothing to read are moved out of
//! the active range until an `ActivateRead` brings them back.
//!
//! A pipe whose peer is gone (its connection ended) is read to its end
//! before any other, in the order the peers went: what it holds is all the
//! peer will ever send there and is bounded by the HWM, so live pipes wait
//! at most that long, and a peer that reconnects on a new pipe has its
//! messages from before the reconnect delivered before those after it.
//! That is complete for a connecting socket with ZMQ_IMMEDIATE (its
//! session ends the old pipe before it binds the new one, in one mailbox);
//! on a binding socket it holds once the old connection's session has
//! ended. libzmq round-robins the dead pipe with the new one (fq.cpp), and
//! with ZMQ_IMMEDIATE drops the dead pipe's backlog instead
//! (socket_base_t::hiccuped).

use super::rr::RoundRobin;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::{PipeIdx, Pipes};

#[derive(Debug, Default)]
pub struct Fq {
    rr: RoundRobin,
    /// In the middle of a multipart message from the current pipe.
    more: bool,
    /// Pipes whose peer is gone, read first, oldest loss first.
    gone: Vec<PipeIdx>,
}

impl Fq {
    pub fn attach(&mut self, idx: PipeIdx) {
        self.rr.attach(idx);
    }

    pub fn activated(&mut self, idx: PipeIdx) {
        self.rr.activated(idx);
    }

    /// The peer of pipe `idx` is gone: drain it before the others.
    pub fn peer_gone(&mut self, idx: PipeIdx) {
        if self.rr.contains(idx) && !self.gone.contains(&idx) {
            self.gone.push(idx);
        }
    }

    pub fn terminated(&mut self, idx: PipeIdx) {
        self.gone.retain(|&p| p != idx);
        if self.rr.remove(idx) {
            self.more = false;
        }
    }

    /// The next message part, and the pipe it came from.
    #[inline]
    pub fn recv(&mut self, pipes: &mut Pipes) -> Result<(Msg, PipeIdx)> {
        // A message under way from a live pipe is finished first; then the
        // pipes whose peer went, each to its delimiter. A multipart message
        // from `gone[0]` keeps it first until its last part (a pipe whose
        // peer is gone holds whole messages: the peer rolled back the rest).
        if !self.more {
            while let Some(&idx) = self.gone.first() {
                if let Some(msg) = pipes.read(idx) {
                    return Ok((msg, idx));
                }
                // Its delimiter (the socket removes it) or, should it not
                // be readable, back to the round robin.
                self.gone.remove(0);
            }
        }
        while let Some(idx) = self.rr.current() {
            if let Some(msg) = pipes.read(idx) {
                self.more = msg.more();
                if !self.more {
                    self.rr.advance();
                }
                return Ok((msg, idx));
            }
            // A pipe never holds half a message (a message is flushed
            // whole), unless its peer died mid-message.
            self.more = false;
            self.rr.deactivate_current();
        }
        Err(Error::EAGAIN)
    }

    pub fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while let Some(&idx) = self.gone.first() {
            if pipes.check_read(idx) {
                return true;
            }
            self.gone.remove(0);
        }
        while let Some(idx) = self.rr.current() {
            if pipes.check_read(idx) {
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

    fn msg(n: u8) -> Msg {
        Msg::from_slice(&[n]).unwrap()
    }

    #[test]
    fn a_pipe_whose_peer_went_is_drained_before_a_newer_one() {
        let mut pipes = Pipes::default();
        let mut fq = Fq::default();
        let d = Direction::default();
        // The old connection's pipe holds a backlog when its peer goes.
        let (old_end, mut old_peer) = pipe_pair(d, d);
        for i in 0..3 {
            old_peer.write(msg(i)).unwrap();
        }
        old_peer.flush();
        let old = pipes.insert(old_end);
        fq.attach(old);
        old_peer.terminate();
        pipes.get(old).peer_terminated();
        fq.peer_gone(old);
        // The reconnected peer's new pipe brings more.
        let (new_end, mut new_peer) = pipe_pair(d, d);
        for i in 10..13 {
            new_peer.write(msg(i)).unwrap();
        }
        new_peer.flush();
        let new = pipes.insert(new_end);
        fq.attach(new);
        let got: Vec<u8> = (0..6)
            .map(|_| fq.recv(&mut pipes).unwrap().0.data()[0])
            .collect();
        // Round robin alone gives 0, 10, 1, 11, 2, 12.
        assert_eq!(got, [0, 1, 2, 10, 11, 12]);
        assert!(pipes.dead.contains(&old));
        assert!(fq.recv(&mut pipes).is_err());
    }

    /// Found with the `routing` fuzz target (its load-balancing twin):
    /// another pipe going while a multipart message is being read from the
    /// last active pipe does not switch the rest of the read elsewhere.
    #[test]
    fn a_message_under_way_stays_on_its_pipe_when_another_goes() {
        let mut pipes = Pipes::default();
        let mut fq = Fq::default();
        let d = Direction::default();
        let mut idx = Vec::new();
        let mut peers = Vec::new();
        for n in 0..3u8 {
            let (ours, mut theirs) = pipe_pair(d, d);
            let mut first = Msg::from_slice(&[n, 0]).unwrap();
            first.set_flags(crate::msg::flags::MORE);
            theirs.write(first).unwrap();
            theirs.write(Msg::from_slice(&[n, 1]).unwrap()).unwrap();
            if n == 0 {
                // More to read on the first pipe: the wrong choice shows.
                theirs.write(Msg::from_slice(&[9]).unwrap()).unwrap();
            }
            theirs.flush();
            let i = pipes.insert(ours);
            fq.attach(i);
            idx.push(i);
            peers.push(theirs);
        }
        // Whole messages from 0 and 1, then the first part from 2.
        for _ in 0..4 {
            fq.recv(&mut pipes).unwrap();
        }
        let (m, from) = fq.recv(&mut pipes).unwrap();
        assert_eq!((m.data(), from), (&[2u8, 0][..], idx[2]));
        fq.terminated(idx[1]);
        pipes.remove(idx[1]);
        let (m, from) = fq.recv(&mut pipes).unwrap();
        assert_eq!((m.data(), from), (&[2u8, 1][..], idx[2]));
    }
}
