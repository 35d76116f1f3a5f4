//! One ZMTP connection: greeting, then the mechanism handshake (3.x) or the
//! identity exchange (1.0/2.0), then traffic. Drives greeting.rs, codec.rs
//! and the mechanism; the caller moves the bytes (see the module docs).
//!
//! This file knows no fds, timers or sockets: the handshake and heartbeat
//! deadlines are `liveness`'s, monitor events and the pipes the session's.

use super::codec::{Decoder, Encoder, Frame, Framing, MAX_IOV};
use super::command::{self, WireCommand};
use super::curve::{CurveClient, CurveServer};
use super::greeting::{self, GreetingExchange, PeerGreeting, Progress, Version};
use super::mechanism::{Mechanism, Status, ZapRequest};
use super::null::NullMechanism;
use super::plain::{PlainClient, PlainServer};
use super::{Config, Event, MechanismConfig, ProtocolError};
use crate::constants as c;
use crate::msg::{flags, Msg, MAX_GROUP};
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;
use std::io::IoSlice;

/// A PONG waits while this much output is already pending (see
/// `Connection::send_pong`).
/// The first read buffer of a connection (see `Connection::read_size`).
const FIRST_READ: usize = 1024;
const PONG_FLUSH_LIMIT: usize = 64 * 1024;

enum Phase {
    /// ZWS 2.0: the WebSocket upgrade is under way (`ws_start` ends it).
    WsUpgrade,
    /// Exchanging greetings.
    Greeting,
    /// ZMTP 3.x: the mechanism's commands.
    Handshake,
    /// ZMTP 1.0/2.0: waiting for the peer's identity message.
    Identity,
    /// Messages and commands.
    Traffic,
    /// The peer sent ERROR: input is ignored from now on.
    Closed,
    /// A protocol error: every later `advance` reports it again.
    Failed(ProtocolError),
}

/// Output queued until we may send.
enum Outgoing {
    Msg(Msg),
    Subscribe(Vec<u8>),
    Cancel(Vec<u8>),
    /// A DISH's JOIN (true) or LEAVE of a group.
    Membership(bool, Vec<u8>),
}

/// A ZMTP connection, sans IO. See the module documentation.
pub struct Connection {
    cfg: Config,
    phase: Phase,
    greeting: GreetingExchange,
    version: Option<Version>,
    /// A 1.0-with-revision/2.0 peer's socket-type octet.
    peer_socket_type: i32,
    decoder: Decoder,
    encoder: Encoder,
    /// Where small frames are read.
    /// Where reads land: `in_batch` octets, filled from the front. What
    /// was read is split off and decoded as a shared buffer, so message
    /// bodies can point into it; the rest stays for the next read.
    inbuf: BytesMut,
    in_batch: usize,
    /// The size of a fresh `inbuf`: `FIRST_READ` until a read fills what it
    /// was given, then `in_batch`. A connection that only ever carries
    /// small messages keeps one page of buffer, not two (the buffer is
    /// zeroed, so all of it is resident).
    read_size: usize,
    mechanism: Option<Box<dyn Mechanism>>,
    events: VecDeque<Event>,
    pending: VecDeque<Outgoing>,
    /// Our side of the handshake is done: frames may go out.
    can_send: bool,
    handshake_done: bool,
    /// A PONG to send once output drains (only the latest is kept).
    pong: Option<Vec<u8>>,
    /// libzmq's phantom subscription for a PUB/XPUB meeting an unversioned
    /// 1.0 peer.
    phantom_subscription: bool,
    /// DISH: the group frame of the message being received (a RADIO sends
    /// each message as a group frame, then the body).
    dish_group: Option<Msg>,
    /// ZWS 2.0 (ZMTP over WebSocket): no greeting, frames are WebSocket
    /// binary messages, and heartbeats are WebSocket pings.
    ws: bool,
}

impl Connection {
    /// A connection that has just been established; its signature is
    /// already queued for output.
    pub fn new(mut cfg: Config) -> Connection {
        // libzmq keeps application metadata in a std::map: sorted by name,
        // the first of equal names kept.
        cfg.metadata.sort_by(|a, b| a.0.cmp(&b.0));
        cfg.metadata.dedup_by(|a, b| a.0 == b.0);
        let mechanism_name = cfg.mechanism.name();
        let mut encoder = Encoder::new(Framing::V2);
        encoder.raw(&greeting::signature(cfg.routing_id.len()));
        Connection {
            greeting: GreetingExchange::new(
                cfg.socket_type,
                greeting::mechanism_field(mechanism_name),
            ),
            decoder: Decoder::new(Framing::V2, cfg.maxmsgsize),
            inbuf: BytesMut::new(),
            in_batch: cfg.in_batch_size.max(64),
            read_size: cfg.in_batch_size.clamp(64, FIRST_READ),
            cfg,
            phase: Phase::Greeting,
            version: None,
            peer_socket_type: -1,
            encoder,
            mechanism: None,
            events: VecDeque::new(),
            pending: VecDeque::new(),
            can_send: false,
            handshake_done: false,
            pong: None,
            phantom_subscription: false,
            dish_group: None,
            ws: false,
        }
    }

    /// A ZWS 2.0 connection (ZMTP over WebSocket): it sends no greeting
    /// and waits for `ws_start` once the HTTP upgrade has chosen the
    /// subprotocol. A `client` masks its frames, with keys from `seed`.
    /// Octets read from the peer come in through `ws_frame`, not
    /// `advance` (see `zws::WsConnection`).
    pub fn new_ws(cfg: Config, client: bool, seed: u32) -> Connection {
        let mut c = Connection::new(cfg);
        c.encoder = Encoder::new(Framing::V2);
        c.encoder.set_ws(client, seed);
        c.phase = Phase::WsUpgrade;
        c.ws = true;
        c
    }

    /// Queues octets as they are (the upgrade's request or response).
    pub fn ws_raw(&mut self, bytes: &[u8]) {
        self.encoder.raw(bytes);
    }

    /// Queues a WebSocket control frame (ping, pong, close), masked when
    /// ours are.
    pub fn ws_control(&mut self, opcode: u8, payload: &[u8]) {
        let key = self.encoder.ws_mask_key();
        let mut f = Vec::with_capacity(super::ws::MAX_HEADER + payload.len());
        let payload = &payload[..payload.len().min(super::ws::MAX_CONTROL)];
        super::ws::encode_frame(&mut f, true, opcode, payload, key);
        self.encoder.raw(&f);
    }

    /// The upgrade chose its subprotocol: ZMTP starts, with the mechanism's
    /// handshake ("ZWS2.0/NULL", "/PLAIN", "/CURVE"), or, for the bare
    /// "ZWS2.0" a NULL socket also takes, with each side's routing id as
    /// its first message (as libzmq's ws engine does).
    pub fn ws_start(&mut self, bare: bool) -> Result<(), ProtocolError> {
        self.checked(|c| {
            if !matches!(c.phase, Phase::WsUpgrade) {
                return Ok(());
            }
            // ZMTP 3.0's rules: subscriptions go as `1 topic` messages,
            // which is how libzmq's ws encoder sends them.
            c.version = Some(Version::V3_0);
            c.events.push_back(Event::Upgraded);
            if bare {
                c.encoder.frame_parts(false, false, &[&c.cfg.routing_id]);
                c.phase = Phase::Identity;
                c.can_send = true;
                c.flush_pending();
                return Ok(());
            }
            c.mechanism = Some(c.make_mechanism()?);
            c.phase = Phase::Handshake;
            c.step_mechanism();
            Ok(())
        })
    }

    /// One WebSocket binary message from the peer: its ZWS flags octet
    /// and the frame's body.
    pub fn ws_frame(&mut self, ws_flags: u8, body: Bytes) -> Result<(), ProtocolError> {
        self.ws_frame_msg(ws_flags, Msg::from_bytes(body))
    }

    /// As `ws_frame`, the body already a message.
    pub fn ws_frame_msg(&mut self, ws_flags: u8, mut msg: Msg) -> Result<(), ProtocolError> {
        if ws_flags & super::codec::WS_COMMAND == 0 && self.plain_traffic() {
            // A message in plain traffic: straight out, as over tcp.
            if ws_flags & super::codec::WS_MORE != 0 {
                msg.set_flags(flags::MORE);
            }
            self.events.push_back(Event::Message(msg));
            return Ok(());
        }
        self.checked(|c| {
            if !matches!(c.phase, Phase::Handshake | Phase::Identity | Phase::Traffic) {
                return Ok(());
            }
            let command = ws_flags & super::codec::WS_COMMAND != 0;
            let mut f = 0;
            if ws_flags & super::codec::WS_MORE != 0 {
                f |= flags::MORE;
            }
            if command {
                f |= flags::COMMAND;
            }
            msg.set_flags(f);
            c.on_frame(super::codec::Frame { command, msg })
        })
    }

    /// Where a large frame's body in progress is to be read into directly
    /// (no copy, and no zeroing first: the memory is not initialised), when
    /// there is one worth it; the read is then reported to
    /// `advance_direct`, not `advance`.
    pub fn direct_buffer(&mut self) -> Option<&mut [std::mem::MaybeUninit<u8>]> {
        let decoding = matches!(
            self.phase,
            Phase::Handshake | Phase::Identity | Phase::Traffic
        );
        if decoding
            && self.decoder.body_remaining() >= self.in_batch
            && self.decoder.prepare_body_buffer()
        {
            Some(self.decoder.body_buffer())
        } else {
            None
        }
    }

    /// Takes note that `n` bytes were read into the last `direct_buffer()`.
    /// An error is fatal and sticky.
    ///
    /// # Safety
    /// The first `n` octets of that buffer must have been written.
    pub unsafe fn advance_direct(&mut self, n: usize) -> Result<(), ProtocolError> {
        self.checked(|c| {
            // SAFETY: passed on from the caller.
            match unsafe { c.decoder.body_filled(n) } {
                Some(frame) => c.on_frame(frame),
                None => Ok(()),
            }
        })
    }

    /// Where to read the next bytes from the peer (when `direct_buffer` has
    /// none): the rest of the greeting, or the internal buffer. Never empty.
    /// Each call is followed by one `advance`.
    pub fn read_buffer(&mut self) -> &mut [u8] {
        if matches!(self.phase, Phase::Greeting) {
            return self.greeting.buffer();
        }
        if self.inbuf.len() < self.read_size / 2 {
            // Too little left of this buffer: a fresh one (the old memory
            // is reused when no message holds on to it any more).
            self.inbuf.clear();
            self.inbuf.reserve(self.read_size);
            self.inbuf.resize(self.read_size, 0);
        }
        &mut self.inbuf
    }

    /// Takes note that `n` bytes were read into the last `read_buffer()`
    /// and processes them. An error is fatal and sticky.
    pub fn advance(&mut self, n: usize) -> Result<(), ProtocolError> {
        self.checked(|c| c.advance_inner(n))
    }

    /// Runs `step` unless an error came before; an error it returns is
    /// fatal and sticky.
    fn checked(
        &mut self,
        step: impl FnOnce(&mut Self) -> Result<(), ProtocolError>,
    ) -> Result<(), ProtocolError> {
        if let Phase::Failed(e) = &self.phase {
            return Err(e.clone());
        }
        let result = step(self);
        if let Err(e) = &result {
            self.phase = Phase::Failed(e.clone());
            self.pending.clear();
            self.pong = None;
        }
        result
    }

    /// Feeds `data` through `direct_buffer`/`advance_direct` and
    /// `read_buffer`/`advance`, as a session's reads would (tests, fuzzing).
    pub fn feed(&mut self, mut data: &[u8]) -> Result<(), ProtocolError> {
        while !data.is_empty() {
            if let Some(buf) = self.direct_buffer() {
                let n = buf.len().min(data.len());
                for (dst, &b) in buf[..n].iter_mut().zip(data) {
                    dst.write(b);
                }
                // SAFETY: the n octets were just written.
                unsafe { self.advance_direct(n)? };
                data = &data[n..];
                continue;
            }
            let buf = self.read_buffer();
            let n = buf.len().min(data.len());
            debug_assert!(n > 0);
            if n == 0 {
                break;
            }
            buf[..n].copy_from_slice(&data[..n]);
            self.advance(n)?;
            data = &data[n..];
        }
        Ok(())
    }

    /// The next event, in order of arrival.
    #[inline]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Queues a message part (MORE from its flags). Before the handshake
    /// allows sending it waits; after an error or the peer's ERROR it is
    /// dropped.
    pub fn send(&mut self, mut msg: Msg) {
        msg.reset_flags(flags::COMMAND);
        self.queue(Outgoing::Msg(msg));
    }

    /// Queues a subscription: a SUBSCRIBE command to a 3.1 peer, a message
    /// `1 topic` to older ones.
    pub fn send_subscribe(&mut self, topic: &[u8]) {
        self.queue(Outgoing::Subscribe(topic.to_vec()));
    }

    /// Queues a cancellation: CANCEL to a 3.1 peer, `0 topic` to older ones.
    pub fn send_cancel(&mut self, topic: &[u8]) {
        self.queue(Outgoing::Cancel(topic.to_vec()));
    }

    /// Queues a DISH's JOIN (`join`) or LEAVE of `group` (commands: not
    /// sent to a ZMTP 1.0/2.0 peer).
    pub fn send_membership(&mut self, join: bool, group: &[u8]) {
        self.queue(Outgoing::Membership(join, group.to_vec()));
    }

    /// Queues a PING (TTL in tenths of a second, context cut to 16 octets).
    /// Only once the handshake is done and with a 3.x peer (1.0/2.0 have no
    /// commands); otherwise ignored.
    pub fn send_ping(&mut self, ttl_ds: u16, context: &[u8]) {
        if self.ws {
            // Over WebSocket a heartbeat is a WebSocket ping (libzmq's ws
            // engine neither sends nor answers ZMTP PINGs).
            if self.handshake_done {
                self.ws_control(super::ws::PING, b"");
            }
            return;
        }
        if self.commands_allowed() {
            self.send_command(command::ping(ttl_ds, context));
        }
    }

    /// Queues a PONG echoing `context` (cut to 16 octets): the answer to
    /// `Event::Ping`, which libzmq always gives. While 64 KiB of output is
    /// already pending the PONG waits, and a newer one replaces it (libzmq
    /// also keeps a single pending PONG), so a peer that floods PINGs but
    /// does not read cannot grow our output without bound.
    pub fn send_pong(&mut self, context: &[u8]) {
        if self.commands_allowed() {
            let context = context.get(..command::MAX_PING_CONTEXT).unwrap_or(context);
            self.pong = Some(context.to_vec());
            self.flush_pong();
        }
    }

    /// The pending output as slices for `writev`, in order (at most
    /// `codec::MAX_IOV` of them; call again after `consumed`).
    pub fn output(&self) -> Vec<IoSlice<'_>> {
        let mut v = vec![IoSlice::new(&[]); MAX_IOV];
        let n = self.encoder.slices(&mut v);
        v.truncate(n);
        v
    }

    /// Like `output`, into the caller's array; returns how many were filled.
    pub fn output_into<'a>(&'a self, out: &mut [IoSlice<'a>]) -> usize {
        self.encoder.slices(out)
    }

    /// As `output_into`, for at most `limit` octets.
    pub fn output_upto<'a>(&'a self, out: &mut [IoSlice<'a>], limit: usize) -> usize {
        self.encoder.slices_upto(out, limit)
    }

    /// Takes note that the first `n` bytes of the output were written.
    pub fn consumed(&mut self, n: usize) {
        self.encoder.consume(n);
        self.flush_pong();
    }

    pub fn has_output(&self) -> bool {
        !self.encoder.is_empty()
    }

    /// Bytes of output pending.
    pub fn output_len(&self) -> usize {
        self.encoder.pending()
    }

    /// `Event::HandshakeSucceeded` has been produced.
    pub fn is_handshake_done(&self) -> bool {
        self.handshake_done
    }

    /// The ZAP request the server-side mechanism (PLAIN, CURVE with
    /// `Config::zap_enabled`) is waiting on, handed out once: check after
    /// each `advance`. Until `zap_reply`, the handshake stands still.
    pub fn zap_request(&mut self) -> Option<ZapRequest> {
        self.mechanism.as_mut().and_then(|m| m.zap_request())
    }

    /// The ZAP handler's reply to `zap_request` (its status code, user id
    /// and metadata frames). 200 lets the handshake go on; 300, 400 or 500
    /// ends it with `Event::Error(status)` (400 and 500 after queueing an
    /// ERROR with the status, as libzmq). An invalid reply, or one nobody
    /// asked for, is an error, fatal and sticky as those of `advance`.
    /// Check the output and the events afterwards.
    pub fn zap_reply(
        &mut self,
        status_code: &[u8],
        user_id: &[u8],
        metadata: &[u8],
    ) -> Result<(), ProtocolError> {
        if let Phase::Failed(e) = &self.phase {
            return Err(e.clone());
        }
        let result = match (&self.phase, self.mechanism.as_mut()) {
            (Phase::Handshake, Some(m)) => m.zap_reply(status_code, user_id, metadata),
            _ => Err(ProtocolError::ZapUnexpectedReply),
        };
        match result {
            Ok(()) => {
                self.step_mechanism();
                Ok(())
            }
            Err(e) => {
                self.phase = Phase::Failed(e.clone());
                self.pending.clear();
                self.pong = None;
                Err(e)
            }
        }
    }

    /// The protocol spoken, once the greetings are exchanged.
    pub fn version(&self) -> Option<(u8, u8)> {
        self.version.map(Version::pair)
    }

    fn advance_inner(&mut self, n: usize) -> Result<(), ProtocolError> {
        match self.phase {
            Phase::Greeting => self.greeting_input(n),
            Phase::WsUpgrade | Phase::Closed | Phase::Failed(_) => Ok(()),
            Phase::Handshake | Phase::Identity | Phase::Traffic => {
                let n = n.min(self.inbuf.len());
                if n == self.inbuf.len() {
                    // The read filled its buffer: more is coming than a
                    // small buffer holds.
                    self.read_size = self.in_batch;
                }
                let data = self.inbuf.split_to(n).freeze();
                self.input(&data, Some(&data))
            }
        }
    }

    fn greeting_input(&mut self, n: usize) -> Result<(), ProtocolError> {
        let mut reply = Vec::new();
        let progress = self.greeting.advance(n, &mut reply);
        self.encoder.raw(&reply);
        match progress {
            Progress::NeedMore => Ok(()),
            Progress::Done(peer) => self.start(peer),
        }
    }

    /// The greetings are exchanged: set up framing and the handshake.
    fn start(&mut self, peer: PeerGreeting) -> Result<(), ProtocolError> {
        self.version = Some(peer.version);
        let maxmsgsize = self.cfg.maxmsgsize;
        match peer.version {
            Version::V1Unversioned | Version::V1 | Version::V2 => {
                if self.cfg.zap_enabled
                    || self.cfg.refuse_legacy
                    || self.cfg.mechanism != MechanismConfig::Null
                {
                    return Err(ProtocolError::LegacyPeerRefused);
                }
                let framing = if peer.version == Version::V2 {
                    Framing::V2
                } else {
                    Framing::V1
                };
                self.decoder = Decoder::new(framing, maxmsgsize);
                self.encoder.set_framing(framing);
                if peer.version == Version::V1Unversioned {
                    // Our signature doubled as the header of our identity
                    // frame; its body follows.
                    self.encoder.raw(&self.cfg.routing_id);
                    self.phantom_subscription =
                        matches!(self.cfg.socket_type, c::ZMQ_PUB | c::ZMQ_XPUB);
                } else {
                    self.encoder
                        .frame_parts(false, false, &[&self.cfg.routing_id]);
                }
                self.peer_socket_type = peer.socket_type;
                self.phase = Phase::Identity;
                self.can_send = true;
                self.flush_pending();
                if peer.version == Version::V1Unversioned {
                    // What we took for a greeting is the start of the peer's
                    // identity frame.
                    let mut early = [0u8; greeting::V3_GREETING_SIZE];
                    let got = self.greeting.received();
                    let len = got.len();
                    early[..len].copy_from_slice(got);
                    self.input(&early[..len], None)?;
                }
                Ok(())
            }
            Version::V3_0 | Version::V3_1 => {
                let mechanism = self.make_mechanism()?;
                if peer.mechanism != greeting::mechanism_field(mechanism.name()) {
                    return Err(ProtocolError::MechanismMismatch {
                        peer: peer.mechanism,
                    });
                }
                self.decoder = Decoder::new(Framing::V2, maxmsgsize);
                self.encoder.set_framing(Framing::V2);
                self.mechanism = Some(mechanism);
                self.phase = Phase::Handshake;
                self.step_mechanism();
                Ok(())
            }
        }
    }

    /// The mechanism the configuration names.
    fn make_mechanism(&self) -> Result<Box<dyn Mechanism>, ProtocolError> {
        Ok(match &self.cfg.mechanism {
            MechanismConfig::Null => Box::new(NullMechanism::new(&self.cfg)),
            MechanismConfig::Plain {
                as_server: false, ..
            } => Box::new(PlainClient::new(&self.cfg)),
            MechanismConfig::Plain {
                as_server: true, ..
            } => Box::new(PlainServer::new(&self.cfg)),
            MechanismConfig::Curve {
                as_server: false, ..
            } => Box::new(CurveClient::new(&self.cfg)?),
            MechanismConfig::Curve {
                as_server: true, ..
            } => Box::new(CurveServer::new(&self.cfg)?),
        })
    }

    /// Decodes frames from `data` until it runs out or input stops.
    /// `shared`, when given, holds the same octets as `data`, for message
    /// bodies to point into.
    fn input(&mut self, data: &[u8], shared: Option<&Bytes>) -> Result<(), ProtocolError> {
        let mut at = 0;
        while at < data.len() {
            if matches!(self.phase, Phase::Closed | Phase::Failed(_)) {
                break;
            }
            if let Some(b) = shared.filter(|_| self.plain_traffic()) {
                // Whole message frames in a row, without the decoder's
                // octet-by-octet states.
                while let Some((used, msg)) = self.decoder.whole_message(b, at) {
                    at += used;
                    self.events.push_back(Event::Message(msg));
                }
                if at == data.len() {
                    break;
                }
            }
            let (used, frame) = match shared {
                Some(b) => self.decoder.decode_shared(b, at)?,
                None => self.decoder.decode(&data[at..])?,
            };
            at += used;
            match frame {
                Some(frame) => self.on_frame(frame)?,
                None if used == 0 => break,
                None => {}
            }
        }
        Ok(())
    }

    fn on_frame(&mut self, frame: Frame) -> Result<(), ProtocolError> {
        match self.phase {
            Phase::Handshake => {
                // RFC 23: only commands until the handshake is done (libzmq
                // would hand a message frame to the mechanism as well;
                // every implementation sends commands).
                if !frame.command {
                    return Err(ProtocolError::UnexpectedCommand);
                }
                if let Some(m) = self.mechanism.as_mut() {
                    m.process_handshake_command(frame.msg.data())?;
                }
                self.step_mechanism();
                Ok(())
            }
            Phase::Identity => {
                // Flags are not checked, as in libzmq (RFC 13: idflags SHALL
                // not be validated).
                let peer_routing_id = if self.cfg.recv_routing_id {
                    frame.msg.data().to_vec()
                } else {
                    Vec::new()
                };
                self.phase = Phase::Traffic;
                self.handshake_done = true;
                // Bare ZWS 2.0 (no mechanism) starts as ZMTP 2.0 does, with
                // the identity message and no READY: reported as such.
                let version = if self.ws {
                    Version::V2
                } else {
                    self.version.unwrap_or(Version::V2)
                };
                self.events.push_back(Event::HandshakeSucceeded {
                    peer_socket_type: self.peer_socket_type,
                    peer_routing_id,
                    properties: Vec::new(),
                    version: version.pair(),
                });
                if self.phantom_subscription {
                    self.events.push_back(Event::Subscribe(Vec::new()));
                }
                Ok(())
            }
            Phase::Traffic => self.traffic(frame),
            Phase::WsUpgrade | Phase::Greeting | Phase::Closed | Phase::Failed(_) => Ok(()),
        }
    }

    fn traffic(&mut self, frame: Frame) -> Result<(), ProtocolError> {
        let msg = match self.mechanism.as_mut() {
            Some(m) => m.decode(frame.msg)?,
            None => frame.msg,
        };
        if msg.flags() & flags::COMMAND == 0 {
            if self.cfg.socket_type == c::ZMQ_DISH {
                return self.dish_frame(msg);
            }
            self.events.push_back(Event::Message(msg));
            return Ok(());
        }
        // ZMTP 2.0 has no commands: libzmq's session drops such frames.
        if !self.version.is_some_and(Version::is_v3) {
            return Ok(());
        }
        let body = msg.data();
        let Ok(cmd) = command::parse(body) else {
            // libzmq ignores a malformed command after the handshake. A
            // PING too short for its TTL it still answers (reading the TTL
            // from past the frame): answer it, with no TTL and no context.
            if matches!(command::split(body), Ok((command::PING, _))) {
                self.events.push_back(Event::Ping {
                    ttl_ds: 0,
                    context: Vec::new(),
                });
            }
            return Ok(());
        };
        let event = match cmd {
            WireCommand::Ping { ttl_ds, context } => Event::Ping {
                ttl_ds,
                context: context.to_vec(),
            },
            WireCommand::Pong { context } => Event::Pong {
                context: context.to_vec(),
            },
            WireCommand::Subscribe { topic } => Event::Subscribe(topic.to_vec()),
            WireCommand::Cancel { topic } => Event::Cancel(topic.to_vec()),
            WireCommand::Join { group } | WireCommand::Leave { group }
                if self.cfg.socket_type == c::ZMQ_RADIO =>
            {
                if group.len() > MAX_GROUP {
                    return Err(ProtocolError::MalformedGroup);
                }
                Event::Membership {
                    join: matches!(cmd, WireCommand::Join { .. }),
                    group: group.to_vec(),
                }
            }
            // READY, ERROR, unknown commands after the handshake, and
            // JOIN/LEAVE to anything but a RADIO are ignored, as libzmq's
            // sessions do.
            WireCommand::Ready { .. }
            | WireCommand::Error { .. }
            | WireCommand::Other { .. }
            | WireCommand::Join { .. }
            | WireCommand::Leave { .. } => return Ok(()),
        };
        self.events.push_back(event);
        Ok(())
    }

    /// DISH: a message frame from the RADIO, which sends a group frame
    /// (with MORE, at most 255 octets) and then the body (without MORE).
    fn dish_frame(&mut self, msg: Msg) -> Result<(), ProtocolError> {
        let Some(group) = self.dish_group.take() else {
            if !msg.more() || msg.size() > MAX_GROUP {
                return Err(ProtocolError::MalformedGroup);
            }
            self.dish_group = Some(msg);
            return Ok(());
        };
        let mut body = msg;
        if body.more() || body.set_group(group.data()).is_err() {
            return Err(ProtocolError::MalformedGroup);
        }
        self.events.push_back(Event::Message(body));
        Ok(())
    }

    /// Sends what the mechanism has to send and acts on its status.
    fn step_mechanism(&mut self) {
        let Some(m) = self.mechanism.as_mut() else {
            return;
        };
        while let Some(cmd) = m.next_handshake_command() {
            self.encoder.frame_parts(false, true, &[&cmd]);
        }
        match m.status() {
            Status::Handshaking => {}
            Status::Ready => {
                let peer = m.peer();
                self.phase = Phase::Traffic;
                self.handshake_done = true;
                self.can_send = true;
                self.events.push_back(Event::HandshakeSucceeded {
                    peer_socket_type: peer.socket_type,
                    peer_routing_id: peer.routing_id,
                    properties: peer.properties,
                    version: self.version.map(Version::pair).unwrap_or_default(),
                });
                self.flush_pending();
            }
            Status::Error => {
                let reason = m.error_reason().unwrap_or_default().to_vec();
                self.events.push_back(Event::Error(reason));
                self.phase = Phase::Closed;
                self.pending.clear();
            }
        }
    }

    /// After the handshake, with a mechanism that leaves messages as they
    /// are: a message frame goes straight to the events.
    fn plain_traffic(&self) -> bool {
        matches!(self.phase, Phase::Traffic)
            && self.cfg.socket_type != c::ZMQ_DISH
            && self.mechanism.as_ref().is_none_or(|m| !m.transforms())
    }

    fn commands_allowed(&self) -> bool {
        matches!(self.phase, Phase::Traffic) && self.version.is_some_and(Version::is_v3)
    }

    fn queue(&mut self, out: Outgoing) {
        match self.phase {
            Phase::Closed | Phase::Failed(_) => {}
            _ if self.can_send => self.encode_outgoing(out),
            _ => self.pending.push_back(out),
        }
    }

    fn flush_pending(&mut self) {
        while self.can_send {
            let Some(out) = self.pending.pop_front() else {
                break;
            };
            self.encode_outgoing(out);
        }
    }

    fn encode_outgoing(&mut self, out: Outgoing) {
        let (subscribe, topic) = match out {
            Outgoing::Msg(msg) if self.cfg.socket_type == c::ZMQ_RADIO => {
                return self.send_radio(msg)
            }
            Outgoing::Msg(msg) => return self.send_frame(msg),
            Outgoing::Subscribe(topic) => (true, topic),
            Outgoing::Cancel(topic) => (false, topic),
            Outgoing::Membership(join, group) => {
                if self.version.is_some_and(Version::is_v3) {
                    self.send_command(command::membership(join, &group));
                }
                return;
            }
        };
        if self.version == Some(Version::V3_1) {
            let body = if subscribe {
                command::subscribe(&topic)
            } else {
                command::cancel(&topic)
            };
            self.send_command(body);
        } else {
            // RFC 15/23: a message whose first octet says subscribe (1) or
            // cancel (0). libzmq's 2.0 encoder omits the LONG flag when the
            // prefix pushes a 255-octet topic past 255; we do not.
            let mut body = Vec::with_capacity(topic.len() + 1);
            body.push(u8::from(subscribe));
            body.extend_from_slice(&topic);
            self.send_frame(Msg::from_bytes(Bytes::from(body)));
        }
    }

    /// RADIO: a message goes as its group (a frame with MORE), then its
    /// body, as libzmq's radio session sends it.
    fn send_radio(&mut self, mut msg: Msg) {
        let group = Msg::from_slice(msg.group().to_bytes());
        if let Ok(mut group) = group {
            group.set_flags(flags::MORE);
            msg.reset_flags(flags::MORE);
            self.send_frame(group);
            self.send_frame(msg);
        }
    }

    fn send_command(&mut self, body: Vec<u8>) {
        let mut msg = Msg::from_bytes(Bytes::from(body));
        msg.set_flags(flags::COMMAND);
        self.send_frame(msg);
    }

    /// One frame after the handshake, through the mechanism.
    fn send_frame(&mut self, msg: Msg) {
        let msg = match self.mechanism.as_mut() {
            Some(m) => m.encode(msg),
            None => msg,
        };
        self.encoder.frame_msg(msg);
    }

    fn flush_pong(&mut self) {
        if self.pong.is_some()
            && self.commands_allowed()
            && self.encoder.pending() < PONG_FLUSH_LIMIT
        {
            if let Some(context) = self.pong.take() {
                self.send_command(command::pong(&context));
            }
        }
    }
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
