//! DEALER: load-balances outgoing messages, fair-queues incoming ones.
//! With ZMQ_PROBE_ROUTER it greets each new peer with an empty message.

use super::route::{fq::Fq, lb::Lb};
use super::{Cx, Pattern};
use crate::error::Result;
use crate::msg::Msg;
use crate::pipe::PipeIdx;

#[derive(Debug, Default)]
pub struct Dealer {
    pub(super) fq: Fq,
    pub(super) lb: Lb,
}

impl Dealer {
    /// Sends and reports the pipe the part went to.
    pub(super) fn send_to(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<Option<PipeIdx>> {
        self.lb.send(msg, cx.pipes)
    }

    pub(super) fn recv_from(&mut self, cx: &mut Cx) -> Result<(Msg, PipeIdx)> {
        self.fq.recv(cx.pipes)
    }
}

impl Pattern for Dealer {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        if cx.options.probe_router {
            let p = cx.pipes.get(idx);
            if p.write(Msg::new()).is_ok() {
                p.flush();
            }
        }
        self.fq.attach(idx);
        self.lb.attach(idx);
    }
    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        self.send_to(msg, cx).map(|_| ())
    }
    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        self.recv_from(cx).map(|(m, _)| m)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.lb.has_out(cx.pipes)
    }
    fn read_activated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.activated(idx);
    }
    fn write_activated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.lb.activated(idx);
    }
    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.terminated(idx);
        self.lb.terminated(idx);
    }
}
