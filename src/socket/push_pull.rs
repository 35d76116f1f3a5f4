//! PUSH (load-balances to its peers, never receives) and PULL (fair-queues
//! from its peers, never sends).

use super::route::{fq::Fq, lb::Lb};
use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::PipeIdx;

#[derive(Debug, Default)]
pub struct Push {
    lb: Lb,
}

impl Pattern for Push {
    fn attach(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.lb.attach(idx);
    }
    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        self.lb.send(msg, cx.pipes).map(|_| ())
    }
    fn recv(&mut self, _cx: &mut Cx) -> Result<Msg> {
        Err(Error::ENOTSUP)
    }
    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.lb.has_out(cx.pipes)
    }
    fn read_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn write_activated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.lb.activated(idx);
    }
    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.lb.terminated(idx);
    }
}

#[derive(Debug, Default)]
pub struct Pull {
    fq: Fq,
}

impl Pattern for Pull {
    fn attach(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.attach(idx);
    }
    fn send(&mut self, _msg: &mut Msg, _cx: &mut Cx) -> Result<()> {
        Err(Error::ENOTSUP)
    }
    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        self.fq.recv(cx.pipes).map(|(m, _)| m)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn read_activated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.activated(idx);
    }
    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    fn peer_gone(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.peer_gone(idx);
    }
    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.terminated(idx);
    }
}
