//! The engine: one live connection of a session, a non-blocking stream
//! driven through the sans-IO protocol core (`zmtp::Connection`, or raw
//! bytes for STREAM) with batched reads and gathered writes, and its
//! deadlines (`zmtp::liveness`, the connect timeout). It knows nothing of
//! pipes or sockets: the session takes what it decodes and gives it what
//! to encode.

use crate::io::connecter::{socks_step, SocksStep};
use crate::io::raw::RawWire;
use crate::msg::{MetadataStamp, Msg};
use crate::transport::socks::Socks5;
use crate::transport::Stream;
use crate::zmtp::liveness::{Liveness, Timeout};
use crate::zmtp::wss::WssConnection;
use crate::zmtp::zws::WsConnection;
use crate::zmtp::{self, Connection, Event};
use std::io;
use std::time::Instant;

/// A burst of output of more than `SPLIT_ABOVE` octets goes out as a first
/// write of `FIRST_PART` octets and then the rest: the reader wakes on the
/// first part and copies out while the rest is still being copied in. (On
/// loopback one 1 MiB sendmsg is otherwise all done before the peer starts
/// reading: round trips took 1.7 times libzmq's, which writes its first
/// 8 KiB batch on its own.)
const SPLIT_ABOVE: usize = 128 * 1024;
const FIRST_PART: usize = 8192;

/// The protocol on a connection: ZMTP, ZMTP over WebSocket (ws://), or
/// raw bytes (STREAM).
pub(crate) enum Wire {
    Zmtp(Box<Connection>),
    Ws(Box<WsConnection>),
    Wss(Box<WssConnection>),
    Raw(RawWire),
}

impl Wire {
    /// The ZMTP connection, when there is one.
    fn zmtp(&mut self) -> Option<&mut Connection> {
        match self {
            Wire::Zmtp(c) => Some(c),
            Wire::Ws(w) => Some(w.conn()),
            Wire::Wss(w) => Some(w.ws().conn()),
            Wire::Raw(_) => None,
        }
    }
    pub(crate) fn read_buffer(&mut self) -> &mut [u8] {
        match self {
            Wire::Zmtp(c) => c.read_buffer(),
            Wire::Ws(w) => w.read_buffer(),
            Wire::Wss(w) => w.read_buffer(),
            Wire::Raw(r) => r.read_buffer(),
        }
    }
    /// One read from `stream` into the wire's next buffer (a large ZMTP
    /// body straight into its message, not zeroed first), and what was read
    /// decoded: (octets read, room there was, the decoding's outcome).
    pub(crate) fn read_from(
        &mut self,
        stream: &mut Stream,
    ) -> io::Result<(usize, usize, Result<(), zmtp::ProtocolError>)> {
        let direct = match self {
            Wire::Zmtp(c) => c.direct_buffer(),
            Wire::Ws(w) => w.direct_buffer(),
            _ => None,
        };
        if let Some(buf) = direct {
            let room = buf.len();
            let n = stream.read_uninit(buf)?;
            if n == 0 {
                return Ok((0, room, Ok(())));
            }
            // SAFETY: read(2) wrote the n octets.
            return Ok((n, room, unsafe { self.advance_direct(n) }));
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
    pub(crate) fn advance(&mut self, n: usize) -> Result<(), zmtp::ProtocolError> {
        match self {
            Wire::Zmtp(c) => c.advance(n),
            Wire::Ws(w) => w.advance(n),
            Wire::Wss(w) => w.advance(n),
            Wire::Raw(r) => {
                r.advance(n);
                Ok(())
            }
        }
    }
    /// Takes note that `n` octets were read into the last direct buffer
    /// (`read_from`).
    ///
    /// # Safety
    /// The first `n` octets of that buffer must have been written.
    unsafe fn advance_direct(&mut self, n: usize) -> Result<(), zmtp::ProtocolError> {
        // SAFETY: passed on from the caller.
        unsafe {
            match self {
                Wire::Zmtp(c) => c.advance_direct(n),
                Wire::Ws(w) => w.advance_direct(n),
                _ => Ok(()),
            }
        }
    }
    /// The peer ended a WebSocket with its close frame.
    pub(crate) fn peer_closed(&self) -> bool {
        match self {
            Wire::Ws(w) => w.peer_closed(),
            Wire::Wss(w) => w.ws_ref().peer_closed(),
            _ => false,
        }
    }
    pub(crate) fn poll_event(&mut self) -> Option<Event> {
        match self {
            Wire::Raw(r) => r.poll_event(),
            other => other.zmtp()?.poll_event(),
        }
    }
    pub(crate) fn send(&mut self, m: Msg) {
        match self {
            Wire::Raw(r) => r.send(m),
            other => {
                if let Some(c) = other.zmtp() {
                    c.send(m)
                }
            }
        }
    }
    pub(crate) fn zap_request(&mut self) -> Option<zmtp::mechanism::ZapRequest> {
        self.zmtp()?.zap_request()
    }
    pub(crate) fn zap_reply(
        &mut self,
        status: &[u8],
        user_id: &[u8],
        metadata: &[u8],
    ) -> Result<(), zmtp::ProtocolError> {
        match self.zmtp() {
            Some(c) => c.zap_reply(status, user_id, metadata),
            None => Ok(()),
        }
    }
    pub(crate) fn send_subscribe(&mut self, topic: &[u8]) {
        if let Some(c) = self.zmtp() {
            c.send_subscribe(topic);
        }
    }
    pub(crate) fn send_cancel(&mut self, topic: &[u8]) {
        if let Some(c) = self.zmtp() {
            c.send_cancel(topic);
        }
    }
    pub(crate) fn send_membership(&mut self, join: bool, group: &[u8]) {
        if let Some(c) = self.zmtp() {
            c.send_membership(join, group);
        }
    }
    pub(crate) fn send_ping(&mut self, ttl_ds: u16, context: &[u8]) {
        if let Some(c) = self.zmtp() {
            c.send_ping(ttl_ds, context);
        }
    }
    pub(crate) fn send_pong(&mut self, context: &[u8]) {
        if let Some(c) = self.zmtp() {
            c.send_pong(context);
        }
    }
    /// The output to write, at most `limit` octets of it, into `out`.
    pub(crate) fn output_into<'a>(
        &'a self,
        out: &mut [std::io::IoSlice<'a>],
        limit: usize,
    ) -> usize {
        match self {
            Wire::Zmtp(c) => c.output_upto(out, limit),
            Wire::Ws(w) => w.conn_ref().output_upto(out, limit),
            // wss writes its records itself (`WssConnection::write_to`).
            Wire::Wss(_) => 0,
            Wire::Raw(r) => r.output_upto(out, limit),
        }
    }
    pub(crate) fn output_len(&self) -> usize {
        match self {
            Wire::Zmtp(c) => c.output_len(),
            Wire::Ws(w) => w.conn_ref().output_len(),
            // (wss: see `output_into`.)
            Wire::Wss(_) => 0,
            Wire::Raw(r) => r.output_len(),
        }
    }
    /// Everything waiting to go out, in octets (what bounds taking more
    /// from the pipe): for wss the plaintext not yet through TLS (rustls
    /// holds at most its buffer limit of records besides).
    pub(crate) fn pending_len(&self) -> usize {
        match self {
            Wire::Wss(w) => w.ws_ref().conn_ref().output_len(),
            other => other.output_len(),
        }
    }
    pub(crate) fn consumed(&mut self, n: usize) {
        match self {
            Wire::Raw(r) => r.consumed(n),
            // (wss: `write_to` takes note itself.)
            Wire::Wss(_) => {}
            other => {
                if let Some(c) = other.zmtp() {
                    c.consumed(n)
                }
            }
        }
    }
    pub(crate) fn has_output(&self) -> bool {
        match self {
            Wire::Zmtp(c) => c.has_output(),
            Wire::Ws(w) => w.conn_ref().has_output(),
            Wire::Wss(w) => w.has_output(),
            Wire::Raw(r) => r.has_output(),
        }
    }
    pub(crate) fn is_handshake_done(&self) -> bool {
        match self {
            Wire::Zmtp(c) => c.is_handshake_done(),
            Wire::Ws(w) => w.conn_ref().is_handshake_done(),
            Wire::Wss(w) => w.ws_ref().conn_ref().is_handshake_done(),
            Wire::Raw(_) => true,
        }
    }
}

/// One live connection.
pub struct Engine {
    pub stream: Stream,
    pub(crate) conn: Wire,
    /// A message from the wire the pipe had no room for.
    pub(crate) blocked: Option<Msg>,
    pub(crate) metadata: Option<MetadataStamp>,
    /// Handshake and heartbeat deadlines.
    pub(crate) liveness: Liveness,
    /// When a connect in progress is given up (ZMQ_CONNECT_TIMEOUT).
    connect_deadline: Option<Instant>,
    /// The SOCKS5 exchange still to do before ZMTP starts.
    pub(crate) socks: Option<Socks5>,
    /// A connect still in progress (tcp): done when writable.
    connecting: bool,
    /// ZAP refused the peer: what the mechanism owes it (ERROR for 400 and
    /// 500) goes out, then the connection stands still until the peer
    /// leaves or the handshake timer ends it, reported as libzmq does (no
    /// NO_DETAIL event).
    pub(crate) refused: bool,
    /// Whether a read or a write may make progress: cleared when the
    /// kernel says it would block, set again by the poller's (edge
    /// triggered) event, so that waking for the pipe costs no syscall on
    /// the side that has nothing to do.
    readable: bool,
    writable: bool,
    /// Whether the poller watches the stream for writability (see
    /// `wants_writable`).
    pub(crate) watching_out: bool,
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

/// Where a connect stands.
#[derive(Debug, PartialEq, Eq)]
pub enum ConnectState {
    /// The kernel has not said yet.
    Pending,
    /// The connection came up just now.
    JustConnected,
    /// Up since earlier (or accepted).
    Up,
}

/// What one read did.
#[derive(Debug)]
pub enum ReadStep {
    /// Octets came in and were decoded: deliver the events, read again.
    Progress,
    /// Nothing more to read for now (would block, the pipe is full, or no
    /// room), or nothing to read at all.
    Idle,
    /// The connection is over; nothing decoded is left to deliver.
    End(EngineEnd),
    /// The decoder failed: deliver what it decoded before, then end.
    Failed(EngineEnd),
}

impl Engine {
    /// An engine on a fresh stream (accepted, or a connect under way when
    /// `connect_deadline` or `connecting` say so).
    pub(crate) fn new(
        stream: Stream,
        conn: Wire,
        liveness: Liveness,
        connecting: bool,
        connect_deadline: Option<Instant>,
    ) -> Engine {
        Engine {
            stream,
            conn,
            blocked: None,
            metadata: None,
            liveness,
            connect_deadline,
            socks: None,
            connecting,
            refused: false,
            readable: true,
            writable: true,
            watching_out: false,
            trouble: false,
        }
    }

    /// Whether a write may go out now without waiting on the poller: up,
    /// and the kernel has not said a write would block.
    pub(crate) fn may_write(&self) -> bool {
        self.writable && !self.connecting && self.socks.is_none()
    }

    /// Whether the poller must say when the stream becomes writable: while
    /// a connect or a SOCKS exchange is under way, or a write would block.
    /// Otherwise the engine just writes, and watching would cost a
    /// wake-up whenever the peer reads (a unix socket raises EPOLLOUT each
    /// time its peer consumes data, so an idle sender's I/O thread would
    /// wake for every message it sent).
    pub(crate) fn wants_writable(&self) -> bool {
        self.connecting || self.socks.is_some() || !self.writable
    }

    /// The poller's event for the stream: what may make progress again.
    pub fn stream_ready(&mut self, readable: bool, writable: bool, trouble: bool) {
        self.readable |= readable || trouble;
        self.writable |= writable || trouble;
        self.trouble |= trouble;
    }

    /// Finishes a connect under way when the kernel says it is done.
    pub fn finish_connect(&mut self) -> Result<ConnectState, EngineEnd> {
        if !self.connecting {
            return Ok(ConnectState::Up);
        }
        match self.stream.take_error() {
            Ok(None) => {}
            Ok(Some(e)) | Err(e) => {
                return Err(EngineEnd::ConnectFailed(
                    e.raw_os_error().unwrap_or(libc::ECONNREFUSED),
                ))
            }
        }
        // Still connecting until the kernel says we have a peer.
        if let Stream::Tcp(s) = &self.stream {
            if s.peer_addr().is_err() {
                return Ok(ConnectState::Pending);
            }
        }
        self.connecting = false;
        self.connect_deadline = None;
        Ok(ConnectState::JustConnected)
    }

    /// Drives the SOCKS5 exchange, if one is under way; when it completes,
    /// what the proxy sent past its reply goes to the protocol. True while
    /// the exchange is still under way.
    pub fn socks_exchange(&mut self) -> Result<bool, EngineEnd> {
        let Some(socks) = self.socks.as_mut() else {
            return Ok(false);
        };
        match socks_step(&mut self.stream, socks) {
            SocksStep::Waiting => Ok(true),
            SocksStep::Failed(errno) => Err(EngineEnd::ConnectFailed(errno)),
            SocksStep::Done(rest) => {
                self.socks = None;
                let mut fed = 0;
                while fed < rest.len() {
                    let buf = self.conn.read_buffer();
                    let n = buf.len().min(rest.len() - fed);
                    buf[..n].copy_from_slice(&rest[fed..fed + n]);
                    if self.conn.advance(n).is_err() {
                        return Err(EngineEnd::HandshakeFailed(HandshakeFail::Silent));
                    }
                    fed += n;
                }
                Ok(false)
            }
        }
    }

    /// One read from the stream, decoded, unless the pipe is full or the
    /// kernel said there is nothing.
    pub fn read_step(&mut self, now: Instant) -> ReadStep {
        if self.blocked.is_some() || !self.readable {
            return ReadStep::Idle;
        }
        match self.conn.read_from(&mut self.stream) {
            Ok((0, _, _)) => ReadStep::End(if self.conn.is_handshake_done() {
                EngineEnd::Disconnected
            } else if self.refused {
                EngineEnd::HandshakeFailed(HandshakeFail::Silent)
            } else {
                EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(libc::EPIPE))
            }),
            Ok((n, room, decoded)) => {
                // A short read emptied the socket: the poller's next edge
                // says when there is more, so no read just to hear EAGAIN
                // (Linux raises the edge for every arrival).
                if n < room && !self.trouble {
                    self.readable = false;
                }
                self.liveness.on_input(now);
                match decoded {
                    Ok(()) if self.conn.peer_closed() => {
                        // The echo of the peer's close goes out first
                        // (best effort), then the connection ends.
                        let _ = self.write_output();
                        ReadStep::Failed(EngineEnd::Disconnected)
                    }
                    Ok(()) => ReadStep::Progress,
                    Err(e) => ReadStep::Failed(if self.conn.is_handshake_done() {
                        EngineEnd::Protocol(e.code())
                    } else {
                        EngineEnd::HandshakeFailed(
                            if matches!(e, zmtp::ProtocolError::ZapUnavailable) {
                                // A server mechanism with no ZAP handler.
                                HandshakeFail::NoDetail(libc::EFAULT)
                            } else if matches!(e, zmtp::ProtocolError::Tls) {
                                // libzmq's wss reports a failed TLS
                                // handshake without detail.
                                HandshakeFail::NoDetail(libc::EPROTO)
                            } else if e.reported_by_libzmq() {
                                HandshakeFail::Protocol(e.code())
                            } else {
                                HandshakeFail::Silent
                            },
                        )
                    }),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.readable = false;
                ReadStep::Idle
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => ReadStep::Progress,
            Err(e) => ReadStep::End(if self.conn.is_handshake_done() {
                EngineEnd::Disconnected
            } else {
                EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                    e.raw_os_error().unwrap_or(libc::ECONNRESET),
                ))
            }),
        }
    }

    /// Writes what the encoder holds until the kernel would block.
    pub fn write_output(&mut self) -> Option<EngineEnd> {
        let mut first = true;
        while self.writable {
            let r = match &mut self.conn {
                // wss: TLS records straight from rustls's buffer (it takes
                // note of what was written itself).
                Wire::Wss(w) => match w.write_to(&mut self.stream) {
                    Ok(None) => break,
                    Ok(Some(n)) => Ok((n, n)),
                    Err(e) => Err(e),
                },
                conn => {
                    if !conn.has_output() {
                        break;
                    }
                    // On the stack: no allocation per write.
                    let mut slices = [io::IoSlice::new(&[]); zmtp::codec::MAX_IOV];
                    let limit = if std::mem::take(&mut first) && conn.output_len() > SPLIT_ABOVE {
                        FIRST_PART
                    } else {
                        usize::MAX
                    };
                    let n = conn.output_into(&mut slices, limit);
                    self.stream.write_vectored(&slices[..n]).map(|n| (n, n))
                }
            };
            match r {
                Ok((0, _)) => return Some(EngineEnd::Disconnected),
                Ok((_, consumed)) => {
                    super::spin::sent();
                    self.conn.consumed(consumed)
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.writable = false;
                    return None;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Some(if self.conn.is_handshake_done() {
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

    /// The peer's PING: answered at once; its TTL noted.
    pub(crate) fn on_ping(&mut self, ttl_ds: u16, context: &[u8], now: Instant) {
        self.liveness.on_ping(ttl_ds, now);
        self.conn.send_pong(context);
    }

    /// What is due at `now`: a connect or handshake that took too long, a
    /// silent peer (the reason to stop), or a PING to send.
    pub fn on_timer(&mut self, now: Instant) -> Option<EngineEnd> {
        if self.connect_deadline.is_some_and(|d| now >= d) {
            return Some(EngineEnd::ConnectFailed(libc::ETIMEDOUT));
        }
        match self.liveness.handle_timeout(now)? {
            Timeout::HandshakeExpired => Some(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                libc::EAGAIN,
            ))),
            Timeout::PeerSilent => Some(EngineEnd::TimedOut),
            Timeout::SendPing { ttl_ds } => {
                self.conn.send_ping(ttl_ds, b"");
                None
            }
        }
    }

    /// The earliest instant this engine wants to be woken at.
    pub fn next_deadline(&self) -> Option<Instant> {
        [self.connect_deadline, self.liveness.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::ZMQ_DEALER;
    use crate::zmtp::liveness::Timing;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    const MS: Duration = Duration::from_millis(1);

    /// An engine over one end of a socket pair, and the other end.
    fn pair(conn: Wire, timing: Timing, now: Instant) -> (Engine, UnixStream) {
        let (ours, theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let stream = Stream::Unix(mio::net::UnixStream::from_std(ours));
        let engine = Engine::new(stream, conn, Liveness::new(timing, now), false, None);
        (engine, theirs)
    }

    fn zmtp() -> Wire {
        Wire::Zmtp(Box::new(Connection::new(zmtp::Config::new(ZMQ_DEALER))))
    }

    #[test]
    fn raw_bytes_go_both_ways_until_the_peer_leaves() {
        let now = Instant::now();
        let (mut e, mut peer) = pair(Wire::Raw(RawWire::new()), Timing::default(), now);
        assert_eq!(e.finish_connect().unwrap(), ConnectState::Up);
        // Out: what the wire holds is written.
        e.conn.send(Msg::from_slice(b"hello").unwrap());
        assert!(e.write_output().is_none());
        assert!(!e.conn.has_output());
        let mut buf = [0u8; 16];
        assert_eq!(peer.read(&mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");
        // In: the peer's bytes become a message after the handshake event.
        peer.write_all(b"world").unwrap();
        assert!(matches!(e.read_step(now), ReadStep::Progress));
        assert!(matches!(
            e.conn.poll_event(),
            Some(Event::HandshakeSucceeded { .. })
        ));
        match e.conn.poll_event() {
            Some(Event::Message(m)) => assert_eq!(m.data(), b"world"),
            other => panic!("{other:?}"),
        }
        // A short read emptied the socket: no read until the poller says so.
        assert!(matches!(e.read_step(now), ReadStep::Idle));
        e.stream_ready(true, false, false);
        assert!(matches!(e.read_step(now), ReadStep::Idle));
        // The peer leaves: the connection is over.
        drop(peer);
        e.stream_ready(true, false, false);
        assert!(matches!(
            e.read_step(now),
            ReadStep::End(EngineEnd::Disconnected)
        ));
    }

    /// The poller is asked to watch writability only after a write would
    /// block, and the engine writes without waiting for it until then.
    #[test]
    fn writability_is_watched_only_after_a_write_blocks() {
        let now = Instant::now();
        let (mut e, mut peer) = pair(Wire::Raw(RawWire::new()), Timing::default(), now);
        assert_eq!(e.finish_connect().unwrap(), ConnectState::Up);
        assert!(e.may_write() && !e.wants_writable(), "idle: just write");
        // Fill the socket pair until the kernel refuses more.
        let chunk = vec![7u8; 64 * 1024];
        let mut rounds = 0;
        while !e.wants_writable() {
            e.conn.send(Msg::from_slice(&chunk).unwrap());
            assert!(e.write_output().is_none());
            rounds += 1;
            assert!(rounds < 10_000, "the kernel never refused a write");
        }
        assert!(e.conn.has_output() && !e.may_write());
        // The peer reads everything; the poller's edge lets the rest out.
        peer.set_nonblocking(true).unwrap();
        let mut buf = vec![0u8; 1 << 20];
        let mut drained = 0;
        while e.conn.has_output() {
            while let Ok(n) = peer.read(&mut buf) {
                drained += n;
                if n == 0 {
                    break;
                }
            }
            e.stream_ready(false, true, false);
            assert!(e.write_output().is_none());
        }
        while let Ok(n) = peer.read(&mut buf) {
            drained += n;
            if n == 0 {
                break;
            }
        }
        assert_eq!(drained, rounds * chunk.len());
        assert!(e.may_write() && !e.wants_writable(), "drained: idle again");
    }

    #[test]
    fn garbage_fails_the_handshake() {
        let now = Instant::now();
        let (mut e, mut peer) = pair(zmtp(), Timing::default(), now);
        // A ZMTP 3.0 greeting naming a mechanism nobody speaks.
        let mut greeting = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0];
        greeting.extend_from_slice(b"BOGUS");
        greeting.resize(64, 0);
        peer.write_all(&greeting).unwrap();
        // The greeting may take more than one read; then the decoder fails.
        let mut step = e.read_step(now);
        for _ in 0..4 {
            if !matches!(step, ReadStep::Progress) {
                break;
            }
            step = e.read_step(now);
        }
        assert!(matches!(
            step,
            ReadStep::Failed(EngineEnd::HandshakeFailed(_))
        ));
        // A peer that leaves during the handshake: NO_DETAIL with EPIPE.
        let (mut e, peer) = pair(zmtp(), Timing::default(), now);
        drop(peer);
        assert!(matches!(
            e.read_step(now),
            ReadStep::End(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                libc::EPIPE
            )))
        ));
    }

    #[test]
    fn deadlines_end_the_engine() {
        let now = Instant::now();
        let timing = Timing {
            handshake_ivl: 100,
            ..Timing::default()
        };
        let (mut e, _peer) = pair(zmtp(), timing, now);
        assert_eq!(e.next_deadline(), Some(now + 100 * MS));
        assert!(e.on_timer(now + 99 * MS).is_none());
        assert!(matches!(
            e.on_timer(now + 100 * MS),
            Some(EngineEnd::HandshakeFailed(HandshakeFail::NoDetail(
                libc::EAGAIN
            )))
        ));
        // A connect that takes longer than ZMQ_CONNECT_TIMEOUT.
        let (ours, _theirs) = UnixStream::pair().unwrap();
        let stream = Stream::Unix(mio::net::UnixStream::from_std(ours));
        let mut e = Engine::new(
            stream,
            zmtp(),
            Liveness::new(Timing::default(), now),
            true,
            Some(now + 50 * MS),
        );
        assert_eq!(e.next_deadline(), Some(now + 50 * MS));
        assert!(matches!(
            e.on_timer(now + 50 * MS),
            Some(EngineEnd::ConnectFailed(libc::ETIMEDOUT))
        ));
    }

    #[test]
    fn heartbeat_timers_and_the_peers_ttl() {
        let now = Instant::now();
        let timing = Timing {
            heartbeat_ivl: 100,
            heartbeat_ttl_ds: 10,
            ..Timing::default()
        };
        let (mut e, _peer) = pair(Wire::Raw(RawWire::new()), timing, now);
        e.liveness.on_handshake(now);
        // The raw wire sends no PING (no ZMTP), but the timer runs its
        // course: the next is planned and a silent peer is dropped.
        assert!(e.on_timer(now + 100 * MS).is_none());
        assert_eq!(e.next_deadline(), Some(now + 200 * MS));
        assert!(e.on_timer(now + 200 * MS).is_none());
        assert!(matches!(
            e.on_timer(now + 300 * MS),
            Some(EngineEnd::TimedOut)
        ));
        // A peer's PING with a TTL: silence past it ends the connection.
        let (mut e, _peer) = pair(Wire::Raw(RawWire::new()), Timing::default(), now);
        e.on_ping(5, b"", now);
        assert!(matches!(
            e.on_timer(now + 500 * MS),
            Some(EngineEnd::TimedOut)
        ));
    }
}
