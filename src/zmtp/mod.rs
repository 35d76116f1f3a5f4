//! ZMTP, sans-IO: one connection's protocol state machine. Bytes and
//! messages go in; bytes to write, messages and events come out.
//!
//! This module owns the wire: the greeting and version negotiation
//! (ZMTP 3.1, with libzmq's downgrades to 3.0, 2.0 and 1.0 peers), frame
//! encoding and decoding, the commands, connection metadata and the security
//! mechanisms (NULL, PLAIN and CURVE, each a [`mechanism::Mechanism`]) and
//! the handshake and heartbeat deadlines ([`liveness`]). It must not know
//! sockets, pipes, fds, threads or clocks: the I/O-thread engine reads and
//! writes the fd, passes `now`, arms the timer it is asked for, and hands
//! [`Event`]s to the session.
//!
//! How the engine drives a [`Connection`]:
//! - reading: `let buf = c.read_buffer(); let n = read(fd, buf)?; c.advance(n)?;`
//!   then drain `c.poll_event()`. A large frame is read straight into the
//!   body of its message (no copy), small frames go through an internal
//!   buffer of `Config::in_batch_size` bytes.
//! - writing: `let n = writev(fd, &c.output())?; c.consumed(n);` while
//!   `c.has_output()`. Large message bodies are written from the message's
//!   own buffer.
//! - an `Err(ProtocolError)` from `advance` is fatal: close the connection;
//!   `ProtocolError::code()` is the monitor value.
//!
//! What goes on the wire, by peer version (as libzmq 4.3.5; see
//! greeting.rs for the greeting itself):
//! - 3.1 (and later): full 64-octet greeting, NULL handshake (READY with
//!   Socket-Type, Identity for REQ/DEALER/ROUTER, application metadata),
//!   then 3.x frames; SUBSCRIBE/CANCEL and PING/PONG are commands.
//! - 3.0: the same, but subscriptions are messages (`1 topic`/`0 topic`).
//! - 2.0: a 12-octet greeting (our socket type as the 12th octet), no
//!   mechanism; each side's first frame is its identity message; 2.0 frames;
//!   no commands (a command frame from the peer is dropped).
//! - 1.0 with a signature and revision 0: as 2.0 but with 1.0 framing.
//! - 1.0 without a signature (first octet not FF, or FF and a 10th octet
//!   with bit 0 clear): our 10-octet signature was the header of our
//!   identity frame, so only its body follows; 1.0 framing; a PUB/XPUB
//!   gets libzmq's phantom subscription (`Event::Subscribe(vec![])`).
//!
//! 1.0/2.0 peers are refused when `Config::zap_enabled` (libzmq refuses
//! them whenever ZAP would be consulted).
//!
//! Heartbeats and the handshake deadline: [`liveness::Liveness`] decides
//! when (the engine passes `now`, asks `poll_timeout` and calls
//! `handle_timeout`); the engine sends the PINGs it asks for with
//! `send_ping`, answers each `Event::Ping` with `send_pong`, and reports
//! any input as a sign of life.
//!
//! Subscriptions: a ZMTP 3.1 peer sends SUBSCRIBE/CANCEL commands, which
//! arrive as [`Event::Subscribe`]/[`Event::Cancel`] (topic only). Older
//! peers (3.0, 2.0, 1.0) send subscriptions as ordinary messages whose first
//! byte is 1 (subscribe) or 0 (cancel); those arrive as [`Event::Message`],
//! as in libzmq, and the XPUB layer reads them. Going out,
//! [`Connection::send_subscribe`]/[`Connection::send_cancel`] pick the form
//! the peer's version understands. libzmq uses commands only for the
//! subscriptions its SUB makes (ZMQ_SUBSCRIBE, and XSUB's replay when a
//! pipe attaches); a `1 topic` message an application sends on an XSUB goes
//! out as a plain message even to 3.1 peers, so that one goes through
//! [`Connection::send`]. Peers accept both forms.

pub mod codec;
pub mod command;
mod connection;
pub mod curve;
pub mod greeting;
pub mod liveness;
pub mod mechanism;
pub mod null;
pub mod plain;
pub mod ws;
pub mod ws_upgrade;
pub mod wss;
pub mod zws;

pub use connection::Connection;

use crate::constants as c;
use crate::msg::Msg;

/// Default size of the buffer small frames are read into (libzmq's
/// ZMQ_IN_BATCH_SIZE default); frames whose body still needs at least this
/// many bytes are read straight into their message.
pub const DEFAULT_IN_BATCH_SIZE: usize = 8192;

/// Which security mechanism this end speaks, with its credentials.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum MechanismConfig {
    #[default]
    Null,
    /// PLAIN (RFC 24). A client sends `username` and `password` (each at
    /// most 255 octets, as the option layer enforces); a server ignores
    /// them and asks ZAP.
    Plain {
        username: Vec<u8>,
        password: Vec<u8>,
        as_server: bool,
    },
    /// CURVE (RFC 25/26), raw 32-octet keys. A server needs only
    /// `secret_key` (its long-term key); a client needs all three, with
    /// `server_key` the server's long-term public key.
    Curve {
        as_server: bool,
        public_key: [u8; 32],
        secret_key: [u8; 32],
        server_key: [u8; 32],
    },
}

impl MechanismConfig {
    /// The name sent in the greeting.
    pub fn name(&self) -> &'static [u8] {
        match self {
            MechanismConfig::Null => b"NULL",
            MechanismConfig::Plain { .. } => b"PLAIN",
            MechanismConfig::Curve { .. } => b"CURVE",
        }
    }
}

/// Secrets (password, secret key) are not printed.
impl std::fmt::Debug for MechanismConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MechanismConfig::Null => write!(f, "Null"),
            MechanismConfig::Plain {
                username,
                as_server,
                ..
            } => f
                .debug_struct("Plain")
                .field("username", &String::from_utf8_lossy(username))
                .field("as_server", as_server)
                .finish_non_exhaustive(),
            MechanismConfig::Curve {
                as_server,
                public_key,
                server_key,
                ..
            } => f
                .debug_struct("Curve")
                .field("as_server", as_server)
                .field("public_key", public_key)
                .field("server_key", server_key)
                .finish_non_exhaustive(),
        }
    }
}

/// What a connection needs to know about its socket.
#[derive(Debug, Clone)]
pub struct Config {
    /// Our ZMQ_* socket type.
    pub socket_type: i32,
    /// Our ZMQ_ROUTING_ID: the Identity property of READY (REQ, DEALER and
    /// ROUTER only, as libzmq) or, with ZMTP 1.0/2.0 peers, the identity
    /// message (every socket type).
    pub routing_id: Vec<u8>,
    /// The server role of PLAIN/CURVE. libzmq always sends 0 in the
    /// greeting's as-server octet, whatever the role; so do we.
    pub as_server: bool,
    /// Application metadata (ZMQ_METADATA "X-..." pairs) added to READY.
    /// Sent sorted by name, first of equal names only, as libzmq's map does.
    pub metadata: Vec<(Vec<u8>, Vec<u8>)>,
    /// ZMQ_MAXMSGSIZE: -1 for no limit; a larger incoming frame (command
    /// frames included, as in libzmq) is a protocol error.
    pub maxmsgsize: i64,
    /// We are ROUTER-like and want the peer's routing id (its Identity
    /// property, or its identity message from a 1.0/2.0 peer).
    pub recv_routing_id: bool,
    pub mechanism: MechanismConfig,
    /// A ZAP handler answers (libzmq's `zap_connect` succeeded) and this
    /// end asks it: a PLAIN or CURVE server, or NULL with a ZAP domain. The
    /// mechanism then hands out a [`mechanism::ZapRequest`] and waits for
    /// [`Connection::zap_reply`]; ZMTP 1.0 and 2.0 peers are refused.
    /// Without a handler, as in libzmq, a CURVE server accepts every client
    /// and a PLAIN server refuses every one
    /// ([`ProtocolError::ZapUnavailable`]).
    pub zap_enabled: bool,
    /// No ZAP handler answers and ZMQ_ZAP_ENFORCE_DOMAIN is set: a CURVE
    /// server then refuses every client at INITIATE
    /// ([`ProtocolError::ZapUnavailable`]), as libzmq.
    pub zap_enforce: bool,
    /// A ZAP domain is set (NULL mechanism): ZMTP 1.0 and 2.0 peers are
    /// refused even when no handler is bound.
    pub refuse_legacy: bool,
    /// ZMQ_IN_BATCH_SIZE: size of the internal read buffer.
    pub in_batch_size: usize,
}

impl Default for Config {
    /// A PAIR socket with libzmq's defaults.
    fn default() -> Config {
        Config::new(0)
    }
}

impl Config {
    /// A NULL-mechanism client of `socket_type` with libzmq's defaults.
    pub fn new(socket_type: i32) -> Config {
        Config {
            socket_type,
            routing_id: Vec::new(),
            as_server: false,
            metadata: Vec::new(),
            maxmsgsize: -1,
            recv_routing_id: false,
            mechanism: MechanismConfig::Null,
            zap_enabled: false,
            zap_enforce: false,
            refuse_legacy: false,
            in_batch_size: DEFAULT_IN_BATCH_SIZE,
        }
    }
}

/// What a connection reports, in order.
#[derive(Debug)]
pub enum Event {
    /// ZWS 2.0: the WebSocket upgrade is done and ZMTP begins (libzmq
    /// reports ZMQ_EVENT_HANDSHAKE_SUCCEEDED for it, and again for the
    /// mechanism's handshake).
    Upgraded,
    /// The handshake is complete: messages may flow both ways. For ZMTP
    /// 1.0/2.0 peers this comes with their identity message (there are no
    /// properties, and the socket type is the greeting's octet, or -1 for an
    /// unversioned 1.0 peer); libzmq reports no ZMQ_EVENT_HANDSHAKE_SUCCEEDED
    /// for those, only for 3.x peers. `peer_routing_id` is filled only with
    /// `Config::recv_routing_id`. `peer_socket_type` is -1 when a 3.x peer
    /// sent no Socket-Type (libzmq accepts that).
    HandshakeSucceeded {
        peer_socket_type: i32,
        peer_routing_id: Vec<u8>,
        /// Every property of the peer's READY (Socket-Type and Identity
        /// included), in wire order; names are case-insensitive.
        properties: Vec<(String, Vec<u8>)>,
        /// The protocol spoken: (3,1), (3,0), (2,0) or (1,0).
        version: (u8, u8),
    },
    /// A message part; `Msg::more()` is the MORE flag from the wire.
    Message(Msg),
    /// A SUBSCRIBE command (topic only). Also what libzmq's phantom
    /// subscription becomes: an empty topic when a PUB/XPUB meets an
    /// unversioned ZMTP 1.0 peer, which never sends subscriptions.
    Subscribe(Vec<u8>),
    /// A CANCEL command (topic only).
    Cancel(Vec<u8>),
    /// A RADIO's peer sent JOIN (`join`) or LEAVE for `group` (at most 255
    /// octets; longer is a protocol error). Other socket types ignore
    /// these commands, as libzmq's sessions do.
    Membership { join: bool, group: Vec<u8> },
    /// The peer sent PING: answer with `Connection::send_pong(&context)`
    /// (libzmq always does). `ttl_ds` is the peer's heartbeat TTL in tenths
    /// of a second (0: none): the engine drops the connection when nothing
    /// arrives within it.
    Ping { ttl_ds: u16, context: Vec<u8> },
    /// The peer answered a PING.
    Pong { context: Vec<u8> },
    /// The peer refused the handshake with ERROR and this reason, or we did
    /// (a PLAIN/CURVE server whose ZAP handler answered 300, 400 or 500:
    /// the reason is that status, and our ERROR, none for 300 as in libzmq,
    /// is in the output: flush it before closing). Terminal:
    /// further input is ignored; close the connection and do not reconnect
    /// with the same credentials. A reason of "300", "400" or "500" is a
    /// ZAP status, which libzmq reports as ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
    /// (see [`command::zap_status`]).
    Error(Vec<u8>),
}

/// Malformed or unacceptable input from the peer. Every one is fatal to the
/// connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// A ZMTP 1.0 frame whose length is 0 (it must count the flags octet).
    ZeroLengthFrame,
    /// A frame larger than ZMQ_MAXMSGSIZE (libzmq: EMSGSIZE).
    MessageTooLarge { size: u64, max: i64 },
    /// A frame the process cannot hold (larger than the address space, or
    /// the allocation failed; libzmq: ENOMEM).
    OutOfMemory { size: u64 },
    /// The peer's greeting names another security mechanism.
    MechanismMismatch {
        peer: [u8; greeting::MECHANISM_SIZE],
    },
    /// A ZMTP 1.0/2.0 peer while ZAP or security is required.
    LegacyPeerRefused,
    /// A command (or a message) the handshake did not expect at this point.
    UnexpectedCommand,
    /// A command whose name does not fit in its frame (or, in the
    /// handshake, a command the mechanism cannot read).
    MalformedCommand,
    /// An ERROR command whose reason does not fit in its frame.
    MalformedError,
    /// A malformed property list (truncated, or a zero-length name).
    InvalidMetadata,
    /// The peer's Socket-Type cannot talk to ours.
    IncompatibleSocketType { peer: Vec<u8> },
    /// PLAIN/CURVE HELLO of the wrong size or content.
    MalformedHello,
    /// PLAIN/CURVE WELCOME of the wrong size.
    MalformedWelcome,
    /// CURVE INITIATE too short.
    MalformedInitiate,
    /// CURVE READY too short.
    MalformedReady,
    /// CURVE MESSAGE too short.
    MalformedMessage,
    /// A CURVE box that does not open (wrong key, tampering), a cookie that
    /// is not ours, or no randomness to make keys.
    Cryptographic,
    /// CURVE: the vouch does not match the client's short-term key.
    KeyExchange,
    /// CURVE: a MESSAGE nonce not above the previous one (replay, reorder).
    InvalidSequence,
    /// A PLAIN server without a ZAP handler (`Config::zap_enabled` false):
    /// libzmq refuses the client and reports
    /// ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL with EFAULT.
    ZapUnavailable,
    /// A ZAP reply whose status is not 200, 300, 400 or 500.
    ZapInvalidStatusCode,
    /// A ZAP reply whose metadata is malformed.
    ZapInvalidMetadata,
    /// A ZAP reply while none was awaited.
    ZapUnexpectedReply,
    /// RADIO/DISH framing broken: a group frame without MORE or longer
    /// than 255 octets, a body with MORE, or a JOIN/LEAVE naming a group
    /// longer than 255 (libzmq's sessions fail these with EFAULT).
    MalformedGroup,
    /// ZWS 2.0: a WebSocket upgrade or frame we do not take (see
    /// `ws::FrameError` and `ws_upgrade::UpgradeError`); libzmq reports
    /// ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED.
    WebSocket,
    /// wss://: TLS failed (a handshake refused, a certificate not
    /// trusted, a record that does not decrypt); libzmq reports
    /// ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL before the handshake's end.
    Tls,
}

impl ProtocolError {
    /// The ZMQ_PROTOCOL_ERROR_ZMTP_* value that best names this error.
    pub fn code(&self) -> i32 {
        match self {
            ProtocolError::MechanismMismatch { .. } => {
                c::ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH
            }
            ProtocolError::UnexpectedCommand => c::ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND,
            ProtocolError::MalformedCommand => {
                c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED
            }
            ProtocolError::MalformedError => c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR,
            ProtocolError::InvalidMetadata | ProtocolError::IncompatibleSocketType { .. } => {
                c::ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA
            }
            ProtocolError::MalformedHello => c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO,
            ProtocolError::MalformedWelcome => c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME,
            ProtocolError::MalformedInitiate => {
                c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE
            }
            ProtocolError::MalformedReady => c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY,
            ProtocolError::MalformedMessage => c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE,
            ProtocolError::Cryptographic => c::ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC,
            ProtocolError::KeyExchange => c::ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE,
            ProtocolError::InvalidSequence => c::ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE,
            ProtocolError::ZapInvalidStatusCode => c::ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE,
            ProtocolError::ZapInvalidMetadata => c::ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA,
            ProtocolError::ZapUnavailable | ProtocolError::ZapUnexpectedReply => {
                c::ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED
            }
            ProtocolError::ZeroLengthFrame
            | ProtocolError::MessageTooLarge { .. }
            | ProtocolError::OutOfMemory { .. }
            | ProtocolError::LegacyPeerRefused
            | ProtocolError::MalformedGroup => c::ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED,
            ProtocolError::WebSocket | ProtocolError::Tls => c::ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED,
        }
    }

    /// Whether libzmq 4.3.5 (NULL mechanism) reports this error with
    /// ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL and `code()`. For the others it
    /// only disconnects (ZMQ_EVENT_DISCONNECTED). PLAIN and CURVE do report
    /// metadata errors, as INVALID_METADATA, and every error of their own;
    /// `ZapUnavailable` is HANDSHAKE_FAILED_NO_DETAIL (EFAULT) instead.
    pub fn reported_by_libzmq(&self) -> bool {
        !matches!(
            self,
            ProtocolError::ZeroLengthFrame
                | ProtocolError::MessageTooLarge { .. }
                | ProtocolError::OutOfMemory { .. }
                | ProtocolError::LegacyPeerRefused
                | ProtocolError::MalformedCommand
                | ProtocolError::InvalidMetadata
                | ProtocolError::IncompatibleSocketType { .. }
                | ProtocolError::ZapUnavailable
                | ProtocolError::ZapUnexpectedReply
                | ProtocolError::MalformedGroup
                | ProtocolError::Tls
        )
    }
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProtocolError::ZeroLengthFrame => write!(f, "ZMTP/1.0 frame of length 0"),
            ProtocolError::MessageTooLarge { size, max } => {
                write!(f, "frame of {size} bytes exceeds ZMQ_MAXMSGSIZE {max}")
            }
            ProtocolError::OutOfMemory { size } => write!(f, "cannot allocate a {size}-byte frame"),
            ProtocolError::MechanismMismatch { peer } => {
                let end = peer.iter().position(|&b| b == 0).unwrap_or(peer.len());
                let name = peer.get(..end).unwrap_or_default();
                write!(
                    f,
                    "peer mechanism {:?} differs from ours",
                    String::from_utf8_lossy(name)
                )
            }
            ProtocolError::LegacyPeerRefused => {
                write!(f, "ZMTP 1.0/2.0 peer refused: security or ZAP is required")
            }
            ProtocolError::UnexpectedCommand => write!(f, "unexpected command"),
            ProtocolError::MalformedCommand => write!(f, "malformed command"),
            ProtocolError::MalformedError => write!(f, "malformed ERROR command"),
            ProtocolError::InvalidMetadata => write!(f, "malformed metadata"),
            ProtocolError::MalformedHello => write!(f, "malformed HELLO"),
            ProtocolError::MalformedWelcome => write!(f, "malformed WELCOME"),
            ProtocolError::MalformedInitiate => write!(f, "malformed INITIATE"),
            ProtocolError::MalformedReady => write!(f, "malformed READY"),
            ProtocolError::MalformedMessage => write!(f, "malformed MESSAGE"),
            ProtocolError::Cryptographic => write!(f, "cryptographic failure"),
            ProtocolError::KeyExchange => write!(f, "CURVE vouch does not match"),
            ProtocolError::InvalidSequence => write!(f, "CURVE nonce out of sequence"),
            ProtocolError::ZapUnavailable => write!(f, "no ZAP handler"),
            ProtocolError::ZapInvalidStatusCode => write!(f, "invalid ZAP status code"),
            ProtocolError::ZapInvalidMetadata => write!(f, "invalid ZAP metadata"),
            ProtocolError::ZapUnexpectedReply => write!(f, "unexpected ZAP reply"),
            ProtocolError::MalformedGroup => write!(f, "malformed RADIO/DISH group framing"),
            ProtocolError::WebSocket => write!(f, "WebSocket upgrade or framing refused"),
            ProtocolError::Tls => write!(f, "TLS failed"),
            ProtocolError::IncompatibleSocketType { peer } => {
                write!(
                    f,
                    "incompatible peer socket type {:?}",
                    String::from_utf8_lossy(peer)
                )
            }
        }
    }
}

impl std::error::Error for ProtocolError {}
