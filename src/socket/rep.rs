//! REP: a ROUTER that alternates strictly between receiving a request and
//! sending its reply (EFSM otherwise). The request's envelope (everything up
//! to the empty delimiter) is routed back ahead of the reply.

use super::router::Router;
use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::PipeIdx;

#[derive(Debug)]
pub struct Rep {
    router: Router,
    sending_reply: bool,
    request_begins: bool,
}

impl Default for Rep {
    fn default() -> Self {
        Rep {
            router: Router::new(),
            sending_reply: false,
            request_begins: true,
        }
    }
}

impl Pattern for Rep {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.router.attach(idx, cx);
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if !self.sending_reply {
            return Err(Error::EFSM);
        }
        let more = msg.more();
        self.router.send_part(msg, cx)?;
        if !more {
            self.sending_reply = false;
        }
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        if self.sending_reply {
            return Err(Error::EFSM);
        }
        if self.request_begins {
            // Route the envelope straight back into the reply.
            loop {
                let mut m = self.router.recv_part(cx)?;
                if m.more() {
                    let bottom = m.size() == 0;
                    self.router.send_part(&mut m, cx)?;
                    if bottom {
                        break;
                    }
                } else {
                    // No delimiter: a malformed request, dropped whole.
                    self.router.rollback(cx);
                }
            }
            self.request_begins = false;
        }
        let m = self.router.recv_part(cx)?;
        if !m.more() {
            self.sending_reply = true;
            self.request_begins = true;
        }
        Ok(m)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        !self.sending_reply && self.router.has_in(cx)
    }

    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.sending_reply && self.router.has_out(cx)
    }

    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.router.read_activated(idx, cx);
    }

    fn write_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.router.write_activated(idx, cx);
    }

    fn peer_gone(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.router.peer_gone(idx, cx);
    }

    fn terminated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.router.terminated(idx, cx);
    }
}
