//! ROUTER: every peer has a routing id; received messages are prefixed with
//! the sender's id, and a message to send starts with the id of the peer it
//! goes to. Unknown ids are dropped, or fail with EHOSTUNREACH under
//! ZMQ_ROUTER_MANDATORY (and a full peer with EAGAIN).

use super::route::fq::Fq;
use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::{flags, Msg};
use crate::pipe::PipeIdx;
use std::collections::HashMap;

#[derive(Debug)]
pub struct Router {
    fq: Fq,
    /// Routing id → pipe, and back.
    out: HashMap<Vec<u8>, PipeIdx>,
    ids: HashMap<PipeIdx, Vec<u8>>,
    /// Ids for peers that gave none: 0 then a 32-bit counter (from a random
    /// start, as libzmq).
    next_id: u32,
    /// A message read ahead (by has_in or to return its sender's id first).
    prefetched: Option<Msg>,
    /// The id frame for `prefetched`, not yet returned.
    prefetched_id: Option<Msg>,
    more_in: bool,
    /// Pipe of the message being sent; None while dropping it.
    current_out: Option<PipeIdx>,
    more_out: bool,
    /// Pipes waiting for their routing id to come in-band.
    anonymous: Vec<PipeIdx>,
    /// STREAM: the id last given to a peer of a connect, which libzmq also
    /// reports as the socket's ZMQ_ROUTING_ID.
    last_connect_id: Option<Vec<u8>>,
    /// STREAM: raw peers (unknown ids fail, frames carry no MORE, an empty
    /// frame closes the connection).
    raw: bool,
}

impl Router {
    pub fn new() -> Router {
        let mut seed = [0u8; 4];
        let _ = crate::keys::random_bytes(&mut seed);
        Router {
            fq: Fq::default(),
            out: HashMap::new(),
            ids: HashMap::new(),
            next_id: u32::from_ne_bytes(seed),
            prefetched: None,
            prefetched_id: None,
            more_in: false,
            current_out: None,
            more_out: false,
            anonymous: Vec::new(),
            last_connect_id: None,
            raw: false,
        }
    }

    /// An anonymous pipe's routing id has come (a ROUTING_ID message): it
    /// joins the others.
    fn identify_in_band(&mut self, idx: PipeIdx, cx: &mut Cx) {
        let Some(m) = cx.pipes.read(idx) else {
            return;
        };
        self.anonymous.retain(|&p| p != idx);
        let p = cx.pipes.get(idx);
        p.identity_pending = false;
        if m.flags() & crate::msg::flags::ROUTING_ID != 0 {
            p.routing_id = m.data().to_vec();
        }
        if self.identify(idx, cx) {
            self.fq.attach(idx);
        } else {
            cx.pipes.get(idx).terminate();
            cx.pipes.dead.push(idx);
        }
    }

    /// The router behind a STREAM socket.
    pub fn new_raw() -> Router {
        Router {
            raw: true,
            ..Router::new()
        }
    }

    /// STREAM's send: [id][data], where an empty data frame closes the
    /// connection.
    fn send_raw(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if !self.more_out {
            if msg.more() {
                let idx = *self.out.get(msg.data()).ok_or(Error(libc::EHOSTUNREACH))?;
                if !cx.pipes.get(idx).check_write() {
                    return Err(Error::EAGAIN);
                }
                self.current_out = Some(idx);
            }
            self.more_out = true;
            *msg = Msg::new();
            return Ok(());
        }
        self.more_out = false;
        let mut part = msg.take();
        part.reset_flags(crate::msg::flags::MORE);
        if let Some(idx) = self.current_out.take() {
            let p = cx.pipes.get(idx);
            if part.size() == 0 {
                p.terminate();
                cx.pipes.dead.push(idx);
            } else if p.write(part).is_ok() {
                p.flush();
            }
        }
        Ok(())
    }

    fn generated_id(&mut self) -> Vec<u8> {
        let mut id = vec![0u8];
        id.extend_from_slice(&self.next_id.to_be_bytes());
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    /// Gives the new pipe its routing id; false when it must be turned away
    /// (a duplicate id without ZMQ_ROUTER_HANDOVER).
    fn identify(&mut self, idx: PipeIdx, cx: &mut Cx) -> bool {
        let wanted = cx.pipes.get(idx).routing_id.clone();
        let id = if wanted.is_empty() {
            self.generated_id()
        } else {
            if let Some(&old) = self.out.get(&wanted) {
                if !cx.options.router_handover {
                    return false;
                }
                // The newcomer takes the id over; the old peer is renamed
                // and ended.
                let renamed = self.generated_id();
                self.out.remove(&wanted);
                self.out.insert(renamed.clone(), old);
                self.ids.insert(old, renamed);
                cx.pipes.get(old).terminate();
                cx.pipes.dead.push(old);
            }
            wanted
        };
        cx.pipes.get(idx).routing_id = id.clone();
        if self.raw && !cx.pipes.get(idx).endpoint.is_empty() {
            self.last_connect_id = Some(id.clone());
        }
        self.out.insert(id.clone(), idx);
        self.ids.insert(idx, id);
        true
    }

    fn id_frame(&self, idx: PipeIdx, body: &Msg) -> Result<Msg> {
        let id = self.ids.get(&idx).map(|v| v.as_slice()).unwrap_or(&[]);
        let mut m = Msg::from_slice(id)?;
        m.set_flags(flags::MORE);
        m.set_metadata(body.metadata().cloned());
        Ok(m)
    }

    /// Sends one part: the first part names the peer.
    pub(super) fn send_part(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if self.raw {
            return self.send_raw(msg, cx);
        }
        if !self.more_out {
            // A lone id with no message after it is ignored.
            if msg.more() {
                self.more_out = true;
                self.current_out = None;
                match self.out.get(msg.data()).copied() {
                    Some(idx) => {
                        if cx.pipes.get(idx).check_write() {
                            self.current_out = Some(idx);
                        } else if cx.options.router_mandatory {
                            self.more_out = false;
                            let gone = cx.pipes.get(idx).is_peer_gone();
                            return Err(if gone {
                                Error(libc::EHOSTUNREACH)
                            } else {
                                Error::EAGAIN
                            });
                        }
                    }
                    None if cx.options.router_mandatory => {
                        self.more_out = false;
                        return Err(Error(libc::EHOSTUNREACH));
                    }
                    None => {}
                }
            }
            *msg = Msg::new();
            return Ok(());
        }
        self.more_out = msg.more();
        let part = msg.take();
        if let Some(idx) = self.current_out {
            let p = cx.pipes.get(idx);
            if p.write(part).is_err() {
                // HWM was checked at the first part: the peer is gone.
                p.rollback();
                self.current_out = None;
            } else if !self.more_out {
                p.flush();
                self.current_out = None;
            }
        }
        Ok(())
    }

    /// Takes back what was written of the current outgoing message (REP
    /// does this for a malformed request).
    pub(super) fn rollback(&mut self, cx: &mut Cx) {
        if let Some(idx) = self.current_out.take() {
            cx.pipes.get(idx).rollback();
        }
        self.more_out = false;
    }

    /// Reads the next message part from any peer, skipping the routing
    /// ids a reconnected peer's session sends again.
    fn fetch(&mut self, cx: &mut Cx) -> Result<(Msg, PipeIdx)> {
        loop {
            let (m, idx) = self.fq.recv(cx.pipes)?;
            if m.flags() & crate::msg::flags::ROUTING_ID == 0 {
                return Ok((m, idx));
            }
        }
    }

    pub(super) fn recv_part(&mut self, cx: &mut Cx) -> Result<Msg> {
        if let Some(id) = self.prefetched_id.take() {
            return Ok(id);
        }
        if let Some(m) = self.prefetched.take() {
            self.more_in = m.more();
            return Ok(m);
        }
        let (m, idx) = self.fetch(cx)?;
        if self.more_in {
            self.more_in = m.more();
            return Ok(m);
        }
        // A new message: its sender's id comes first.
        let id = self.id_frame(idx, &m)?;
        self.prefetched = Some(m);
        Ok(id)
    }
}

impl Pattern for Router {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        if cx.options.probe_router && !self.raw {
            let p = cx.pipes.get(idx);
            if p.write(Msg::new()).is_ok() {
                p.flush();
            }
        }
        if cx.pipes.get(idx).identity_pending {
            self.anonymous.push(idx);
            self.identify_in_band(idx, cx);
            return;
        }
        if self.identify(idx, cx) {
            self.fq.attach(idx);
        } else {
            cx.pipes.get(idx).terminate();
            cx.pipes.dead.push(idx);
        }
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        self.send_part(msg, cx)
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        self.recv_part(cx)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        if self.more_in || self.prefetched.is_some() || self.prefetched_id.is_some() {
            return true;
        }
        match self.fetch(cx) {
            Ok((m, idx)) => {
                match self.id_frame(idx, &m) {
                    Ok(id) => self.prefetched_id = Some(id),
                    Err(_) => return false,
                }
                self.prefetched = Some(m);
                true
            }
            Err(_) => false,
        }
    }

    fn has_out(&mut self, cx: &mut Cx) -> bool {
        if !cx.options.router_mandatory || self.raw {
            return true;
        }
        let pipes: Vec<PipeIdx> = self.out.values().copied().collect();
        pipes.into_iter().any(|idx| cx.pipes.get(idx).check_write())
    }

    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        if self.anonymous.contains(&idx) {
            self.identify_in_band(idx, cx);
        } else {
            self.fq.activated(idx);
        }
    }

    fn own_routing_id(&self) -> Option<Vec<u8>> {
        self.last_connect_id.clone()
    }

    fn peer_state(&mut self, routing_id: &[u8], cx: &mut Cx) -> Result<i32> {
        let idx = *self.out.get(routing_id).ok_or(Error(libc::EHOSTUNREACH))?;
        let writable = cx.pipes.get(idx).has_room();
        Ok(if writable {
            crate::constants::ZMQ_POLLOUT
        } else {
            0
        })
    }

    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}

    fn peer_gone(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        // Its id is free from now on (what is left in the pipe still comes
        // in under the old id).
        if let Some(id) = self.ids.get(&idx) {
            if self.out.get(id) == Some(&idx) {
                self.out.remove(id);
            }
        }
    }

    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.anonymous.retain(|&p| p != idx);
        self.fq.terminated(idx);
        if let Some(id) = self.ids.remove(&idx) {
            if self.out.get(&id) == Some(&idx) {
                self.out.remove(&id);
            }
        }
        if self.current_out == Some(idx) {
            self.current_out = None;
        }
    }
}
