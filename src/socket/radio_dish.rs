//! RADIO and DISH (draft, RFC 48): group messaging. A message carries its
//! group (`zmq_msg_set_group`); a DISH joins groups (`zmq_join`) and tells
//! each RADIO it is connected to with JOIN / LEAVE messages (over ZMTP,
//! commands: the session converts); a RADIO sends each message only to the
//! peers that joined its group, and to every udp pipe (a datagram socket
//! cannot be told whom to reach). Both are single-part. DGRAM is also
//! here: a PAIR over udp whose messages are an address then a body.

use super::pair::Pair;
use super::route::{dist::Dist, fq::Fq};
use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::{flags, Msg, MAX_GROUP};
use crate::pipe::PipeIdx;
use std::collections::{HashMap, HashSet};

/// Whether pipe `idx` runs over udp (its endpoint names the transport).
fn is_udp(idx: PipeIdx, cx: &mut Cx) -> bool {
    cx.pipes.get(idx).endpoint.starts_with("udp://")
}

#[derive(Debug, Default)]
pub struct Radio {
    dist: Dist,
    /// Group -> the pipes that joined it (a pipe once per JOIN, as
    /// libzmq's multimap).
    groups: HashMap<Vec<u8>, Vec<PipeIdx>>,
    /// udp pipes: they take every message.
    udp: Vec<PipeIdx>,
}

impl Radio {
    /// Takes in a peer's JOINs and LEAVEs; anything else is dropped.
    fn drain(&mut self, idx: PipeIdx, cx: &mut Cx) {
        while let Some(m) = cx.pipes.read(idx) {
            let group = m.group().to_bytes();
            if m.flags() & flags::JOIN != 0 {
                self.groups.entry(group.to_vec()).or_default().push(idx);
            } else if m.flags() & flags::LEAVE != 0 {
                if let Some(pipes) = self.groups.get_mut(group) {
                    if let Some(at) = pipes.iter().position(|&p| p == idx) {
                        pipes.swap_remove(at);
                    }
                    if pipes.is_empty() {
                        self.groups.remove(group);
                    }
                }
            }
        }
    }
}

impl Pattern for Radio {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.dist.attach(idx);
        if is_udp(idx, cx) {
            self.udp.push(idx);
        } else {
            self.drain(idx, cx);
        }
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if msg.more() {
            return Err(Error::EINVAL);
        }
        let joined = self
            .groups
            .get(msg.group().to_bytes())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let udp = &self.udp;
        let wanted = |p: PipeIdx| joined.contains(&p) || udp.contains(&p);
        if cx.options.xpub_nodrop && !self.dist.all_have_room(cx.pipes, wanted) {
            return Err(Error::EAGAIN);
        }
        self.dist.send(msg, cx.pipes, wanted);
        Ok(())
    }

    fn recv(&mut self, _cx: &mut Cx) -> Result<Msg> {
        Err(Error::ENOTSUP)
    }
    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        self.dist.has_out()
    }
    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.drain(idx, cx);
    }
    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.groups.retain(|_, pipes| {
            pipes.retain(|&p| p != idx);
            !pipes.is_empty()
        });
        self.udp.retain(|&p| p != idx);
        self.dist.terminated(idx);
    }
}

#[derive(Debug, Default)]
pub struct Dish {
    fq: Fq,
    dist: Dist,
    groups: HashSet<Vec<u8>>,
    /// A message `has_in` found (it had to look past other groups').
    prefetched: Option<Msg>,
}

impl Dish {
    /// The next message of a joined group (over udp a DISH hears every
    /// group; the others are dropped here).
    fn next(&mut self, cx: &mut Cx) -> Result<Msg> {
        loop {
            let (m, _) = self.fq.recv(cx.pipes)?;
            if self.groups.contains(m.group().to_bytes()) {
                return Ok(m);
            }
        }
    }

    /// Tells every peer of a JOIN or LEAVE (a full pipe misses it, as in
    /// libzmq).
    fn announce(&mut self, join: bool, group: &[u8], cx: &mut Cx) -> Result<()> {
        let mut m = Msg::membership(join, group)?;
        self.dist.send(&mut m, cx.pipes, |_| true);
        Ok(())
    }
}

impl Pattern for Dish {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.fq.attach(idx);
        self.dist.attach(idx);
        // The new peer hears every group joined so far.
        let pipe = cx.pipes.get(idx);
        for group in &self.groups {
            if let Ok(m) = Msg::membership(true, group) {
                let _ = pipe.write(m);
            }
        }
        pipe.flush();
    }

    fn send(&mut self, _msg: &mut Msg, _cx: &mut Cx) -> Result<()> {
        Err(Error::ENOTSUP)
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        match self.prefetched.take() {
            Some(m) => Ok(m),
            None => self.next(cx),
        }
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        if self.prefetched.is_none() {
            self.prefetched = self.next(cx).ok();
        }
        self.prefetched.is_some()
    }

    /// Joining and leaving are always possible.
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }
    fn read_activated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.activated(idx);
    }
    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.terminated(idx);
        self.dist.terminated(idx);
    }

    fn join(&mut self, group: &[u8], cx: &mut Cx) -> Result<()> {
        if group.len() > MAX_GROUP || !self.groups.insert(group.to_vec()) {
            return Err(Error::EINVAL);
        }
        self.announce(true, group, cx)
    }

    fn leave(&mut self, group: &[u8], cx: &mut Cx) -> Result<()> {
        if group.len() > MAX_GROUP || !self.groups.remove(group) {
            return Err(Error::EINVAL);
        }
        self.announce(false, group, cx)
    }
}

/// DGRAM: one udp pipe; each message is the peer's address ("ip:port",
/// with MORE) and a body. A first part without MORE, or a third part, is
/// EINVAL, as in libzmq.
#[derive(Debug, Default)]
pub struct Dgram {
    pair: Pair,
    /// The address part is sent: the body comes next.
    more_out: bool,
}

impl Pattern for Dgram {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.pair.attach(idx, cx);
    }
    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if msg.more() == self.more_out {
            return Err(Error::EINVAL);
        }
        self.pair.send(msg, cx)?;
        self.more_out = !self.more_out;
        Ok(())
    }
    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        self.pair.recv(cx)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.pair.has_in(cx)
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.pair.has_out(cx)
    }
    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.pair.read_activated(idx, cx);
    }
    fn write_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.pair.write_activated(idx, cx);
    }
    fn terminated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.pair.terminated(idx, cx);
    }
}
