//! PUB / XPUB and SUB / XSUB.
//!
//! Subscribers send their subscriptions upstream as messages (first byte 1
//! to subscribe, 0 to unsubscribe, then the topic prefix; over ZMTP 3.1 the
//! session turns them into SUBSCRIBE / CANCEL commands and back). A
//! publisher keeps, in a trie, which peers want which prefixes and sends a
//! message only to the peers with a matching prefix (or, with
//! ZMQ_INVERT_MATCHING, to those without one). XPUB also hands the
//! subscriptions to the application, and has libzmq's options: VERBOSE,
//! VERBOSER, MANUAL (and MANUAL_LAST_VALUE), WELCOME_MSG, NODROP and
//! ONLY_FIRST_SUBSCRIBE. Subscribers keep their own subscriptions in a
//! counting trie: SUB filters with it, and both send it again to every new
//! peer.

use super::route::trie::{MTrie, RmResult, Trie};
use super::route::{dist::Dist, fq::Fq};
use super::{Cx, Pattern};
use crate::constants::{ZMQ_SUBSCRIBE, ZMQ_UNSUBSCRIBE};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::pipe::PipeIdx;
use std::collections::VecDeque;

/// A (un)subscription message: `flag`, then the topic.
fn subscription(subscribe: bool, topic: &[u8]) -> Option<Msg> {
    let mut body = Vec::new();
    body.try_reserve_exact(topic.len().checked_add(1)?).ok()?;
    body.push(subscribe as u8);
    body.extend_from_slice(topic);
    Msg::from_slice(&body).ok()
}

/// PUB (`xpub == false`) and XPUB.
#[derive(Debug)]
pub struct XPub {
    xpub: bool,
    dist: Dist,
    /// Who is subscribed to what: decides where messages go.
    subscriptions: MTrie,
    /// ZMQ_XPUB_MANUAL: what each peer asked for, to cancel it when the
    /// peer goes.
    manual_subscriptions: MTrie,
    /// Messages for the application (XPUB): (un)subscriptions and what
    /// subscribers sent upstream.
    pending: VecDeque<Msg>,
    /// ZMQ_XPUB_MANUAL: the pipe each pending subscription came from.
    pending_pipes: VecDeque<Option<PipeIdx>>,
    /// ZMQ_XPUB_MANUAL: the pipe of the subscription last received, which
    /// ZMQ_SUBSCRIBE / ZMQ_UNSUBSCRIBE apply to.
    last_pipe: Option<PipeIdx>,
    /// The part read from a peer last had MORE set.
    more_recv: bool,
    /// Whether the message being read from a peer is parsed for
    /// subscriptions (ZMQ_ONLY_FIRST_SUBSCRIBE).
    process_subscribe: bool,
    /// The pipes the message being sent matches, by index.
    matched: Vec<bool>,
}

impl XPub {
    pub fn new(xpub: bool) -> XPub {
        XPub {
            xpub,
            dist: Dist::default(),
            subscriptions: MTrie::default(),
            manual_subscriptions: MTrie::default(),
            pending: VecDeque::new(),
            pending_pipes: VecDeque::new(),
            last_pipe: None,
            more_recv: false,
            process_subscribe: false,
            matched: Vec::new(),
        }
    }

    fn notify(&mut self, subscribe: bool, topic: &[u8]) {
        if let Some(m) = subscription(subscribe, topic) {
            self.pending.push_back(m);
        }
    }

    /// Takes in everything a peer sent: its subscriptions, and for XPUB
    /// anything else it sent upstream.
    fn drain(&mut self, idx: PipeIdx, cx: &mut Cx) {
        let o = cx.options;
        while let Some(m) = cx.pipes.read(idx) {
            let first = !self.more_recv;
            self.more_recv = m.more();
            let data = m.data();
            let sub = if first || self.process_subscribe {
                match data.first() {
                    Some(&f @ (0 | 1)) => Some((f == 1, &data[1..])),
                    _ => None,
                }
            } else {
                None
            };
            if first {
                self.process_subscribe = !o.only_first_subscribe || sub.is_some();
            }
            let Some((subscribe, topic)) = sub else {
                // A message sent upstream: XPUB's reader gets it.
                if self.xpub {
                    self.pending.push_back(m);
                }
                continue;
            };
            let topic = topic.to_vec();
            if o.xpub_manual {
                if !self.xpub {
                    continue;
                }
                if subscribe {
                    self.manual_subscriptions.add(&topic, idx);
                } else {
                    self.manual_subscriptions.rm(&topic, idx);
                }
                self.pending_pipes.push_back(Some(idx));
                self.notify(subscribe, &topic);
            } else {
                let notify = if subscribe {
                    self.subscriptions.add(&topic, idx) || o.xpub_verbose_subs
                } else {
                    let r = self.subscriptions.rm(&topic, idx);
                    r != RmResult::ValuesRemain || o.xpub_verbose_unsubs
                };
                if self.xpub && notify {
                    self.notify(subscribe, &topic);
                }
            }
        }
    }

    /// Marks the pipes a message starting with `data` goes to.
    fn match_pipes(&mut self, data: &[u8], last_only: Option<PipeIdx>) {
        self.matched.iter_mut().for_each(|m| *m = false);
        let matched = &mut self.matched;
        self.subscriptions.match_pipes(data, |p| {
            if last_only.is_none_or(|l| l == p) {
                if matched.len() <= p {
                    matched.resize(p + 1, false);
                }
                matched[p] = true;
            }
        });
    }
}

impl Pattern for XPub {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.dist.attach(idx);
        if let Some(w) = &cx.options.xpub_welcome_msg {
            if let Ok(m) = Msg::from_slice(w) {
                let p = cx.pipes.get(idx);
                if p.write(m).is_ok() {
                    p.flush();
                }
            }
        }
        self.drain(idx, cx);
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        let o = cx.options;
        if !self.dist.in_message() {
            let last_only = if o.xpub_manual && o.xpub_manual_last_value {
                // Only to the subscriber last heard of, once.
                self.last_pipe.take()
            } else {
                None
            };
            let data = msg.data().to_vec();
            self.match_pipes(&data, last_only);
        }
        let matched = &self.matched;
        let invert = o.invert_matching;
        let wanted = |p: PipeIdx| matched.get(p).copied().unwrap_or(false) != invert;
        if o.xpub_nodrop && !self.dist.in_message() && !self.dist.all_have_room(cx.pipes, wanted) {
            return Err(Error::EAGAIN);
        }
        self.dist.send(msg, cx.pipes, wanted);
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        if !self.xpub {
            return Err(Error::ENOTSUP);
        }
        let m = self.pending.pop_front().ok_or(Error::EAGAIN)?;
        if cx.options.xpub_manual {
            if let Some(p) = self.pending_pipes.pop_front() {
                // A pipe gone since cannot take manual subscriptions.
                self.last_pipe = p.filter(|&p| self.dist.has_pipe(p));
            }
        }
        Ok(m)
    }

    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        self.xpub && !self.pending.is_empty()
    }

    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }

    fn topics_count(&self) -> Option<usize> {
        Some(self.subscriptions.num_prefixes())
    }

    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.drain(idx, cx);
    }

    fn write_activated(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}

    fn terminated(&mut self, idx: PipeIdx, cx: &mut Cx) {
        let o = cx.options;
        let mut gone = Vec::new();
        if o.xpub_manual {
            // Cancel what the peer asked for; the real subscriptions of
            // the pipe go silently.
            self.manual_subscriptions
                .rm_pipe(idx, false, |t| gone.push(t.to_vec()));
            self.subscriptions.rm_pipe(idx, false, |_| {});
            if self.last_pipe == Some(idx) {
                self.last_pipe = None;
            }
        } else {
            self.subscriptions
                .rm_pipe(idx, !o.xpub_verbose_unsubs, |t| gone.push(t.to_vec()));
        }
        for p in self.pending_pipes.iter_mut() {
            if *p == Some(idx) {
                *p = None;
            }
        }
        if self.xpub {
            for topic in gone {
                self.notify(false, &topic);
                if o.xpub_manual {
                    self.last_pipe = None;
                    self.pending_pipes.push_back(None);
                }
            }
        }
        if let Some(m) = self.matched.get_mut(idx) {
            *m = false;
        }
        self.dist.terminated(idx);
    }

    fn setsockopt(&mut self, option: i32, value: &[u8], cx: &mut Cx) -> Option<Result<()>> {
        if !cx.options.xpub_manual || (option != ZMQ_SUBSCRIBE && option != ZMQ_UNSUBSCRIBE) {
            return None;
        }
        if let Some(p) = self.last_pipe {
            if option == ZMQ_SUBSCRIBE {
                self.subscriptions.add(value, p);
            } else {
                self.subscriptions.rm(value, p);
            }
        }
        Some(Ok(()))
    }
}

/// SUB (`xsub == false`) and XSUB.
#[derive(Debug)]
pub struct XSub {
    xsub: bool,
    fq: Fq,
    dist: Dist,
    /// Our subscriptions, sent to every peer (also to later ones).
    subscriptions: Trie,
    /// The last part received had MORE set (its later parts pass).
    more_recv: bool,
    /// The last part sent had MORE set.
    more_send: bool,
    /// Whether the message being sent is parsed for subscriptions
    /// (ZMQ_ONLY_FIRST_SUBSCRIBE).
    process_subscribe: bool,
    /// A matching message found while polling (SUB), for the next recv.
    prefetched: Option<Msg>,
}

impl XSub {
    pub fn new(xsub: bool) -> XSub {
        XSub {
            xsub,
            fq: Fq::default(),
            dist: Dist::default(),
            subscriptions: Trie::default(),
            more_recv: false,
            more_send: false,
            process_subscribe: false,
            prefetched: None,
        }
    }

    /// libzmq's xsub send: (un)subscriptions update the trie and go to
    /// every peer (an unsubscription only when it was the topic's last,
    /// unless ZMQ_XSUB_VERBOSE_UNSUBSCRIBE); anything else goes upstream.
    fn xsend(&mut self, msg: &mut Msg, cx: &mut Cx) {
        let o = cx.options;
        let first = !self.more_send;
        self.more_send = msg.more();
        if first {
            self.process_subscribe = !o.only_first_subscribe;
        } else if !self.process_subscribe {
            self.dist.send(msg, cx.pipes, |_| true);
            return;
        }
        match msg.data().first() {
            Some(1) => {
                let topic = msg.data()[1..].to_vec();
                self.subscriptions.add(&topic);
                self.process_subscribe = true;
            }
            Some(0) => {
                let topic = msg.data()[1..].to_vec();
                self.process_subscribe = true;
                if !self.subscriptions.rm(&topic) && !o.xsub_verbose_unsubscribe {
                    drop(msg.take());
                    return;
                }
            }
            _ => {}
        }
        self.dist.send(msg, cx.pipes, |_| true);
    }

    fn matches(&self, m: &Msg, cx: &Cx) -> bool {
        !cx.options.filter || self.subscriptions.check(m.data()) != cx.options.invert_matching
    }

    /// The next message that passes the filter (its first part), or
    /// EAGAIN.
    fn next_matching(&mut self, cx: &mut Cx) -> Result<Msg> {
        loop {
            let (m, _) = self.fq.recv(cx.pipes)?;
            if self.matches(&m, cx) {
                return Ok(m);
            }
            // Not subscribed: drop the whole message.
            let mut more = m.more();
            while more {
                match self.fq.recv(cx.pipes) {
                    Ok((part, _)) => more = part.more(),
                    Err(_) => break,
                }
            }
        }
    }
}

impl Pattern for XSub {
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx) {
        self.fq.attach(idx);
        self.dist.attach(idx);
        // Tell the new peer what we subscribe to.
        let p = cx.pipes.get(idx);
        for topic in self.subscriptions.prefixes() {
            if let Some(m) = subscription(true, &topic) {
                let _ = p.write(m);
            }
        }
        p.flush();
    }

    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()> {
        if !self.xsub {
            return Err(Error::ENOTSUP);
        }
        self.xsend(msg, cx);
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> Result<Msg> {
        let m = match self.prefetched.take() {
            Some(m) => m,
            None if self.more_recv => self.fq.recv(cx.pipes)?.0,
            None => self.next_matching(cx)?,
        };
        self.more_recv = m.more();
        Ok(m)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        if self.more_recv || self.prefetched.is_some() {
            return true;
        }
        match self.next_matching(cx) {
            Ok(m) => {
                self.prefetched = Some(m);
                true
            }
            Err(_) => false,
        }
    }

    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        self.xsub
    }

    fn topics_count(&self) -> Option<usize> {
        // Repeated subscriptions count, as in libzmq's draft builds (their
        // radix tree; the plain trie of non-draft builds counts each
        // prefix once, but has no ZMQ_TOPICS_COUNT).
        Some(self.subscriptions.total())
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
        let Some(mut m) = subscription(option == ZMQ_SUBSCRIBE, value) else {
            return Some(Err(Error::ENOMEM));
        };
        self.xsend(&mut m, cx);
        Some(Ok(()))
    }
}
