//! The single-part draft types: CLIENT and SERVER (RFC 41), SCATTER and
//! GATHER, CHANNEL. CLIENT load-balances to its peers and fair-queues from
//! them (a DEALER that refuses multipart), SCATTER and GATHER are PUSH and
//! PULL, CHANNEL a PAIR, each single-part (`SinglePart`); SERVER gives each
//! peer a 32-bit routing id of its own, which a received message carries
//! (`zmq_msg_routing_id`) and a reply names (`zmq_msg_set_routing_id`),
//! instead of an envelope frame. A multipart message from a peer is
//! dropped whole on receipt; sending one (ZMQ_SNDMORE) is EINVAL, as in
//! libzmq.

use super::route::fq::Fq;
use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::PipeIdx;
use std::collections::HashMap;

/// The next single-part message from `next` (which receives one part and
/// what came with it), dropping multipart ones whole: the rest of such a
/// message follows from the same peer, as a message is flushed whole.
fn single<T>(mut next: impl FnMut() -> Result<(Msg, T)>) -> Result<(Msg, T)> {
    loop {
        let (msg, from) = next()?;
        if !msg.more() {
            return Ok((msg, from));
        }
        while next()?.0.more() {}
    }
}

/// A pattern made single-part (libzmq's CLIENT over a DEALER, SCATTER over
/// PUSH, GATHER over PULL, CHANNEL over PAIR): ZMQ_SNDMORE is EINVAL, and
/// a multipart message from a peer is dropped whole.
#[derive(Debug, Default)]
pub struct SinglePart<P> {
    inner: P,
}

impl<P: Pattern> Pattern for SinglePart<P> {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.inner.attach(idx, cx);
    }
    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if msg.more() {
            return Err(Error::EINVAL);
        }
        self.inner.send(msg, cx)
    }
    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        single(|| self.inner.recv(cx).map(|m| (m, ()))).map(|(m, ())| m)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.inner.has_in(cx)
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.inner.has_out(cx)
    }
    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.inner.read_activated(idx, cx);
    }
    fn write_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.inner.write_activated(idx, cx);
    }
    fn peer_gone(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.inner.peer_gone(idx, cx);
    }
    fn terminated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.inner.terminated(idx, cx);
    }
}

/// SERVER, and PEER (a SERVER that also connects: `zmq_connect_peer`
/// returns the id its new pipe got).
#[derive(Debug)]
pub struct Server {
    fq: Fq,
    /// The id given to the pipe attached last.
    last_id: Option<u32>,
    /// Routing id -> pipe, and back.
    out: HashMap<u32, PipeIdx>,
    ids: HashMap<PipeIdx, u32>,
    /// The next id to give, from a random start as libzmq; never 0.
    next_id: u32,
}

impl Server {
    pub fn new() -> Server {
        let mut seed = [0u8; 4];
        let _ = crate::keys::random_bytes(&mut seed);
        Server {
            fq: Fq::default(),
            last_id: None,
            out: HashMap::new(),
            ids: HashMap::new(),
            next_id: u32::from_ne_bytes(seed),
        }
    }

    fn take_id(&mut self) -> u32 {
        loop {
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            if id != 0 && !self.out.contains_key(&id) {
                return id;
            }
        }
    }
}

impl Pattern for Server {
    fn attach(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        let id = self.take_id();
        self.last_id = Some(id);
        self.out.insert(id, idx);
        self.ids.insert(idx, id);
        self.fq.attach(idx);
    }
    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if msg.more() {
            return Err(Error::EINVAL);
        }
        let idx = *self
            .out
            .get(&msg.routing_id())
            .ok_or(Error(libc::EHOSTUNREACH))?;
        let pipe = cx.pipes.get(idx);
        if !pipe.check_write() {
            return Err(Error::EAGAIN);
        }
        let mut part = msg.take();
        // The peer may be inproc: the id is ours, not the message's.
        part.reset_routing_id();
        // A write refused after check_write drops the message, as libzmq.
        if pipe.write(part).is_ok() {
            pipe.flush();
        }
        Ok(())
    }
    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        let (mut msg, idx) = single(|| self.fq.recv(cx.pipes))?;
        if let Some(&id) = self.ids.get(&idx) {
            msg.set_routing_id(id)?;
        }
        Ok(msg)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    /// A SERVER can always send: where to is the message's business.
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }
    fn read_activated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.activated(idx);
    }
    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.terminated(idx);
        if let Some(id) = self.ids.remove(&idx) {
            self.out.remove(&id);
        }
    }
    fn last_routing_id(&self) -> Option<u32> {
        self.last_id
    }
    fn disconnect_peer(&mut self, routing_id: u32, cx: &mut Cx) -> Result<()> {
        let idx = self
            .out
            .remove(&routing_id)
            .ok_or(Error(libc::EHOSTUNREACH))?;
        self.ids.remove(&idx);
        cx.pipes.get(idx).terminate();
        cx.pipes.dead.push(idx);
        Ok(())
    }
}
