//! The context: its options (`zmq_ctx_set` / `zmq_ctx_get`), its lifecycle
//! (`zmq_ctx_shutdown`, `zmq_ctx_term`), the I/O threads, the socket
//! registry and the inproc endpoints. It knows nothing of the wire format.

use crate::command::Command;
use crate::constants::*;
use crate::error::{Error, Result};
use crate::io::mailbox::Mailbox;
use crate::io::thread::{IoThread, Live};
use crate::pipe::{pipe_pair, Direction, Pipe};
use crate::socket::Socket;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Largest socket count a context can be asked for (ZMQ_SOCKET_LIMIT). Our
/// poller (epoll) has no fd ceiling of its own, as with libzmq on Linux.
pub(crate) const SOCKET_LIMIT: i32 = 65535;

/// Longest thread name prefix, from the kernel's 16-byte thread names.
const MAX_THREAD_NAME_PREFIX: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtxOptions {
    pub io_threads: i32,
    pub max_sockets: i32,
    pub max_msgsz: i32,
    pub ipv6: bool,
    pub blocky: bool,
    pub zero_copy_recv: bool,
    pub thread_priority: i32,
    pub thread_sched_policy: i32,
    pub thread_affinity_cpus: BTreeSet<i32>,
    pub thread_name_prefix: Vec<u8>,
}

impl Default for CtxOptions {
    fn default() -> Self {
        CtxOptions {
            io_threads: ZMQ_IO_THREADS_DFLT,
            max_sockets: ZMQ_MAX_SOCKETS_DFLT,
            max_msgsz: i32::MAX,
            ipv6: false,
            blocky: true,
            zero_copy_recv: true,
            thread_priority: ZMQ_THREAD_PRIORITY_DFLT,
            thread_sched_policy: ZMQ_THREAD_SCHED_POLICY_DFLT,
            thread_affinity_cpus: BTreeSet::new(),
            thread_name_prefix: Vec::new(),
        }
    }
}

fn int_of(value: &[u8]) -> Option<i32> {
    Some(i32::from_ne_bytes(value.try_into().ok()?))
}

impl CtxOptions {
    /// `zmq_ctx_set_ext`: `value` is the option's raw bytes (an int for
    /// every option but a string THREAD_NAME_PREFIX).
    pub fn set(&mut self, option: i32, value: &[u8]) -> Result<()> {
        let int = int_of(value);
        // Most options take an int >= 0.
        let non_negative = int.filter(|v| *v >= 0);
        match (option, non_negative) {
            (ZMQ_MAX_SOCKETS, Some(v)) if v >= 1 => self.max_sockets = v,
            (ZMQ_IO_THREADS, Some(v)) => self.io_threads = v,
            (ZMQ_IPV6, Some(v)) => self.ipv6 = v != 0,
            (ZMQ_BLOCKY, Some(v)) => self.blocky = v != 0,
            (ZMQ_MAX_MSGSZ, Some(v)) => self.max_msgsz = v,
            (ZMQ_ZERO_COPY_RECV, Some(v)) => self.zero_copy_recv = v != 0,
            (ZMQ_THREAD_SCHED_POLICY, Some(v)) => self.thread_sched_policy = v,
            (ZMQ_THREAD_PRIORITY, Some(v)) => self.thread_priority = v,
            (ZMQ_THREAD_AFFINITY_CPU_ADD, Some(v)) => {
                self.thread_affinity_cpus.insert(v);
            }
            (ZMQ_THREAD_AFFINITY_CPU_REMOVE, Some(v)) => {
                if !self.thread_affinity_cpus.remove(&v) {
                    return Err(Error::EINVAL);
                }
            }
            (ZMQ_THREAD_NAME_PREFIX, _) => match int {
                Some(v) => self.thread_name_prefix = v.to_string().into_bytes(),
                None if !value.is_empty() && value.len() <= MAX_THREAD_NAME_PREFIX => {
                    self.thread_name_prefix = value.to_vec()
                }
                None => return Err(Error::EINVAL),
            },
            _ => return Err(Error::EINVAL),
        }
        Ok(())
    }

    /// `zmq_ctx_get_ext`: writes the option into `out` and returns the
    /// number of bytes written. `out.len()` is the caller's buffer size,
    /// which must be an int's for int options.
    pub fn get(&self, option: i32, out: &mut [u8]) -> Result<usize> {
        let is_int = out.len() == std::mem::size_of::<i32>();
        let value = match option {
            ZMQ_MAX_SOCKETS => self.max_sockets,
            ZMQ_SOCKET_LIMIT => SOCKET_LIMIT,
            ZMQ_IO_THREADS => self.io_threads,
            ZMQ_IPV6 => self.ipv6 as i32,
            ZMQ_BLOCKY => self.blocky as i32,
            ZMQ_MAX_MSGSZ => self.max_msgsz,
            ZMQ_MSG_T_SIZE => crate::msg::MSG_T_SIZE as i32,
            ZMQ_ZERO_COPY_RECV => self.zero_copy_recv as i32,
            ZMQ_THREAD_SCHED_POLICY => self.thread_sched_policy,
            ZMQ_THREAD_NAME_PREFIX if !is_int => {
                // As libzmq: the bytes without a NUL, when they fit.
                let p = &self.thread_name_prefix;
                if out.len() < p.len() {
                    return Err(Error::EINVAL);
                }
                out[..p.len()].copy_from_slice(p);
                return Ok(p.len());
            }
            ZMQ_THREAD_NAME_PREFIX => leading_int(&self.thread_name_prefix),
            // The affinity options are write-only, as in libzmq;
            // THREAD_PRIORITY (3) reads as SOCKET_LIMIT above.
            _ => return Err(Error::EINVAL),
        };
        if !is_int {
            return Err(Error::EINVAL);
        }
        out.copy_from_slice(&value.to_ne_bytes());
        Ok(out.len())
    }
}

/// The number a string starts with, as C's `atoi` reads it (0 when none).
fn leading_int(s: &[u8]) -> i32 {
    let text = std::str::from_utf8(s).unwrap_or("");
    let text = text.trim_start();
    let end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(text.len(), |(i, _)| i);
    text[..end]
        .parse::<i64>()
        .map_or(0, |v| v.clamp(i32::MIN as i64, i32::MAX as i64) as i32)
}

/// What an inproc peer needs to know of a socket that binds or connects.
#[derive(Debug, Clone)]
pub struct EndpointInfo {
    pub socket_id: u64,
    pub socket_type: i32,
    pub mailbox: Arc<Mailbox>,
    pub sndhwm: u64,
    pub rcvhwm: u64,
    pub conflate: bool,
    pub routing_id: Vec<u8>,
    /// Draft ZMQ_HELLO_MSG: the first message each new peer gets.
    pub hello: Option<Vec<u8>>,
    /// Draft ZMQ_DISCONNECT_MSG: what this socket receives when an inproc
    /// peer that connected to it goes.
    pub disconnect: Option<Vec<u8>>,
}

/// Queues `hello` (if any) as the first message through `pipe`.
fn send_hello(pipe: &mut Pipe, hello: &Option<Vec<u8>>) {
    if let Some(Ok(m)) = hello.as_deref().map(crate::msg::Msg::from_slice) {
        if pipe.write(m).is_ok() {
            pipe.flush();
        }
    }
}

/// A connect to an inproc endpoint nobody has bound yet: the connector has
/// its end; the binder will get `bind_end`.
struct Pending {
    connector: EndpointInfo,
    bind_end: Pipe,
    /// The connector closed before the bind: what it sent is still
    /// delivered, but nothing can be sent to it.
    connector_closed: bool,
}

/// The HWM of one inproc direction: the writer's SNDHWM plus the reader's
/// RCVHWM, or none when either is unlimited.
fn inproc_hwm(sndhwm: u64, rcvhwm: u64) -> u64 {
    if sndhwm == 0 || rcvhwm == 0 {
        0
    } else {
        sndhwm + rcvhwm
    }
}

#[derive(Default)]
struct Registry {
    /// Live sockets and their mailboxes (for Stop at termination).
    sockets: HashMap<u64, Arc<Mailbox>>,
    next_socket_id: u64,
    /// Bound inproc endpoints.
    endpoints: HashMap<String, EndpointInfo>,
    /// Connects waiting for a bind.
    pending: HashMap<String, Vec<Pending>>,
    io_threads: Vec<IoThread>,
    /// Set by the first zmq_socket call (even a failing one): MAX_SOCKETS
    /// and IO_THREADS are read then and fixed from then on, as in libzmq.
    started: bool,
    max_sockets: usize,
}

/// A context.
pub struct Ctx {
    options: Mutex<CtxOptions>,
    /// Set by `zmq_ctx_shutdown` / `zmq_ctx_term`: blocking calls fail with
    /// ETERM and no new socket can be made.
    terminating: AtomicBool,
    registry: Mutex<Registry>,
    /// Signalled when a socket closes (zmq_ctx_term waits on it).
    closed: Condvar,
    /// Sessions alive in the I/O threads (term waits for them).
    live: Arc<Live>,
    /// Round robin over the I/O threads.
    next_io: std::sync::atomic::AtomicUsize,
    /// The process that made the context: a forked child must not wait for
    /// the parent's sockets.
    pid: u32,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").finish_non_exhaustive()
    }
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx {
            options: Mutex::new(CtxOptions::default()),
            terminating: AtomicBool::new(false),
            registry: Mutex::new(Registry::default()),
            closed: Condvar::new(),
            live: Arc::new(Live::default()),
            next_io: std::sync::atomic::AtomicUsize::new(0),
            pid: std::process::id(),
        }
    }
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx::default()
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_option(&self, option: i32, value: &[u8]) -> Result<()> {
        self.options
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set(option, value)
    }

    pub fn get_option(&self, option: i32, out: &mut [u8]) -> Result<usize> {
        self.options
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(option, out)
    }

    pub fn options(&self) -> CtxOptions {
        self.options
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether this is a child forked after the context was made: the
    /// parent's I/O threads do not exist here (and their locks may be held
    /// forever), so nothing may be asked of them.
    pub fn is_forked_child(&self) -> bool {
        std::process::id() != self.pid
    }

    pub fn is_terminating(&self) -> bool {
        self.terminating.load(Ordering::Acquire)
    }

    /// A new socket of `socket_type`: ETERM once terminating, EMFILE beyond
    /// MAX_SOCKETS, EINVAL for an unknown type. Starts the I/O threads with
    /// the first socket, as libzmq does.
    pub fn create_socket(self: &Arc<Self>, socket_type: i32) -> Result<Socket> {
        let opts = self.options();
        let mut reg = self.registry();
        if !reg.started {
            reg.started = true;
            reg.max_sockets = opts.max_sockets.max(0) as usize;
            for i in 0..opts.io_threads {
                let t = IoThread::start(i, &opts, Arc::clone(&self.live))?;
                reg.io_threads.push(t);
            }
        }
        if self.is_terminating() {
            return Err(Error::ETERM);
        }
        if reg.sockets.len() >= reg.max_sockets {
            return Err(Error(libc::EMFILE));
        }
        reg.next_socket_id += 1;
        let id = reg.next_socket_id;
        let mailbox = Arc::new(Mailbox::new()?);
        let socket = Socket::new(Arc::clone(self), id, socket_type, Arc::clone(&mailbox))?;
        reg.sockets.insert(id, mailbox);
        Ok(socket)
    }

    /// A session is being handed to an I/O thread: counted now, so that a
    /// `zmq_ctx_term` right after cannot miss it.
    pub(crate) fn session_started(&self) {
        self.live.inc();
    }

    /// An I/O thread's mailbox for new work (round robin); None when the
    /// context has no I/O threads.
    pub(crate) fn io_mailbox(&self) -> Option<Arc<Mailbox>> {
        let reg = self.registry();
        if reg.io_threads.is_empty() {
            return None;
        }
        let i = self.next_io.fetch_add(1, Ordering::Relaxed) % reg.io_threads.len();
        Some(Arc::clone(reg.io_threads[i].mailbox()))
    }

    /// A socket closed: forget it and wake a waiting `zmq_ctx_term`.
    pub(crate) fn socket_closed(&self, id: u64) {
        self.registry().sockets.remove(&id);
        self.closed.notify_all();
    }

    /// Binds an inproc endpoint (EADDRINUSE when taken); returns the pipe
    /// ends of connects that were waiting for it.
    pub(crate) fn register_endpoint(&self, addr: &str, me: EndpointInfo) -> Result<Vec<Pipe>> {
        let mut reg = self.registry();
        if reg.endpoints.contains_key(addr) {
            return Err(Error(libc::EADDRINUSE));
        }
        reg.endpoints.insert(addr.to_string(), me.clone());
        let pending = reg.pending.remove(addr).unwrap_or_default();
        Ok(pending
            .into_iter()
            .map(|p| {
                let c = &p.connector;
                let mut end = p.bind_end;
                if !c.conflate {
                    // Now both sides are known: each end adds the other's
                    // HWMs to its own.
                    end.set_boosts(c.sndhwm, c.rcvhwm);
                    end.apply_hwms(me.rcvhwm as i32, me.sndhwm as i32);
                    c.mailbox.send(Command::PipeHwm {
                        key: end.peer_key(),
                        inhwm: c.rcvhwm as i32,
                        outhwm: c.sndhwm as i32,
                        boosts: Some((me.sndhwm, me.rcvhwm)),
                    });
                }
                end.routing_id = c.routing_id.clone();
                send_hello(&mut end, &me.hello);
                // The connector's end, made before this bind, learns what
                // to leave us when it goes.
                if let Some(d) = &me.disconnect {
                    end.set_peer_disconnect_msg(d.clone());
                }
                if p.connector_closed {
                    end.peer_terminated();
                }
                end
            })
            .collect())
    }

    pub(crate) fn unregister_endpoint(&self, addr: &str, socket_id: u64) {
        let mut reg = self.registry();
        if reg
            .endpoints
            .get(addr)
            .is_some_and(|e| e.socket_id == socket_id)
        {
            reg.endpoints.remove(addr);
        }
    }

    /// Connects to an inproc endpoint; returns the connector's pipe end. The
    /// binder gets the other end by command, or at its bind when it has not
    /// bound yet.
    pub(crate) fn connect_inproc(
        &self,
        addr: &str,
        me: EndpointInfo,
        peer_id: Option<Vec<u8>>,
    ) -> Result<Pipe> {
        let mut reg = self.registry();
        let dir = |hwm: u64| Direction {
            hwm,
            conflate: me.conflate,
        };
        match reg.endpoints.get(addr) {
            Some(peer) => {
                let (mut mine, mut theirs) = pipe_pair(
                    dir(inproc_hwm(me.sndhwm, peer.rcvhwm)),
                    dir(inproc_hwm(peer.sndhwm, me.rcvhwm)),
                );
                if !me.conflate {
                    mine.set_boosts(peer.sndhwm, peer.rcvhwm);
                    theirs.set_boosts(me.sndhwm, me.rcvhwm);
                }
                mine.routing_id = peer_id.unwrap_or_else(|| peer.routing_id.clone());
                theirs.routing_id = me.routing_id.clone();
                send_hello(&mut mine, &me.hello);
                send_hello(&mut theirs, &peer.hello);
                if let Some(d) = &peer.disconnect {
                    mine.set_disconnect_msg(d.clone());
                }
                peer.mailbox.send(Command::Bind(Box::new(theirs)));
                Ok(mine)
            }
            None => {
                let (mut mine, theirs) = pipe_pair(dir(me.sndhwm), dir(me.rcvhwm));
                send_hello(&mut mine, &me.hello);
                if let Some(id) = peer_id {
                    mine.routing_id = id;
                }
                reg.pending
                    .entry(addr.to_string())
                    .or_default()
                    .push(Pending {
                        connector: me,
                        bind_end: theirs,
                        connector_closed: false,
                    });
                Ok(mine)
            }
        }
    }

    /// Whether an inproc endpoint is bound.
    pub(crate) fn is_bound(&self, addr: &str) -> bool {
        self.registry().endpoints.contains_key(addr)
    }

    /// Connects to an inproc endpoint only if it is bound (the ZAP
    /// handler): None otherwise.
    pub(crate) fn connect_bound_inproc(&self, addr: &str, me: EndpointInfo) -> Option<Pipe> {
        if !self.is_bound(addr) {
            return None;
        }
        self.connect_inproc(addr, me, None).ok()
    }

    /// A socket with waiting connects closed. Its messages stay queued for
    /// the binder (they belong to the connection, as in libzmq).
    pub(crate) fn connector_closed(&self, socket_id: u64) {
        let mut reg = self.registry();
        for p in reg.pending.values_mut().flatten() {
            if p.connector.socket_id == socket_id {
                p.connector_closed = true;
            }
        }
    }

    /// `zmq_ctx_shutdown`: from now on blocking calls fail with ETERM.
    pub fn shutdown(&self) {
        let reg = self.registry();
        if !self.terminating.swap(true, Ordering::AcqRel) {
            for mb in reg.sockets.values() {
                mb.send(Command::Stop);
            }
        }
    }

    /// `zmq_ctx_term`: shuts down, waits until every socket is closed, then
    /// stops the I/O threads. In a forked child it does not wait for the
    /// parent's sockets.
    pub fn terminate(&self) -> Result<()> {
        self.shutdown();
        let mut reg = self.registry();
        if std::process::id() == self.pid {
            while !reg.sockets.is_empty() {
                reg = self.closed.wait(reg).unwrap_or_else(|e| e.into_inner());
            }
            // Sessions finish sending what LINGER lets them.
            drop(reg);
            self.live.wait_zero();
            // Stopped without the registry's lock: an I/O thread may need
            // it to finish what it is doing (a session starting its engine
            // looks up the ZAP endpoint), and stop() waits for the thread.
            let threads: Vec<_> = self.registry().io_threads.drain(..).collect();
            for t in threads {
                t.stop();
            }
        } else {
            // The threads belong to the parent; only forget them.
            for t in reg.io_threads.drain(..) {
                std::mem::forget(t);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get_int(o: &CtxOptions, opt: i32) -> Result<i32> {
        let mut b = [0u8; 4];
        o.get(opt, &mut b)?;
        Ok(i32::from_ne_bytes(b))
    }

    #[test]
    fn defaults_are_libzmqs() {
        let o = CtxOptions::default();
        assert_eq!(get_int(&o, ZMQ_IO_THREADS), Ok(1));
        assert_eq!(get_int(&o, ZMQ_MAX_SOCKETS), Ok(1023));
        assert_eq!(get_int(&o, ZMQ_SOCKET_LIMIT), Ok(65535));
        assert_eq!(get_int(&o, ZMQ_MAX_MSGSZ), Ok(i32::MAX));
        assert_eq!(get_int(&o, ZMQ_MSG_T_SIZE), Ok(64));
        assert_eq!(get_int(&o, ZMQ_BLOCKY), Ok(1));
        assert_eq!(get_int(&o, ZMQ_IPV6), Ok(0));
        assert_eq!(get_int(&o, ZMQ_ZERO_COPY_RECV), Ok(1));
        assert_eq!(get_int(&o, ZMQ_THREAD_SCHED_POLICY), Ok(-1));
        // THREAD_PRIORITY and SOCKET_LIMIT share the number 3: reading it
        // gives the socket limit, writing it sets the priority.
        assert_eq!(get_int(&o, ZMQ_THREAD_PRIORITY), Ok(65535));
    }

    #[test]
    fn validation() {
        let mut o = CtxOptions::default();
        assert_eq!(
            o.set(ZMQ_MAX_SOCKETS, &0i32.to_ne_bytes()),
            Err(Error::EINVAL)
        );
        assert_eq!(
            o.set(ZMQ_IO_THREADS, &(-1i32).to_ne_bytes()),
            Err(Error::EINVAL)
        );
        assert_eq!(o.set(ZMQ_IO_THREADS, &[1u8, 0]), Err(Error::EINVAL));
        assert_eq!(
            o.set(ZMQ_MSG_T_SIZE, &5i32.to_ne_bytes()),
            Err(Error::EINVAL)
        );
        o.set(ZMQ_SOCKET_LIMIT, &5i32.to_ne_bytes()).unwrap();
        assert_eq!(o.thread_priority, 5);
        assert_eq!(
            o.set(ZMQ_THREAD_AFFINITY_CPU_REMOVE, &3i32.to_ne_bytes()),
            Err(Error::EINVAL)
        );
        o.set(ZMQ_THREAD_AFFINITY_CPU_ADD, &3i32.to_ne_bytes())
            .unwrap();
        o.set(ZMQ_THREAD_AFFINITY_CPU_REMOVE, &3i32.to_ne_bytes())
            .unwrap();
        assert_eq!(o.set(12345, &1i32.to_ne_bytes()), Err(Error::EINVAL));
    }

    #[test]
    fn thread_name_prefix_int_and_string() {
        let mut o = CtxOptions::default();
        o.set(ZMQ_THREAD_NAME_PREFIX, &1234i32.to_ne_bytes())
            .unwrap();
        assert_eq!(get_int(&o, ZMQ_THREAD_NAME_PREFIX), Ok(1234));
        o.set(ZMQ_THREAD_NAME_PREFIX, b"MyApp").unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(o.get(ZMQ_THREAD_NAME_PREFIX, &mut buf), Ok(5));
        assert_eq!(&buf[..5], b"MyApp");
        assert_eq!(
            o.set(ZMQ_THREAD_NAME_PREFIX, &[b'x'; 17]),
            Err(Error::EINVAL)
        );
        assert_eq!(leading_int(b"12ab"), 12);
        assert_eq!(leading_int(b"ab"), 0);
    }
}
