//! I/O threads (ZMQ_IO_THREADS): each runs one event loop (mio, i.e.
//! epoll) over its listeners and sessions, its mailbox and its timers.
//! Thread name, priority, scheduling policy and CPU affinity come from the
//! context options.

use super::mailbox::Mailbox;
use super::session::{lock, Session, SessionCell, SessionEvents};
use super::udp::UdpSession;
use crate::command::Command;
use crate::constants::*;
use crate::ctx::CtxOptions;
use crate::error::{Error, Result};
use crate::monitor;
use crate::transport::{Listener, Stream};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Counts the sessions still alive in the I/O threads, so that
/// `zmq_ctx_term` waits for the lingering ones.
#[derive(Debug, Default)]
pub struct Live {
    count: Mutex<usize>,
    zero: Condvar,
}

impl Live {
    pub(crate) fn inc(&self) {
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    }

    fn dec(&self) {
        let mut c = self.count.lock().unwrap_or_else(|e| e.into_inner());
        *c = c.saturating_sub(1);
        if *c == 0 {
            self.zero.notify_all();
        }
    }

    /// Blocks until no session is left.
    pub fn wait_zero(&self) {
        let mut c = self.count.lock().unwrap_or_else(|e| e.into_inner());
        while *c > 0 {
            c = self.zero.wait(c).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A listening endpoint, as the socket hands it over.
pub struct ListenerSpec {
    pub listener: Listener,
    pub endpoint: String,
    pub opts: Arc<super::session::SessionOptions>,
}

/// What a socket asks of an I/O thread.
pub enum IoCommand {
    Listen(ListenerSpec),
    Connect(Box<Session>),
    /// A udp endpoint (bound or connected), its socket already open.
    Udp(Box<UdpSession>),
    /// zmq_unbind / zmq_disconnect: the listener or connections for this
    /// endpoint end (with the socket's LINGER for pending messages).
    CloseEndpoint {
        socket_id: u64,
        endpoint: String,
        linger: i32,
    },
    /// zmq_close: everything of this socket ends (with its LINGER).
    SocketClosed {
        socket_id: u64,
        linger: i32,
    },
}

impl std::fmt::Debug for IoCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IoCommand")
    }
}

pub struct IoThread {
    mailbox: Arc<Mailbox>,
    handle: JoinHandle<()>,
}

/// Applies the context's scheduling options to the calling thread; failures
/// (e.g. no permission for a real-time policy) are ignored, as in libzmq.
fn apply_sched(opts: &CtxOptions) {
    if opts.thread_sched_policy >= 0 || opts.thread_priority >= 0 {
        // SAFETY: plain pthread calls on the current thread with valid
        // pointers.
        unsafe {
            let mut policy = 0;
            let mut param: libc::sched_param = std::mem::zeroed();
            libc::pthread_getschedparam(libc::pthread_self(), &mut policy, &mut param);
            if opts.thread_sched_policy >= 0 {
                policy = opts.thread_sched_policy;
            }
            if opts.thread_priority >= 0 {
                param.sched_priority = opts.thread_priority;
            }
            libc::pthread_setschedparam(libc::pthread_self(), policy, &param);
        }
    }
    if !opts.thread_affinity_cpus.is_empty() {
        // SAFETY: a zeroed cpu_set_t filled with CPU_SET, applied to the
        // current thread.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            for &cpu in &opts.thread_affinity_cpus {
                if (cpu as usize) < libc::CPU_SETSIZE as usize {
                    libc::CPU_SET(cpu as usize, &mut set);
                }
            }
            libc::pthread_setaffinity_np(
                libc::pthread_self(),
                std::mem::size_of::<libc::cpu_set_t>(),
                &set,
            );
        }
    }
}

impl IoThread {
    pub fn start(index: i32, opts: &CtxOptions, live: Arc<Live>) -> Result<IoThread> {
        let mailbox = Arc::new(Mailbox::new()?);
        let mb = Arc::clone(&mailbox);
        let prefix = String::from_utf8_lossy(&opts.thread_name_prefix).into_owned();
        let name = if prefix.is_empty() {
            format!("ZMQbg/IO/{index}")
        } else {
            format!("{prefix}/ZMQbg/IO/{index}")
        };
        let opts = opts.clone();
        let poll = Poll::new().map_err(|e| Error(e.raw_os_error().unwrap_or(libc::EMFILE)))?;
        let handle = std::thread::Builder::new()
            .name(name.chars().take(15).collect())
            .spawn(move || {
                apply_sched(&opts);
                Reactor::new(poll, mb, live).run();
            })
            .map_err(|e| Error(e.raw_os_error().unwrap_or(libc::EAGAIN)))?;
        Ok(IoThread { mailbox, handle })
    }

    pub fn mailbox(&self) -> &Arc<Mailbox> {
        &self.mailbox
    }

    pub fn stop(self) {
        self.mailbox.send(Command::Stop);
        let _ = self.handle.join();
    }
}

const MAILBOX: Token = Token(usize::MAX);

struct ListenerObj {
    listener: Listener,
    endpoint: String,
    opts: Arc<super::session::SessionOptions>,
}

enum Obj {
    Listener(ListenerObj),
    /// Behind a lock: an application thread may write to the session's
    /// idle connection itself (`SessionEvents`).
    Session(Arc<SessionCell>),
    Udp(Box<UdpSession>),
}

/// One I/O thread's loop.
struct Reactor {
    poll: Poll,
    mailbox: Arc<Mailbox>,
    objs: Vec<Option<Obj>>,
    free: Vec<usize>,
    /// Pipe key of a session's pipe end → the session.
    keys: HashMap<u64, usize>,
    live: Arc<Live>,
    /// Commands taken from the mailbox, kept for their capacity.
    batch: std::collections::VecDeque<Command>,
    /// Sessions a run of activation commands woke, driven once each.
    woken: Vec<usize>,
    /// Socket id → the slots of its sessions, so that closing a socket or
    /// an endpoint looks at that socket's sessions only.
    by_socket: HashMap<u64, HashSet<usize>>,
    /// Per slot: in `woken` (so a run of activations costs no search).
    is_woken: Vec<bool>,
    /// When each slot's session next needs its timers, as last computed.
    deadlines: Vec<Option<Instant>>,
    /// Those deadlines, soonest first; an entry that no longer matches
    /// `deadlines` is stale and skipped.
    by_deadline: BinaryHeap<Reverse<(Instant, usize)>>,
    /// Slots whose session the loop has touched since their deadline was
    /// computed (every access goes through `cell`): only these are looked
    /// at again, so a pass costs what it did, not one lock per connection.
    touched: RefCell<Touched>,
}

/// The slots touched since the last look, each once however often.
#[derive(Default)]
struct Touched {
    list: Vec<usize>,
    marked: Vec<bool>,
}

impl Touched {
    fn mark(&mut self, idx: usize) {
        if self.marked.len() <= idx {
            self.marked.resize(idx + 1, false);
        }
        if !std::mem::replace(&mut self.marked[idx], true) {
            self.list.push(idx);
        }
    }

    /// The slots marked, now unmarked.
    fn take(&mut self) -> Vec<usize> {
        for &idx in &self.list {
            self.marked[idx] = false;
        }
        std::mem::take(&mut self.list)
    }
}

impl Reactor {
    fn new(poll: Poll, mailbox: Arc<Mailbox>, live: Arc<Live>) -> Reactor {
        Reactor {
            poll,
            mailbox,
            objs: Vec::new(),
            free: Vec::new(),
            keys: HashMap::new(),
            live,
            batch: std::collections::VecDeque::new(),
            woken: Vec::new(),
            is_woken: Vec::new(),
            by_socket: HashMap::new(),
            deadlines: Vec::new(),
            by_deadline: BinaryHeap::new(),
            touched: RefCell::new(Touched::default()),
        }
    }

    fn run(mut self) {
        // Commands raise the fd only while this thread sleeps in poll;
        // otherwise it sees the mailbox's pending flag.
        let fd = self.mailbox.own_fd();
        if self
            .poll
            .registry()
            .register(&mut SourceFd(&fd), MAILBOX, Interest::READABLE)
            .is_err()
        {
            return;
        }
        let mut events = Events::with_capacity(256);
        // After work the thread looks once more without sleeping; when
        // that finds nothing it is idle: since when, and how long it spins
        // (polls without sleeping, yielding in between) before it sleeps
        // (see `spin`).
        let mut idle: Option<(Instant, Duration)> = None;
        loop {
            let now = Instant::now();
            let spinning = idle.is_none_or(|(since, spin)| now.duration_since(since) < spin);
            let mut timeout = if spinning {
                Some(Duration::ZERO)
            } else {
                self.next_deadline()
                    .map(|d| d.saturating_duration_since(now))
            };
            let sleeps = timeout != Some(Duration::ZERO);
            if sleeps && self.mailbox.sleep() {
                timeout = Some(Duration::ZERO);
            }
            let polled = self.poll.poll(&mut events, timeout);
            if sleeps {
                self.mailbox.woke();
            }
            if let Err(e) = polled {
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return;
                }
            }
            let mut commands = self.mailbox.has_pending();
            let worked = !events.is_empty() || commands;
            if worked {
                if let Some((since, _)) = idle.take() {
                    if self.mailbox.take_wrote_for() {
                        super::spin::sent();
                    }
                    super::spin::record(Some(since.elapsed()));
                }
            } else if idle.is_none() {
                idle = Some((now, super::spin::budget()));
            } else if sleeps {
                // A timer's wake-up (or a signal): a wait that found no
                // work; the thread does its timers and looks again.
                super::spin::record(None);
                idle = None;
            } else {
                std::thread::yield_now();
            }
            // Commands first: an unbind or a close the application made
            // before its peer's data arrived takes effect before that data
            // is read (a sender may write to the wire itself, so the data
            // can come as fast as the command).
            commands |= events.iter().any(|ev| ev.token() == MAILBOX);
            if commands && !self.commands() {
                return;
            }
            for ev in events.iter() {
                if ev.token() != MAILBOX {
                    // Errors and hang-ups are found by the next read or write.
                    let trouble = ev.is_error() || ev.is_read_closed() || ev.is_write_closed();
                    self.ready(ev.token().0, ev.is_readable(), ev.is_writable(), trouble);
                }
            }
            self.timers(Instant::now());
        }
    }

    fn insert(&mut self, obj: Obj) -> usize {
        match self.free.pop() {
            Some(i) => {
                self.objs[i] = Some(obj);
                i
            }
            None => {
                self.objs.push(Some(obj));
                self.objs.len() - 1
            }
        }
    }

    /// Recomputes the deadlines of the sessions touched since.
    fn refresh_deadlines(&mut self) {
        let mut touched = self.touched.borrow_mut().take();
        for &idx in &touched {
            let d = match self.objs.get(idx) {
                Some(Some(Obj::Session(s))) => lock(s).next_deadline(),
                _ => None,
            };
            if self.deadlines.len() <= idx {
                self.deadlines.resize(idx + 1, None);
            }
            if self.deadlines[idx] != d {
                self.deadlines[idx] = d;
                if let Some(d) = d {
                    self.by_deadline.push(Reverse((d, idx)));
                }
            }
        }
        touched.clear();
        {
            // (The list's allocation back, for the next pass.)
            let mut t = self.touched.borrow_mut();
            if t.list.is_empty() {
                t.list = touched;
            }
        }
        // Stale entries leave only from the top: a deadline that keeps
        // moving (a peer's pings with a TTL, handshake timeouts of short
        // connections) would pile them up. Past twice the live ones, the
        // heap is rebuilt from `deadlines`.
        if self.by_deadline.len() > 64 + 2 * self.objs.len() {
            self.by_deadline = self
                .deadlines
                .iter()
                .enumerate()
                .filter_map(|(idx, d)| d.map(|d| Reverse((d, idx))))
                .collect();
        }
    }

    /// The soonest deadline of any session.
    fn next_deadline(&mut self) -> Option<Instant> {
        self.refresh_deadlines();
        while let Some(&Reverse((d, idx))) = self.by_deadline.peek() {
            if self.deadlines.get(idx).copied().flatten() == Some(d) {
                return Some(d);
            }
            self.by_deadline.pop();
        }
        None
    }

    /// Handles waiting commands; false on Stop.
    ///
    /// Activations (a pipe became readable, HWM credit) only mark their
    /// session; the marked sessions are driven once each after the run of
    /// activations, so a peer that wakes a session per message costs one
    /// pass over the pipe, not one write per message. Any other command
    /// drives the marked sessions first, keeping the order of effects.
    fn commands(&mut self) -> bool {
        let mut batch = std::mem::take(&mut self.batch);
        let mut go_on = true;
        // Until they are handled, the commands' senders write nothing to
        // the wire themselves (`SessionEvents`): a message sent after an
        // unbind must not overtake it.
        self.mailbox.handling(true);
        while go_on && self.mailbox.try_recv_all(&mut batch) {
            while let Some(cmd) = batch.pop_front() {
                if !self.command(cmd) {
                    go_on = false;
                    break;
                }
            }
            self.drive_woken();
        }
        self.mailbox.handling(false);
        batch.clear();
        self.batch = batch;
        go_on
    }

    fn session_by_key(&self, key: u64) -> Option<(usize, Arc<SessionCell>)> {
        let idx = self.keys.get(&key).copied()?;
        Some((idx, self.cell(idx)?))
    }

    /// The session in slot `idx`, if that is one. The caller may change
    /// it, so its deadline is looked at again before the next wait.
    fn cell(&self, idx: usize) -> Option<Arc<SessionCell>> {
        match self.objs.get(idx)? {
            Some(Obj::Session(c)) => {
                self.touched.borrow_mut().mark(idx);
                Some(Arc::clone(c))
            }
            _ => None,
        }
    }

    /// Puts a session in a slot, and gives its data pipe's end the owner
    /// that lets the application thread write for it.
    fn insert_session(&mut self, session: Box<Session>) -> usize {
        let socket_id = session.opts.socket_id;
        let cell = Arc::new(std::sync::Mutex::new(session));
        let events = Arc::new(SessionEvents::new(
            Arc::clone(&self.mailbox),
            Arc::downgrade(&cell),
        ));
        {
            let mut s = lock(&cell);
            if let Some(p) = s.pipe.as_ref() {
                p.attach(&events);
            }
            s.events = Some(events);
        }
        let idx = self.insert(Obj::Session(cell));
        self.by_socket.entry(socket_id).or_default().insert(idx);
        idx
    }

    fn udp_by_key(&mut self, key: u64) -> Option<(usize, &mut UdpSession)> {
        let idx = self.keys.get(&key).copied()?;
        match self.objs.get_mut(idx).and_then(|o| o.as_mut()) {
            Some(Obj::Udp(u)) => Some((idx, u)),
            _ => None,
        }
    }

    fn wake(&mut self, idx: usize) {
        if self.is_woken.len() <= idx {
            self.is_woken.resize(idx + 1, false);
        }
        if !self.is_woken[idx] {
            self.is_woken[idx] = true;
            self.woken.push(idx);
        }
    }

    fn drive_woken(&mut self) {
        let mut woken = std::mem::take(&mut self.woken);
        for &idx in &woken {
            self.is_woken[idx] = false;
            self.drive(idx);
        }
        // (Any woken meanwhile stay marked, and wait for the next call.)
        woken.clear();
        woken.append(&mut self.woken);
        self.woken = woken;
    }

    /// One command; false on Stop.
    fn command(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::ActivateRead(key) => {
                if let Some((idx, s)) = self.session_by_key(key) {
                    lock(&s).activate_read(key);
                    self.wake(idx);
                } else if let Some((idx, u)) = self.udp_by_key(key) {
                    u.activate_read(key);
                    self.wake(idx);
                }
            }
            Command::ActivateWrite(key, n) => {
                if let Some((idx, s)) = self.session_by_key(key) {
                    if let Some(p) = lock(&s).pipe.as_mut().filter(|p| p.key() == key) {
                        p.activate_write(n);
                    }
                    self.wake(idx);
                } else if let Some((idx, u)) = self.udp_by_key(key) {
                    u.activate_write(key, n);
                    self.wake(idx);
                }
            }
            other => {
                self.drive_woken();
                match other {
                    Command::Stop => return false,
                    Command::Io(io) => self.io_command(*io),
                    Command::PipeHwm {
                        key, inhwm, outhwm, ..
                    } => {
                        if let Some((idx, s)) = self.session_by_key(key) {
                            if let Some(p) = lock(&s).pipe.as_mut().filter(|p| p.key() == key) {
                                p.apply_hwms(inhwm, outhwm);
                            }
                            self.drive(idx);
                        } else if let Some((idx, u)) = self.udp_by_key(key) {
                            u.apply_hwms(key, inhwm, outhwm);
                            self.drive(idx);
                        }
                    }
                    Command::PipeTerm(key) => {
                        if let Some((idx, s)) = self.session_by_key(key) {
                            lock(&s).pipe_term(key);
                            self.drive(idx);
                        } else if let Some((idx, u)) = self.udp_by_key(key) {
                            u.pipe_term(key);
                            self.drive(idx);
                        }
                    }
                    Command::Bind(_)
                    | Command::ActivateRead(_)
                    | Command::ActivateWrite(..)
                    | Command::Launched => {}
                }
            }
        }
        true
    }

    fn io_command(&mut self, cmd: IoCommand) {
        let now = Instant::now();
        match cmd {
            IoCommand::Listen(spec) => {
                let idx = self.insert(Obj::Listener(ListenerObj {
                    listener: spec.listener,
                    endpoint: spec.endpoint,
                    opts: spec.opts,
                }));
                if let Some(Obj::Listener(l)) = self.objs[idx].as_mut() {
                    let _ = self.poll.registry().register(
                        l.listener.source(),
                        Token(idx),
                        Interest::READABLE,
                    );
                }
            }
            IoCommand::Connect(session) => {
                // (Counted live by the socket when it sent the command.)
                let key = session.pipe.as_ref().map(|p| p.key());
                let idx = self.insert_session(session);
                if let Some(k) = key {
                    self.keys.insert(k, idx);
                }
                self.connect(idx, now);
            }
            IoCommand::Udp(u) => {
                let key = u.pipe.as_ref().map(|p| p.key());
                if let Some(p) = u.pipe.as_ref() {
                    p.attach(&self.mailbox);
                }
                let idx = self.insert(Obj::Udp(u));
                if let Some(k) = key {
                    self.keys.insert(k, idx);
                }
                if let Some(Obj::Udp(u)) = self.objs[idx].as_mut() {
                    let _ = self.poll.registry().register(
                        u.source(),
                        Token(idx),
                        Interest::READABLE | Interest::WRITABLE,
                    );
                }
                self.drive(idx);
            }
            IoCommand::CloseEndpoint {
                socket_id,
                endpoint,
                linger,
            } => self.close_where(now, socket_id, linger, true, |ep| ep == endpoint),
            IoCommand::SocketClosed { socket_id, linger } => {
                self.close_where(now, socket_id, linger, false, |_| true)
            }
        }
    }

    /// Ends the listeners and sessions of socket `socket_id` whose
    /// endpoint `matches`; sessions finish sending within `linger`.
    /// `unbind`: connections accepted on a closed listener end at once (a
    /// closing socket's instead finish within its LINGER).
    fn close_where(
        &mut self,
        now: Instant,
        socket_id: u64,
        linger: i32,
        unbind: bool,
        matches: impl Fn(&str) -> bool,
    ) {
        let matches = |sock: u64, ep: &str| sock == socket_id && matches(ep);
        let mut closed_listeners = Vec::new();
        for idx in 0..self.objs.len() {
            let remove = match self.objs[idx].as_mut() {
                // (The socket reports CLOSED itself, before it returns.)
                Some(Obj::Listener(l)) if matches(l.opts.socket_id, &l.endpoint) => true,
                _ => false,
            };
            if remove {
                if let Some(Obj::Listener(mut l)) = self.objs[idx].take() {
                    let _ = self.poll.registry().deregister(l.listener.source());
                }
                self.free.push(idx);
                closed_listeners.push(idx);
            }
        }
        for idx in 0..self.objs.len() {
            if let Some(Obj::Udp(u)) = self.objs[idx].as_mut() {
                if matches(u.socket_id, &u.endpoint) {
                    u.closing = true;
                    self.drive(idx);
                }
            }
        }
        let mut sessions: Vec<usize> = self
            .by_socket
            .get(&socket_id)
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default();
        sessions.sort_unstable();
        for idx in sessions {
            if let Some(cell) = self.cell(idx) {
                let mut s = lock(&cell);
                let child = s.listener.is_some_and(|l| closed_listeners.contains(&l));
                if child && unbind {
                    // Connections accepted on an unbound endpoint end now:
                    // the socket stops sending to them at once.
                    if let Some(mut p) = s.pipe.take() {
                        self.keys.remove(&p.key());
                        p.terminate();
                    }
                    s.done = true;
                    drop(s);
                    self.drive(idx);
                } else if child || matches(s.opts.socket_id, &s.endpoint) {
                    s.closing = true;
                    s.connect_stop();
                    if linger >= 0 {
                        let d = now + Duration::from_millis(linger as u64);
                        s.linger_deadline = Some(s.linger_deadline.map_or(d, |old| old.min(d)));
                    }
                    drop(s);
                    self.drive(idx);
                }
            }
        }
    }

    fn register_stream(&mut self, idx: usize) {
        if let Some(cell) = self.cell(idx) {
            Self::watch_out(&self.poll, idx, &mut lock(&cell), true);
        }
    }

    /// Registers a session's new stream (`first`), or re-arms it when what
    /// it needs has changed: the stream is watched for writability only
    /// while the engine needs to hear of it (`Engine::wants_writable`), as
    /// libzmq's poller does with POLLOUT. Re-arming also reports what is
    /// ready now, so no edge is lost in between.
    fn watch_out(poll: &Poll, idx: usize, s: &mut Session, first: bool) {
        let Some(e) = s.engine.as_mut() else {
            return;
        };
        let out = e.wants_writable();
        if !first && out == e.watching_out {
            return;
        }
        let interest = if out {
            Interest::READABLE | Interest::WRITABLE
        } else {
            Interest::READABLE
        };
        let registry = poll.registry();
        let armed = if first {
            registry.register(e.stream.source(), Token(idx), interest)
        } else {
            registry.reregister(e.stream.source(), Token(idx), interest)
        };
        if armed.is_ok() {
            e.watching_out = out;
        }
    }

    fn deregister_stream(poll: &Poll, s: &mut Session) {
        if let Some(e) = s.engine.as_mut() {
            let _ = poll.registry().deregister(e.stream.source());
        }
    }

    fn connect(&mut self, idx: usize, now: Instant) {
        if let Some(cell) = self.cell(idx) {
            let connecting = lock(&cell).try_connect(now).is_some();
            if connecting {
                self.register_stream(idx);
            }
        }
        self.drive(idx);
    }

    /// A listener or a session's stream is ready.
    fn ready(&mut self, idx: usize, readable: bool, writable: bool, trouble: bool) {
        let accepted: Vec<(Stream, Arc<super::session::SessionOptions>, String)> =
            match self.objs.get_mut(idx).and_then(|o| o.as_mut()) {
                Some(Obj::Listener(l)) => {
                    let mut v = Vec::new();
                    loop {
                        match l.listener.accept(&l.opts.tcp) {
                            Ok(s) => v.push((s, Arc::clone(&l.opts), l.endpoint.clone())),
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => {
                                monitor::emit(
                                    &l.opts.monitor,
                                    ZMQ_EVENT_ACCEPT_FAILED,
                                    e.raw_os_error().unwrap_or(0) as u64,
                                    &monitor::Endpoints::bound(&l.endpoint),
                                );
                                break;
                            }
                        }
                    }
                    v
                }
                Some(Obj::Session(s)) => {
                    lock(s).stream_ready(readable, writable, trouble);
                    self.drive(idx);
                    return;
                }
                Some(Obj::Udp(_)) => {
                    self.drive(idx);
                    return;
                }
                None => return,
            };
        let now = Instant::now();
        for (stream, opts, endpoint) in accepted {
            if !opts.filters.admits(&stream) {
                // Refused by the accept filters: closed at once.
                continue;
            }
            let fd = stream.fd() as u64;
            let mut s = Box::new(Session::new(opts, endpoint, None, None));
            s.listener = Some(idx);
            s.start_engine(stream, false, now);
            s.event(ZMQ_EVENT_ACCEPTED, fd);
            self.live.inc();
            let sidx = self.insert_session(s);
            self.register_stream(sidx);
            self.drive(sidx);
        }
    }

    /// Lets a session do its work, then handles what came of it.
    fn drive(&mut self, idx: usize) {
        let now = Instant::now();
        if let Some(Some(Obj::Udp(u))) = self.objs.get_mut(idx) {
            u.pump();
            if u.done {
                if let Some(Obj::Udp(mut u)) = self.objs[idx].take() {
                    let _ = self.poll.registry().deregister(u.source());
                    if let Some(mut p) = u.pipe.take() {
                        self.keys.remove(&p.key());
                        p.terminate();
                    }
                    self.free.push(idx);
                    self.live.dec();
                }
            }
            return;
        }
        let Some(cell) = self.cell(idx) else {
            return;
        };
        let mut held = lock(&cell);
        let s = &mut **held;
        let mut guard = 0;
        while let Some(end) = s.pump(&self.mailbox, now) {
            Self::deregister_stream(&self.poll, s);
            s.engine_stopped(end, now);
            guard += 1;
            if guard > 1 || s.engine.is_none() {
                break;
            }
        }
        Self::watch_out(&self.poll, idx, s, false);
        let keys = [s.pipe.as_ref().map(|p| p.key()), s.zap_key()];
        if keys != s.registered_keys {
            for old in s.registered_keys.into_iter().flatten() {
                if !keys.contains(&Some(old)) {
                    self.keys.remove(&old);
                }
            }
            for k in keys.into_iter().flatten() {
                self.keys.insert(k, idx);
            }
            s.registered_keys = keys;
        }
        let remove = s.done || s.finished_closing(now);
        drop(held);
        if remove {
            self.remove_session(idx);
        }
    }

    fn remove_session(&mut self, idx: usize) {
        if let Some(Obj::Session(cell)) = self.objs[idx].take() {
            let mut s = lock(&cell);
            // (An application thread may still hold the cell a moment, and
            // then drop the session itself; `done` or the missing pipe
            // stops it writing.)
            s.events = None;
            let socket_id = s.opts.socket_id;
            if let Some(set) = self.by_socket.get_mut(&socket_id) {
                set.remove(&idx);
                if set.is_empty() {
                    self.by_socket.remove(&socket_id);
                }
            }
            Self::deregister_stream(&self.poll, &mut s);
            for k in s.registered_keys.into_iter().flatten() {
                self.keys.remove(&k);
            }
            if let Some(mut p) = s.pipe.take() {
                self.keys.remove(&p.key());
                p.terminate();
            }
            self.free.push(idx);
            self.live.dec();
            self.touched.borrow_mut().mark(idx);
        }
    }

    /// Runs the timers of the sessions whose deadline has come.
    fn timers(&mut self, now: Instant) {
        self.refresh_deadlines();
        let mut due = Vec::new();
        while let Some(&Reverse((d, idx))) = self.by_deadline.peek() {
            if d > now {
                break;
            }
            self.by_deadline.pop();
            if self.deadlines.get(idx).copied().flatten() == Some(d) {
                self.deadlines[idx] = None;
                due.push(idx);
            }
        }
        for idx in due {
            let Some(cell) = self.cell(idx) else {
                continue;
            };
            let mut s = lock(&cell);
            if s.next_deadline().is_none_or(|d| d > now) {
                continue;
            }
            if s.reconnect_at.is_some_and(|d| d <= now) && s.engine.is_none() {
                drop(s);
                self.connect(idx, now);
                continue;
            }
            if let Some(end) = s.on_timer(now) {
                Self::deregister_stream(&self.poll, &mut s);
                s.engine_stopped(end, now);
            }
            drop(s);
            self.drive(idx);
        }
    }
}

impl Session {
    /// The socket or endpoint is going away: a session with nothing to
    /// deliver ends now; one with a pipe finishes within its LINGER (and a
    /// connecting one keeps trying to connect meanwhile, as libzmq does).
    pub fn connect_stop(&mut self) {
        if self.pipe.is_none() && !self.last_retry_pending() {
            self.done = true;
        }
    }
}
