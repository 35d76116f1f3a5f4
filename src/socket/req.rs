//! REQ: a DEALER that alternates strictly between sending a request and
//! receiving its reply (EFSM otherwise), framing each request with an empty
//! delimiter (and, with ZMQ_REQ_CORRELATE, a request id before it) and
//! taking the reply only from the peer the request went to.
//! ZMQ_REQ_RELAXED allows a new request before the reply.

use super::dealer::Dealer;
use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::{flags, Msg};
use crate::pipe::PipeIdx;

#[derive(Debug)]
pub struct Req {
    dealer: Dealer,
    receiving_reply: bool,
    /// The next part sent (or received) starts a message.
    message_begins: bool,
    /// The peer the current request went to.
    reply_pipe: Option<PipeIdx>,
    request_id: u32,
}

impl Default for Req {
    fn default() -> Self {
        let mut seed = [0u8; 4];
        let _ = crate::keys::random_bytes(&mut seed);
        Req {
            dealer: Dealer::default(),
            receiving_reply: false,
            message_begins: true,
            reply_pipe: None,
            request_id: u32::from_ne_bytes(seed),
        }
    }
}

impl Req {
    fn send_frame(&mut self, mut frame: Msg, cx: &mut Cx) -> Result<()> {
        frame.set_flags(flags::MORE);
        if let Some(idx) = self.dealer.send_to(&mut frame, cx)? {
            self.reply_pipe = Some(idx);
        }
        Ok(())
    }

    /// The next part from the peer the request went to; parts from other
    /// peers are dropped.
    fn recv_reply_part(&mut self, cx: &mut Cx) -> Result<Msg> {
        loop {
            let (m, idx) = self.dealer.recv_from(cx)?;
            if self.reply_pipe.is_none() || self.reply_pipe == Some(idx) {
                return Ok(m);
            }
        }
    }

    fn skip_rest(&mut self, mut m: Msg, cx: &mut Cx) -> Result<()> {
        while m.more() {
            m = self.recv_reply_part(cx)?;
        }
        Ok(())
    }
}

impl Pattern for Req {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.dealer.attach(idx, cx);
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if self.receiving_reply {
            if !cx.options.req_relaxed {
                return Err(Error::EFSM);
            }
            self.receiving_reply = false;
            self.message_begins = true;
        }
        if self.message_begins {
            self.reply_pipe = None;
            if cx.options.req_correlate {
                let id = self.request_id.wrapping_add(1);
                self.send_frame(Msg::from_slice(&id.to_ne_bytes())?, cx)?;
                self.request_id = id;
            }
            self.send_frame(Msg::new(), cx)?;
            self.message_begins = false;
            // Drop replies that came late for earlier requests.
            while self.dealer.recv_from(cx).is_ok() {}
        }
        let more = msg.more();
        self.dealer.send_to(msg, cx)?;
        if !more {
            self.receiving_reply = true;
            self.message_begins = true;
        }
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        if !self.receiving_reply {
            return Err(Error::EFSM);
        }
        while self.message_begins {
            if cx.options.req_correlate {
                let m = self.recv_reply_part(cx)?;
                if !m.more() || m.data() != self.request_id.to_ne_bytes() {
                    self.skip_rest(m, cx)?;
                    continue;
                }
            }
            let m = self.recv_reply_part(cx)?;
            if !m.more() || m.size() != 0 {
                self.skip_rest(m, cx)?;
                continue;
            }
            self.message_begins = false;
        }
        let m = self.recv_reply_part(cx)?;
        if !m.more() {
            self.receiving_reply = false;
            self.message_begins = true;
        }
        Ok(m)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.receiving_reply && self.dealer.has_in(cx)
    }

    fn has_out(&mut self, cx: &mut Cx) -> bool {
        if self.receiving_reply && !cx.options.req_relaxed {
            return false;
        }
        self.dealer.has_out(cx)
    }

    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.dealer.read_activated(idx, cx);
    }

    fn write_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.dealer.write_activated(idx, cx);
    }

    fn terminated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        if self.reply_pipe == Some(idx) {
            self.reply_pipe = None;
        }
        self.dealer.terminated(idx, cx);
    }
}
