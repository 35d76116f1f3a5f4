//! Pipes: the message channels between a socket and its peers (another
//! socket over inproc, or a session over the wire).
//!
//! A pipe end (`Pipe`) reads one ypipe and writes another; its peer end does
//! the opposite. HWM accounting is libzmq's: the writer counts complete
//! messages written, the reader counts messages read and returns credit
//! (`ActivateWrite`) every LWM messages; a writer at HWM stops until credit
//! arrives. A reader that found its ypipe empty sleeps and is woken by one
//! `ActivateRead` command from the writer's flush. Ending is one-sided: an
//! end that goes writes a delimiter (so the peer still reads what was sent
//! before) and tells the peer `PipeTerm` (so it stops writing).

pub mod ypipe;

use crate::msg::Msg;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use ypipe::{Reader, Writer};

/// The low-water mark for a high-water mark: credit is returned every LWM
/// messages. Half the HWM, as libzmq: far enough from both ends that the
/// writer neither waits for a drained queue nor wakes per message.
fn compute_lwm(hwm: u64) -> u64 {
    hwm.div_ceil(2)
}

fn next_key() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What the owner of a pipe end (a socket or a session) hears from the
/// peer end, each event naming the end by its key (libzmq's
/// `i_pipe_events`). The owner decides how the news reaches the thread that
/// runs it; a pipe knows nothing of threads or mailboxes.
pub trait PipeEvents: Send + Sync {
    /// The end's reader had gone to sleep and there is something to read.
    fn activate_read(&self, key: u64);
    /// The peer has read `msgs_read` messages in all: HWM credit.
    fn activate_write(&self, key: u64, msgs_read: u64);
    /// New HWMs for the end: the peer owner's (in, out) HWMs, with the
    /// peer's boosts when they become known.
    fn hwm(&self, key: u64, inhwm: i32, outhwm: i32, boosts: Option<(u64, u64)>);
    /// The peer end is gone: stop writing, read what is left up to the
    /// delimiter.
    fn pipe_term(&self, key: u64);
}

/// Where the news for one pipe end goes: set when the end is attached to
/// its owner. News that comes before (a socket changing its HWM or reading
/// while its connect's session is still on its way to the I/O thread) is
/// kept and told at the attach, so none is lost.
pub struct EndAddr {
    key: u64,
    owner: OnceLock<Arc<dyn PipeEvents>>,
    early: Mutex<Vec<Early>>,
    /// Draft ZMQ_DISCONNECT_MSG of the peer's owner (inproc): written to
    /// the peer, in place of any unfinished message, when this end goes.
    /// Set by either side (the binder sets it on a connector's end that
    /// was made before the bind).
    disconnect_msg: OnceLock<Vec<u8>>,
}

/// News for an end not attached yet.
enum Early {
    ActivateRead,
    ActivateWrite(u64),
    Hwm(i32, i32),
    Term,
}

impl Early {
    fn tell(self, owner: &dyn PipeEvents, key: u64) {
        match self {
            Early::ActivateRead => owner.activate_read(key),
            Early::ActivateWrite(n) => owner.activate_write(key, n),
            Early::Hwm(inhwm, outhwm) => owner.hwm(key, inhwm, outhwm, None),
            Early::Term => owner.pipe_term(key),
        }
    }
}

impl std::fmt::Debug for EndAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndAddr")
            .field("key", &self.key)
            .field("attached", &self.owner.get().is_some())
            .finish()
    }
}

impl EndAddr {
    fn new(key: u64) -> EndAddr {
        EndAddr {
            key,
            owner: OnceLock::new(),
            early: Mutex::new(Vec::new()),
            disconnect_msg: OnceLock::new(),
        }
    }

    /// Tells the owner, or keeps the news for it until it comes.
    fn tell(&self, event: Early) {
        if let Some(owner) = self.owner.get() {
            return event.tell(owner.as_ref(), self.key);
        }
        let mut early = self.early.lock().unwrap_or_else(|e| e.into_inner());
        // Checked again under the lock `attach` takes after setting it.
        match self.owner.get() {
            Some(owner) => {
                drop(early);
                event.tell(owner.as_ref(), self.key);
            }
            None => early.push(event),
        }
    }

    fn attach(&self, owner: Arc<dyn PipeEvents>) {
        if self.owner.set(owner).is_err() {
            return;
        }
        let early = std::mem::take(&mut *self.early.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some(owner) = self.owner.get() {
            for event in early {
                event.tell(owner.as_ref(), self.key);
            }
        }
    }
}

/// The last-value slot of a conflating direction (ZMQ_CONFLATE).
#[derive(Debug, Default)]
struct ConflateSlot {
    state: Mutex<(Option<Msg>, bool)>,
}

enum In {
    Queue(Reader<Msg>),
    Conflate(Arc<ConflateSlot>),
}

enum Out {
    Queue(Writer<Msg>),
    Conflate(Arc<ConflateSlot>),
}

/// What reading a pipe gives.
#[derive(Debug)]
pub enum Read {
    Msg(Msg),
    /// Nothing now; the pipe is inactive until an `ActivateRead`.
    Empty,
    /// The peer is gone and everything it sent has been read.
    Done,
}

/// One end of a pipe.
pub struct Pipe {
    me: Arc<EndAddr>,
    peer: Arc<EndAddr>,
    inp: In,
    out: Out,
    in_active: bool,
    out_active: bool,
    /// Outbound HWM in messages (0: none).
    hwm: u64,
    /// The peer's HWMs added to ours (inproc only).
    boosts: Option<(u64, u64)>,
    /// Inbound HWM (0: none), and the LWM derived from it: credit is
    /// returned every LWM messages.
    in_hwm: u64,
    lwm: u64,
    /// Messages to read before the next credit goes back.
    credit_in: u64,
    msgs_read: u64,
    msgs_written: u64,
    peers_msgs_read: u64,
    /// The peer went away (PipeTerm): nothing more may be written.
    peer_gone: bool,
    /// The delimiter was read.
    in_done: bool,
    /// The peer's routing id, as the owner should know it.
    pub routing_id: Vec<u8>,
    /// The routing id will come in-band (a ROUTING_ID message first): the
    /// pipe was made at connect, before the handshake named the peer.
    pub identity_pending: bool,
    /// The endpoint this pipe belongs to, for unbind / disconnect.
    pub endpoint: String,
    /// The connection's endpoints, for ZMQ_EVENT_PIPES_STATS (wire pipes).
    pub stats_endpoints: (String, String),
}

impl std::fmt::Debug for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipe")
            .field("key", &self.me.key)
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

/// How one direction of a new pipe behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Direction {
    /// Messages in flight before the writer stops (0: no limit).
    pub hwm: u64,
    /// Keep only the newest message.
    pub conflate: bool,
}

/// A connected pair of pipe ends: `a` writes in direction `ab` and reads
/// `ba`; `b` the opposite.
pub fn pipe_pair(ab: Direction, ba: Direction) -> (Pipe, Pipe) {
    fn direction(d: Direction) -> (Out, In) {
        if d.conflate {
            let slot = Arc::new(ConflateSlot::default());
            (Out::Conflate(Arc::clone(&slot)), In::Conflate(slot))
        } else {
            let (w, r) = ypipe::ypipe();
            (Out::Queue(w), In::Queue(r))
        }
    }
    let (a_out, b_in) = direction(ab);
    let (b_out, a_in) = direction(ba);
    let a_addr = Arc::new(EndAddr::new(next_key()));
    let b_addr = Arc::new(EndAddr::new(next_key()));
    let end =
        |me: &Arc<EndAddr>, peer: &Arc<EndAddr>, inp, out, out_d: Direction, in_d: Direction| {
            Pipe {
                me: Arc::clone(me),
                peer: Arc::clone(peer),
                inp,
                out,
                in_active: true,
                out_active: true,
                hwm: if out_d.conflate { 0 } else { out_d.hwm },
                boosts: None,
                in_hwm: if in_d.conflate { 0 } else { in_d.hwm },
                lwm: if in_d.conflate {
                    0
                } else {
                    compute_lwm(in_d.hwm)
                },
                credit_in: if in_d.conflate {
                    0
                } else {
                    compute_lwm(in_d.hwm)
                },
                msgs_read: 0,
                msgs_written: 0,
                peers_msgs_read: 0,
                peer_gone: false,
                in_done: false,
                routing_id: Vec::new(),
                identity_pending: false,
                endpoint: String::new(),
                stats_endpoints: (String::new(), String::new()),
            }
        };
    let a = end(&a_addr, &b_addr, a_in, a_out, ab, ba);
    let b = end(&b_addr, &a_addr, b_in, b_out, ba, ab);
    (a, b)
}

impl Pipe {
    /// This end's key: what commands for it carry.
    pub fn key(&self) -> u64 {
        self.me.key
    }

    /// Draft ZMQ_DISCONNECT_MSG: what the peer receives when this end
    /// goes (the first one set holds).
    pub fn set_disconnect_msg(&self, msg: Vec<u8>) {
        let _ = self.me.disconnect_msg.set(msg);
    }

    /// As `set_disconnect_msg`, for the peer's end: what this end's owner
    /// receives when the peer goes.
    pub fn set_peer_disconnect_msg(&self, msg: Vec<u8>) {
        let _ = self.peer.disconnect_msg.set(msg);
    }

    /// Gives this end an owner: what its peer end does is told to `owner`.
    pub fn attach<E: PipeEvents + 'static>(&self, owner: &Arc<E>) {
        let owner: Arc<dyn PipeEvents> = owner.clone();
        self.me.attach(owner);
    }

    /// Whether the HWM leaves room for another message (libzmq's
    /// `check_hwm`), without changing any state.
    pub fn has_room(&self) -> bool {
        self.hwm == 0 || self.msgs_written.saturating_sub(self.peers_msgs_read) < self.hwm
    }

    /// Messages written that the reader has not acknowledged yet.
    pub fn queued_out(&self) -> u64 {
        self.msgs_written.saturating_sub(self.peers_msgs_read)
    }

    /// The peer's (SNDHWM, RCVHWM) on an inproc pipe: added to ours, as
    /// libzmq's HWM "boost". Wire pipes have none.
    pub fn set_boosts(&mut self, in_boost: u64, out_boost: u64) {
        self.boosts = Some((in_boost, out_boost));
    }

    /// Sets the HWMs from the owner's RCVHWM (`inhwm`) and SNDHWM
    /// (`outhwm`) plus the peer's boosts; 0 on either side means none.
    pub fn apply_hwms(&mut self, inhwm: i32, outhwm: i32) {
        let (ib, ob) = match self.boosts {
            Some((i, o)) => (Some(i), Some(o)),
            None => (None, None),
        };
        let total = |own: i32, boost: Option<u64>| {
            if own <= 0 || boost == Some(0) {
                0
            } else {
                own as u64 + boost.unwrap_or(0)
            }
        };
        let (inn, out) = (total(inhwm, ib), total(outhwm, ob));
        self.set_hwms(out, inn);
    }

    /// Tells the peer end our new SNDHWM / RCVHWM.
    pub fn send_hwms_to_peer(&self, sndhwm: i32, rcvhwm: i32) {
        self.peer.tell(Early::Hwm(sndhwm, rcvhwm));
    }

    /// Replaces the HWMs (0: none).
    pub fn set_hwms(&mut self, out_hwm: u64, in_hwm: u64) {
        self.hwm = out_hwm;
        self.in_hwm = in_hwm;
        self.set_lwm(compute_lwm(in_hwm));
    }

    /// Credit goes back every `lwm` messages, counted from the last credit
    /// (as libzmq's `msgs_read % lwm`).
    fn set_lwm(&mut self, lwm: u64) {
        self.lwm = lwm;
        self.credit_in = if lwm == 0 {
            0
        } else {
            lwm - self.msgs_read % lwm
        };
    }

    /// Re-activates writing when the HWM now leaves room. True when it did.
    pub fn activate_write_room(&mut self) -> bool {
        let room =
            self.hwm == 0 || self.msgs_written.saturating_sub(self.peers_msgs_read) < self.hwm;
        if !self.out_active && !self.peer_gone && room {
            self.out_active = true;
            return true;
        }
        false
    }

    /// The peer's end of the pipe, for a connect before the peer exists.
    pub fn peer_key(&self) -> u64 {
        self.peer.key
    }

    fn in_check(&mut self) -> bool {
        match &mut self.inp {
            In::Queue(r) => r.check_read(),
            In::Conflate(slot) => {
                let mut st = slot.state.lock().unwrap_or_else(|e| e.into_inner());
                if st.0.is_some() {
                    true
                } else {
                    st.1 = false; // asleep
                    false
                }
            }
        }
    }

    /// Whether a message can be read now. False deactivates the pipe (an
    /// `ActivateRead` will come), and a delimiter at the front ends it.
    pub fn check_read(&mut self) -> bool {
        if !self.in_active || self.in_done {
            return false;
        }
        if !self.in_check() {
            self.in_active = false;
            return false;
        }
        let delimiter = match &mut self.inp {
            In::Queue(r) => r.peek().is_some_and(|m| m.is_delimiter()),
            In::Conflate(_) => false,
        };
        if delimiter {
            self.read();
            return false;
        }
        true
    }

    #[inline]
    pub fn read(&mut self) -> Read {
        if !self.in_active || self.in_done {
            return Read::Empty;
        }
        let msg = match &mut self.inp {
            In::Queue(r) => r.read(),
            In::Conflate(slot) => {
                let mut st = slot.state.lock().unwrap_or_else(|e| e.into_inner());
                let m = st.0.take();
                if m.is_none() {
                    st.1 = false;
                }
                m
            }
        };
        let Some(msg) = msg else {
            self.in_active = false;
            return Read::Empty;
        };
        if msg.is_delimiter() {
            self.in_active = false;
            self.in_done = true;
            return Read::Done;
        }
        if !msg.more() {
            self.msgs_read += 1;
            // Credit every LWM messages (a countdown: no division per
            // message).
            if self.lwm > 0 {
                self.credit_in -= 1;
                if self.credit_in == 0 {
                    self.credit_in = self.lwm;
                    let n = self.msgs_read;
                    self.peer.tell(Early::ActivateWrite(n));
                }
            }
        }
        Read::Msg(msg)
    }

    /// Whether a message may be written now (HWM, peer alive). False
    /// deactivates the pipe for writing until credit arrives.
    pub fn check_write(&mut self) -> bool {
        if !self.out_active || self.peer_gone {
            return false;
        }
        if self.hwm > 0 && self.msgs_written.saturating_sub(self.peers_msgs_read) >= self.hwm {
            self.out_active = false;
            return false;
        }
        true
    }

    /// Writes one message part; gives it back when the pipe cannot take it.
    #[inline]
    pub fn write(&mut self, msg: Msg) -> Result<(), Msg> {
        if !self.check_write() {
            return Err(msg);
        }
        self.write_unchecked(msg);
        Ok(())
    }

    #[inline]
    fn write_unchecked(&mut self, msg: Msg) {
        let more = msg.more();
        match &mut self.out {
            Out::Queue(w) => w.write(msg, more),
            Out::Conflate(slot) => {
                slot.state.lock().unwrap_or_else(|e| e.into_inner()).0 = Some(msg);
            }
        }
        if !more {
            self.msgs_written += 1;
        }
    }

    /// Publishes what was written; wakes the peer if it sleeps.
    pub fn flush(&mut self) {
        let awake = match &mut self.out {
            Out::Queue(w) => w.flush(),
            Out::Conflate(slot) => {
                let mut st = slot.state.lock().unwrap_or_else(|e| e.into_inner());
                let was_awake = st.1;
                st.1 = true;
                was_awake
            }
        };
        if !awake {
            self.peer.tell(Early::ActivateRead);
        }
    }

    /// Drops the parts of a message whose last part was never written.
    pub fn rollback(&mut self) {
        if let Out::Queue(w) = &mut self.out {
            drop(w.unwrite_incomplete());
        }
    }

    /// HWM credit from the peer. True when this re-activates writing.
    pub fn activate_write(&mut self, msgs_read: u64) -> bool {
        self.peers_msgs_read = msgs_read;
        if !self.out_active && !self.peer_gone {
            self.out_active = true;
            return true;
        }
        false
    }

    /// The peer said it has data after sleeping. True when this re-activates
    /// reading.
    pub fn activate_read(&mut self) -> bool {
        if !self.in_active && !self.in_done {
            self.in_active = true;
            return true;
        }
        false
    }

    /// The peer went away: no more writes. Its last messages can still be
    /// read, up to the delimiter.
    pub fn peer_terminated(&mut self) {
        self.peer_gone = true;
        self.out_active = false;
    }

    pub fn is_peer_gone(&self) -> bool {
        self.peer_gone
    }

    /// Whether everything the peer will ever send has been read.
    pub fn is_in_done(&self) -> bool {
        self.in_done
    }

    /// Ends this side: the peer reads what was sent, then the delimiter,
    /// and stops writing to us.
    pub fn terminate(&mut self) {
        self.rollback();
        if !self.peer_gone {
            let last = self.me.disconnect_msg.get().map(|d| Msg::from_slice(d));
            if let Some(Ok(m)) = last {
                self.write_unchecked(m);
            }
            self.write_unchecked(Msg::delimiter());
            self.flush();
            self.peer.tell(Early::Term);
        }
        self.peer_gone = true;
        self.out_active = false;
    }
}

/// Index of a pipe in its owner's `Pipes`.
pub type PipeIdx = usize;

/// The pipes of one owner: a slab addressed by index on the hot path, and
/// by key for commands.
#[derive(Debug, Default)]
pub struct Pipes {
    slab: Vec<Option<Pipe>>,
    free: Vec<PipeIdx>,
    keys: HashMap<u64, PipeIdx>,
    /// Pipes whose delimiter was read: the owner removes them.
    pub dead: Vec<PipeIdx>,
}

impl Pipes {
    pub fn insert(&mut self, pipe: Pipe) -> PipeIdx {
        let key = pipe.key();
        let idx = match self.free.pop() {
            Some(i) => {
                self.slab[i] = Some(pipe);
                i
            }
            None => {
                self.slab.push(Some(pipe));
                self.slab.len() - 1
            }
        };
        self.keys.insert(key, idx);
        idx
    }

    pub fn remove(&mut self, idx: PipeIdx) -> Option<Pipe> {
        let pipe = self.slab.get_mut(idx)?.take()?;
        self.keys.remove(&pipe.key());
        self.free.push(idx);
        Some(pipe)
    }

    pub fn by_key(&self, key: u64) -> Option<PipeIdx> {
        self.keys.get(&key).copied()
    }

    #[inline]
    pub fn get(&mut self, idx: PipeIdx) -> &mut Pipe {
        match self.slab.get_mut(idx) {
            Some(Some(p)) => p,
            // Strategies only hold indices of live pipes.
            _ => panic!("no pipe at index {idx}"),
        }
    }

    pub fn try_get(&mut self, idx: PipeIdx) -> Option<&mut Pipe> {
        self.slab.get_mut(idx).and_then(|p| p.as_mut())
    }

    pub fn indices(&self) -> Vec<PipeIdx> {
        self.slab
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.as_ref().map(|_| i))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Reads one message part from pipe `idx`, noting the pipe dead when
    /// its delimiter comes.
    #[inline]
    pub fn read(&mut self, idx: PipeIdx) -> Option<Msg> {
        match self.get(idx).read() {
            Read::Msg(m) => Some(m),
            Read::Empty => None,
            Read::Done => {
                self.dead.push(idx);
                None
            }
        }
    }

    /// `check_read` that also notes a pipe whose delimiter it met.
    pub fn check_read(&mut self, idx: PipeIdx) -> bool {
        let p = self.get(idx);
        let ok = p.check_read();
        if !ok && p.is_in_done() && !self.dead.contains(&idx) {
            self.dead.push(idx);
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(b: &[u8], more: bool) -> Msg {
        let mut m = Msg::from_slice(b).unwrap();
        if more {
            m.set_flags(crate::msg::flags::MORE);
        }
        m
    }

    /// Records what an owner is told.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl PipeEvents for Recorder {
        fn activate_read(&self, _key: u64) {
            self.0.lock().unwrap().push("read".into());
        }
        fn activate_write(&self, _key: u64, n: u64) {
            self.0.lock().unwrap().push(format!("write {n}"));
        }
        fn hwm(&self, _key: u64, i: i32, o: i32, _b: Option<(u64, u64)>) {
            self.0.lock().unwrap().push(format!("hwm {i} {o}"));
        }
        fn pipe_term(&self, _key: u64) {
            self.0.lock().unwrap().push("term".into());
        }
    }

    #[test]
    fn news_before_attach_is_told_at_attach() {
        let (a, b) = pipe_pair(Direction::default(), Direction::default());
        a.send_hwms_to_peer(10, 0);
        a.send_hwms_to_peer(20, 0);
        let owner = Arc::new(Recorder::default());
        b.attach(&owner);
        assert_eq!(*owner.0.lock().unwrap(), ["hwm 10 0", "hwm 20 0"]);
        // Once attached, news goes straight through.
        a.send_hwms_to_peer(30, 5);
        assert_eq!(owner.0.lock().unwrap().last().unwrap(), "hwm 30 5");
    }

    #[test]
    fn lwm_formula() {
        assert_eq!(compute_lwm(1000), 500);
        assert_eq!(compute_lwm(1), 1);
        assert_eq!(compute_lwm(5000), 2500);
        assert_eq!(compute_lwm(11024), 5512);
    }

    #[test]
    fn hwm_stops_the_writer_until_credit() {
        let d = Direction {
            hwm: 2,
            conflate: false,
        };
        let (mut a, mut b) = pipe_pair(d, d);
        assert!(a.write(msg(b"1", false)).is_ok());
        assert!(a.write(msg(b"2", false)).is_ok());
        assert!(a.write(msg(b"3", false)).is_err());
        a.flush();
        assert!(matches!(b.read(), Read::Msg(_)));
        // Credit comes as a command (every LWM = 1 message); apply it by hand.
        assert!(a.activate_write(1));
        assert!(a.write(msg(b"3", false)).is_ok());
    }

    #[test]
    fn parts_of_a_message_count_once() {
        let d = Direction {
            hwm: 1,
            conflate: false,
        };
        let (mut a, mut b) = pipe_pair(d, d);
        assert!(a.write(msg(b"a", true)).is_ok());
        assert!(a.write(msg(b"b", false)).is_ok());
        assert!(a.write(msg(b"c", false)).is_err());
        a.flush();
        assert!(matches!(b.read(), Read::Msg(m) if m.more()));
        assert!(matches!(b.read(), Read::Msg(m) if !m.more()));
    }

    #[test]
    fn terminate_delivers_then_ends() {
        let (mut a, mut b) = pipe_pair(Direction::default(), Direction::default());
        a.write(msg(b"last", false)).unwrap();
        a.flush();
        a.terminate();
        assert!(matches!(b.read(), Read::Msg(_)));
        assert!(matches!(b.read(), Read::Done));
        assert!(b.is_in_done());
    }

    #[test]
    fn conflate_keeps_the_newest() {
        let c = Direction {
            hwm: 0,
            conflate: true,
        };
        let (mut a, mut b) = pipe_pair(c, c);
        for i in 0..10u8 {
            a.write(msg(&[i], false)).unwrap();
            a.flush();
        }
        match b.read() {
            Read::Msg(m) => assert_eq!(m.data(), &[9]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(b.read(), Read::Empty));
    }

    #[test]
    fn rollback_drops_an_incomplete_message() {
        let (mut a, mut b) = pipe_pair(Direction::default(), Direction::default());
        a.write(msg(b"x", true)).unwrap();
        a.rollback();
        a.write(msg(b"y", false)).unwrap();
        a.flush();
        match b.read() {
            Read::Msg(m) => assert_eq!(m.data(), b"y"),
            other => panic!("{other:?}"),
        }
    }
}
