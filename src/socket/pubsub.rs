//! PUB / XPUB and SUB / XSUB.
//!
//! Subscribers send their subscriptions upstream as messages (first byte 1
//! to subscribe, 0 to unsubscribe, then the topic prefix). Publishers keep
//! each peer's subscriptions and send a message only to the peers that want
//! it; XPUB also hands the subscription messages to the application (a new
//! topic once, or every one with ZMQ_XPUB_VERBOSE). Subscribers filter too.
//!
//! The prefix match here is a list scan; the subscription trie, and the
//! rest of XPUB's options, belong to the pub-sub work.

use super::route::{dist::Dist, fq::Fq};
use super::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::ffi::constants::{ZMQ_SUBSCRIBE, ZMQ_UNSUBSCRIBE};
use crate::msg::Msg;
use crate::pipe::PipeIdx;
use std::collections::{HashMap, VecDeque};

fn matches(topics: &[Vec<u8>], data: &[u8]) -> bool {
    topics.iter().any(|t| data.starts_with(t))
}

/// PUB (`xpub == false`) and XPUB.
#[derive(Debug)]
pub struct XPub {
    xpub: bool,
    dist: Dist,
    /// Each peer's subscriptions.
    subs: HashMap<PipeIdx, Vec<Vec<u8>>>,
    /// How many peers hold each topic.
    counts: HashMap<Vec<u8>, usize>,
    /// Subscription messages for the application (XPUB).
    pending: VecDeque<Msg>,
}

impl XPub {
    pub fn new(xpub: bool) -> XPub {
        XPub {
            xpub,
            dist: Dist::default(),
            subs: HashMap::new(),
            counts: HashMap::new(),
            pending: VecDeque::new(),
        }
    }

    fn notify(&mut self, subscribe: bool, topic: &[u8]) {
        if !self.xpub {
            return;
        }
        let mut body = Vec::with_capacity(topic.len() + 1);
        body.push(subscribe as u8);
        body.extend_from_slice(topic);
        if let Ok(m) = Msg::from_slice(&body) {
            self.pending.push_back(m);
        }
    }

    /// Takes in everything a peer sent: its subscriptions.
    fn drain(&mut self, idx: PipeIdx, cx: &mut Cx) {
        while let Some(m) = cx.pipes.read(idx) {
            let data = m.data();
            match data.first() {
                Some(1) => {
                    let topic = data[1..].to_vec();
                    let list = self.subs.entry(idx).or_default();
                    list.push(topic.clone());
                    let n = self.counts.entry(topic.clone()).or_insert(0);
                    *n += 1;
                    if *n == 1 || cx.options.xpub_verbose_subs {
                        self.notify(true, &topic);
                    }
                }
                Some(0) => {
                    let topic = &data[1..];
                    if let Some(list) = self.subs.get_mut(&idx) {
                        if let Some(pos) = list.iter().position(|t| t == topic) {
                            list.swap_remove(pos);
                            self.release(topic);
                        }
                    }
                }
                _ => {
                    // Anything else from a subscriber goes to XPUB's reader.
                    if self.xpub {
                        self.pending.push_back(m);
                    }
                }
            }
        }
    }

    fn release(&mut self, topic: &[u8]) {
        if let Some(n) = self.counts.get_mut(topic) {
            *n -= 1;
            if *n == 0 {
                self.counts.remove(topic);
                self.notify(false, topic);
            }
        }
    }
}

impl Pattern for XPub {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.dist.attach(idx);
        self.drain(idx, cx);
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        let subs = &self.subs;
        let data = msg.data().to_vec();
        self.dist.send(msg, cx.pipes, |idx| {
            subs.get(&idx).is_some_and(|t| matches(t, &data))
        });
        Ok(())
    }

    fn recv(&mut self, _cx: &mut Cx) -> Result<Msg> {
        if !self.xpub {
            return Err(Error::ENOTSUP);
        }
        self.pending.pop_front().ok_or(Error::EAGAIN)
    }

    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        self.xpub && !self.pending.is_empty()
    }

    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }

    fn topics_count(&self) -> Option<usize> {
        self.xpub.then_some(self.counts.len())
    }

    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.drain(idx, cx);
    }

    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}

    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.dist.terminated(idx);
        for topic in self.subs.remove(&idx).unwrap_or_default() {
            self.release(&topic);
        }
    }
}

/// SUB (`xsub == false`) and XSUB.
#[derive(Debug)]
pub struct XSub {
    xsub: bool,
    fq: Fq,
    dist: Dist,
    /// Our subscriptions, sent to every peer (also to later ones).
    topics: Vec<Vec<u8>>,
    /// Whether the message being received passed the filter (for its later
    /// parts).
    more_in: bool,
}

impl XSub {
    pub fn new(xsub: bool) -> XSub {
        XSub {
            xsub,
            fq: Fq::default(),
            dist: Dist::default(),
            topics: Vec::new(),
            more_in: false,
        }
    }

    fn send_subscription(&mut self, subscribe: bool, topic: &[u8], cx: &mut Cx) -> Result<()> {
        let mut body = Vec::with_capacity(topic.len() + 1);
        body.push(subscribe as u8);
        body.extend_from_slice(topic);
        let mut m = Msg::from_slice(&body)?;
        self.dist.send(&mut m, cx.pipes, |_| true);
        Ok(())
    }

    /// Records a (un)subscription message the application sent or set.
    fn track(&mut self, data: &[u8]) {
        match data.split_first() {
            Some((1, topic)) => self.topics.push(topic.to_vec()),
            Some((0, topic)) => {
                if let Some(pos) = self.topics.iter().position(|t| t == topic) {
                    self.topics.swap_remove(pos);
                }
            }
            _ => {}
        }
    }
}

impl Pattern for XSub {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.fq.attach(idx);
        self.dist.attach(idx);
        // Tell the new peer what we subscribe to.
        for topic in self.topics.clone() {
            let mut body = vec![1u8];
            body.extend_from_slice(&topic);
            if let Ok(m) = Msg::from_slice(&body) {
                let p = cx.pipes.get(idx);
                if p.write(m).is_ok() {
                    p.flush();
                }
            }
        }
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if !self.xsub {
            return Err(Error::ENOTSUP);
        }
        if !msg.more() {
            self.track(msg.data());
        }
        self.dist.send(msg, cx.pipes, |_| true);
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        loop {
            let (m, _) = self.fq.recv(cx.pipes)?;
            if self.more_in || self.xsub || matches(&self.topics, m.data()) {
                self.more_in = m.more();
                return Ok(m);
            }
            // Not subscribed: drop the whole message.
            let mut more = m.more();
            while more {
                let (part, _) = self.fq.recv(cx.pipes)?;
                more = part.more();
            }
        }
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }

    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        self.xsub
    }

    fn topics_count(&self) -> Option<usize> {
        // Every subscription counts, repeated ones too (as libzmq's trie).
        Some(self.topics.len())
    }

    fn read_activated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.activated(idx);
    }

    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}

    fn terminated(&mut self, idx: PipeIdx, _cx: &mut Cx) {
        self.fq.terminated(idx);
        self.dist.terminated(idx);
    }

    fn setsockopt(&mut self, option: i32, value: &[u8], cx: &mut Cx) -> Option<Result<()>> {
        if self.xsub || (option != ZMQ_SUBSCRIBE && option != ZMQ_UNSUBSCRIBE) {
            return None;
        }
        let subscribe = option == ZMQ_SUBSCRIBE;
        let mut body = vec![subscribe as u8];
        body.extend_from_slice(value);
        self.track(&body);
        Some(self.send_subscription(subscribe, value, cx))
    }
}
