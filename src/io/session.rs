//! Sessions and engines: one tcp or ipc connection in an I/O thread.
//!
//! A session joins a socket's pipe to the wire. A connecting session
//! outlives its connections (it reconnects, and for most socket types keeps
//! the pipe so messages queue while disconnected); an accepted one lives
//! as long as its connection. The engine is one live connection: a
//! non-blocking stream driven through the sans-IO `zmtp::Connection`, with
//! batched reads and gathered writes.

use crate::command::Command;
use crate::constants::*;
use crate::error::Error;
use crate::io::mailbox::Mailbox;
use crate::io::raw::RawWire;
use crate::monitor::{self, MonitorSlot};
use crate::msg::{Metadata, MetadataStamp, Msg};
use crate::pipe::{pipe_pair, Direction, Pipe, Read};
use crate::transport::address::{resolve_tcp_connect, IpcAddr};
use crate::transport::socks::Socks5;
use crate::transport::{self, ConnectError, Stream, TcpSettings};
use crate::zmtp::{self, Connection, Event};
use std::ffi::CString;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a session needs to know of its socket, taken at bind/connect time.
pub struct SessionOptions {
    pub socket_id: u64,
    pub socket_type: i32,
    pub routing_id: Vec<u8>,
    pub connect_routing_id: Option<Vec<u8>>,
    /// The socket names its peers (ROUTER, REP): its pipe waits for the
    /// handshake, which tells the peer's routing id.
    pub recv_routing_id: bool,
    /// Raw bytes instead of ZMTP (STREAM), with connect/disconnect
    /// notifications as empty messages when `raw_notify`.
    pub raw: bool,
    /// An empty message tells the socket of a new peer / a lost one
    /// (STREAM_NOTIFY, ROUTER_NOTIFY over the wire).
    pub notify_connect: bool,
    pub notify_disconnect: bool,
    /// Draft: sent to each new peer (HELLO_MSG); given to the socket when a
    /// peer is lost (DISCONNECT_MSG) or reconnects (HICCUP_MSG).
    pub hello_msg: Option<Vec<u8>>,
    pub disconnect_msg: Option<Vec<u8>>,
    pub hiccup_msg: Option<Vec<u8>>,
    pub immediate: bool,
    pub sndhwm: u64,
    pub rcvhwm: u64,
    pub conflate: bool,
    pub reconnect_ivl: i32,
    pub reconnect_ivl_max: i32,
    pub reconnect_stop: i32,
    pub handshake_ivl: i32,
    /// ZMQ_CONNECT_TIMEOUT: a tcp connect that takes longer is given up
    /// (and retried), 0: the system's timeout.
    pub connect_timeout: i32,
    pub heartbeat_ivl: i32,
    pub heartbeat_ttl_ds: u16,
    pub heartbeat_timeout: i32,
    pub maxmsgsize: i64,
    pub metadata: Vec<(Vec<u8>, Vec<u8>)>,
    /// The context, to reach the ZAP handler (inproc://zeromq.zap.01).
    pub ctx: std::sync::Weak<crate::ctx::Ctx>,
    /// ZMQ_ZAP_DOMAIN, and ZMQ_ZAP_ENFORCE_DOMAIN (no handler: refuse).
    pub zap_domain: Vec<u8>,
    pub zap_enforce_domain: bool,
    /// ZMQ_SOCKS_PROXY ("host:port") with ZMQ_SOCKS_USERNAME/PASSWORD.
    pub socks: Option<(String, Vec<u8>, Vec<u8>)>,
    /// NULL, PLAIN or CURVE, with its credentials.
    pub mechanism: zmtp::MechanismConfig,
    pub tcp: TcpSettings,
    /// Who may connect: ZMQ_TCP_ACCEPT_FILTER and the ZMQ_IPC_FILTER_*
    /// sets (empty: anyone).
    pub accept_filters: Vec<crate::socket::options::TcpAcceptFilter>,
    pub ipc_uids: std::collections::BTreeSet<u32>,
    pub ipc_gids: std::collections::BTreeSet<u32>,
    pub ipc_pids: std::collections::BTreeSet<i32>,
    pub socket_mailbox: Arc<Mailbox>,
    pub monitor: MonitorSlot,
    /// The socket's ZMQ_RECONNECT_STOP_AFTER_DISCONNECT state: it has had a
    /// zmq_disconnect or zmq_unbind.
    pub disconnected: Arc<AtomicBool>,
}

impl SessionOptions {
    /// Whether an accepted connection passes the accept filters.
    pub fn admits(&self, stream: &Stream) -> bool {
        match stream {
            Stream::Tcp(s) => {
                if self.accept_filters.is_empty() {
                    return true;
                }
                let Ok(peer) = s.peer_addr() else {
                    return false;
                };
                let ip = peer.ip();
                self.accept_filters.iter().any(|f| f.matches(&ip))
            }
            Stream::Unix(_) => {
                if self.ipc_uids.is_empty() && self.ipc_gids.is_empty() && self.ipc_pids.is_empty()
                {
                    return true;
                }
                let Some((pid, uid, gid)) = stream.peer_credentials() else {
                    return false;
                };
                self.ipc_uids.contains(&uid)
                    || self.ipc_gids.contains(&gid)
                    || self.ipc_pids.contains(&pid)
            }
        }
    }

    /// Whether a connecting socket's pipe is made only once a connection is
    /// up (ZMQ_IMMEDIATE); otherwise it exists from zmq_connect and messages
    /// queue in it meanwhile.
    pub fn delayed_pipe(&self) -> bool {
        self.immediate
    }

    /// Whether a pipe made at connect learns the peer's routing id in-band
    /// (a ROUTER or REP connecting without ZMQ_CONNECT_ROUTING_ID).
    pub fn identity_in_band(&self) -> bool {
        self.recv_routing_id && self.connect_routing_id.is_none()
    }

    fn zmtp_config(&self) -> zmtp::Config {
        zmtp::Config {
            socket_type: self.socket_type,
            routing_id: self.routing_id.clone(),
            as_server: false,
            metadata: self.metadata.clone(),
            maxmsgsize: self.maxmsgsize,
            recv_routing_id: self.recv_routing_id,
            mechanism: self.mechanism.clone(),
            ..zmtp::Config::new(self.socket_type)
        }
    }
}

/// Where a connecting session connects to.
#[derive(Debug, Clone)]
pub enum ConnectAddr {
    /// The text after "tcp://", resolved afresh at each attempt (as libzmq).
    Tcp(String),
    Ipc(IpcAddr),
}

/// A burst of output of more than `SPLIT_ABOVE` octets goes out as a first
/// write of `FIRST_PART` octets and then the rest: the reader wakes on the
/// first part and copies out while the rest is still being copied in. (On
/// loopback one 1 MiB sendmsg is otherwise all done before the peer starts
/// reading: round trips took 1.7 times libzmq's, which writes its first
/// 8 KiB batch on its own.)
const SPLIT_ABOVE: usize = 128 * 1024;
const FIRST_PART: usize = 8192;

/// The protocol on a connection: ZMTP, or raw bytes (STREAM).
enum Wire {
    Zmtp(Box<Connection>),
    Raw(RawWire),
}

impl Wire {
    fn read_buffer(&mut self) -> &mut [u8] {
        match self {
            Wire::Zmtp(c) => c.read_buffer(),
            Wire::Raw(r) => r.read_buffer(),
        }
    }
    /// One read from `stream` into the wire's next buffer (a large ZMTP
    /// body straight into its message, not zeroed first), and what was read
    /// decoded: (octets read, room there was, the decoding's outcome).
    fn read_from(
        &mut self,
        stream: &mut Stream,
    ) -> io::Result<(usize, usize, Result<(), zmtp::ProtocolError>)> {
        if let Wire::Zmtp(c) = self {
            if let Some(buf) = c.direct_buffer() {
                let room = buf.len();
                let n = stream.read_uninit(buf)?;
                // SAFETY: read(2) wrote the n octets.
                return Ok((n, room, unsafe { c.advance_direct(n) }));
            }
        }
        let buf = self.read_buffer();
        let room = buf.len();
        if room == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = stream.read(buf)?;
        if n == 0 {
            return Ok((0, room, Ok(())));
        }
        Ok((n, room, self.advance(n)))
    }
    fn advance(&mut self, n: usize) -> Result<(), zmtp::ProtocolError> {
        match self {
            Wire::Zmtp(c) => c.advance(n),
            Wire::Raw(r) => {
                r.advance(n);
                Ok(())
            }
        }
    }
    fn poll_event(&mut self) -> Option<Event> {
        match self {
            Wire::Zmtp(c) => c.poll_event(),
            Wire::Raw(r) => r.poll_event(),
        }
    }
    fn send(&mut self, m: Msg) {
        match self {
            Wire::Zmtp(c) => c.send(m),
            Wire::Raw(r) => r.send(m),
        }
    }
    fn zap_request(&mut self) -> Option<zmtp::mechanism::ZapRequest> {
        match self {
            Wire::Zmtp(c) => c.zap_request(),
            Wire::Raw(_) => None,
        }
    }
    fn zap_reply(
        &mut self,
        status: &[u8],
        user_id: &[u8],
        metadata: &[u8],
    ) -> Result<(), zmtp::ProtocolError> {
        match self {
            Wire::Zmtp(c) => c.zap_reply(status, user_id, metadata),
            Wire::Raw(_) => Ok(()),
        }
    }
    fn send_subscribe(&mut self, topic: &[u8]) {
        if let Wire::Zmtp(c) = self {
            c.send_subscribe(topic);
        }
    }
    fn send_cancel(&mut self, topic: &[u8]) {
        if let Wire::Zmtp(c) = self {
            c.send_cancel(topic);
        }
    }
    fn send_ping(&mut self, ttl_ds: u16, context: &[u8]) {
        if let Wire::Zmtp(c) = self {
            c.send_ping(ttl_ds, context);
        }
    }
    fn send_pong(&mut self, context: &[u8]) {
        if let Wire::Zmtp(c) = self {
            c.send_pong(context);
        }
    }
    /// The output to write, at most `limit` octets of it, into `out`.
    fn output_into<'a>(&'a self, out: &mut [std::io::IoSlice<'a>], limit: usize) -> usize {
        match self {
            Wire::Zmtp(c) => c.output_upto(out, limit),
            Wire::Raw(r) => r.output_upto(out, limit),
        }
    }
    fn output_len(&self) -> usize {
        match self {
            Wire::Zmtp(c) => c.output_len(),
            Wire::Raw(r) => r.output_len(),
        }
    }
    fn consumed(&mut self, n: usize) {
        match self {
            Wire::Zmtp(c) => c.consumed(n),
            Wire::Raw(r) => r.consumed(n),
        }
    }
    fn has_output(&self) -> bool {
        match self {
            Wire::Zmtp(c) => c.has_output(),
            Wire::Raw(r) => r.has_output(),
        }
    }
    fn is_handshake_done(&self) -> bool {
        match self {
            Wire::Zmtp(c) => c.is_handshake_done(),
            Wire::Raw(_) => true,
        }
    }
}

/// One live connection.
pub struct Engine {
    pub stream: Stream,
    conn: Wire,
    /// A message from the wire the pipe had no room for.
    blocked: Option<Msg>,
    metadata: Option<MetadataStamp>,
    handshake_deadline: Option<Instant>,
    /// When a connect in progress is given up (ZMQ_CONNECT_TIMEOUT).
    connect_deadline: Option<Instant>,
    /// The SOCKS5 exchange still to do before ZMTP starts.
    socks: Option<Socks5>,
    /// The pipe to the ZAP handler, while a request is out.
    pub zap: Option<Pipe>,
    /// Last time anything came from the peer (heartbeat timeout).
    last_input: Instant,
    next_ping: Option<Instant>,
    /// Deadline set by the peer's PING TTL.
    ttl_deadline: Option<Instant>,
    /// A connect still in progress (tcp): done when writable.
    connecting: bool,
    /// ZAP refused the peer: what the mechanism owes it (ERROR for 400 and
    /// 500) goes out, then the connection stands still until the peer
    /// leaves or the handshake timer ends it, reported as libzmq does (no
    /// NO_DETAIL event).
    refused: bool,
    /// Whether a read or a write may make progress: cleared when the
    /// kernel says it would block, set again by the poller's (edge
    /// triggered) event, so that waking for the pipe costs no syscall on
    /// the side that has nothing to do.
    readable: bool,
    writable: bool,
    /// The poller reported a hang-up or an error: reads go on until they
    /// say so (a short read then does not mean "nothing more").
    trouble: bool,
}

/// How a handshake failed, as the monitor reports it.
#[derive(Debug, Clone, Copy)]
pub enum HandshakeFail {
    /// HANDSHAKE_FAILED_PROTOCOL with this code.
    Protocol(i32),
    /// A protocol error libzmq does not report (only DISCONNECTED).
    Silent,
    /// HANDSHAKE_FAILED_NO_DETAIL with this errno.
    NoDetail(i32),
}

/// Why an engine stopped.
#[derive(Debug)]
pub enum EngineEnd {
    /// The peer went away or the stream failed before the handshake.
    Disconnected,
    /// The handshake failed.
    HandshakeFailed(HandshakeFail),
    /// A protocol error after the handshake.
    Protocol(i32),
    /// The connect attempt failed (errno).
    ConnectFailed(i32),
    /// Heartbeat or handshake timer.
    TimedOut,
    /// The peer refused us with ERROR during the handshake (a ZAP status is
    /// reported as HANDSHAKE_FAILED_AUTH): as in libzmq, a connecting
    /// session does not try again.
    Refused,
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
    current_ivl: i32,
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
    /// The socket is done with us: finish sending (LINGER) and go.
    pub closing: bool,
    pub linger_deadline: Option<Instant>,
    /// ZAP is required (enforced domain) but no handler is bound: the
    /// handshake fails.
    zap_refused: bool,
    /// The endpoints monitor events name.
    local_ep: String,
    remote_ep: String,
    /// Set when the session is finished and can be removed.
    pub done: bool,
}

/// Where the ZAP handler lives (RFC 27).
const ZAP_ENDPOINT: &str = "inproc://zeromq.zap.01";

/// Bytes of encoded output a session holds before it stops taking messages
/// from its pipe (what is not taken stays under the pipe's HWM).
const OUT_BATCH: usize = 64 * 1024;

/// A (un)subscription as a message: `flag` then the topic.
fn subscription(flag: u8, topic: &[u8]) -> Option<Msg> {
    let mut body = Vec::with_capacity(topic.len() + 1);
    body.push(flag);
    body.extend_from_slice(topic);
    Msg::from_slice(&body).ok()
}

fn ms(v: i32) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

impl Session {
    pub fn new(
        opts: Arc<SessionOptions>,
        endpoint: String,
        pipe: Option<Pipe>,
        connect: Option<ConnectAddr>,
    ) -> Session {
        let ivl = opts.reconnect_ivl;
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
            current_ivl: ivl,
            pipe_mid_message: false,
            pipe_more: false,
            self_connected: false,
            subscriptions: Default::default(),
            closing: false,
            linger_deadline: None,
            zap_refused: false,
            local_ep: String::new(),
            remote_ep,
            done: false,
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
    }

    /// Starts an engine on a fresh stream (accepted, or connect started).
    pub fn start_engine(&mut self, stream: Stream, connecting: bool, now: Instant) {
        self.set_endpoints(&stream);
        let mut cfg = self.opts.zmtp_config();
        cfg.as_server = self.connect.is_none();
        // A server mechanism asks ZAP when a handler is bound.
        let server_mech = matches!(
            cfg.mechanism,
            zmtp::MechanismConfig::Plain {
                as_server: true,
                ..
            } | zmtp::MechanismConfig::Curve {
                as_server: true,
                ..
            }
        );
        // NULL asks ZAP only when a ZAP domain is set.
        let null_zap =
            cfg.mechanism == zmtp::MechanismConfig::Null && !self.opts.zap_domain.is_empty();
        let handler = self
            .opts
            .ctx
            .upgrade()
            .is_some_and(|c| c.is_bound(ZAP_ENDPOINT));
        // CURVE with ZAP_ENFORCE_DOMAIN and no domain skips ZAP (libzmq's
        // "stonehouse"); with a domain and no handler it refuses the client.
        let curve_server = matches!(
            cfg.mechanism,
            zmtp::MechanismConfig::Curve {
                as_server: true,
                ..
            }
        );
        let curve_no_zap =
            curve_server && self.opts.zap_enforce_domain && self.opts.zap_domain.is_empty();
        cfg.zap_enabled = (server_mech || null_zap) && handler && !curve_no_zap;
        cfg.zap_enforce = curve_server
            && !handler
            && self.opts.zap_enforce_domain
            && !self.opts.zap_domain.is_empty();
        cfg.refuse_legacy = null_zap;
        // An enforced domain with no handler to ask fails the handshake.
        self.zap_refused = null_zap && !handler && self.opts.zap_enforce_domain;
        let handshake_deadline =
            (self.opts.handshake_ivl > 0).then(|| now + ms(self.opts.handshake_ivl));
        let conn = if self.opts.raw {
            Wire::Raw(RawWire::new())
        } else {
            Wire::Zmtp(Box::new(Connection::new(cfg)))
        };
        self.engine = Some(Engine {
            stream,
            conn,
            blocked: None,
            metadata: None,
            handshake_deadline,
            connect_deadline: (connecting && self.opts.connect_timeout > 0)
                .then(|| now + ms(self.opts.connect_timeout)),
            socks: None,
            zap: None,
            last_input: now,
            next_ping: None,
            ttl_deadline: None,
            connecting,
            refused: false,
            readable: true,
            writable: true,
            trouble: false,
        });
    }

    /// Tries to connect (connecting sessions only). The stream comes back to
    /// be registered with the poller.
    pub fn try_connect(&mut self, now: Instant) -> Option<&mut Stream> {
        let addr = self.connect.clone()?;
        self.reconnect_at = None;
        // Not connected: no local address (libzmq's unconnected pair).
        self.local_ep.clear();
        let r = match &addr {
            ConnectAddr::Tcp(text) => match &self.opts.socks {
                // Through a SOCKS5 proxy: connect to it; the target name
                // goes to the proxy unresolved.
                Some((proxy, _, _)) => resolve_tcp_connect(proxy, self.opts.tcp.ipv6)
                    .map_err(ConnectError::from)
                    .and_then(|a| transport::tcp_connect(&a, &self.opts.tcp))
                    .map(|s| (s, true)),
                None => resolve_tcp_connect(text, self.opts.tcp.ipv6)
                    .map_err(ConnectError::from)
                    .and_then(|a| transport::tcp_connect(&a, &self.opts.tcp))
                    .map(|s| (s, true)),
            },
            ConnectAddr::Ipc(a) => transport::ipc_connect(a, &self.opts.tcp).map(|s| (s, false)),
        };
        match r {
            Ok((stream, in_progress)) => {
                if in_progress {
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
                self.start_engine(stream, in_progress, now);
                if let (Some((_, user, pass)), ConnectAddr::Tcp(text)) = (&self.opts.socks, &addr) {
                    match Socks5::new(text, user, pass) {
                        Ok(s) => {
                            if let Some(e) = self.engine.as_mut() {
                                e.socks = Some(s);
                            }
                        }
                        Err(Error(e)) => {
                            self.engine = None;
                            self.schedule_reconnect(now, e);
                            return None;
                        }
                    }
                }
                if !in_progress {
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

    /// Plans the next connect attempt, with libzmq's backoff.
    pub fn schedule_reconnect(&mut self, now: Instant, errno: i32) {
        if self.closing && self.pipe.is_none() {
            self.done = true;
            return;
        }
        let stop = self.opts.reconnect_stop;
        let refused = errno == libc::ECONNREFUSED;
        // AFTER_DISCONNECT: once the socket has had a zmq_disconnect or
        // zmq_unbind, a refused ipc connect is the last (libzmq applies it
        // to ipc only).
        let refused_after_disconnect = refused
            && stop & ZMQ_RECONNECT_STOP_AFTER_DISCONNECT != 0
            && matches!(self.connect, Some(ConnectAddr::Ipc(_)))
            && self.opts.disconnected.load(Ordering::Relaxed);
        if (stop & ZMQ_RECONNECT_STOP_CONN_REFUSED != 0 && refused)
            || refused_after_disconnect
            || self.opts.reconnect_ivl < 0
        {
            self.done = true;
            return;
        }
        let mut ivl = self.current_ivl.max(0);
        if self.opts.reconnect_ivl_max <= 0 && ivl > 0 {
            // Without a maximum, libzmq adds up to one interval of jitter.
            let mut r = [0u8; 4];
            let _ = crate::keys::random_bytes(&mut r);
            ivl += (u32::from_ne_bytes(r) % ivl as u32) as i32;
        }
        self.event(ZMQ_EVENT_CONNECT_RETRIED, ivl as u64);
        self.reconnect_at = Some(now + ms(ivl));
        if self.opts.reconnect_ivl_max > 0 {
            self.current_ivl =
                (self.current_ivl.saturating_mul(2)).min(self.opts.reconnect_ivl_max);
        }
    }

    /// The engine stopped: report it, drop the connection, and plan what
    /// comes next (reconnect, or the end of an accepted session).
    pub fn engine_stopped(&mut self, why: EngineEnd, now: Instant) {
        let Some(engine) = self.engine.take() else {
            return;
        };
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
            self.opts.reconnect_stop & ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED != 0
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
        if engine.connecting {
            match engine.stream.take_error() {
                Ok(None) => {}
                Ok(Some(e)) | Err(e) => {
                    return Some(EngineEnd::ConnectFailed(
                        e.raw_os_error().unwrap_or(libc::ECONNREFUSED),
                    ))
                }
            }
            // Still connecting until the kernel says we have a peer.
            if let Stream::Tcp(s) = &engine.stream {
                if s.peer_addr().is_err() {
                    return None;
                }
            }
            engine.connecting = false;
            engine.connect_deadline = None;
            self.connected();
        }
        if let Some(end) = self.socks_exchange() {
            return Some(end);
        }
        if self.zap_refused {
            return Some(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                libc::EFAULT,
            )));
        }
        if self.engine.as_ref().is_some_and(|e| e.socks.is_some()) {
            return None;
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
            if let Some(end) = self.write_output() {
                return Some(end);
            }
            if !more || self.engine.as_ref().is_none_or(|e| e.conn.has_output()) {
                return None;
            }
        }
    }

    /// Sends the mechanism's ZAP request, if it has one, to the handler.
    fn zap_send(&mut self, io_mailbox: &Arc<Mailbox>) -> Option<EngineEnd> {
        let opts = Arc::clone(&self.opts);
        let engine = self.engine.as_mut()?;
        let req = engine.conn.zap_request()?;
        let ctx = opts.ctx.upgrade()?;
        let me = crate::ctx::EndpointInfo {
            socket_id: u64::MAX,
            socket_type: ZMQ_DEALER,
            mailbox: Arc::clone(io_mailbox),
            sndhwm: 0,
            rcvhwm: 0,
            conflate: false,
            routing_id: Vec::new(),
            hello: None,
        };
        let Some(mut pipe) = ctx.connect_bound_inproc(ZAP_ENDPOINT, me) else {
            return Some(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                libc::EFAULT,
            )));
        };
        pipe.attach(io_mailbox);
        let address = engine.stream.peer_address();
        let mut frames: Vec<&[u8]> = vec![
            b"",
            b"1.0",
            b"1",
            &opts.zap_domain,
            address.as_bytes(),
            &opts.routing_id,
            req.mechanism,
        ];
        frames.extend(req.credentials.iter().map(|c| c.as_slice()));
        let n = frames.len();
        for (i, f) in frames.into_iter().enumerate() {
            if let Ok(mut m) = Msg::from_slice(f) {
                if i + 1 < n {
                    m.set_flags(crate::msg::flags::MORE);
                }
                let _ = pipe.write(m);
            }
        }
        pipe.flush();
        engine.zap = Some(pipe);
        None
    }

    /// Takes the ZAP handler's reply, when it has come, to the mechanism.
    fn zap_receive(&mut self) -> Option<EngineEnd> {
        let engine = self.engine.as_mut()?;
        let pipe = engine.zap.as_mut()?;
        let mut frames: Vec<Msg> = Vec::new();
        loop {
            match pipe.read() {
                Read::Msg(m) => {
                    let more = m.more();
                    frames.push(m);
                    if !more {
                        break;
                    }
                }
                Read::Empty if frames.is_empty() => return None,
                Read::Done if frames.is_empty() => {
                    // The handler went away without answering: the
                    // handshake stands still (as libzmq) until the peer
                    // leaves or the handshake timer fires.
                    if let Some(mut p) = engine.zap.take() {
                        p.terminate();
                    }
                    return None;
                }
                // A message is flushed whole, so this is the handler gone.
                Read::Empty | Read::Done => break,
            }
        }
        if let Some(mut p) = engine.zap.take() {
            p.terminate();
        }
        let malformed = |code| Some(EngineEnd::HandshakeFailed(HandshakeFail::Protocol(code)));
        if frames.len() != 7 || frames[0].size() != 0 {
            return malformed(ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY);
        }
        if frames[1].data() != b"1.0" {
            return malformed(ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION);
        }
        if frames[2].data() != b"1" {
            return malformed(ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID);
        }
        let status = frames[3].data().to_vec();
        if let Err(e) = engine
            .conn
            .zap_reply(&status, frames[5].data(), frames[6].data())
        {
            return Some(EngineEnd::HandshakeFailed(HandshakeFail::Protocol(
                e.code(),
            )));
        }
        if status.as_slice() != b"200" {
            engine.refused = true;
            let code = std::str::from_utf8(&status)
                .ok()
                .and_then(|t| t.parse::<u64>().ok())
                .unwrap_or(0);
            self.event(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, code);
        }
        None
    }

    /// Routes an ActivateRead to the right pipe (data or ZAP).
    /// The poller's event for the stream: what may make progress again.
    pub fn stream_ready(&mut self, readable: bool, writable: bool, trouble: bool) {
        if let Some(e) = self.engine.as_mut() {
            e.readable |= readable || trouble;
            e.writable |= writable || trouble;
            e.trouble |= trouble;
        }
    }

    pub fn activate_read(&mut self, key: u64) {
        if let Some(p) = self.pipe.as_mut().filter(|p| p.key() == key) {
            p.activate_read();
        } else if let Some(z) = self
            .engine
            .as_mut()
            .and_then(|e| e.zap.as_mut())
            .filter(|p| p.key() == key)
        {
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
        } else if let Some(z) = self
            .engine
            .as_mut()
            .and_then(|e| e.zap.as_mut())
            .filter(|p| p.key() == key)
        {
            z.peer_terminated();
        }
    }

    /// The key of the ZAP pipe, while a request is out.
    pub fn zap_key(&self) -> Option<u64> {
        self.engine
            .as_ref()
            .and_then(|e| e.zap.as_ref())
            .map(|p| p.key())
    }

    /// Drives the SOCKS5 exchange, if one is under way; when it completes,
    /// what the proxy sent past its reply goes to ZMTP.
    fn socks_exchange(&mut self) -> Option<EngineEnd> {
        let engine = self.engine.as_mut()?;
        let socks = engine.socks.as_mut()?;
        loop {
            while !socks.output().is_empty() {
                match engine
                    .stream
                    .write_vectored(&[std::io::IoSlice::new(socks.output())])
                {
                    Ok(n) => socks.consumed(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
                    Err(e) => {
                        return Some(EngineEnd::ConnectFailed(
                            e.raw_os_error().unwrap_or(libc::EPIPE),
                        ))
                    }
                }
            }
            if socks.is_done() {
                let rest = socks.leftover();
                engine.socks = None;
                if !rest.is_empty() {
                    let mut fed = 0;
                    while fed < rest.len() {
                        let buf = engine.conn.read_buffer();
                        let n = buf.len().min(rest.len() - fed);
                        buf[..n].copy_from_slice(&rest[fed..fed + n]);
                        if engine.conn.advance(n).is_err() {
                            return Some(EngineEnd::HandshakeFailed(HandshakeFail::Silent));
                        }
                        fed += n;
                    }
                }
                return None;
            }
            let mut buf = [0u8; 512];
            match engine.stream.read(&mut buf) {
                Ok(0) => return Some(EngineEnd::ConnectFailed(libc::ECONNREFUSED)),
                Ok(n) => {
                    if let Err(Error(e)) = socks.feed(&buf[..n]) {
                        return Some(EngineEnd::ConnectFailed(e));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
                Err(e) => {
                    return Some(EngineEnd::ConnectFailed(
                        e.raw_os_error().unwrap_or(libc::ECONNRESET),
                    ))
                }
            }
        }
    }

    /// Reads from the stream until it would block (or the pipe is full),
    /// decoding and delivering as it goes.
    fn read_input(&mut self, io_mailbox: &Arc<Mailbox>, now: Instant) -> Option<EngineEnd> {
        loop {
            if let Some(end) = self.deliver_events(io_mailbox, now) {
                return Some(end);
            }
            let engine = self.engine.as_mut()?;
            if engine.blocked.is_some() {
                return None;
            }
            if !engine.readable {
                return None;
            }
            match engine.conn.read_from(&mut engine.stream) {
                Ok((0, _, _)) => {
                    let handshook = engine.conn.is_handshake_done();
                    return Some(if handshook {
                        EngineEnd::Disconnected
                    } else if engine.refused {
                        EngineEnd::HandshakeFailed(HandshakeFail::Silent)
                    } else {
                        EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(libc::EPIPE))
                    });
                }
                Ok((n, room, decoded)) => {
                    // A short read emptied the socket: the poller's next
                    // edge says when there is more, so no read just to hear
                    // EAGAIN (Linux raises the edge for every arrival).
                    if n < room && !engine.trouble {
                        engine.readable = false;
                    }
                    engine.last_input = now;
                    engine.ttl_deadline = None;
                    if let Err(e) = decoded {
                        let handshook = engine.conn.is_handshake_done();
                        // Deliver what was decoded before the error.
                        let _ = self.deliver_events(io_mailbox, now);
                        return Some(if handshook {
                            EngineEnd::Protocol(e.code())
                        } else {
                            EngineEnd::HandshakeFailed(
                                if matches!(e, zmtp::ProtocolError::ZapUnavailable) {
                                    // A server mechanism with no ZAP handler.
                                    HandshakeFail::NoDetail(libc::EFAULT)
                                } else if e.reported_by_libzmq() {
                                    HandshakeFail::Protocol(e.code())
                                } else {
                                    HandshakeFail::Silent
                                },
                            )
                        });
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    engine.readable = false;
                    return None;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let handshook = engine.conn.is_handshake_done();
                    return Some(if handshook {
                        EngineEnd::Disconnected
                    } else {
                        EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                            e.raw_os_error().unwrap_or(libc::ECONNRESET),
                        ))
                    });
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
                other => other,
            };
            match ev {
                Event::HandshakeSucceeded {
                    peer_routing_id,
                    properties,
                    version,
                    ..
                } => {
                    engine.handshake_deadline = None;
                    // ZMTP 1.0 / 2.0 peers have no READY: libzmq gives their
                    // messages no properties and reports no handshake.
                    let legacy = version.0 < 3 && !self.opts.raw;
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
                    if self.opts.heartbeat_ivl > 0 {
                        engine.next_ping = Some(now + ms(self.opts.heartbeat_ivl));
                    }
                    self.current_ivl = self.opts.reconnect_ivl;
                    if !self.opts.raw && !legacy {
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
                Event::Subscribe(_) | Event::Cancel(_) => {}
                Event::Ping { ttl_ds, context } => {
                    if ttl_ds > 0 {
                        engine.ttl_deadline =
                            Some(now + Duration::from_millis(ttl_ds as u64 * 100));
                    }
                    engine.conn.send_pong(&context);
                }
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
            }
            return;
        }
        let o = &self.opts;
        let dir = |hwm| Direction {
            hwm,
            conflate: o.conflate,
        };
        let (mut socket_end, session_end) = pipe_pair(dir(o.sndhwm), dir(o.rcvhwm));
        socket_end.routing_id = o.connect_routing_id.clone().unwrap_or(peer_routing_id);
        socket_end.stats_endpoints = (self.local_ep.clone(), self.remote_ep.clone());
        if self.connect.is_some() {
            socket_end.endpoint = self.endpoint.clone();
        }
        session_end.attach(io_mailbox);
        o.socket_mailbox.send(Command::Bind(Box::new(socket_end)));
        self.pipe = Some(session_end);
    }

    /// Moves messages from the pipe to the encoder until the pipe is empty
    /// or `OUT_BATCH` bytes are pending. True when it stopped at the limit.
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
            if engine.conn.output_len() >= OUT_BATCH {
                return true;
            }
            match pipe.read() {
                Read::Msg(m) => {
                    if self.pipe_mid_message {
                        self.pipe_mid_message = m.more();
                        continue;
                    }
                    self.pipe_more = m.more();
                    // A subscriber's (un)subscriptions go as ZMTP 3.1
                    // commands (the ZMTP layer downgrades for 3.0 peers).
                    let subscriber = matches!(self.opts.socket_type, ZMQ_SUB | ZMQ_XSUB);
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

    /// Writes what the encoder holds until the kernel would block.
    fn write_output(&mut self) -> Option<EngineEnd> {
        let engine = self.engine.as_mut()?;
        let mut first = true;
        while engine.writable && engine.conn.has_output() {
            let r = {
                // On the stack: no allocation per write.
                let mut slices = [io::IoSlice::new(&[]); zmtp::codec::MAX_IOV];
                let limit = if std::mem::take(&mut first) && engine.conn.output_len() > SPLIT_ABOVE
                {
                    FIRST_PART
                } else {
                    usize::MAX
                };
                let n = engine.conn.output_into(&mut slices, limit);
                engine.stream.write_vectored(&slices[..n])
            };
            match r {
                Ok(0) => return Some(EngineEnd::Disconnected),
                Ok(n) => engine.conn.consumed(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    engine.writable = false;
                    return None;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Some(if engine.conn.is_handshake_done() {
                        EngineEnd::Disconnected
                    } else {
                        EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                            e.raw_os_error().unwrap_or(libc::EPIPE),
                        ))
                    })
                }
            }
        }
        None
    }

    /// Whether a closing session has sent all it must (or its LINGER ran
    /// out).
    pub fn finished_closing(&mut self, now: Instant) -> bool {
        if !self.closing {
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

    /// Timers: handshake and heartbeat deadlines, pings to send. Returns the
    /// reason to stop the engine, if one expired.
    pub fn on_timer(&mut self, now: Instant) -> Option<EngineEnd> {
        let opts = Arc::clone(&self.opts);
        let engine = self.engine.as_mut()?;
        if engine.connect_deadline.is_some_and(|d| now >= d) {
            return Some(EngineEnd::ConnectFailed(libc::ETIMEDOUT));
        }
        if engine.handshake_deadline.is_some_and(|d| now >= d) {
            return Some(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                libc::EAGAIN,
            )));
        }
        if engine.ttl_deadline.is_some_and(|d| now >= d) {
            return Some(EngineEnd::TimedOut);
        }
        if let Some(at) = engine.next_ping {
            if now >= at {
                engine.conn.send_ping(opts.heartbeat_ttl_ds, b"");
                engine.next_ping = Some(now + ms(opts.heartbeat_ivl));
                let timeout = if opts.heartbeat_timeout >= 0 {
                    opts.heartbeat_timeout
                } else {
                    opts.heartbeat_ivl
                };
                if now.duration_since(engine.last_input) > ms(timeout) + ms(opts.heartbeat_ivl) {
                    return Some(EngineEnd::TimedOut);
                }
            }
        }
        None
    }

    /// The earliest instant this session wants to be woken at.
    pub fn next_deadline(&self) -> Option<Instant> {
        let mut t: Vec<Instant> = Vec::new();
        t.extend(self.reconnect_at);
        t.extend(self.linger_deadline);
        if let Some(e) = &self.engine {
            t.extend(e.handshake_deadline);
            t.extend(e.connect_deadline);
            t.extend(e.ttl_deadline);
            t.extend(e.next_ping);
        }
        t.into_iter().min()
    }
}
