//! The ZAP client (RFC 27): a server-side handshake asks the handler bound
//! at `inproc://zeromq.zap.01` whether to let the peer in. This file decides
//! when ZAP is asked, builds the request, and reads and checks the reply
//! (the session connects the pipe to the handler); the mechanism (in
//! `zmtp`) turns the answer into READY or ERROR.

use crate::constants::{
    ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID, ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION,
    ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY,
};
use crate::msg::{flags, Msg};
use crate::pipe::{Pipe, Read};
use crate::zmtp::mechanism::ZapRequest;
use crate::zmtp::MechanismConfig;

/// Where the ZAP handler lives (RFC 27).
pub const ZAP_ENDPOINT: &str = "inproc://zeromq.zap.01";

/// How one handshake uses ZAP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ZapPolicy {
    /// The mechanism asks the handler.
    pub enabled: bool,
    /// CURVE with ZAP_ENFORCE_DOMAIN and a domain but no handler: refuse.
    pub enforce: bool,
    /// ZMTP 1.0 / 2.0 peers are refused (they cannot be asked about).
    pub refuse_legacy: bool,
    /// NULL with an enforced domain and no handler to ask: the handshake
    /// fails at once.
    pub refused: bool,
}

/// libzmq's rules for when ZAP is asked: a PLAIN or CURVE server asks when
/// a handler is bound; NULL asks only when ZMQ_ZAP_DOMAIN is set. CURVE
/// with ZAP_ENFORCE_DOMAIN and no domain skips ZAP (libzmq's "stonehouse").
pub fn policy(
    mechanism: &MechanismConfig,
    domain: &[u8],
    enforce_domain: bool,
    handler_bound: bool,
) -> ZapPolicy {
    let (plain_server, curve_server) = match mechanism {
        MechanismConfig::Plain { as_server, .. } => (*as_server, false),
        MechanismConfig::Curve { as_server, .. } => (false, *as_server),
        MechanismConfig::Null => (false, false),
    };
    let null_zap = *mechanism == MechanismConfig::Null && !domain.is_empty();
    let curve_no_zap = curve_server && enforce_domain && domain.is_empty();
    ZapPolicy {
        enabled: (plain_server || curve_server || null_zap) && handler_bound && !curve_no_zap,
        enforce: curve_server && !handler_bound && enforce_domain && !domain.is_empty(),
        refuse_legacy: null_zap,
        refused: null_zap && !handler_bound && enforce_domain,
    }
}

/// The request's frames: an empty delimiter, version "1.0", request id
/// "1", domain, the peer's address, our routing id, the mechanism and its
/// credentials.
pub fn request_frames(
    domain: &[u8],
    address: &[u8],
    routing_id: &[u8],
    req: &ZapRequest,
) -> Vec<Msg> {
    let mut frames: Vec<&[u8]> = vec![b"", b"1.0", b"1", domain, address, routing_id];
    frames.push(req.mechanism);
    frames.extend(req.credentials.iter().map(|c| c.as_slice()));
    let n = frames.len();
    frames
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let mut m = Msg::from_slice(f).ok()?;
            if i + 1 < n {
                m.set_flags(flags::MORE);
            }
            Some(m)
        })
        .collect()
}

/// What the handler's pipe holds.
#[derive(Debug)]
pub enum ReplyRead {
    /// Nothing yet.
    Pending,
    /// The handler went away without answering.
    HandlerGone,
    /// A whole reply (or what came before the handler left).
    Frames(Vec<Msg>),
}

/// Reads the reply from the handler's pipe, if it has come whole.
pub fn read_reply(pipe: &mut Pipe) -> ReplyRead {
    let mut frames: Vec<Msg> = Vec::new();
    loop {
        match pipe.read() {
            Read::Msg(m) => {
                let more = m.more();
                frames.push(m);
                if !more {
                    return ReplyRead::Frames(frames);
                }
            }
            Read::Empty if frames.is_empty() => return ReplyRead::Pending,
            Read::Done if frames.is_empty() => return ReplyRead::HandlerGone,
            // A message is flushed whole, so this is the handler gone.
            Read::Empty | Read::Done => return ReplyRead::Frames(frames),
        }
    }
}

/// A well-formed reply's status code, user id and metadata.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply<'a> {
    pub status: &'a [u8],
    pub user_id: &'a [u8],
    pub metadata: &'a [u8],
}

impl Reply<'_> {
    /// The status as the monitor reports it (0 when it is not a number).
    pub fn status_code(&self) -> u64 {
        std::str::from_utf8(self.status)
            .ok()
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(0)
    }
}

/// Checks a reply's frames (RFC 27: delimiter, version, request id,
/// status code, status text, user id, metadata); Err is the
/// ZMQ_PROTOCOL_ERROR_ZAP_* code for the monitor.
pub fn parse_reply(frames: &[Msg]) -> Result<Reply<'_>, i32> {
    let [delimiter, version, request_id, status, _text, user_id, metadata] = frames else {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY);
    };
    if delimiter.size() != 0 {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY);
    }
    if version.data() != b"1.0" {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION);
    }
    if request_id.data() != b"1" {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID);
    }
    Ok(Reply {
        status: status.data(),
        user_id: user_id.data(),
        metadata: metadata.data(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgs(frames: &[&[u8]]) -> Vec<Msg> {
        frames.iter().map(|f| Msg::from_slice(f).unwrap()).collect()
    }

    #[test]
    fn who_asks_zap() {
        let plain_server = MechanismConfig::Plain {
            username: vec![],
            password: vec![],
            as_server: true,
        };
        let plain_client = MechanismConfig::Plain {
            username: b"u".to_vec(),
            password: b"p".to_vec(),
            as_server: false,
        };
        let curve_server = MechanismConfig::Curve {
            as_server: true,
            public_key: [0; 32],
            secret_key: [1; 32],
            server_key: [0; 32],
        };
        let null = MechanismConfig::Null;
        // PLAIN / CURVE servers ask when a handler is bound; clients never.
        assert!(policy(&plain_server, b"", false, true).enabled);
        assert!(!policy(&plain_server, b"", false, false).enabled);
        assert!(!policy(&plain_client, b"d", false, true).enabled);
        assert!(policy(&curve_server, b"", false, true).enabled);
        // CURVE, enforced domain: none set skips ZAP; one set with no
        // handler refuses.
        assert!(!policy(&curve_server, b"", true, true).enabled);
        assert!(policy(&curve_server, b"d", true, false).enforce);
        assert!(!policy(&curve_server, b"d", false, false).enforce);
        // NULL asks only with a domain, then refuses legacy peers; with an
        // enforced domain and no handler the handshake fails.
        assert_eq!(policy(&null, b"", true, true), ZapPolicy::default());
        let p = policy(&null, b"d", false, true);
        assert!(p.enabled && p.refuse_legacy && !p.refused);
        assert!(policy(&null, b"d", true, false).refused);
        assert!(!policy(&null, b"d", false, false).refused);
    }

    #[test]
    fn request_frames_in_rfc_order() {
        let req = ZapRequest {
            mechanism: b"PLAIN",
            credentials: vec![b"admin".to_vec(), b"secret".to_vec()],
        };
        let f = request_frames(b"global", b"127.0.0.1", b"IDENT", &req);
        let data: Vec<&[u8]> = f.iter().map(|m| m.data()).collect();
        assert_eq!(
            data,
            [
                &b""[..],
                b"1.0",
                b"1",
                b"global",
                b"127.0.0.1",
                b"IDENT",
                b"PLAIN",
                b"admin",
                b"secret"
            ]
        );
        let more: Vec<bool> = f.iter().map(|m| m.more()).collect();
        assert!(more[..8].iter().all(|&m| m) && !more[8]);
    }

    #[test]
    fn replies_are_checked() {
        let ok = msgs(&[b"", b"1.0", b"1", b"200", b"OK", b"user", b""]);
        let r = parse_reply(&ok).unwrap();
        assert_eq!(
            (r.status, r.user_id, r.status_code()),
            (&b"200"[..], &b"user"[..], 200)
        );
        let bad = |frames: &[&[u8]]| parse_reply(&msgs(frames)).unwrap_err();
        assert_eq!(
            bad(&[b"", b"1.0", b"1", b"200", b"OK", b"user"]),
            ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY
        );
        assert_eq!(
            bad(&[b"x", b"1.0", b"1", b"200", b"OK", b"", b""]),
            ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY
        );
        assert_eq!(
            bad(&[b"", b"2.0", b"1", b"200", b"OK", b"", b""]),
            ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION
        );
        assert_eq!(
            bad(&[b"", b"1.0", b"7", b"200", b"OK", b"", b""]),
            ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID
        );
        let odd = msgs(&[b"", b"1.0", b"1", b"abc", b"", b"", b""]);
        assert_eq!(parse_reply(&odd).unwrap().status_code(), 0);
    }
}
