//! ZWS 2.0: ZMTP over WebSocket, without I/O. The ws:// transport's
//! connection: first the HTTP/1.1 upgrade (`ws_upgrade`), whose chosen
//! subprotocol names the mechanism; then WebSocket frames (`ws`), each
//! binary message one ZMTP frame whose first octet carries MORE and
//! COMMAND, and the frames' meaning is the ZMTP `Connection`'s (with no
//! greeting). Heartbeats are WebSocket pings; a ping is answered with a
//! pong, and the peer's close is echoed before the connection ends, as in
//! libzmq's ws engine.
//!
//! Bytes come in through `read_buffer`/`advance` (or `feed`); what to
//! send, the events and the messages to queue are the inner
//! `Connection`'s (`conn`).

use super::connection::Connection;
use super::ws::{self, Decoder, Event as WsEvent, Role};
use super::ws_upgrade::{ClientUpgrade, Mechanism, ServerUpgrade};
use super::{Config, MechanismConfig, ProtocolError};
use crate::msg::{Msg, MAX_INLINE};
use bytes::{Buf, Bytes, BytesMut};

/// The read buffer's size while upgrading (a head is at most 8 KiB).
const UPGRADE_READ: usize = 1024;

enum Upgrade {
    Server(ServerUpgrade),
    Client(ClientUpgrade),
    Done,
}

/// One ZWS 2.0 connection (see the module documentation).
pub struct WsConnection {
    conn: Connection,
    upgrade: Upgrade,
    decoder: Decoder,
    /// The read buffer: what a read filled is split off, and the
    /// messages in it point into it (as over tcp).
    inbuf: BytesMut,
    in_batch: usize,
    /// The peer closed (its close frame is echoed): the connection ends
    /// once the output is written.
    closed: bool,
    failed: bool,
}

fn mechanism(cfg: &Config) -> Mechanism {
    match cfg.mechanism {
        MechanismConfig::Null => Mechanism::Null,
        MechanismConfig::Plain { .. } => Mechanism::Plain,
        MechanismConfig::Curve { .. } => Mechanism::Curve,
    }
}

/// Random octets, or (if the kernel has none to give) the clock's: masks
/// and upgrade keys must be unpredictable to a proxy, not secret.
fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    if crate::keys::random_bytes(&mut b).is_err() {
        let t = crate::clock::now_us().to_ne_bytes();
        for (i, x) in b.iter_mut().enumerate() {
            *x = t[i % t.len()] ^ (i as u8);
        }
    }
    b
}

impl WsConnection {
    fn with(cfg: Config, role: Role, upgrade: Upgrade) -> WsConnection {
        // The decoder's limit counts the flags octet.
        let max = u64::try_from(cfg.maxmsgsize)
            .ok()
            .map(|m| m.saturating_add(1));
        let in_batch = cfg.in_batch_size.max(64);
        let conn = Connection::new_ws(cfg, role == Role::Client, u32::from_ne_bytes(random::<4>()));
        WsConnection {
            conn,
            upgrade,
            decoder: Decoder::new(role, max),
            inbuf: BytesMut::new(),
            in_batch,
            closed: false,
            failed: false,
        }
    }

    /// The accepting side: it waits for the client's request.
    pub fn server(cfg: Config) -> WsConnection {
        let up = ServerUpgrade::new(mechanism(&cfg));
        WsConnection::with(cfg, Role::Server, Upgrade::Server(up))
    }

    /// The connecting side: its request for `path` on `host` (with the
    /// port) is queued at once.
    pub fn client(cfg: Config, host: &str, path: &str) -> WsConnection {
        let (up, request) = ClientUpgrade::new(host, path, mechanism(&cfg), random::<16>());
        let mut c = WsConnection::with(cfg, Role::Client, Upgrade::Client(up));
        c.conn.ws_raw(&request);
        c
    }

    /// This connection, failed: nothing goes out, its first input fails.
    pub fn failed(mut self) -> WsConnection {
        self.failed = true;
        let n = self.conn.output_len();
        self.conn.consumed(n);
        self
    }

    /// The ZMTP side: events, messages to send, output.
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn conn_ref(&self) -> &Connection {
        &self.conn
    }

    /// The peer sent its close (and ours is queued): nothing more comes.
    pub fn peer_closed(&self) -> bool {
        self.closed
    }

    /// Where to read the next octets from the peer. Never empty.
    pub fn read_buffer(&mut self) -> &mut [u8] {
        let size = match self.upgrade {
            Upgrade::Done => self.in_batch,
            _ => UPGRADE_READ,
        };
        if self.inbuf.len() < size / 2 {
            // Too little left of this buffer: a fresh one (the old memory
            // is reused when no message holds on to it any more).
            self.inbuf.clear();
            self.inbuf.reserve(size);
            self.inbuf.resize(size, 0);
        }
        &mut self.inbuf
    }

    /// Where a long binary message in progress may be read into directly
    /// (no copy; not initialised), when there is one worth it; the read is
    /// then reported to `advance_direct`, not `advance`.
    pub fn direct_buffer(&mut self) -> Option<&mut [std::mem::MaybeUninit<u8>]> {
        if self.failed || self.closed || !matches!(self.upgrade, Upgrade::Done) {
            return None;
        }
        self.decoder.direct_buffer(self.in_batch)
    }

    /// Takes note that `n` octets were read into the last `direct_buffer()`.
    ///
    /// # Safety
    /// The first `n` octets of that buffer must have been written.
    pub unsafe fn advance_direct(&mut self, n: usize) -> Result<(), ProtocolError> {
        if self.failed {
            return Err(ProtocolError::WebSocket);
        }
        // SAFETY: passed on from the caller.
        let r = match unsafe { self.decoder.direct_filled(n) } {
            Ok(()) => self.events(),
            Err(_) => Err(ProtocolError::WebSocket),
        };
        if r.is_err() {
            self.failed = true;
        }
        r
    }

    /// Takes note that `n` octets were read into the last `read_buffer()`
    /// and processes them. An error is fatal and sticky.
    pub fn advance(&mut self, n: usize) -> Result<(), ProtocolError> {
        let chunk = self.inbuf.split_to(n.min(self.inbuf.len()));
        if self.failed || self.closed || !matches!(self.upgrade, Upgrade::Done) {
            return self.input(&chunk);
        }
        let r = self.frames_shared(chunk);
        if r.is_err() {
            self.failed = true;
        }
        r
    }

    /// Processes `data` as read from the peer (tests, fuzzing).
    pub fn feed(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        self.input(data)
    }

    fn input(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        if self.failed {
            return Err(ProtocolError::WebSocket);
        }
        if self.closed {
            return Ok(());
        }
        let r = self.input_inner(data);
        if r.is_err() {
            self.failed = true;
        }
        r
    }

    fn input_inner(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        let rest = match &mut self.upgrade {
            Upgrade::Done => return self.frames(data),
            Upgrade::Server(up) => {
                let Some(a) = up.feed(data).map_err(|_| ProtocolError::WebSocket)? else {
                    return Ok(());
                };
                self.conn.ws_raw(&a.response);
                self.conn.ws_start(a.protocol == "ZWS2.0")?;
                a.rest
            }
            Upgrade::Client(up) => {
                let Some(u) = up.feed(data).map_err(|_| ProtocolError::WebSocket)? else {
                    return Ok(());
                };
                self.conn.ws_start(u.protocol == "ZWS2.0")?;
                u.rest
            }
        };
        self.upgrade = Upgrade::Done;
        self.frames(&rest)
    }

    /// As `frames`, from octets of our own: whole binary frames are
    /// unmasked in place and their messages point into `chunk` (small
    /// ones are copied into the message), with no allocation each.
    fn frames_shared(&mut self, mut chunk: BytesMut) -> Result<(), ProtocolError> {
        loop {
            while let Some(f) = self.decoder.whole_binary(&chunk) {
                let (used, len, mask) = (f.used, f.payload.len(), f.mask);
                if len == 0 {
                    break; // (empty: `feed_frame` refuses it)
                }
                let start = used - len;
                if let Some(k) = mask {
                    ws::apply_mask(&mut chunk[start..used], k, 0);
                }
                let flags = chunk[start];
                let msg = if len - 1 <= MAX_INLINE {
                    let m = Msg::from_slice(&chunk[start + 1..used]);
                    chunk.advance(used);
                    m.map_err(|_| ProtocolError::OutOfMemory { size: 0 })?
                } else {
                    let mut body = chunk.split_to(used);
                    body.advance(start + 1);
                    Msg::from_bytes(body.freeze())
                };
                self.conn.ws_frame_msg(flags, msg)?;
            }
            if chunk.is_empty() || self.closed {
                return Ok(());
            }
            let n = self.slow_frame(&chunk)?;
            chunk.advance(n);
        }
    }

    /// WebSocket frames: binary messages to ZMTP, control frames answered.
    fn frames(&mut self, mut data: &[u8]) -> Result<(), ProtocolError> {
        loop {
            // Whole binary frames in a row become messages at once, copied
            // (and unmasked) straight into them.
            while let Some(f) = self.decoder.whole_binary(data) {
                let Some((&flags, body)) = f.payload.split_first() else {
                    break; // (empty: `feed_frame` refuses it below)
                };
                let mut msg = Msg::from_slice(body).map_err(|_| ProtocolError::OutOfMemory {
                    size: body.len() as u64,
                })?;
                let flags = match f.mask {
                    Some(k) => {
                        let n = msg.size();
                        // SAFETY: a fresh message of n octets, ours alone.
                        let bytes = unsafe { std::slice::from_raw_parts_mut(msg.data_ptr(), n) };
                        ws::apply_mask(bytes, k, 1);
                        flags ^ k[0]
                    }
                    None => flags,
                };
                data = &data[f.used..];
                self.conn.ws_frame_msg(flags, msg)?;
            }
            if data.is_empty() || self.closed {
                return Ok(());
            }
            let n = self.slow_frame(data)?;
            data = &data[n..];
        }
    }

    /// Anything but a whole binary frame (a frame split across reads, a
    /// control frame, a fragment), up to where its frame ends: the octets
    /// used.
    fn slow_frame(&mut self, data: &[u8]) -> Result<usize, ProtocolError> {
        let n = match self.decoder.feed_frame(data) {
            Ok(n) => n,
            Err(e) => {
                // Tell the peer why, as RFC 6455 asks, then end.
                self.conn
                    .ws_control(ws::CLOSE, &e.close_code().to_be_bytes());
                return Err(ProtocolError::WebSocket);
            }
        };
        self.events()?;
        Ok(n)
    }

    /// What the decoder's slow path produced.
    fn events(&mut self) -> Result<(), ProtocolError> {
        while let Some(ev) = self.decoder.poll() {
            match ev {
                WsEvent::Binary(payload) => {
                    // Every ZWS message starts with its flags octet.
                    let Some(&flags) = payload.first() else {
                        return Err(ProtocolError::WebSocket);
                    };
                    let body = Bytes::from(payload).slice(1..);
                    self.conn.ws_frame(flags, body)?;
                }
                WsEvent::Ping(p) => self.conn.ws_control(ws::PONG, &p),
                WsEvent::Pong(_) => {}
                WsEvent::Close(code, _) => {
                    let echo = code.map(u16::to_be_bytes);
                    self.conn
                        .ws_control(ws::CLOSE, echo.as_ref().map_or(&[][..], |c| &c[..]));
                    self.closed = true;
                    break;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "zws_tests.rs"]
mod tests;
