//! What every security mechanism shares: the `Mechanism` trait the
//! connection drives, the metadata a mechanism sends (Socket-Type, Identity,
//! application metadata) and the checks on what the peer sends (property
//! list, socket-type compatibility, routing id), as in libzmq's
//! mechanism.cpp.
//!
//! This file knows commands and properties, not frames, greetings or
//! connection state; each mechanism (null.rs, plain.rs, curve.rs) knows its
//! own commands. The step every server takes with the ZAP handler's reply
//! is here once (`take_zap_reply`).

use super::command::{parse_properties, write_property};
use super::{Config, ProtocolError};
use crate::constants as c;
use crate::msg::Msg;

/// Property names libzmq gives meaning to.
pub const PROPERTY_SOCKET_TYPE: &[u8] = b"Socket-Type";
pub const PROPERTY_IDENTITY: &[u8] = b"Identity";

/// Where a mechanism's handshake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Handshaking,
    /// Both sides are done: traffic may flow.
    Ready,
    /// The peer sent ERROR (see `Mechanism::error_reason`), or we did.
    Error,
}

/// What the handshake learned about the peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerInfo {
    /// ZMQ_* value of its Socket-Type, -1 when it sent none.
    pub socket_type: i32,
    /// Its Identity, kept only when `Config::recv_routing_id`.
    pub routing_id: Vec<u8>,
    /// Every property it sent, in order (names as sent).
    pub properties: Vec<(String, Vec<u8>)>,
}

/// A security mechanism, as the connection drives it during the handshake
/// (ZMTP 3.x only) and, for CURVE, on every message after it.
///
/// Sequence: once the greetings are exchanged the connection sends every
/// command `next_handshake_command` yields, then feeds each command frame
/// from the peer to `process_handshake_command` (and again asks for
/// commands to send), until `status()` is `Ready` or `Error`.
///
/// `encode`/`decode` wrap and unwrap each frame after the handshake
/// (CURVE's MESSAGE command; a returned message carrying
/// `msg::flags::COMMAND` is sent as a command frame).
///
/// ZAP (RFC 27): a server-side mechanism that has the client's credentials
/// and `Config::zap_enabled` hands out one [`ZapRequest`] through
/// `zap_request` and waits (`next_handshake_command` yields nothing, status
/// `Handshaking`) until `zap_reply` gives the handler's answer.
pub trait Mechanism: Send {
    /// The name sent in the greeting (up to 20 octets, e.g. b"NULL").
    fn name(&self) -> &'static [u8];
    /// The next handshake command body to send, if one is due now.
    fn next_handshake_command(&mut self) -> Option<Vec<u8>>;
    /// A command body from the peer, during the handshake.
    fn process_handshake_command(&mut self, body: &[u8]) -> Result<(), ProtocolError>;
    fn status(&self) -> Status;
    /// The peer, once `status()` is `Ready`.
    fn peer(&self) -> PeerInfo;
    /// The reason of the peer's ERROR, once received.
    fn error_reason(&self) -> Option<&[u8]>;
    /// An outgoing message after the handshake.
    fn encode(&mut self, msg: Msg) -> Msg {
        msg
    }
    /// An incoming frame after the handshake.
    fn decode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        Ok(msg)
    }
    /// Whether `encode`/`decode` change messages (CURVE's do); when they
    /// do not, message frames skip them.
    fn transforms(&self) -> bool {
        false
    }
    /// The ZAP request to send, once, when the handshake waits on one.
    fn zap_request(&mut self) -> Option<ZapRequest> {
        None
    }
    /// The ZAP handler's reply (status code, user id, metadata frames).
    /// 200 lets the handshake go on; 300 fails it silently, 400 and 500
    /// with an ERROR carrying the status, as libzmq.
    fn zap_reply(
        &mut self,
        _status_code: &[u8],
        _user_id: &[u8],
        _metadata: &[u8],
    ) -> Result<(), ProtocolError> {
        Err(ProtocolError::ZapUnexpectedReply)
    }
}

/// What the ZAP handler must be asked (RFC 27): the engine adds version
/// "1.0", a request id, the ZAP domain, the peer's address and our routing
/// id, then `mechanism` and each of `credentials` as frames.
#[derive(Clone, PartialEq, Eq)]
pub struct ZapRequest {
    /// b"PLAIN" or b"CURVE".
    pub mechanism: &'static [u8],
    /// PLAIN: username, password. CURVE: the client's long-term public key
    /// (32 octets).
    pub credentials: Vec<Vec<u8>>,
}

/// The password is not printed.
impl std::fmt::Debug for ZapRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZapRequest")
            .field("mechanism", &String::from_utf8_lossy(self.mechanism))
            .field("credentials", &self.credentials.len())
            .finish()
    }
}

/// What a valid ZAP reply decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZapVerdict {
    /// 200: go on; these properties (User-Id first, then the reply's
    /// metadata) come before the peer's own, and win over them, as in
    /// libzmq's metadata map.
    Accept(Vec<(String, Vec<u8>)>),
    /// 300: fail without sending anything (libzmq's temporary failure).
    FailSilently,
    /// 400 or 500: send ERROR with this status, then fail.
    SendError(Vec<u8>),
}

/// Checks a ZAP reply as libzmq's zap_client does: a status of 200, 300,
/// 400 or 500, then well-formed metadata (for every status).
pub fn check_zap_reply(
    status_code: &[u8],
    user_id: &[u8],
    metadata: &[u8],
) -> Result<ZapVerdict, ProtocolError> {
    let first = match status_code {
        [d @ b'2'..=b'5', b'0', b'0'] => *d,
        _ => return Err(ProtocolError::ZapInvalidStatusCode),
    };
    let parsed = parse_properties(metadata).map_err(|_| ProtocolError::ZapInvalidMetadata)?;
    Ok(match first {
        b'2' => {
            let mut props = vec![("User-Id".to_string(), user_id.to_vec())];
            props.extend(
                parsed
                    .into_iter()
                    .map(|(n, v)| (String::from_utf8_lossy(n).into_owned(), v.to_vec())),
            );
            ZapVerdict::Accept(props)
        }
        b'3' => ZapVerdict::FailSilently,
        _ => ZapVerdict::SendError(status_code.to_vec()),
    })
}

/// How a server mechanism goes on after the handler's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZapAnswer {
    /// 200: the handshake goes on.
    Accepted,
    /// Refused with `status`: an ERROR carrying it goes out first when
    /// `send_error` (400, 500), nothing when not (300).
    Refused { status: Vec<u8>, send_error: bool },
}

/// The ZAP-reply step every server mechanism (NULL, PLAIN, CURVE) takes: a
/// reply is taken only while one is `awaited`, checked as libzmq does
/// (`check_zap_reply`), and an accepting reply's properties are kept in
/// `properties` for the peer's metadata.
pub fn take_zap_reply(
    awaited: bool,
    status_code: &[u8],
    user_id: &[u8],
    metadata: &[u8],
    properties: &mut Vec<(String, Vec<u8>)>,
) -> Result<ZapAnswer, ProtocolError> {
    if !awaited {
        return Err(ProtocolError::ZapUnexpectedReply);
    }
    Ok(match check_zap_reply(status_code, user_id, metadata)? {
        ZapVerdict::Accept(props) => {
            *properties = props;
            ZapAnswer::Accepted
        }
        ZapVerdict::FailSilently => ZapAnswer::Refused {
            status: status_code.to_vec(),
            send_error: false,
        },
        ZapVerdict::SendError(status) => ZapAnswer::Refused {
            status,
            send_error: true,
        },
    })
}

/// libzmq's socket type names, indexed by ZMQ_* value (drafts included).
const SOCKET_TYPE_NAMES: [&[u8]; 21] = [
    b"PAIR", b"PUB", b"SUB", b"REQ", b"REP", b"DEALER", b"ROUTER", b"PULL", b"PUSH", b"XPUB",
    b"XSUB", b"STREAM", b"SERVER", b"CLIENT", b"RADIO", b"DISH", b"GATHER", b"SCATTER", b"DGRAM",
    b"PEER", b"CHANNEL",
];

/// The Socket-Type name of a ZMQ_* socket type.
pub fn socket_type_name(socket_type: i32) -> Option<&'static [u8]> {
    usize::try_from(socket_type)
        .ok()
        .and_then(|i| SOCKET_TYPE_NAMES.get(i).copied())
}

/// The ZMQ_* socket type of a Socket-Type name (exact match, as libzmq).
pub fn socket_type_from_name(name: &[u8]) -> Option<i32> {
    SOCKET_TYPE_NAMES
        .iter()
        .position(|&n| n == name)
        .and_then(|i| i32::try_from(i).ok())
}

/// Whether a socket of type `ours` accepts a peer announcing `peer`
/// (libzmq's mechanism_t::check_socket_type, RFC 37's table).
pub fn compatible(ours: i32, peer: &[u8]) -> bool {
    // By name, so that the draft types need no feature-gated constants.
    let allowed: &[&[u8]] = match socket_type_name(ours).unwrap_or_default() {
        b"REQ" => &[b"REP", b"ROUTER"],
        b"REP" => &[b"REQ", b"DEALER"],
        b"DEALER" => &[b"REP", b"DEALER", b"ROUTER"],
        b"ROUTER" => &[b"REQ", b"DEALER", b"ROUTER"],
        b"PUSH" => &[b"PULL"],
        b"PULL" => &[b"PUSH"],
        b"PUB" | b"XPUB" => &[b"SUB", b"XSUB"],
        b"SUB" | b"XSUB" => &[b"PUB", b"XPUB"],
        b"PAIR" => &[b"PAIR"],
        b"SERVER" => &[b"CLIENT"],
        b"CLIENT" => &[b"SERVER"],
        b"RADIO" => &[b"DISH"],
        b"DISH" => &[b"RADIO"],
        b"GATHER" => &[b"SCATTER"],
        b"SCATTER" => &[b"GATHER"],
        b"DGRAM" => &[b"DGRAM"],
        b"PEER" => &[b"PEER"],
        b"CHANNEL" => &[b"CHANNEL"],
        _ => &[],
    };
    allowed.contains(&peer)
}

/// The metadata we announce (READY for NULL and PLAIN, INITIATE for CURVE),
/// in libzmq's order: Socket-Type; Identity for REQ, DEALER and ROUTER;
/// then the application metadata.
pub fn basic_properties(cfg: &Config) -> Vec<u8> {
    let mut out = Vec::new();
    // libzmq asserts on an unknown type; a socket never has one.
    write_property(
        &mut out,
        PROPERTY_SOCKET_TYPE,
        socket_type_name(cfg.socket_type).unwrap_or_default(),
    );
    if matches!(cfg.socket_type, c::ZMQ_REQ | c::ZMQ_DEALER | c::ZMQ_ROUTER) {
        write_property(&mut out, PROPERTY_IDENTITY, &cfg.routing_id);
    }
    for (name, value) in &cfg.metadata {
        write_property(&mut out, name, value);
    }
    out
}

/// Checks the peer's property list: well formed, a compatible Socket-Type
/// (absent is accepted, as libzmq does), and its Identity kept when we
/// want it. Names are matched without regard to case (RFC 37).
pub fn check_peer_properties(cfg: &Config, data: &[u8]) -> Result<PeerInfo, ProtocolError> {
    let mut peer = PeerInfo {
        socket_type: -1,
        ..PeerInfo::default()
    };
    for (name, value) in parse_properties(data)? {
        if name.eq_ignore_ascii_case(PROPERTY_IDENTITY) {
            if cfg.recv_routing_id {
                peer.routing_id = value.to_vec();
            }
        } else if name.eq_ignore_ascii_case(PROPERTY_SOCKET_TYPE) {
            if !compatible(cfg.socket_type, value) {
                return Err(ProtocolError::IncompatibleSocketType {
                    peer: value.to_vec(),
                });
            }
            peer.socket_type = socket_type_from_name(value).unwrap_or(-1);
        }
        peer.properties
            .push((String::from_utf8_lossy(name).into_owned(), value.to_vec()));
    }
    Ok(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in 0..21 {
            let name = socket_type_name(t).unwrap();
            assert_eq!(socket_type_from_name(name), Some(t));
        }
        assert_eq!(socket_type_name(21), None);
        assert_eq!(socket_type_name(-1), None);
        assert_eq!(socket_type_from_name(b"dealer"), None);
    }

    #[test]
    fn compatibility_table() {
        let all: Vec<&[u8]> = SOCKET_TYPE_NAMES.to_vec();
        let expect = |ours: &[u8], ok: &[&[u8]]| {
            let t = socket_type_from_name(ours).unwrap();
            for n in &all {
                assert_eq!(
                    compatible(t, n),
                    ok.contains(n),
                    "{t} vs {:?}",
                    String::from_utf8_lossy(n)
                );
            }
        };
        expect(b"REQ", &[b"REP", b"ROUTER"]);
        expect(b"REP", &[b"REQ", b"DEALER"]);
        expect(b"DEALER", &[b"REP", b"DEALER", b"ROUTER"]);
        expect(b"ROUTER", &[b"REQ", b"DEALER", b"ROUTER"]);
        expect(b"PUB", &[b"SUB", b"XSUB"]);
        expect(b"XPUB", &[b"SUB", b"XSUB"]);
        expect(b"SUB", &[b"PUB", b"XPUB"]);
        expect(b"XSUB", &[b"PUB", b"XPUB"]);
        expect(b"PUSH", &[b"PULL"]);
        expect(b"PULL", &[b"PUSH"]);
        expect(b"PAIR", &[b"PAIR"]);
        expect(b"STREAM", &[]);
        expect(b"CLIENT", &[b"SERVER"]);
        expect(b"SERVER", &[b"CLIENT"]);
        expect(b"RADIO", &[b"DISH"]);
        expect(b"DISH", &[b"RADIO"]);
        expect(b"SCATTER", &[b"GATHER"]);
        expect(b"GATHER", &[b"SCATTER"]);
        expect(b"DGRAM", &[b"DGRAM"]);
        expect(b"PEER", &[b"PEER"]);
        expect(b"CHANNEL", &[b"CHANNEL"]);
        assert_eq!(socket_type_from_name(b"PUB"), Some(c::ZMQ_PUB));
        assert_eq!(socket_type_from_name(b"STREAM"), Some(c::ZMQ_STREAM));
        assert!(!compatible(99, b"PAIR"));
    }

    #[test]
    fn identity_only_for_req_dealer_router() {
        let mut cfg = Config::new(c::ZMQ_PUB);
        cfg.routing_id = b"me".to_vec();
        assert_eq!(
            basic_properties(&cfg),
            b"\x0bSocket-Type\x00\x00\x00\x03PUB"
        );
        for t in [c::ZMQ_REQ, c::ZMQ_DEALER, c::ZMQ_ROUTER] {
            cfg.socket_type = t;
            let p = basic_properties(&cfg);
            assert!(p.ends_with(b"\x08Identity\x00\x00\x00\x02me"));
        }
    }

    #[test]
    fn peer_properties_checked() {
        let mut cfg = Config::new(c::ZMQ_ROUTER);
        cfg.recv_routing_id = true;
        let data = b"\x0bsocket-type\x00\x00\x00\x06DEALER\x08IDENTITY\x00\x00\x00\x02id\x05X-Foo\x00\x00\x00\x03bar";
        let peer = check_peer_properties(&cfg, data).unwrap();
        assert_eq!(peer.socket_type, c::ZMQ_DEALER);
        assert_eq!(peer.routing_id, b"id");
        assert_eq!(peer.properties.len(), 3);
        assert_eq!(peer.properties[2], ("X-Foo".to_string(), b"bar".to_vec()));
        cfg.recv_routing_id = false;
        assert!(check_peer_properties(&cfg, data)
            .unwrap()
            .routing_id
            .is_empty());
        cfg.socket_type = c::ZMQ_PUB;
        assert_eq!(
            check_peer_properties(&cfg, data),
            Err(ProtocolError::IncompatibleSocketType {
                peer: b"DEALER".to_vec()
            })
        );
        // No Socket-Type at all is accepted, as by libzmq.
        assert_eq!(check_peer_properties(&cfg, b"").unwrap().socket_type, -1);
    }
}
