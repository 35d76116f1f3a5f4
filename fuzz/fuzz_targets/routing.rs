//! The routing strategies the socket patterns are made of (fair queue for
//! PULL / DEALER / ROUTER receive, load balance for PUSH / DEALER / REQ
//! send, distribution for PUB / XPUB / RADIO), each driven through real
//! pipes by fuzzed events: peers come and go, write, read, stall at their
//! HWM, and their news (activate read, HWM credit, peer gone) reaches the
//! socket late and in any order a mailbox could bring it.
//!
//! Checked against a model of each link: a message arrives whole (its
//! parts together, from one pipe or to one pipe), in order per pipe, never
//! twice and never invented; fair queueing loses nothing a live peer sent;
//! load balancing says EAGAIN only when no pipe has room; and once all
//! news is delivered, everything sent on a live link has arrived (a lost
//! wake-up or credit would strand it).
//!
//! Input: one octet picks the strategy, then pairs of octets (operation,
//! argument).

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use zmqrs::msg::Msg;
use zmqrs::pipe::{pipe_pair, Direction, Pipe, PipeEvents, PipeIdx, Pipes, Read};
use zmqrs::socket::route::{dist::Dist, fq::Fq, lb::Lb};

/// ZMQRS_FUZZ_TRACE=1 prints each operation (to read a crash's input).
fn trace() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ZMQRS_FUZZ_TRACE").is_some())
}

/// What one side's owner is told, kept until the fuzzer delivers it.
enum News {
    Read(u64),
    Write(u64, u64),
    Term(u64),
}

#[derive(Default)]
struct Mailbox(Mutex<VecDeque<News>>);

impl Mailbox {
    fn push(&self, n: News) {
        self.0.lock().unwrap().push_back(n);
    }
    fn pop(&self) -> Option<News> {
        self.0.lock().unwrap().pop_front()
    }
}

impl PipeEvents for Mailbox {
    fn activate_read(&self, key: u64) {
        self.push(News::Read(key));
    }
    fn activate_write(&self, key: u64, n: u64) {
        self.push(News::Write(key, n));
    }
    fn hwm(&self, _key: u64, _i: i32, _o: i32, _b: Option<(u64, u64)>) {}
    fn pipe_term(&self, key: u64) {
        self.push(News::Term(key));
    }
}

/// The MORE flag bit of a message part (zmq_msg_more's).
const MORE: u8 = 1;

/// A message part: link, sequence number, part index, part count.
fn part(link: u32, seq: u32, i: u8, n: u8) -> Msg {
    let mut b = [0u8; 10];
    b[..4].copy_from_slice(&link.to_le_bytes());
    b[4..8].copy_from_slice(&seq.to_le_bytes());
    b[8] = i;
    b[9] = n;
    let mut m = Msg::from_slice(&b).unwrap();
    if i + 1 < n {
        m.set_flags(MORE);
    }
    m
}

fn decode(m: &Msg) -> (u32, u32, u8, u8) {
    let b = m.data();
    assert_eq!(b.len(), 10, "a part changed size");
    let link = u32::from_le_bytes(b[..4].try_into().unwrap());
    let seq = u32::from_le_bytes(b[4..8].try_into().unwrap());
    assert_eq!(m.more(), b[8] + 1 < b[9], "MORE flag lost or invented");
    (link, seq, b[8], b[9])
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Fq,
    Lb,
    Dist,
}

/// One peer: the far end of a pipe, and what the model knows of it.
struct Peer {
    link: u32,
    pipe: Pipe,
    /// Our end's index while the socket has it.
    idx: Option<PipeIdx>,
    /// The peer ended its end.
    ended: bool,
    /// The peer read the delimiter: the socket's end is gone.
    done: bool,
    /// Fq: messages (sequence, parts) the peer wrote, not yet received.
    owed: VecDeque<(u32, u8)>,
    next_seq: u32,
    /// Lb / Dist: sequence numbers sent whole to this link, not yet read.
    expected: VecDeque<u32>,
    /// Lb / Dist: the message being read (sequence, next part, parts).
    reading: Option<(u32, u8, u8)>,
    last_read: Option<u32>,
}

struct Socket {
    kind: Kind,
    pipes: Pipes,
    fq: Fq,
    lb: Lb,
    dist: Dist,
    mailbox: Arc<Mailbox>,
    peer_box: Arc<Mailbox>,
    peers: Vec<Peer>,
    next_link: u32,
    /// Fq: the message being received (link, sequence, next part, parts).
    receiving: Option<(u32, u32, u8, u8)>,
    /// Lb / Dist: the message being sent (sequence, next part, parts, the
    /// pipe it goes to for Lb, whether it is being dropped).
    sending: Option<(u32, u8, u8, Option<PipeIdx>, bool)>,
    next_seq: u32,
    /// Sequence numbers peers have read (Lb / Dist): never twice.
    seen: HashSet<u32>,
}

impl Socket {
    fn link_of(&self, idx: PipeIdx) -> usize {
        self.peers
            .iter()
            .position(|p| p.idx == Some(idx))
            .expect("a pipe index the model does not know")
    }

    fn attach(&mut self, hwm_in: u8, hwm_out: u8) {
        if self.peers.iter().filter(|p| p.idx.is_some()).count() >= 6 {
            return;
        }
        let to_peer = Direction {
            hwm: u64::from(hwm_out % 8),
            conflate: false,
        };
        let to_us = Direction {
            hwm: u64::from(hwm_in % 8),
            conflate: false,
        };
        let (ours, theirs) = pipe_pair(to_peer, to_us);
        ours.attach(&self.mailbox);
        theirs.attach(&self.peer_box);
        let idx = self.pipes.insert(ours);
        match self.kind {
            Kind::Fq => self.fq.attach(idx),
            Kind::Lb => self.lb.attach(idx),
            Kind::Dist => self.dist.attach(idx),
        }
        self.peers.push(Peer {
            link: self.next_link,
            pipe: theirs,
            idx: Some(idx),
            ended: false,
            done: false,
            owed: VecDeque::new(),
            next_seq: 0,
            expected: VecDeque::new(),
            reading: None,
            last_read: None,
        });
        self.next_link += 1;
    }

    /// Removes a pipe from the socket (its delimiter was read, or the
    /// socket ends it).
    fn remove(&mut self, idx: PipeIdx) {
        match self.kind {
            Kind::Fq => self.fq.terminated(idx),
            Kind::Lb => self.lb.terminated(idx),
            Kind::Dist => self.dist.terminated(idx),
        }
        self.pipes.remove(idx);
        let p = self.link_of(idx);
        let peer = &mut self.peers[p];
        peer.idx = None;
        if let Some((link, ..)) = self.receiving {
            if link == peer.link {
                self.receiving = None;
            }
        }
    }

    fn reap(&mut self) {
        while let Some(idx) = self.pipes.dead.pop() {
            if self.pipes.try_get(idx).is_some() {
                let p = self.link_of(idx);
                // Fq: a pipe ends at its delimiter, after all it held.
                if self.kind == Kind::Fq {
                    assert!(
                        self.peers[p].owed.is_empty(),
                        "a pipe ended with messages unread"
                    );
                }
                self.remove(idx);
            }
        }
    }

    /// The socket ends the pipe to peer `p` (close, disconnect).
    fn end_ours(&mut self, p: usize) {
        let Some(idx) = self.peers[p].idx else { return };
        self.pipes.get(idx).terminate();
        // What was in flight to us is lost with the pipe, as on close.
        self.peers[p].owed.clear();
        if let Some((_, _, _, Some(to), _)) = self.sending {
            if to == idx {
                // Lb: the rest of this message is dropped.
                self.sending.as_mut().unwrap().3 = None;
            }
        }
        self.remove(idx);
        // Lb / Dist: what the peer has not read yet is still in its queue
        // (written before the delimiter): it may still arrive.
    }

    fn deliver_socket_news(&mut self, max: usize) {
        for _ in 0..max {
            let Some(news) = self.mailbox.pop() else {
                return;
            };
            match news {
                News::Read(key) => {
                    if let Some(idx) = self.pipes.by_key(key) {
                        if self.pipes.get(idx).activate_read() && self.kind == Kind::Fq {
                            self.fq.activated(idx);
                        }
                    }
                }
                News::Write(key, n) => {
                    if let Some(idx) = self.pipes.by_key(key) {
                        if self.pipes.get(idx).activate_write(n) && self.kind == Kind::Lb {
                            self.lb.activated(idx);
                        }
                    }
                }
                News::Term(key) => {
                    if let Some(idx) = self.pipes.by_key(key) {
                        self.pipes.get(idx).peer_terminated();
                        if self.kind == Kind::Fq {
                            self.fq.peer_gone(idx);
                        }
                        self.pipes.check_read(idx);
                        if self.pipes.get(idx).is_in_done() && !self.pipes.dead.contains(&idx) {
                            self.pipes.dead.push(idx);
                        }
                    }
                }
            }
            self.reap();
        }
    }

    fn deliver_peer_news(&mut self, max: usize) {
        for _ in 0..max {
            let Some(news) = self.peer_box.pop() else {
                return;
            };
            let key = match news {
                News::Read(k) | News::Write(k, _) | News::Term(k) => k,
            };
            let Some(peer) = self.peers.iter_mut().find(|p| p.pipe.key() == key) else {
                continue;
            };
            match news {
                News::Read(_) => {
                    peer.pipe.activate_read();
                }
                News::Write(_, n) => {
                    peer.pipe.activate_write(n);
                }
                News::Term(_) => peer.pipe.peer_terminated(),
            }
        }
    }

    /// Fq: peer `p` writes a whole message of `parts` parts, if it may.
    fn peer_writes(&mut self, p: usize, parts: u8) {
        let peer = &mut self.peers[p];
        if peer.ended || !peer.pipe.check_write() {
            return;
        }
        let seq = peer.next_seq;
        for i in 0..parts {
            assert!(
                peer.pipe.write(part(peer.link, seq, i, parts)).is_ok(),
                "a pipe refused the rest of a message it began"
            );
        }
        peer.pipe.flush();
        peer.next_seq += 1;
        if peer.idx.is_some() {
            peer.owed.push_back((seq, parts));
        }
    }

    /// Fq: the socket receives one part; false on EAGAIN.
    fn recv(&mut self) -> bool {
        let got = self.fq.recv(&mut self.pipes);
        let Ok((msg, idx)) = got else {
            self.reap();
            assert!(self.receiving.is_none(), "a message stopped half-way");
            return false;
        };
        let (link, seq, i, n) = decode(&msg);
        let p = self.link_of(idx);
        assert_eq!(self.peers[p].link, link, "a part from another pipe");
        match self.receiving {
            Some((l, s, next, parts)) => {
                assert_eq!((l, s, next, parts), (link, seq, i, n), "parts interleaved");
            }
            None => {
                assert_eq!(i, 0, "a message began in the middle");
                let front = self.peers[p].owed.front().copied();
                assert_eq!(front, Some((seq, n)), "out of order, lost or invented");
            }
        }
        if i + 1 == n {
            self.peers[p].owed.pop_front();
            self.receiving = None;
        } else {
            self.receiving = Some((link, seq, i + 1, n));
        }
        self.reap();
        true
    }

    /// Lb / Dist: the socket sends the next part (a new message of
    /// `parts` parts when none is under way).
    fn send(&mut self, parts: u8) {
        let (seq, i, n, to, dropping) = match self.sending {
            Some(s) => s,
            None => (self.next_seq, 0, parts, None, false),
        };
        let mut m = part(u32::MAX, seq, i, n);
        let last = i + 1 == n;
        let mut state = Some((seq, i + 1, n, to, dropping));
        match self.kind {
            Kind::Lb => match {
                let r = self.lb.send(&mut m, &mut self.pipes);
                if trace() {
                    eprintln!("  lb.send seq {seq} part {i}/{n} -> {r:?}");
                }
                r
            } {
                Ok(Some(idx)) => {
                    assert!(!dropping, "a dropped message went on");
                    if i > 0 {
                        assert_eq!(to, Some(idx), "parts went to two pipes");
                    }
                    state = Some((seq, i + 1, n, Some(idx), false));
                    if last {
                        let p = self.link_of(idx);
                        self.peers[p].expected.push_back(seq);
                    }
                }
                Ok(None) => {
                    // Dropped: the pipe went away mid-message.
                    assert!(i > 0, "a new message dropped");
                    state = Some((seq, i + 1, n, None, true));
                }
                Err(_) => {
                    if i == 0 {
                        // EAGAIN: no pipe has room the socket knows of.
                        for idx in self.pipes.indices() {
                            let pipe = self.pipes.get(idx);
                            assert!(
                                pipe.is_peer_gone() || !pipe.has_room(),
                                "EAGAIN while a pipe had room"
                            );
                        }
                        return;
                    }
                    // The pipe went away mid-message: the rest is dropped.
                    state = Some((seq, i + 1, n, None, true));
                }
            },
            Kind::Dist => {
                self.dist.send(&mut m, &mut self.pipes, |_| true);
                if last {
                    // Which pipes took it is checked on the peer side.
                    for peer in self.peers.iter_mut().filter(|p| p.idx.is_some()) {
                        peer.expected.push_back(seq);
                    }
                }
            }
            Kind::Fq => unreachable!(),
        }
        if last {
            self.sending = None;
            self.next_seq += 1;
        } else {
            self.sending = state;
        }
    }

    /// Lb / Dist: peer `p` reads what it can.
    fn peer_reads(&mut self, p: usize, max: usize) {
        let kind = self.kind;
        let peer = &mut self.peers[p];
        for _ in 0..max {
            match peer.pipe.read() {
                Read::Msg(m) => {
                    let (link, seq, i, n) = decode(&m);
                    assert_eq!(link, u32::MAX, "a part the socket never sent");
                    match peer.reading {
                        Some(r) => assert_eq!(r, (seq, i, n), "parts interleaved"),
                        None => {
                            assert_eq!(i, 0, "a message began in the middle");
                            if let Some(last) = peer.last_read {
                                assert!(seq > last, "out of order or twice");
                            }
                        }
                    }
                    if i + 1 == n {
                        peer.reading = None;
                        peer.last_read = Some(seq);
                        if kind == Kind::Lb {
                            assert!(self.seen.insert(seq), "a message read twice");
                        }
                        // Dist may skip a message (HWM); Lb never does on a
                        // link: it is the next one sent there.
                        while let Some(&e) = peer.expected.front() {
                            if e > seq {
                                break;
                            }
                            peer.expected.pop_front();
                            if kind == Kind::Lb {
                                assert_eq!(e, seq, "a message sent whole never came");
                            }
                        }
                    } else {
                        peer.reading = Some((seq, i + 1, n));
                    }
                }
                Read::Empty => return,
                Read::Done => {
                    assert!(peer.reading.is_none(), "a message cut short");
                    peer.done = true;
                    return;
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, ops)) = data.split_first() else {
        return;
    };
    let kind = match first % 3 {
        0 => Kind::Fq,
        1 => Kind::Lb,
        _ => Kind::Dist,
    };
    let mut s = Socket {
        kind,
        pipes: Pipes::default(),
        fq: Fq::default(),
        lb: Lb::default(),
        dist: Dist::default(),
        mailbox: Arc::new(Mailbox::default()),
        peer_box: Arc::new(Mailbox::default()),
        peers: Vec::new(),
        next_link: 0,
        receiving: None,
        sending: None,
        next_seq: 0,
        seen: HashSet::new(),
    };
    for op in ops.chunks_exact(2) {
        let (code, arg) = (op[0], op[1]);
        if trace() {
            eprintln!("op {} arg {} sending {:?}", code % 8, arg, s.sending);
        }
        let pick = |s: &Socket| (!s.peers.is_empty()).then(|| usize::from(arg) % s.peers.len());
        match code % 8 {
            0 => s.attach(arg, arg >> 4),
            1 => {
                if kind == Kind::Fq {
                    if let Some(p) = pick(&s) {
                        s.peer_writes(p, 1 + (arg >> 6));
                    }
                } else {
                    s.send(1 + (arg % 3));
                }
            }
            2 => {
                if kind == Kind::Fq {
                    s.recv();
                } else if let Some(p) = pick(&s) {
                    s.peer_reads(p, 1 + usize::from(arg >> 4));
                }
            }
            3 => s.deliver_socket_news(1 + usize::from(arg % 4)),
            4 => s.deliver_peer_news(1 + usize::from(arg % 4)),
            5 => {
                // The peer goes (its connection ended).
                if let Some(p) = pick(&s) {
                    if !s.peers[p].ended {
                        s.peers[p].pipe.terminate();
                        s.peers[p].ended = true;
                    }
                }
            }
            6 => {
                if let Some(p) = pick(&s) {
                    s.end_ours(p);
                }
            }
            _ => {
                // A burst: several parts sent or received in a row.
                for _ in 0..(arg % 8) {
                    if kind == Kind::Fq {
                        s.recv();
                    } else {
                        s.send(1 + (arg % 3));
                    }
                }
            }
        }
    }

    // Quiesce: deliver all news; read everything on both sides. On a live
    // link, nothing sent may be left behind.
    if kind != Kind::Fq {
        // Finish a message under way (its rest is dropped or goes out).
        while s.sending.is_some() {
            let before = s.sending;
            s.send(1);
            if s.sending == before {
                break;
            }
        }
    }
    for _ in 0..64 {
        s.deliver_socket_news(usize::MAX);
        s.deliver_peer_news(usize::MAX);
        if kind == Kind::Fq {
            while s.recv() {}
        } else {
            for p in 0..s.peers.len() {
                s.peer_reads(p, usize::MAX);
            }
        }
        if s.mailbox.0.lock().unwrap().is_empty() && s.peer_box.0.lock().unwrap().is_empty() {
            break;
        }
    }
    for peer in &s.peers {
        // Fq: what a peer sent before it went is still delivered.
        assert!(peer.owed.is_empty(), "a peer's message never arrived");
        if peer.idx.is_some() && !peer.ended {
            if kind == Kind::Lb {
                assert!(peer.expected.is_empty(), "a message sent whole never came");
            }
        }
    }
});
