//! The CURVE mechanism (RFC 25 ZMTP-CURVE over RFC 26 CurveZMQ), client
//! and server, byte-compatible with libzmq's curve_client / curve_server.
//!
//! Client: HELLO (C', box[64 zeros] C'→S) → WELCOME (box[S' cookie] S→C')
//! → INITIATE (cookie, box[C vouch metadata] C'→S', the vouch being
//! box[C' S] C→S') → READY (box[metadata] S'→C'). Then every frame, command
//! or message, goes as MESSAGE: box[flags data] under the short-term keys,
//! with a nonce that strictly increases in each direction.
//!
//! The server keeps no state between HELLO and INITIATE but the cookie:
//! box[C' s'] under a cookie key drawn afresh for each WELCOME (and dropped
//! once the INITIATE is checked). With `Config::zap_enabled` it asks ZAP
//! with the client's long-term key before sending READY; without it, it
//! accepts every client, as libzmq without a ZAP handler.
//!
//! Primitives: libsodium's, through `crate::keys`: `SharedKey::agree` is
//! NaCl's precomputed crypto_box (X25519, HSalsa20), and every box, the
//! cookie's included, is XSalsa20-Poly1305 with the MAC first as on the
//! wire; secrets are compared in constant time. Nonces are libzmq's:
//! 16-octet prefixes plus a 64-bit big-endian counter starting at 1
//! (HELLO 1, INITIATE 2, first client MESSAGE 3; READY 1, first server
//! MESSAGE 2), or 8-octet prefixes plus 16 random octets.

use super::command::{self, WireCommand};
use super::mechanism::{self, Mechanism, PeerInfo, Status, ZapAnswer, ZapRequest};
use super::{Config, MechanismConfig, ProtocolError};
use crate::keys::{ct_eq, wipe, PrefixedKey, SecretKey, SharedKey, MAC_LEN, NONCE_LEN};
use crate::msg::{flags, Msg};
use bytes::{Buf, Bytes};

pub const HELLO: &[u8] = b"\x05HELLO";
pub const WELCOME: &[u8] = b"\x07WELCOME";
pub const INITIATE: &[u8] = b"\x08INITIATE";
pub const READY: &[u8] = b"\x05READY";
pub const ERROR: &[u8] = b"\x05ERROR";
pub const MESSAGE: &[u8] = b"\x07MESSAGE";

const HELLO_SIZE: usize = 200;
const WELCOME_SIZE: usize = 168;
const INITIATE_MIN_SIZE: usize = 257;
const READY_MIN_SIZE: usize = 30;
/// "\x07MESSAGE", nonce, MAC, flags.
const MESSAGE_MIN_SIZE: usize = 8 + 8 + 16 + 1;

/// MESSAGE boxes up to this size are opened on the stack.
const SMALL_OPEN: usize = 512;

/// The flags a MESSAGE carries.
const FLAG_MASK: u8 = flags::MORE | flags::COMMAND;

/// A 24-octet nonce: `prefix` then `tail`.
fn nonce(prefix: &[u8], tail: &[u8]) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    let (head, rest) = n.split_at_mut(prefix.len().min(24));
    head.copy_from_slice(prefix.get(..head.len()).unwrap_or_default());
    let len = rest.len().min(tail.len());
    rest[..len].copy_from_slice(&tail[..len]);
    n
}

/// The box key between `public` and `secret`; a public key libsodium
/// refuses (of small order) fails the handshake.
fn agree(public: &[u8; 32], secret: &SecretKey) -> Result<SharedKey, ProtocolError> {
    SharedKey::agree(public, secret).ok_or(ProtocolError::Cryptographic)
}

fn random<const N: usize>() -> Result<[u8; N], ProtocolError> {
    let mut out = [0u8; N];
    crate::keys::random_bytes(&mut out).map_err(|_| ProtocolError::Cryptographic)?;
    Ok(out)
}

fn key32(data: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 32];
    let len = data.len().min(32);
    k[..len].copy_from_slice(&data[..len]);
    k
}

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    if let Some(s) = data.get(at..at + 8) {
        b.copy_from_slice(s);
    }
    u64::from_be_bytes(b)
}

/// The MESSAGE layer, shared by both roles once the short-term keys are
/// agreed: encrypts with our prefix and counter, decrypts and checks the
/// peer's.
struct Codec {
    /// The short-term box key, for INITIATE and READY.
    precom: Option<SharedKey>,
    /// The same key bound to our MESSAGE prefix and to the peer's.
    stream: Option<(PrefixedKey, PrefixedKey)>,
    encode_prefix: &'static [u8; 16],
    decode_prefix: &'static [u8; 16],
    /// Our next short nonce.
    nonce: u64,
    /// The peer's last short nonce.
    peer_nonce: u64,
}

impl Codec {
    fn new(client: bool) -> Codec {
        let (encode_prefix, decode_prefix) = if client {
            (b"CurveZMQMESSAGEC", b"CurveZMQMESSAGES")
        } else {
            (b"CurveZMQMESSAGES", b"CurveZMQMESSAGEC")
        };
        Codec {
            precom: None,
            stream: None,
            encode_prefix,
            decode_prefix,
            nonce: 1,
            peer_nonce: 1,
        }
    }

    /// The short-term keys are agreed: keep the box key and derive the
    /// two MESSAGE directions from it.
    fn set_key(&mut self, key: SharedKey) -> Result<(), ProtocolError> {
        let encode = PrefixedKey::new(&key, self.encode_prefix);
        let decode = PrefixedKey::new(&key, self.decode_prefix);
        self.stream = Some((
            encode.ok_or(ProtocolError::Cryptographic)?,
            decode.ok_or(ProtocolError::Cryptographic)?,
        ));
        self.precom = Some(key);
        Ok(())
    }

    fn next_nonce(&mut self) -> u64 {
        let n = self.nonce;
        self.nonce = self.nonce.wrapping_add(1);
        n
    }

    fn encode(&mut self, msg: Msg) -> Msg {
        let Some((key, _)) = self.stream.as_ref() else {
            return msg;
        };
        let n = self.nonce;
        self.nonce = self.nonce.wrapping_add(1);
        // MESSAGE, the short nonce, the tag, then flags and body encrypted
        // where they lie: one buffer, one copy of the body.
        const TAG_AT: usize = 16;
        const BOX_AT: usize = TAG_AT + MAC_LEN;
        let mut out = Vec::with_capacity(BOX_AT + 1 + msg.size());
        out.extend_from_slice(MESSAGE);
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(&[0u8; MAC_LEN]);
        out.push(msg.flags() & FLAG_MASK);
        out.extend_from_slice(msg.data());
        let (head, body) = out.split_at_mut(BOX_AT);
        let mut tag = [0u8; MAC_LEN];
        key.seal_detached(&n.to_be_bytes(), body, &mut tag);
        head[TAG_AT..].copy_from_slice(&tag);
        Msg::from_bytes(Bytes::from(out))
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        let data = msg.data();
        command::split(data)?;
        if !data.starts_with(MESSAGE) {
            return Err(ProtocolError::UnexpectedCommand);
        }
        if data.len() < MESSAGE_MIN_SIZE {
            return Err(ProtocolError::MalformedMessage);
        }
        let n = u64_at(data, MESSAGE.len());
        if n <= self.peer_nonce {
            return Err(ProtocolError::InvalidSequence);
        }
        let (_, key) = self.stream.as_ref().ok_or(ProtocolError::Cryptographic)?;
        let tail = n.to_be_bytes();
        let boxed = data.get(16..).unwrap_or_default();
        let clen = boxed.len().saturating_sub(MAC_LEN);
        // Flags, then the body: a small one is opened on the stack and
        // copied into a pooled message, a large one becomes the message.
        let mut small = [0u8; SMALL_OPEN];
        let (flags, mut out) = if clen <= SMALL_OPEN {
            let plain = &mut small[..clen];
            if !key.open_into(&tail, boxed, plain) {
                return Err(ProtocolError::Cryptographic);
            }
            let body = Msg::from_slice(plain.get(1..).unwrap_or_default())
                .map_err(|_| ProtocolError::Cryptographic)?;
            (plain.first().copied().unwrap_or(0), body)
        } else {
            let plain = key.open(&tail, boxed).ok_or(ProtocolError::Cryptographic)?;
            let flags = plain.first().copied().unwrap_or(0);
            let mut body = Bytes::from(plain);
            body.advance(1);
            (flags, Msg::from_bytes(body))
        };
        self.peer_nonce = n;
        out.set_flags(flags & FLAG_MASK);
        Ok(out)
    }
}

fn curve_keys(cfg: &Config) -> ([u8; 32], [u8; 32], [u8; 32]) {
    match &cfg.mechanism {
        MechanismConfig::Curve {
            public_key,
            secret_key,
            server_key,
            ..
        } => (*public_key, *secret_key, *server_key),
        _ => ([0; 32], [0; 32], [0; 32]),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientState {
    SendHello,
    WaitWelcome,
    SendInitiate,
    WaitReady,
    Ready,
    ErrorReceived,
}

pub struct CurveClient {
    cfg: Config,
    state: ClientState,
    public_key: [u8; 32],
    secret_key: SecretKey,
    server_key: [u8; 32],
    cn_public: [u8; 32],
    cn_secret: SecretKey,
    /// The box key between C' and S, for HELLO and WELCOME; made at once,
    /// so that a server key libsodium refuses fails before HELLO.
    hello_key: SharedKey,
    /// The server's short-term key and cookie, from WELCOME.
    cn_server: [u8; 32],
    cookie: Vec<u8>,
    codec: Codec,
    peer: PeerInfo,
    error_reason: Option<Vec<u8>>,
    /// A command could not be made (no randomness): nothing more is sent.
    broken: bool,
}

impl CurveClient {
    /// A client with a fresh short-term key pair.
    pub fn new(cfg: &Config) -> Result<CurveClient, ProtocolError> {
        let (public_key, secret_key, server_key) = curve_keys(cfg);
        let cn_secret = SecretKey::generate().map_err(|_| ProtocolError::Cryptographic)?;
        let hello_key = agree(&server_key, &cn_secret)?;
        Ok(CurveClient {
            cfg: cfg.clone(),
            state: ClientState::SendHello,
            public_key,
            secret_key: SecretKey::from_bytes(secret_key),
            server_key,
            cn_public: cn_secret
                .public()
                .map_err(|_| ProtocolError::Cryptographic)?,
            cn_secret,
            hello_key,
            cn_server: [0; 32],
            cookie: Vec::new(),
            codec: Codec::new(true),
            peer: PeerInfo {
                socket_type: -1,
                ..PeerInfo::default()
            },
            error_reason: None,
            broken: false,
        })
    }

    fn hello(&mut self) -> Option<Vec<u8>> {
        let n = self.codec.next_nonce().to_be_bytes();
        let sig = self
            .hello_key
            .seal(&nonce(b"CurveZMQHELLO---", &n), &[0u8; 64]);
        let mut out = Vec::with_capacity(HELLO_SIZE);
        out.extend_from_slice(HELLO);
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&[0; 72]);
        out.extend_from_slice(&self.cn_public);
        out.extend_from_slice(&n);
        out.extend_from_slice(&sig);
        Some(out)
    }

    fn initiate(&mut self) -> Option<Vec<u8>> {
        let vouch_tail = random::<16>().ok()?;
        let mut vouch_plain = [0u8; 64];
        vouch_plain[..32].copy_from_slice(&self.cn_public);
        vouch_plain[32..].copy_from_slice(&self.server_key);
        let vouch = agree(&self.cn_server, &self.secret_key)
            .ok()?
            .seal(&nonce(b"VOUCH---", &vouch_tail), &vouch_plain);
        let mut plain = Vec::new();
        plain.extend_from_slice(&self.public_key);
        plain.extend_from_slice(&vouch_tail);
        plain.extend_from_slice(&vouch);
        plain.extend_from_slice(&mechanism::basic_properties(&self.cfg));
        let n = self.codec.next_nonce().to_be_bytes();
        let sealed = self
            .codec
            .precom
            .as_ref()?
            .seal(&nonce(b"CurveZMQINITIATE", &n), &plain);
        let mut out = Vec::with_capacity(113 + sealed.len());
        out.extend_from_slice(INITIATE);
        out.extend_from_slice(&self.cookie);
        out.extend_from_slice(&n);
        out.extend_from_slice(&sealed);
        Some(out)
    }
}

impl Mechanism for CurveClient {
    fn name(&self) -> &'static [u8] {
        b"CURVE"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        if self.broken {
            return None;
        }
        let out = match self.state {
            ClientState::SendHello => {
                self.state = ClientState::WaitWelcome;
                self.hello()
            }
            ClientState::SendInitiate => {
                self.state = ClientState::WaitReady;
                self.initiate()
            }
            _ => return None,
        };
        self.broken = out.is_none();
        out
    }

    fn process_handshake_command(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        if self.broken {
            return Err(ProtocolError::Cryptographic);
        }
        if body.starts_with(WELCOME) {
            if self.state != ClientState::WaitWelcome {
                return Err(ProtocolError::UnexpectedCommand);
            }
            // libzmq reports a WELCOME of the wrong size as CRYPTOGRAPHIC.
            if body.len() != WELCOME_SIZE {
                return Err(ProtocolError::Cryptographic);
            }
            let plain = self
                .hello_key
                .open(&nonce(b"WELCOME-", &body[8..24]), &body[24..])
                .ok_or(ProtocolError::Cryptographic)?;
            if plain.len() != 128 {
                return Err(ProtocolError::Cryptographic);
            }
            self.cn_server = key32(&plain[..32]);
            self.cookie = plain[32..].to_vec();
            self.codec
                .set_key(agree(&self.cn_server, &self.cn_secret)?)?;
            self.state = ClientState::SendInitiate;
            Ok(())
        } else if body.starts_with(READY) {
            if self.state != ClientState::WaitReady {
                return Err(ProtocolError::UnexpectedCommand);
            }
            if body.len() < READY_MIN_SIZE {
                return Err(ProtocolError::MalformedReady);
            }
            let precom = self
                .codec
                .precom
                .as_ref()
                .ok_or(ProtocolError::Cryptographic)?;
            let plain = precom
                .open(&nonce(b"CurveZMQREADY---", &body[6..14]), &body[14..])
                .ok_or(ProtocolError::Cryptographic)?;
            self.codec.peer_nonce = u64_at(body, 6);
            self.peer = mechanism::check_peer_properties(&self.cfg, &plain)?;
            self.state = ClientState::Ready;
            Ok(())
        } else if body.starts_with(ERROR) {
            if !matches!(
                self.state,
                ClientState::WaitWelcome | ClientState::WaitReady
            ) {
                return Err(ProtocolError::UnexpectedCommand);
            }
            match command::parse(body) {
                Ok(WireCommand::Error { reason }) => self.error_reason = Some(reason.to_vec()),
                _ => return Err(ProtocolError::MalformedError),
            }
            self.state = ClientState::ErrorReceived;
            Ok(())
        } else {
            Err(ProtocolError::UnexpectedCommand)
        }
    }

    fn status(&self) -> Status {
        match self.state {
            ClientState::Ready => Status::Ready,
            ClientState::ErrorReceived => Status::Error,
            _ => Status::Handshaking,
        }
    }

    fn peer(&self) -> PeerInfo {
        self.peer.clone()
    }

    fn error_reason(&self) -> Option<&[u8]> {
        self.error_reason.as_deref()
    }

    fn encode(&mut self, msg: Msg) -> Msg {
        self.codec.encode(msg)
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        self.codec.decode(msg)
    }

    fn transforms(&self) -> bool {
        true
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerState {
    WaitHello,
    SendWelcome,
    WaitInitiate,
    WaitZapReply,
    SendReady,
    Ready,
    SendError,
    ErrorSent,
}

pub struct CurveServer {
    cfg: Config,
    state: ServerState,
    secret_key: SecretKey,
    public_key: [u8; 32],
    cn_public: [u8; 32],
    cn_secret: SecretKey,
    /// The client's short-term key, from HELLO.
    cn_client: [u8; 32],
    /// This connection's cookie key, from WELCOME to INITIATE.
    cookie_key: Option<SharedKey>,
    codec: Codec,
    zap_request: Option<ZapRequest>,
    zap_properties: Vec<(String, Vec<u8>)>,
    status_code: Option<Vec<u8>>,
    peer: PeerInfo,
    broken: bool,
}

impl CurveServer {
    /// A server with a fresh short-term key pair.
    pub fn new(cfg: &Config) -> Result<CurveServer, ProtocolError> {
        let (_, secret_key, _) = curve_keys(cfg);
        let crypto = |_| ProtocolError::Cryptographic;
        let secret_key = SecretKey::from_bytes(secret_key);
        let cn_secret = SecretKey::generate().map_err(crypto)?;
        Ok(CurveServer {
            cfg: cfg.clone(),
            state: ServerState::WaitHello,
            public_key: secret_key.public().map_err(crypto)?,
            secret_key,
            cn_public: cn_secret.public().map_err(crypto)?,
            cn_secret,
            cn_client: [0; 32],
            cookie_key: None,
            codec: Codec::new(false),
            zap_request: None,
            zap_properties: Vec::new(),
            status_code: None,
            peer: PeerInfo {
                socket_type: -1,
                ..PeerInfo::default()
            },
            broken: false,
        })
    }

    fn welcome(&mut self) -> Option<Vec<u8>> {
        // A fresh cookie key for every connection.
        let cookie_key = SharedKey::random()?;
        let cookie_tail = random::<16>().ok()?;
        let mut cookie_plain = [0u8; 64];
        cookie_plain[..32].copy_from_slice(&self.cn_client);
        cookie_plain[32..].copy_from_slice(self.cn_secret.as_bytes());
        let cookie = cookie_key.seal(&nonce(b"COOKIE--", &cookie_tail), &cookie_plain);
        wipe(&mut cookie_plain);
        self.cookie_key = Some(cookie_key);
        let mut plain = Vec::with_capacity(128);
        plain.extend_from_slice(&self.cn_public);
        plain.extend_from_slice(&cookie_tail);
        plain.extend_from_slice(&cookie);
        let welcome_tail = random::<16>().ok()?;
        let sealed = agree(&self.cn_client, &self.secret_key)
            .ok()?
            .seal(&nonce(b"WELCOME-", &welcome_tail), &plain);
        let mut out = Vec::with_capacity(WELCOME_SIZE);
        out.extend_from_slice(WELCOME);
        out.extend_from_slice(&welcome_tail);
        out.extend_from_slice(&sealed);
        Some(out)
    }

    fn ready(&mut self) -> Option<Vec<u8>> {
        let n = self.codec.next_nonce().to_be_bytes();
        let sealed = self.codec.precom.as_ref()?.seal(
            &nonce(b"CurveZMQREADY---", &n),
            &mechanism::basic_properties(&self.cfg),
        );
        let mut out = Vec::with_capacity(14 + sealed.len());
        out.extend_from_slice(READY);
        out.extend_from_slice(&n);
        out.extend_from_slice(&sealed);
        Some(out)
    }

    fn process_hello(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        command::split(body)?;
        if !body.starts_with(HELLO) {
            return Err(ProtocolError::UnexpectedCommand);
        }
        if body.len() != HELLO_SIZE || body[6..8] != [1, 0] {
            return Err(ProtocolError::MalformedHello);
        }
        let cn_client = key32(&body[80..112]);
        agree(&cn_client, &self.secret_key)?
            .open(&nonce(b"CurveZMQHELLO---", &body[112..120]), &body[120..])
            .ok_or(ProtocolError::Cryptographic)?;
        self.cn_client = cn_client;
        self.codec.peer_nonce = u64_at(body, 112);
        self.state = ServerState::SendWelcome;
        Ok(())
    }

    fn process_initiate(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        command::split(body)?;
        if !body.starts_with(INITIATE) {
            return Err(ProtocolError::UnexpectedCommand);
        }
        if body.len() < INITIATE_MIN_SIZE {
            return Err(ProtocolError::MalformedInitiate);
        }
        // The cookie: ours, for this client, with our short-term secret.
        let cookie_key = self.cookie_key.take().ok_or(ProtocolError::Cryptographic)?;
        let mut cookie = cookie_key
            .open(&nonce(b"COOKIE--", &body[9..25]), &body[25..105])
            .ok_or(ProtocolError::Cryptographic)?;
        drop(cookie_key);
        let ok = cookie.len() == 64
            && ct_eq(&cookie[..32], &self.cn_client)
            && ct_eq(&cookie[32..], self.cn_secret.as_bytes());
        wipe(&mut cookie);
        if !ok {
            return Err(ProtocolError::Cryptographic);
        }
        let precom = agree(&self.cn_client, &self.cn_secret)?;
        let plain = precom
            .open(&nonce(b"CurveZMQINITIATE", &body[105..113]), &body[113..])
            .ok_or(ProtocolError::Cryptographic)?;
        self.codec.peer_nonce = u64_at(body, 105);
        if plain.len() < 128 {
            return Err(ProtocolError::Cryptographic);
        }
        let client_key = key32(&plain[..32]);
        let vouch = agree(&client_key, &self.cn_secret)?
            .open(&nonce(b"VOUCH---", &plain[32..48]), &plain[48..128])
            .ok_or(ProtocolError::Cryptographic)?;
        // libzmq checks C'; RFC 26 also puts S there, which we check too.
        if vouch.len() != 64
            || !ct_eq(&vouch[..32], &self.cn_client)
            || !ct_eq(&vouch[32..], &self.public_key)
        {
            return Err(ProtocolError::KeyExchange);
        }
        self.codec.set_key(precom)?;
        self.peer = mechanism::check_peer_properties(&self.cfg, &plain[128..])?;
        if self.cfg.zap_enabled {
            self.zap_request = Some(ZapRequest {
                mechanism: b"CURVE",
                credentials: vec![client_key.to_vec()],
            });
            self.state = ServerState::WaitZapReply;
        } else if self.cfg.zap_enforce {
            return Err(ProtocolError::ZapUnavailable);
        } else {
            self.state = ServerState::SendReady;
        }
        Ok(())
    }
}

impl Mechanism for CurveServer {
    fn name(&self) -> &'static [u8] {
        b"CURVE"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        if self.broken {
            return None;
        }
        let out = match self.state {
            ServerState::SendWelcome => {
                self.state = ServerState::WaitInitiate;
                self.welcome()
            }
            ServerState::SendReady => {
                self.state = ServerState::Ready;
                self.ready()
            }
            ServerState::SendError => {
                self.state = ServerState::ErrorSent;
                Some(command::error(self.status_code.as_deref().unwrap_or(b"")))
            }
            _ => return None,
        };
        self.broken = out.is_none();
        out
    }

    fn process_handshake_command(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        match self.state {
            _ if self.broken => Err(ProtocolError::Cryptographic),
            ServerState::WaitHello => self.process_hello(body),
            ServerState::WaitInitiate => self.process_initiate(body),
            _ => Err(ProtocolError::UnexpectedCommand),
        }
    }

    fn status(&self) -> Status {
        match self.state {
            ServerState::Ready if !self.broken => Status::Ready,
            ServerState::ErrorSent => Status::Error,
            _ => Status::Handshaking,
        }
    }

    fn peer(&self) -> PeerInfo {
        let mut peer = self.peer.clone();
        let mut props = self.zap_properties.clone();
        props.append(&mut peer.properties);
        peer.properties = props;
        peer
    }

    fn error_reason(&self) -> Option<&[u8]> {
        self.status_code.as_deref()
    }

    fn encode(&mut self, msg: Msg) -> Msg {
        self.codec.encode(msg)
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        self.codec.decode(msg)
    }

    fn transforms(&self) -> bool {
        true
    }

    fn zap_request(&mut self) -> Option<ZapRequest> {
        self.zap_request.take()
    }

    fn zap_reply(
        &mut self,
        status_code: &[u8],
        user_id: &[u8],
        metadata: &[u8],
    ) -> Result<(), ProtocolError> {
        let answer = mechanism::take_zap_reply(
            self.state == ServerState::WaitZapReply,
            status_code,
            user_id,
            metadata,
            &mut self.zap_properties,
        )?;
        self.zap_request = None;
        self.state = match answer {
            ZapAnswer::Accepted => ServerState::SendReady,
            ZapAnswer::Refused { status, send_error } => {
                self.status_code = Some(status);
                if send_error {
                    ServerState::SendError
                } else {
                    ServerState::ErrorSent
                }
            }
        };
        Ok(())
    }
}

#[cfg(test)]
#[path = "curve_tests.rs"]
mod tests;
