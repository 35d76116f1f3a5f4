//! The HTTP/1.1 upgrade that opens a WebSocket connection (RFC 6455,
//! section 4) with ZeroMQ's subprotocols (ZWS 2.0), without I/O: the
//! client's request and the server's answer as octets, and their checks.
//!
//! The subprotocol names the ZMTP security mechanism, as libzmq spells
//! them: `ZWS2.0/NULL` (or plain `ZWS2.0`), `ZWS2.0/PLAIN`,
//! `ZWS2.0/CURVE`. A server takes the first one offered that matches its
//! own mechanism and fails the upgrade when none does. The octets that
//! follow the blank line (frames the peer sent at once) are handed back.
//!
//! httparse parses the request and the response; SHA-1 and base64 make
//! the accept key.

use base64::Engine as _;
use sha1::{Digest, Sha1};

/// The longest request or response header taken: a peer that sends more
/// without a blank line is dropped (libzmq's limit on one line is 256
/// octets; this is for the whole head).
pub const MAX_HEAD: usize = 8192;

/// The most header lines taken.
const MAX_HEADERS: usize = 32;

/// RFC 6455's GUID for the accept key.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The ZMTP security mechanism a connection will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    Null,
    Plain,
    Curve,
}

impl Mechanism {
    /// What a client offers (libzmq's offer for NULL names both forms).
    fn offer(self) -> &'static str {
        match self {
            Mechanism::Null => "ZWS2.0/NULL,ZWS2.0",
            Mechanism::Plain => "ZWS2.0/PLAIN",
            Mechanism::Curve => "ZWS2.0/CURVE",
        }
    }

    fn accepts(self, protocol: &str) -> bool {
        match self {
            Mechanism::Null => protocol == "ZWS2.0/NULL" || protocol == "ZWS2.0",
            Mechanism::Plain => protocol == "ZWS2.0/PLAIN",
            Mechanism::Curve => protocol == "ZWS2.0/CURVE",
        }
    }
}

/// Why an upgrade failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpgradeError {
    /// The head is longer than `MAX_HEAD` or has too many lines.
    TooLong,
    /// Not HTTP/1.1 as RFC 6455 asks: a parse error, not a GET, not
    /// version 13, no key, no `Upgrade: websocket` or
    /// `Connection: Upgrade`.
    Malformed,
    /// No subprotocol of ours offered (server), or another one chosen
    /// (client).
    Protocol,
    /// The server refused (a status other than 101) or its accept key is
    /// wrong.
    Refused,
}

/// The accept key for a client's `Sec-WebSocket-Key`.
pub fn accept_key(key: &str) -> String {
    let mut h = Sha1::new();
    h.update(key.trim().as_bytes());
    h.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(h.finalize())
}

/// A header's value, by name (case-insensitive), the first one.
fn header<'a>(headers: &[httparse::Header<'a>], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .map(str::trim)
}

/// Whether a comma-separated header holds `token` (case-insensitive), in
/// any of its lines.
fn has_token(headers: &[httparse::Header<'_>], name: &str, token: &str) -> bool {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(name))
        .filter_map(|h| std::str::from_utf8(h.value).ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// The length of a parsed head; None while it is not whole and `got`
/// octets are within `MAX_HEAD`.
fn head_len(parsed: httparse::Result<usize>, got: usize) -> Result<Option<usize>, UpgradeError> {
    match parsed {
        Ok(httparse::Status::Complete(n)) if n <= MAX_HEAD => Ok(Some(n)),
        Ok(httparse::Status::Partial) if got <= MAX_HEAD => Ok(None),
        Ok(_) | Err(httparse::Error::TooManyHeaders) => Err(UpgradeError::TooLong),
        Err(_) => Err(UpgradeError::Malformed),
    }
}

/// What an accepted request asked for, and the answer to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The `101 Switching Protocols` response.
    pub response: Vec<u8>,
    /// The subprotocol chosen.
    pub protocol: String,
    /// The request's path.
    pub path: String,
    /// Octets after the request's head.
    pub rest: Vec<u8>,
}

/// The server's side: gathers the request until its head is whole.
#[derive(Debug)]
pub struct ServerUpgrade {
    mechanism: Mechanism,
    buf: Vec<u8>,
}

impl ServerUpgrade {
    pub fn new(mechanism: Mechanism) -> ServerUpgrade {
        ServerUpgrade {
            mechanism,
            buf: Vec::new(),
        }
    }

    /// Takes request octets: None while the head is not whole.
    pub fn feed(&mut self, data: &[u8]) -> Result<Option<Accepted>, UpgradeError> {
        self.buf.extend_from_slice(data);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut req = httparse::Request::new(&mut headers);
        let Some(n) = head_len(req.parse(&self.buf), self.buf.len())? else {
            return Ok(None);
        };
        let h = &*req.headers;
        let key = header(h, "Sec-WebSocket-Key").filter(|k| !k.is_empty());
        let ok = req.method == Some("GET")
            && req.version == Some(1)
            && has_token(h, "Upgrade", "websocket")
            && has_token(h, "Connection", "upgrade")
            && header(h, "Sec-WebSocket-Version") == Some("13");
        let (Some(key), true) = (key, ok) else {
            return Err(UpgradeError::Malformed);
        };
        let protocol = h
            .iter()
            .filter(|x| x.name.eq_ignore_ascii_case("Sec-WebSocket-Protocol"))
            .filter_map(|x| std::str::from_utf8(x.value).ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .find(|p| self.mechanism.accepts(p))
            .ok_or(UpgradeError::Protocol)?
            .to_string();
        let response = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\nSec-WebSocket-Protocol: {}\r\n\r\n",
            accept_key(key),
            protocol
        )
        .into_bytes();
        let path = req.path.unwrap_or("/").to_string();
        let rest = self.buf[n..].to_vec();
        self.buf = Vec::new();
        Ok(Some(Accepted {
            response,
            protocol,
            path,
            rest,
        }))
    }
}

/// The client's side: its request, then the server's answer.
#[derive(Debug)]
pub struct ClientUpgrade {
    mechanism: Mechanism,
    accept: String,
    buf: Vec<u8>,
}

/// What the server chose, and the octets after its answer's head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upgraded {
    pub protocol: String,
    pub rest: Vec<u8>,
}

impl ClientUpgrade {
    /// The client's request for `path` on `host` (with its port, as the
    /// Host header wants it), with the random `nonce` of its key.
    pub fn new(
        host: &str,
        path: &str,
        mechanism: Mechanism,
        nonce: [u8; 16],
    ) -> (ClientUpgrade, Vec<u8>) {
        let key = base64::engine::general_purpose::STANDARD.encode(nonce);
        let path = if path.is_empty() { "/" } else { path };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: {}\r\nSec-WebSocket-Version: 13\r\n\r\n",
            mechanism.offer()
        )
        .into_bytes();
        (
            ClientUpgrade {
                mechanism,
                accept: accept_key(&key),
                buf: Vec::new(),
            },
            request,
        )
    }

    /// Takes response octets: None while the head is not whole.
    pub fn feed(&mut self, data: &[u8]) -> Result<Option<Upgraded>, UpgradeError> {
        self.buf.extend_from_slice(data);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut resp = httparse::Response::new(&mut headers);
        let Some(n) = head_len(resp.parse(&self.buf), self.buf.len())? else {
            return Ok(None);
        };
        let h = &*resp.headers;
        if resp.code != Some(101)
            || !has_token(h, "Upgrade", "websocket")
            || !has_token(h, "Connection", "upgrade")
            || header(h, "Sec-WebSocket-Accept") != Some(self.accept.as_str())
        {
            return Err(UpgradeError::Refused);
        }
        let protocol = header(h, "Sec-WebSocket-Protocol")
            .filter(|p| self.mechanism.accepts(p))
            .ok_or(UpgradeError::Protocol)?
            .to_string();
        let rest = self.buf[n..].to_vec();
        self.buf = Vec::new();
        Ok(Some(Upgraded { protocol, rest }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfcs_accept_key() {
        // RFC 6455, section 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    fn upgrade(
        client: Mechanism,
        server: Mechanism,
        piece: usize,
    ) -> Result<(Accepted, Upgraded), UpgradeError> {
        let (mut c, mut req) = ClientUpgrade::new("127.0.0.1:5555", "/zmq", client, [7; 16]);
        req.extend_from_slice(b"\x82\x01\x00");
        let mut s = ServerUpgrade::new(server);
        let mut accepted: Option<Accepted> = None;
        for chunk in req.chunks(piece) {
            match accepted.as_mut() {
                None => accepted = s.feed(chunk)?,
                Some(a) => a.rest.extend_from_slice(chunk),
            }
        }
        let accepted = accepted.expect("whole");
        let mut resp = accepted.response.clone();
        resp.extend_from_slice(b"\x82\x01\x01");
        let mut up: Option<Upgraded> = None;
        for chunk in resp.chunks(piece) {
            match up.as_mut() {
                None => up = c.feed(chunk)?,
                Some(u) => u.rest.extend_from_slice(chunk),
            }
        }
        Ok((accepted, up.expect("whole")))
    }

    #[test]
    fn client_and_server_agree_on_each_mechanism() {
        for (m, want) in [
            (Mechanism::Null, "ZWS2.0/NULL"),
            (Mechanism::Plain, "ZWS2.0/PLAIN"),
            (Mechanism::Curve, "ZWS2.0/CURVE"),
        ] {
            for piece in [1, 7, 1000] {
                let (a, u) = upgrade(m, m, piece).unwrap();
                assert_eq!(a.protocol, want);
                assert_eq!(u.protocol, want);
                assert_eq!(a.path, "/zmq");
                // What followed the head, whichever piece it came in.
                assert_eq!(a.rest, b"\x82\x01\x00");
                assert_eq!(u.rest, b"\x82\x01\x01");
            }
        }
    }

    #[test]
    fn a_mechanism_mismatch_fails_the_upgrade() {
        assert_eq!(
            upgrade(Mechanism::Null, Mechanism::Curve, 50),
            Err(UpgradeError::Protocol)
        );
        assert_eq!(
            upgrade(Mechanism::Plain, Mechanism::Null, 50),
            Err(UpgradeError::Protocol)
        );
    }

    #[test]
    fn a_browser_style_request_with_plain_zws() {
        let req = b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
            Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: ZWS2.0\r\n\r\n";
        let a = ServerUpgrade::new(Mechanism::Null)
            .feed(req)
            .unwrap()
            .unwrap();
        assert_eq!(a.protocol, "ZWS2.0");
        let text = String::from_utf8(a.response).unwrap();
        assert!(text.starts_with("HTTP/1.1 101 "));
        assert!(text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    }

    #[test]
    fn bad_requests_fail() {
        let base =
            "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: a2V5\r\n";
        let cases: [(String, UpgradeError); 6] = [
            (format!("POST / HTTP/1.1\r\n{base}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ZWS2.0\r\n\r\n"), UpgradeError::Malformed),
            (format!("GET / HTTP/1.0\r\n{base}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ZWS2.0\r\n\r\n"), UpgradeError::Malformed),
            (format!("GET / HTTP/1.1\r\n{base}Sec-WebSocket-Version: 8\r\nSec-WebSocket-Protocol: ZWS2.0\r\n\r\n"), UpgradeError::Malformed),
            (format!("GET / HTTP/1.1\r\n{base}Sec-WebSocket-Version: 13\r\n\r\n"), UpgradeError::Protocol),
            (format!("GET / HTTP/1.1\r\n{base}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"), UpgradeError::Protocol),
            ("GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Version: 13\r\n\r\n".to_string(), UpgradeError::Malformed),
        ];
        for (req, want) in cases {
            assert_eq!(
                ServerUpgrade::new(Mechanism::Null).feed(req.as_bytes()),
                Err(want),
                "{req:?}"
            );
        }
        // A stranger's TLS hello on a ws:// port.
        let tls = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello\r\n\r\n";
        assert_eq!(
            ServerUpgrade::new(Mechanism::Null).feed(tls),
            Err(UpgradeError::Malformed)
        );
    }

    #[test]
    fn heads_are_bounded() {
        let mut s = ServerUpgrade::new(Mechanism::Null);
        assert_eq!(s.feed(b"GET / HTTP/1.1\r\nHost: x\r\n"), Ok(None));
        let line = format!("X-Filler: {}\r\n", "y".repeat(100));
        let mut got = Ok(None);
        for _ in 0..MAX_HEAD / line.len() + 2 {
            got = s.feed(line.as_bytes());
            if got.is_err() {
                break;
            }
        }
        assert_eq!(got, Err(UpgradeError::TooLong));
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("X-{i}: 1\r\n"))
            .collect();
        let req = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(
            ServerUpgrade::new(Mechanism::Null).feed(req.as_bytes()),
            Err(UpgradeError::TooLong)
        );
    }

    #[test]
    fn a_wrong_answer_fails_the_client() {
        let (mut c, _) = ClientUpgrade::new("h:1", "/", Mechanism::Null, [1; 16]);
        assert_eq!(
            c.feed(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
            Err(UpgradeError::Refused)
        );
        let (mut c, _) = ClientUpgrade::new("h:1", "/", Mechanism::Null, [1; 16]);
        assert_eq!(
            c.feed(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\nSec-WebSocket-Protocol: ZWS2.0\r\n\r\n"),
            Err(UpgradeError::Refused)
        );
        let (mut c, req) = ClientUpgrade::new("h:1", "/", Mechanism::Null, [1; 16]);
        let a = ServerUpgrade::new(Mechanism::Null)
            .feed(&req)
            .unwrap()
            .unwrap();
        let resp = String::from_utf8(a.response)
            .unwrap()
            .replace("ZWS2.0/NULL", "ZWS2.0/CURVE");
        assert_eq!(c.feed(resp.as_bytes()), Err(UpgradeError::Protocol));
    }
}
