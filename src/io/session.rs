//! Sessions: one tcp or ipc endpoint's link between a socket's pipe and the
//! wire, in an I/O thread.
//!
//! A connecting session outlives its connections (it reconnects, and for
//! most socket types keeps the pipe so messages queue while disconnected);
//! an accepted one lives as long as its connection. Each live connection is
//! an `engine::Engine`; how to reach the peer and when to try again is the
//! `connecter`'s, asking the ZAP handler the `zap` client's. The session
//! moves messages between pipe and engine and decides what a connection's
//! end means (monitor events, notifications, reconnect or the end).

use crate::command::Command;
use crate::constants::*;
pub use crate::io::connecter::ConnectAddr;
use crate::io::connecter::{self, Backoff, SocksProxy};
use crate::io::engine::{ConnectState, Engine, ReadStep, Wire};
pub use crate::io::engine::{EngineEnd, HandshakeFail};
use crate::io::mailbox::Mailbox;
use crate::io::raw::RawWire;
use crate::io::zap::{self, ReplyRead};
use crate::monitor::{self, MonitorSlot};
use crate::msg::{flags, Metadata, MetadataStamp, Msg};
use crate::pipe::{pipe_pair, Direction, Pipe, PipeEvents, Read};
use crate::socket::options::Options;
use crate::transport::filter::AcceptFilters;
use crate::transport::{ConnectError, Stream, TcpSettings};
use crate::zmtp::liveness::{ms, Liveness, Timing};
use crate::zmtp::wss::WssConnection;
use crate::zmtp::zws::WsConnection;
use crate::zmtp::{self, Connection, Event};
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Instant;

/// A session as its I/O thread keeps it: behind a lock, because the
/// application thread may write to the session's connection itself
/// (`SessionEvents`).
pub type SessionCell = Mutex<Box<Session>>;

/// Takes a session's lock (a panic while it was held leaves the session
/// as it was, still usable).
pub fn lock(cell: &SessionCell) -> MutexGuard<'_, Box<Session>> {
    cell.lock().unwrap_or_else(|e| e.into_inner())
}

/// The owner of a session's data pipe end: what the socket's end does
/// reaches the session's I/O thread as commands, except that a message
/// written to a sleeping pipe whose connection is idle is written to the
/// connection by the sending thread itself. That saves waking the I/O
/// thread, which costs both threads more CPU than the write (and puts the
/// wake-up on the path of every round trip). When the session is busy (its
/// I/O thread holds it or has commands to handle), not up, or the write
/// cannot finish at once, the I/O thread is told as usual and does the
/// rest.
///
/// Only a message that comes `DIRECT_GAP_US` or more after the previous wake
/// of the pipe, and of any pipe by the same thread, is written directly: a
/// stream of messages, or one message to many peers, goes through the I/O
/// thread, which gathers many into each write.
pub struct SessionEvents {
    mailbox: Arc<Mailbox>,
    session: Weak<SessionCell>,
    /// When the pipe last woke the session (`clock::now_us`).
    last_wake: AtomicU64,
}

/// See `SessionEvents`.
const DIRECT_GAP_US: u64 = 20;

thread_local! {
    /// When this thread's send last woke a session (`clock::now_us`): a
    /// thread that sends back to back (a PUB's loop over its peers, or a
    /// burst) leaves the writing to the I/O threads.
    static THREAD_LAST_WAKE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

impl SessionEvents {
    pub fn new(mailbox: Arc<Mailbox>, session: Weak<SessionCell>) -> SessionEvents {
        SessionEvents {
            mailbox,
            session,
            last_wake: AtomicU64::new(0),
        }
    }
}

impl PipeEvents for SessionEvents {
    fn activate_read(&self, key: u64) {
        let now = crate::clock::now_us();
        let last = self.last_wake.swap(now, Ordering::Relaxed);
        // The thread's own last wake too: a PUB sending to ten idle peers
        // would otherwise write to all ten itself, each send would then
        // take long enough for every peer to look idle at the next, and
        // the loop would stay at one system call per message and peer.
        let last_here = THREAD_LAST_WAKE.with(|t| t.replace(now));
        // Not while the I/O thread has commands to handle: one of them may
        // be this socket's unbind or close, which must take effect first.
        let idle = now.saturating_sub(last) >= DIRECT_GAP_US
            && now.saturating_sub(last_here) >= DIRECT_GAP_US
            && self.mailbox.quiet();
        // (try_lock never waits: the I/O thread holding it will see the
        // pipe once told.)
        let done = idle
            && self
                .session
                .upgrade()
                .is_some_and(|cell| cell.try_lock().is_ok_and(|mut s| s.write_direct(key)));
        if done {
            self.mailbox.wrote_for_receiver();
        } else {
            self.mailbox.activate_read(key);
        }
    }
    fn activate_write(&self, key: u64, msgs_read: u64) {
        self.mailbox.activate_write(key, msgs_read);
    }
    fn hwm(&self, key: u64, inhwm: i32, outhwm: i32, boosts: Option<(u64, u64)>) {
        self.mailbox.hwm(key, inhwm, outhwm, boosts);
    }
    fn pipe_term(&self, key: u64) {
        self.mailbox.pipe_term(key);
    }
}

/// What a session needs to know of its socket, taken at bind/connect time:
/// the socket's options as they were then, and what follows from them.
pub struct SessionOptions {
    pub socket_id: u64,
    /// The socket's options at bind/connect time (routing id, HWMs,
    /// reconnect, handshake and heartbeat intervals, ZAP domain, ...).
    pub options: Options,
    pub connect_routing_id: Option<Vec<u8>>,
    /// An empty message tells the socket of a new peer / a lost one
    /// (STREAM_NOTIFY, ROUTER_NOTIFY over the wire).
    pub notify_connect: bool,
    pub notify_disconnect: bool,
    /// Draft: sent to each new peer (HELLO_MSG); given to the socket when a
    /// peer is lost (DISCONNECT_MSG) or reconnects (HICCUP_MSG).
    pub hello_msg: Option<Vec<u8>>,
    pub disconnect_msg: Option<Vec<u8>>,
    pub hiccup_msg: Option<Vec<u8>>,
    /// The context, to reach the ZAP handler (inproc://zeromq.zap.01).
    pub ctx: std::sync::Weak<crate::ctx::Ctx>,
    /// ZMQ_SOCKS_PROXY with ZMQ_SOCKS_USERNAME/PASSWORD.
    pub socks: Option<SocksProxy>,
    /// NULL, PLAIN or CURVE, with its credentials.
    pub mechanism: zmtp::MechanismConfig,
    pub tcp: TcpSettings,
    /// Who may connect: ZMQ_TCP_ACCEPT_FILTER and the ZMQ_IPC_FILTER_*
    /// sets (empty: anyone).
    pub filters: AcceptFilters,
    pub socket_mailbox: Arc<Mailbox>,
    pub monitor: MonitorSlot,
    /// The socket's ZMQ_RECONNECT_STOP_AFTER_DISCONNECT state: it has had a
    /// zmq_disconnect or zmq_unbind.
    pub disconnected: Arc<AtomicBool>,
    /// The connections accepted for this endpoint speak ZMTP over
    /// WebSocket (a ws:// bind).
    pub ws_listener: bool,
    /// ... over TLS with these settings (a wss:// bind).
    pub wss_server: Option<Arc<rustls::ServerConfig>>,
}

impl SessionOptions {
    /// A pipe between the socket and a session: (socket's end, session's
    /// end), with the socket's HWMs and CONFLATE.
    pub fn pipe_pair(&self) -> (Pipe, Pipe) {
        let dir = |hwm: i32| Direction {
            hwm: hwm.max(0) as u64,
            conflate: self.options.conflate,
        };
        pipe_pair(dir(self.options.sndhwm), dir(self.options.rcvhwm))
    }

    /// Whether a connecting socket's pipe is made only once a connection is
    /// up (ZMQ_IMMEDIATE); otherwise it exists from zmq_connect and messages
    /// queue in it meanwhile.
    pub fn delayed_pipe(&self) -> bool {
        self.options.immediate
    }

    /// Whether a pipe made at connect learns the peer's routing id in-band
    /// (a ROUTER or REP connecting without ZMQ_CONNECT_ROUTING_ID).
    pub fn identity_in_band(&self) -> bool {
        self.options.recv_routing_id && self.connect_routing_id.is_none()
    }

    fn zmtp_config(&self) -> zmtp::Config {
        let o = &self.options;
        zmtp::Config {
            socket_type: o.socket_type,
            routing_id: o.routing_id.clone(),
            as_server: false,
            metadata: o
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            maxmsgsize: o.maxmsgsize,
            recv_routing_id: o.recv_routing_id,
            mechanism: self.mechanism.clone(),
            ..zmtp::Config::new(o.socket_type)
        }
    }
}

/// A session.
pub struct Session {
    pub opts: Arc<SessionOptions>,
    /// The endpoint text as the socket gave it (events, disconnect).
    pub endpoint: String,
    /// Our end of the pipe to the socket.
    pub pipe: Option<Pipe>,
    /// Where to (re)connect; None for an accepted connection.
    pub connect: Option<ConnectAddr>,
    pub engine: Option<Engine>,
    /// The listener that accepted this session.
    pub listener: Option<usize>,
    /// When to try connecting again.
    pub reconnect_at: Option<Instant>,
    backoff: Backoff,
    /// The pipe to the ZAP handler, while a request is out.
    zap: Option<Pipe>,
    /// In the middle of a message read from the pipe when the engine died:
    /// the rest of it is dropped.
    pipe_mid_message: bool,
    /// The last message read from the pipe had MORE: the engine holds part
    /// of a message.
    pipe_more: bool,
    /// The current connection is tcp's self-connect (see
    /// `Stream::is_self_connected`): its failure is no reason to give up.
    self_connected: bool,
    /// SUB / XSUB: the subscriptions sent so far (with how often each was
    /// sent), sent again to the peer after a reconnect as libzmq's socket
    /// does on its pipe's hiccup.
    subscriptions: std::collections::BTreeMap<Vec<u8>, usize>,
    /// DISH: the groups joined, likewise sent again after a reconnect.
    groups: std::collections::BTreeSet<Vec<u8>>,
    /// The socket is done with us: finish sending (LINGER) and go.
    pub closing: bool,
    /// The pipe keys the I/O thread routes to this session (data pipe,
    /// ZAP pipe): kept in step with the pipes it holds, so that commands
    /// for a pipe it let go of find nobody, not a later session in the
    /// same slot.
    pub registered_keys: [Option<u64>; 2],
    pub linger_deadline: Option<Instant>,
    /// ZAP is required (enforced domain) but no handler is bound: the
    /// handshake fails.
    zap_refused: bool,
    /// The endpoints monitor events name.
    local_ep: String,
    remote_ep: String,
    /// Set when the session is finished and can be removed.
    pub done: bool,
    /// The current batch (see `OUT_BATCH_MIN`).
    out_batch: usize,
    /// The owner its data pipe ends get (set by the I/O thread).
    pub(crate) events: Option<Arc<SessionEvents>>,
}

/// Bytes of encoded output a session holds before it stops taking messages
/// from its pipe (what is not taken stays under the pipe's HWM): its
/// batch. It starts at `OUT_BATCH_MIN` (libzmq's out batch) and doubles up
/// to `OUT_BATCH_MAX` each time the kernel took a whole batch and the pipe
/// held more: a stream gets fewer, larger writes.
///
/// Batches grow only while the sessions of one I/O thread together hold no
/// more than `OUT_BATCH_BUDGET` beyond the minimum. Otherwise every one of
/// a PUB's thousand peers grows its batch (and its encoder's buffer) while
/// the kernel still takes everything, before the peers fall behind, and the
/// PUB holds a thousand large buffers (the bench's fanout1k row).
const OUT_BATCH_MIN: usize = 8 * 1024;
const OUT_BATCH_MAX: usize = 64 * 1024;
const OUT_BATCH_BUDGET: usize = 1024 * 1024;

thread_local! {
    /// The octets of batch beyond `OUT_BATCH_MIN` that this (I/O) thread's
    /// sessions hold between them.
    static BATCH_EXTRA: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A session's batch going from `from` to `to` when the thread's sessions
/// hold `extra` beyond the minimum: the batch it gets (a growth beyond the
/// budget is refused), and the thread's new extra.
fn rebatch_within(extra: usize, from: usize, to: usize) -> (usize, usize) {
    let others = extra.saturating_sub(from - OUT_BATCH_MIN);
    let got = if to > from && others + (to - OUT_BATCH_MIN) > OUT_BATCH_BUDGET {
        from
    } else {
        to
    };
    (got, others + (got - OUT_BATCH_MIN))
}

/// `rebatch_within` against the calling thread's budget.
fn rebatch(from: usize, to: usize) -> usize {
    BATCH_EXTRA.with(|extra| {
        let (got, now) = rebatch_within(extra.get(), from, to);
        extra.set(now);
        got
    })
}

/// A (un)subscription as a message: `flag` then the topic.
fn subscription(flag: u8, topic: &[u8]) -> Option<Msg> {
    let mut body = Vec::with_capacity(topic.len() + 1);
    body.push(flag);
    body.extend_from_slice(topic);
    Msg::from_slice(&body).ok()
}

impl Drop for Session {
    fn drop(&mut self) {
        // Its share of the batch budget goes back, to the thread it is
        // dropped on: almost always its I/O thread. (Dropped on another,
        // the share stays booked on the I/O thread, whose later sessions
        // then grow less; try_with, because a drop never panics.)
        let share = self.out_batch - OUT_BATCH_MIN;
        let _ = BATCH_EXTRA.try_with(|extra| extra.set(extra.get().saturating_sub(share)));
    }
}

impl Session {
    pub fn new(
        opts: Arc<SessionOptions>,
        endpoint: String,
        pipe: Option<Pipe>,
        connect: Option<ConnectAddr>,
    ) -> Session {
        let backoff = Backoff::new(opts.options.reconnect_ivl, opts.options.reconnect_ivl_max);
        // A connecting session's events name the endpoint it connects to
        // from the start (a connect refused at once included).
        let remote_ep = if connect.is_some() {
            endpoint.clone()
        } else {
            String::new()
        };
        Session {
            opts,
            endpoint,
            pipe,
            connect,
            engine: None,
            listener: None,
            reconnect_at: None,
            backoff,
            zap: None,
            pipe_mid_message: false,
            pipe_more: false,
            self_connected: false,
            subscriptions: Default::default(),
            groups: Default::default(),
            closing: false,
            registered_keys: [None; 2],
            linger_deadline: None,
            zap_refused: false,
            local_ep: String::new(),
            remote_ep,
            done: false,
            out_batch: OUT_BATCH_MIN,
            events: None,
        }
    }

    /// Emits a monitor event about this session's connection.
    pub(crate) fn event(&self, event: i32, value: u64) {
        let ep = monitor::Endpoints {
            local: &self.local_ep,
            remote: &self.remote_ep,
            bind: self.connect.is_none(),
        };
        monitor::emit(&self.opts.monitor, event, value, &ep);
    }

    /// Notes the connection's endpoints for events: the stream's own
    /// address and the peer's (libzmq's endpoint pair).
    fn set_endpoints(&mut self, stream: &Stream) {
        let ipc = self.endpoint.starts_with("ipc://");
        if self.connect.is_none() {
            self.local_ep = if ipc {
                self.endpoint.clone()
            } else {
                stream.local_endpoint()
            };
            self.remote_ep = if ipc {
                "ipc://".to_string()
            } else {
                stream.remote_endpoint()
            };
        } else {
            self.local_ep = if ipc {
                "ipc://".to_string()
            } else {
                stream.local_endpoint()
            };
            self.remote_ep = self.endpoint.clone();
        }
        let ws = [("ws://", "ws"), ("wss://", "wss")]
            .into_iter()
            .find_map(|(prefix, scheme)| Some((self.endpoint.strip_prefix(prefix)?, scheme)));
        if let Some((rest, scheme)) = ws {
            // ws:// and wss:// connections are named as libzmq names them:
            // the address, then the endpoint's path.
            let path = crate::transport::address::split_ws(rest).map_or("/", |(_, p)| p);
            for ep in [&mut self.local_ep, &mut self.remote_ep] {
                if let Some(addr) = ep.strip_prefix("tcp://") {
                    *ep = format!("{scheme}://{addr}{path}");
                }
            }
        }
    }

    /// Starts an engine on a fresh stream (accepted, or connect started).
    pub fn start_engine(&mut self, stream: Stream, connecting: bool, now: Instant) {
        self.set_endpoints(&stream);
        let mut cfg = self.opts.zmtp_config();
        cfg.as_server = self.connect.is_none();
        let handler = self
            .opts
            .ctx
            .upgrade()
            .is_some_and(|c| c.is_bound(zap::ZAP_ENDPOINT));
        let policy = zap::policy(
            &cfg.mechanism,
            &self.opts.options.zap_domain,
            self.opts.options.zap_enforce_domain,
            handler,
        );
        cfg.zap_enabled = policy.enabled;
        cfg.zap_enforce = policy.enforce;
        cfg.refuse_legacy = policy.refuse_legacy;
        self.zap_refused = policy.refused;
        let conn = if self.opts.options.raw_socket {
            Wire::Raw(RawWire::new())
        } else if let Some(ConnectAddr::Ws {
            host, path, tls, ..
        }) = &self.connect
        {
            let ws = WsConnection::client(cfg, host, path);
            match tls {
                None => Wire::Ws(Box::new(ws)),
                Some((tls, name)) => match WssConnection::client(tls, name, ws) {
                    Ok(w) => Wire::Wss(Box::new(w)),
                    // (Not reached: our settings are valid.) The
                    // connection fails at its first read.
                    Err(ws) => Wire::Ws(Box::new(ws.failed())),
                },
            }
        } else if self.connect.is_none() && self.opts.ws_listener {
            let ws = WsConnection::server(cfg);
            match &self.opts.wss_server {
                None => Wire::Ws(Box::new(ws)),
                Some(tls) => match WssConnection::server(tls, ws) {
                    Ok(w) => Wire::Wss(Box::new(w)),
                    Err(ws) => Wire::Ws(Box::new(ws.failed())),
                },
            }
        } else {
            Wire::Zmtp(Box::new(Connection::new(cfg)))
        };
        let o = &self.opts.options;
        let timing = Timing {
            handshake_ivl: o.handshake_ivl,
            heartbeat_ivl: o.heartbeat_ivl,
            heartbeat_ttl_ds: o.heartbeat_ttl,
            heartbeat_timeout: o.heartbeat_timeout,
        };
        let connect_deadline =
            (connecting && o.connect_timeout > 0).then(|| now + ms(o.connect_timeout));
        self.zap = None;
        self.engine = Some(Engine::new(
            stream,
            conn,
            Liveness::new(timing, now),
            connecting,
            connect_deadline,
        ));
    }

    /// Tries to connect (connecting sessions only). The stream comes back to
    /// be registered with the poller.
    pub fn try_connect(&mut self, now: Instant) -> Option<&mut Stream> {
        let addr = self.connect.clone()?;
        self.reconnect_at = None;
        // Not connected: no local address (libzmq's unconnected pair).
        self.local_ep.clear();
        match connecter::open(&addr, self.opts.socks.as_ref(), &self.opts.tcp) {
            Ok(opened) => {
                if opened.in_progress {
                    let ep = monitor::Endpoints {
                        local: "",
                        remote: &self.endpoint,
                        bind: false,
                    };
                    monitor::emit(
                        &self.opts.monitor,
                        ZMQ_EVENT_CONNECT_DELAYED,
                        libc::EINPROGRESS as u64,
                        &ep,
                    );
                }
                self.start_engine(opened.stream, opened.in_progress, now);
                if let Some(e) = self.engine.as_mut() {
                    e.socks = opened.socks;
                }
                if !opened.in_progress {
                    self.connected();
                }
                self.engine.as_mut().map(|e| &mut e.stream)
            }
            Err(ConnectError { errno, closed_fd }) => {
                if let Some(fd) = closed_fd {
                    self.event(ZMQ_EVENT_CLOSED, fd as u64);
                }
                self.schedule_reconnect(now, errno);
                None
            }
        }
    }

    fn connected(&mut self) {
        let fd = self.engine.as_ref().map_or(-1, |e| e.stream.fd());
        if let Some(e) = self.engine.take() {
            self.set_endpoints(&e.stream);
            self.self_connected = e.stream.is_self_connected();
            self.engine = Some(e);
        }
        self.event(ZMQ_EVENT_CONNECTED, fd as u64);
    }

    /// A disconnected ipc session that was waiting to retry, on a socket
    /// with ZMQ_RECONNECT_STOP_AFTER_DISCONNECT: libzmq's connecter lives
    /// on until the socket acknowledges the disconnect, so its retry still
    /// happens, and a refused one reports CLOSED and ends there. Programs
    /// (libzmq's test_reconnect_options among them) wait for that CLOSED;
    /// the session keeps this one retry, whatever the LINGER.
    pub(crate) fn last_retry_pending(&self) -> bool {
        self.engine.is_none()
            && self.reconnect_at.is_some()
            && self.opts.options.reconnect_stop & ZMQ_RECONNECT_STOP_AFTER_DISCONNECT != 0
            && self.opts.disconnected.load(Ordering::Relaxed)
            && matches!(self.connect, Some(ConnectAddr::Ipc(_)))
    }

    /// Plans the next connect attempt, with libzmq's backoff.
    pub fn schedule_reconnect(&mut self, now: Instant, errno: i32) {
        if self.closing && self.pipe.is_none() {
            self.done = true;
            return;
        }
        let gives_up = self.connect.as_ref().is_none_or(|addr| {
            connecter::gives_up(
                self.opts.options.reconnect_stop,
                self.opts.options.reconnect_ivl,
                errno,
                addr,
                self.opts.disconnected.load(Ordering::Relaxed),
            )
        });
        if gives_up {
            self.done = true;
            return;
        }
        let ivl = self.backoff.next(connecter::jitter_bits());
        self.event(ZMQ_EVENT_CONNECT_RETRIED, ivl as u64);
        self.reconnect_at = Some(now + ms(ivl));
    }

    /// The engine stopped: report it, drop the connection, and plan what
    /// comes next (reconnect, or the end of an accepted session).
    pub fn engine_stopped(&mut self, why: EngineEnd, now: Instant) {
        let Some(engine) = self.engine.take() else {
            return;
        };
        self.zap = None;
        let fd = engine.stream.fd() as u64;
        let handshook = engine.conn.is_handshake_done();
        match why {
            EngineEnd::ConnectFailed(e) => {
                self.event(ZMQ_EVENT_CLOSED, fd);
                drop(engine);
                self.schedule_reconnect(now, e);
                return;
            }
            EngineEnd::HandshakeFailed(HandshakeFail::Silent) => {}
            EngineEnd::HandshakeFailed(HandshakeFail::Protocol(code)) => {
                self.event(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, code as u64)
            }
            EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(errno)) => {
                self.event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, errno as u64)
            }
            EngineEnd::Protocol(_)
            | EngineEnd::Disconnected
            | EngineEnd::TimedOut
            | EngineEnd::Refused => {}
        }
        self.event(ZMQ_EVENT_DISCONNECTED, fd);
        drop(engine);
        // The parts of a message the peer did not finish never reach the
        // socket (a notification or DISCONNECT_MSG then stands alone).
        if let Some(p) = self.pipe.as_mut() {
            p.rollback();
        }
        // Messages written to a pipe made for this connection go with it;
        // a pipe kept across reconnects loses only what the engine held.
        if self.opts.delayed_pipe() || self.connect.is_none() {
            if let Some(mut p) = self.pipe.take() {
                if handshook {
                    // The socket may hear of the loss: an empty message
                    // (notify) and/or its DISCONNECT_MSG.
                    let mut last = Vec::new();
                    if self.opts.notify_disconnect {
                        last.push(Msg::new());
                    }
                    if let Some(d) = &self.opts.disconnect_msg {
                        last.extend(Msg::from_slice(d));
                    }
                    for m in last {
                        let _ = p.write(m);
                    }
                    p.flush();
                }
                p.terminate();
            }
        } else if handshook {
            // The rest of a message the engine took part of is dropped.
            self.pipe_mid_message = std::mem::take(&mut self.pipe_more);
            // A kept pipe tells the socket of the loss (an empty message,
            // as STREAM_NOTIFY and ROUTER_NOTIFY ask) and of the hiccup
            // (draft HICCUP_MSG).
            if let Some(p) = self.pipe.as_mut() {
                let notify = self.opts.notify_disconnect.then(Msg::new);
                let hiccup = self.opts.hiccup_msg.as_deref().map(Msg::from_slice);
                for m in notify.into_iter().chain(hiccup.into_iter().flatten()) {
                    let _ = p.write(m);
                }
                p.flush();
            }
        }
        let stop_after_handshake_fail =
            self.opts.options.reconnect_stop & ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED != 0
                && matches!(why, EngineEnd::HandshakeFailed(_));
        // A peer that breaks the protocol is not called again (libzmq ends
        // the session), unless the connection was tcp's self-connect: a
        // socket that met itself on an ephemeral port.
        let protocol_error = matches!(
            why,
            EngineEnd::Protocol(_)
                | EngineEnd::HandshakeFailed(HandshakeFail::Protocol(_) | HandshakeFail::Silent)
        ) && !self.self_connected;
        if self.connect.is_none()
            || self.closing
            || stop_after_handshake_fail
            || protocol_error
            || matches!(why, EngineEnd::Refused)
        {
            self.done = true;
        } else {
            self.schedule_reconnect(now, 0);
        }
    }

    /// Does all the work there is: finish a connect, read, hand messages to
    /// the pipe, take messages from the pipe, write. Returns the reason the
    /// engine must stop, if it must.
    pub fn pump(&mut self, io_mailbox: &Arc<Mailbox>, now: Instant) -> Option<EngineEnd> {
        let engine = self.engine.as_mut()?;
        match engine.finish_connect() {
            Err(end) => return Some(end),
            Ok(ConnectState::Pending) => return None,
            Ok(ConnectState::JustConnected) => self.connected(),
            Ok(ConnectState::Up) => {}
        }
        match self.engine.as_mut()?.socks_exchange() {
            Err(end) => return Some(end),
            Ok(under_way) => {
                if self.zap_refused {
                    return Some(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                        libc::EFAULT,
                    )));
                }
                if under_way {
                    return None;
                }
            }
        }
        if let Some(end) = self.read_input(io_mailbox, now) {
            return Some(end);
        }
        if let Some(end) = self.zap_send(io_mailbox).or_else(|| self.zap_receive()) {
            return Some(end);
        }
        // What the ZAP reply let the mechanism do next.
        if let Some(end) = self.deliver_events(io_mailbox, now) {
            return Some(end);
        }
        // Take from the pipe only what the kernel may soon accept, so that
        // a slow peer leaves messages in the pipe and the HWM holds.
        loop {
            let more = self.pipe_to_wire();
            let engine = self.engine.as_mut()?;
            if let Some(end) = engine.write_output() {
                return Some(end);
            }
            if !more || engine.conn.has_output() {
                return None;
            }
            if self.out_batch < OUT_BATCH_MAX {
                self.out_batch = rebatch(self.out_batch, (self.out_batch * 2).min(OUT_BATCH_MAX));
            }
        }
    }

    /// Sends the mechanism's ZAP request, if it has one, to the handler.
    fn zap_send(&mut self, io_mailbox: &Arc<Mailbox>) -> Option<EngineEnd> {
        let engine = self.engine.as_mut()?;
        let req = engine.conn.zap_request()?;
        let ctx = self.opts.ctx.upgrade()?;
        let address = engine.stream.peer_address();
        let frames = zap::request_frames(
            &self.opts.options.zap_domain,
            address.as_bytes(),
            &self.opts.options.routing_id,
            &req,
        );
        // A fresh inproc pipe to the handler, whose news comes to this
        // I/O thread.
        let me = crate::ctx::EndpointInfo {
            socket_id: u64::MAX,
            socket_type: ZMQ_DEALER,
            mailbox: Arc::clone(io_mailbox),
            sndhwm: 0,
            rcvhwm: 0,
            conflate: false,
            routing_id: Vec::new(),
            hello: None,
            disconnect: None,
        };
        let Some(mut pipe) = ctx.connect_bound_inproc(zap::ZAP_ENDPOINT, me) else {
            return Some(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                libc::EFAULT,
            )));
        };
        pipe.attach(io_mailbox);
        for m in frames {
            let _ = pipe.write(m);
        }
        pipe.flush();
        self.zap = Some(pipe);
        None
    }

    /// Takes the ZAP handler's reply, when it has come, to the mechanism.
    fn zap_receive(&mut self) -> Option<EngineEnd> {
        let engine = self.engine.as_mut()?;
        let frames = match zap::read_reply(self.zap.as_mut()?) {
            ReplyRead::Pending => return None,
            ReplyRead::HandlerGone => {
                // The handler went away without answering: the handshake
                // stands still (as libzmq) until the peer leaves or the
                // handshake timer fires.
                if let Some(mut p) = self.zap.take() {
                    p.terminate();
                }
                return None;
            }
            ReplyRead::Frames(f) => f,
        };
        if let Some(mut p) = self.zap.take() {
            p.terminate();
        }
        let reply = match zap::parse_reply(&frames) {
            Ok(r) => r,
            Err(code) => return Some(EngineEnd::HandshakeFailed(HandshakeFail::Protocol(code))),
        };
        if let Err(e) = engine
            .conn
            .zap_reply(reply.status, reply.user_id, reply.metadata)
        {
            return Some(EngineEnd::HandshakeFailed(HandshakeFail::Protocol(
                e.code(),
            )));
        }
        if reply.status != b"200" {
            engine.refused = true;
            let code = reply.status_code();
            self.event(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, code);
        }
        None
    }

    /// The poller's event for the stream: what may make progress again.
    pub fn stream_ready(&mut self, readable: bool, writable: bool, trouble: bool) {
        if let Some(e) = self.engine.as_mut() {
            e.stream_ready(readable, writable, trouble);
        }
    }

    /// Routes an ActivateRead to the right pipe (data or ZAP).
    pub fn activate_read(&mut self, key: u64) {
        if let Some(p) = self.pipe.as_mut().filter(|p| p.key() == key) {
            p.activate_read();
        } else if let Some(z) = self.zap.as_mut().filter(|p| p.key() == key) {
            z.activate_read();
        }
    }

    /// The peer of a pipe ended it: the data pipe's end closes the session;
    /// the ZAP pipe's end is the handler gone (read as such by
    /// `zap_receive`).
    pub fn pipe_term(&mut self, key: u64) {
        if let Some(p) = self.pipe.as_mut().filter(|p| p.key() == key) {
            p.peer_terminated();
            self.closing = true;
        } else if let Some(z) = self.zap.as_mut().filter(|p| p.key() == key) {
            z.peer_terminated();
        }
    }

    /// The key of the ZAP pipe, while a request is out.
    pub fn zap_key(&self) -> Option<u64> {
        self.zap.as_ref().map(|p| p.key())
    }

    /// Reads from the stream until it would block (or the pipe is full),
    /// decoding and delivering as it goes.
    fn read_input(&mut self, io_mailbox: &Arc<Mailbox>, now: Instant) -> Option<EngineEnd> {
        loop {
            if let Some(end) = self.deliver_events(io_mailbox, now) {
                return Some(end);
            }
            match self.engine.as_mut()?.read_step(now) {
                ReadStep::Progress => {}
                ReadStep::Idle => return None,
                ReadStep::End(end) => return Some(end),
                ReadStep::Failed(end) => {
                    // Deliver what was decoded before the error.
                    let _ = self.deliver_events(io_mailbox, now);
                    return Some(end);
                }
            }
        }
    }

    /// Moves decoded events on: messages into the pipe (stopping when it is
    /// full), handshake results, heartbeats.
    fn deliver_events(&mut self, io_mailbox: &Arc<Mailbox>, now: Instant) -> Option<EngineEnd> {
        let mut wrote = false;
        loop {
            let engine = self.engine.as_mut()?;
            if let Some(m) = engine.blocked.take() {
                match self.pipe.as_mut().map(|p| p.write(m)) {
                    Some(Ok(())) => wrote = true,
                    Some(Err(back)) => {
                        engine.blocked = Some(back);
                        break;
                    }
                    None => {}
                }
                continue;
            }
            let Some(ev) = engine.conn.poll_event() else {
                break;
            };
            // ZMTP 3.1 subscription commands reach the socket as the
            // messages ZMTP 3.0 uses: 1 (or 0) and the topic.
            let ev = match ev {
                Event::Subscribe(topic) => {
                    subscription(1, &topic).map_or(Event::Cancel(topic), Event::Message)
                }
                Event::Cancel(topic) => {
                    subscription(0, &topic).map_or(Event::Subscribe(topic), Event::Message)
                }
                // A DISH's JOIN / LEAVE reach the RADIO as flagged messages.
                Event::Membership { join, group } => match Msg::membership(join, &group) {
                    Ok(m) => Event::Message(m),
                    Err(_) => continue,
                },
                other => other,
            };
            match ev {
                Event::HandshakeSucceeded {
                    peer_routing_id,
                    properties,
                    version,
                    ..
                } => {
                    engine.liveness.on_handshake(now);
                    // ZMTP 1.0 / 2.0 peers have no READY: libzmq gives their
                    // messages no properties and reports no handshake.
                    let legacy = version.0 < 3 && !self.opts.options.raw_socket;
                    let mut props: Vec<(String, CString)> = properties
                        .into_iter()
                        .filter_map(|(k, v)| CString::new(v).ok().map(|v| (k, v)))
                        .collect();
                    let peer = engine.stream.peer_address();
                    if !peer.is_empty() {
                        if let Ok(v) = CString::new(peer) {
                            props.push(("Peer-Address".to_string(), v));
                        }
                    }
                    if !legacy {
                        engine.metadata =
                            Some(MetadataStamp::new(Metadata::new(props, engine.stream.fd())));
                    }
                    self.backoff.reset();
                    if !self.opts.options.raw_socket && !legacy {
                        self.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 0);
                    }
                    self.handshake_done(peer_routing_id, io_mailbox);
                    if self.opts.notify_connect {
                        // An empty message tells of the new peer (with the
                        // connection's properties, e.g. Peer-Address).
                        let mut m = Msg::new();
                        m.set_metadata(
                            self.engine
                                .as_mut()
                                .and_then(|e| e.metadata.as_mut())
                                .map(MetadataStamp::stamp),
                        );
                        if let Some(p) = self.pipe.as_mut() {
                            if p.write(m).is_ok() {
                                wrote = true;
                            }
                        }
                    }
                    if let (Some(hello), Some(e)) = (&self.opts.hello_msg, self.engine.as_mut()) {
                        if let Ok(m) = Msg::from_slice(hello) {
                            e.conn.send(m);
                        }
                    }
                }
                Event::Message(mut m) => {
                    if let Some(md) = engine.metadata.as_mut() {
                        m.set_metadata(Some(md.stamp()));
                    }
                    // Without a pipe (the socket is gone) the message is dropped.
                    if let Some(p) = self.pipe.as_mut() {
                        match p.write(m) {
                            Ok(()) => wrote = true,
                            Err(back) => {
                                if let Some(e) = self.engine.as_mut() {
                                    e.blocked = Some(back);
                                }
                                break;
                            }
                        }
                    }
                }
                Event::Subscribe(_) | Event::Cancel(_) | Event::Membership { .. } => {}
                Event::Upgraded => self.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 0),
                Event::Ping { ttl_ds, context } => engine.on_ping(ttl_ds, &context, now),
                Event::Pong { .. } => {}
                Event::Error(reason) => {
                    if engine.refused {
                        // Our refusal: the ERROR (if any) is queued; stay.
                        continue;
                    }
                    if let Some(code) = zmtp::command::zap_status(&reason) {
                        self.event(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, code as u64);
                    }
                    return Some(EngineEnd::Refused);
                }
            }
        }
        if wrote {
            if let Some(p) = self.pipe.as_mut() {
                p.flush();
            }
        }
        None
    }

    /// The handshake is done: make the pipe to the socket if it waited for
    /// this connection.
    fn handshake_done(&mut self, peer_routing_id: Vec<u8>, io_mailbox: &Arc<Mailbox>) {
        if let Some(p) = self.pipe.as_mut() {
            if self.opts.identity_in_band() {
                // The socket learns the peer's name in-band, first thing
                // (again after a reconnect).
                if let Ok(mut m) = Msg::from_slice(&peer_routing_id) {
                    m.set_flags(crate::msg::flags::ROUTING_ID);
                    if p.write(m).is_ok() {
                        p.flush();
                    }
                }
            }
            // A reconnect on a kept pipe: the new peer hears our
            // subscriptions again.
            if let Some(engine) = self.engine.as_mut() {
                for topic in self.subscriptions.keys() {
                    engine.conn.send_subscribe(topic);
                }
                for group in &self.groups {
                    engine.conn.send_membership(true, group);
                }
            }
            return;
        }
        let o = &self.opts;
        let (mut socket_end, session_end) = o.pipe_pair();
        socket_end.routing_id = o.connect_routing_id.clone().unwrap_or(peer_routing_id);
        socket_end.stats_endpoints = (self.local_ep.clone(), self.remote_ep.clone());
        if self.connect.is_some() {
            socket_end.endpoint = self.endpoint.clone();
        }
        match self.events.as_ref() {
            Some(ev) => session_end.attach(ev),
            None => session_end.attach(io_mailbox),
        }
        o.socket_mailbox.send(Command::Bind(Box::new(socket_end)));
        self.pipe = Some(session_end);
    }

    /// The socket wrote to pipe `key` while the session slept on it (see
    /// `SessionEvents`): when the connection is up and idle, moves what
    /// the pipe holds to the wire now, on the caller's thread. True when
    /// all of it went out; false leaves the rest (and any error) to the
    /// I/O thread, which must then be told.
    pub(crate) fn write_direct(&mut self, key: u64) -> bool {
        if self.closing || self.done {
            return false;
        }
        let Some(e) = self.engine.as_ref() else {
            return false;
        };
        if !e.conn.is_handshake_done() || e.conn.has_output() || !e.may_write() {
            return false;
        }
        match self.pipe.as_mut() {
            Some(p) if p.key() == key => {
                p.activate_read();
            }
            _ => return false,
        }
        let more = self.pipe_to_wire();
        let Some(e) = self.engine.as_mut() else {
            return false;
        };
        e.write_output().is_none() && !more && !e.conn.has_output() && !self.closing
    }

    /// Moves messages from the pipe to the encoder until the pipe is empty
    /// or a batch (`out_batch`) is pending. True when it stopped at the
    /// limit.
    fn pipe_to_wire(&mut self) -> bool {
        let Some(engine) = self.engine.as_mut() else {
            return false;
        };
        if !engine.conn.is_handshake_done() {
            return false;
        }
        let Some(pipe) = self.pipe.as_mut() else {
            return false;
        };
        loop {
            if engine.conn.pending_len() >= self.out_batch {
                return true;
            }
            match pipe.read() {
                Read::Msg(m) => {
                    if self.pipe_mid_message {
                        self.pipe_mid_message = m.more();
                        continue;
                    }
                    self.pipe_more = m.more();
                    // A DISH's JOIN / LEAVE go as commands.
                    let membership = m.flags() & (flags::JOIN | flags::LEAVE);
                    if membership != 0 {
                        let group = m.group().to_bytes();
                        let join = membership == flags::JOIN;
                        if join {
                            self.groups.insert(group.to_vec());
                        } else {
                            self.groups.remove(group);
                        }
                        engine.conn.send_membership(join, group);
                        continue;
                    }
                    // A subscriber's (un)subscriptions go as ZMTP 3.1
                    // commands (the ZMTP layer downgrades for 3.0 peers).
                    let subscriber = matches!(self.opts.options.socket_type, ZMQ_SUB | ZMQ_XSUB);
                    match (subscriber && !m.more(), m.data().first()) {
                        (true, Some(1)) => {
                            let topic = &m.data()[1..];
                            *self.subscriptions.entry(topic.to_vec()).or_insert(0) += 1;
                            engine.conn.send_subscribe(topic);
                        }
                        (true, Some(0)) => {
                            let topic = &m.data()[1..];
                            if let Some(n) = self.subscriptions.get_mut(topic) {
                                *n -= 1;
                                if *n == 0 {
                                    self.subscriptions.remove(topic);
                                }
                            }
                            engine.conn.send_cancel(topic);
                        }
                        _ => engine.conn.send(m),
                    }
                }
                Read::Empty => return false,
                Read::Done => {
                    // The socket ended the pipe: finish sending, then go.
                    self.closing = true;
                    return false;
                }
            }
        }
    }

    /// Whether a closing session has sent all it must (or its LINGER ran
    /// out).
    pub fn finished_closing(&mut self, now: Instant) -> bool {
        if !self.closing || self.last_retry_pending() {
            return false;
        }
        if self.linger_deadline.is_some_and(|d| now >= d) {
            return true;
        }
        if let Some(p) = self.pipe.as_mut() {
            if !p.is_in_done() {
                // Meets the delimiter if nothing is left before it.
                p.check_read();
            }
        }
        let pipe_done = self.pipe.as_ref().is_none_or(|p| p.is_in_done());
        let flushed = self.engine.as_ref().is_none_or(|e| !e.conn.has_output());
        pipe_done && flushed
    }

    /// Timers: connect, handshake and heartbeat deadlines, pings to send.
    /// Returns the reason to stop the engine, if one expired.
    pub fn on_timer(&mut self, now: Instant) -> Option<EngineEnd> {
        self.engine.as_mut()?.on_timer(now)
    }

    /// The earliest instant this session wants to be woken at.
    pub fn next_deadline(&self) -> Option<Instant> {
        [
            self.reconnect_at,
            self.linger_deadline,
            self.engine.as_ref().and_then(Engine::next_deadline),
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_grow_within_the_threads_budget() {
        // One stream alone doubles to the largest batch.
        let mut extra = 0;
        let mut b = OUT_BATCH_MIN;
        while b < OUT_BATCH_MAX {
            (b, extra) = rebatch_within(extra, b, (b * 2).min(OUT_BATCH_MAX));
        }
        assert_eq!(b, OUT_BATCH_MAX);
        assert_eq!(extra, OUT_BATCH_MAX - OUT_BATCH_MIN);
        // Many sessions: growth stops once the budget is spent.
        let mut extra = 0;
        let mut grown = 0;
        for _ in 0..1000 {
            let (got, now) = rebatch_within(extra, OUT_BATCH_MIN, OUT_BATCH_MAX);
            extra = now;
            if got > OUT_BATCH_MIN {
                grown += 1;
            }
        }
        assert!(extra <= OUT_BATCH_BUDGET);
        assert_eq!(grown, OUT_BATCH_BUDGET / (OUT_BATCH_MAX - OUT_BATCH_MIN));
        // A batch given back leaves room for another.
        let (b, after) = rebatch_within(extra, OUT_BATCH_MAX, OUT_BATCH_MIN);
        assert_eq!(b, OUT_BATCH_MIN);
        let (b, _) = rebatch_within(after, OUT_BATCH_MIN, OUT_BATCH_MAX);
        assert_eq!(b, OUT_BATCH_MAX);
    }

    #[test]
    fn rebatch_keeps_the_calling_threads_account() {
        let before = BATCH_EXTRA.with(|e| e.get());
        let grown = rebatch(OUT_BATCH_MIN, OUT_BATCH_MAX);
        assert_eq!(grown, OUT_BATCH_MAX);
        assert_eq!(
            BATCH_EXTRA.with(|e| e.get()),
            before + OUT_BATCH_MAX - OUT_BATCH_MIN
        );
        rebatch(grown, OUT_BATCH_MIN);
        assert_eq!(BATCH_EXTRA.with(|e| e.get()), before);
    }
}
