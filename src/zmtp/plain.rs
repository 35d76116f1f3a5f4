//! The PLAIN mechanism (RFC 24), client and server, as libzmq's
//! plain_client / plain_server.
//!
//! Client: HELLO (username, password) → WELCOME → INITIATE (metadata) →
//! READY (metadata). Server: HELLO → ZAP request → (200) WELCOME →
//! INITIATE → READY; a ZAP status of 400/500 sends ERROR with that status,
//! 300 fails silently. Without a ZAP handler a libzmq PLAIN server refuses
//! every client, and so does this one (`ProtocolError::ZapUnavailable`).
//!
//! Credentials travel in clear: PLAIN authenticates, it does not protect.
//!
//! This file knows the PLAIN commands only: not frames or the ZAP transport.

use super::command::{self, WireCommand};
use super::mechanism::{self, Mechanism, PeerInfo, Status, ZapAnswer, ZapRequest};
use super::{Config, MechanismConfig, ProtocolError};

pub const HELLO: &[u8] = b"\x05HELLO";
pub const WELCOME: &[u8] = b"\x07WELCOME";
pub const INITIATE: &[u8] = b"\x08INITIATE";
pub const READY: &[u8] = b"\x05READY";
pub const ERROR: &[u8] = b"\x05ERROR";
/// The ERROR that libzmq's PLAIN sends and expects. Its source spells the
/// prefix `"\x05ERROR"`, which C reads as the one escape `\x05E` (0x5e)
/// and `RROR`: five octets in place of RFC 24's six. A PLAIN server here
/// sends this form, so libzmq clients hear why they were refused (AUTH
/// and the status code; the RFC form is an unexpected command to them),
/// and a client here takes both.
pub const LIBZMQ_ERROR: &[u8] = b"\x5eRROR";

/// HELLO with `username` and `password` (each cut to 255 octets).
pub fn hello(username: &[u8], password: &[u8]) -> Vec<u8> {
    let u = username.get(..255).unwrap_or(username);
    let p = password.get(..255).unwrap_or(password);
    let mut out = HELLO.to_vec();
    out.push(u.len() as u8);
    out.extend_from_slice(u);
    out.push(p.len() as u8);
    out.extend_from_slice(p);
    out
}

/// The username and password of a HELLO body, or MALFORMED_COMMAND_HELLO.
/// The body must start with HELLO (checked by the caller).
pub fn parse_hello(body: &[u8]) -> Result<(&[u8], &[u8]), ProtocolError> {
    let bad = ProtocolError::MalformedHello;
    let rest = body.get(HELLO.len()..).ok_or(bad.clone())?;
    let (&ulen, rest) = rest.split_first().ok_or(bad.clone())?;
    let username = rest.get(..usize::from(ulen)).ok_or(bad.clone())?;
    let rest = rest.get(usize::from(ulen)..).unwrap_or_default();
    let (&plen, password) = rest.split_first().ok_or(bad.clone())?;
    if password.len() != usize::from(plen) {
        return Err(bad);
    }
    Ok((username, password))
}

/// The reason of an ERROR body, in RFC form or libzmq's, as libzmq's
/// mechanisms check it (octets after the reason are ignored).
fn error_reason(body: &[u8]) -> Result<Vec<u8>, ProtocolError> {
    if let Some(rest) = body.strip_prefix(LIBZMQ_ERROR) {
        let (&len, rest) = rest.split_first().ok_or(ProtocolError::MalformedError)?;
        let reason = rest
            .get(..usize::from(len))
            .ok_or(ProtocolError::MalformedError)?;
        return Ok(reason.to_vec());
    }
    match command::parse(body) {
        Ok(WireCommand::Error { reason }) => Ok(reason.to_vec()),
        _ => Err(ProtocolError::MalformedError),
    }
}

/// An ERROR with `status`, in libzmq's form (see [`LIBZMQ_ERROR`]).
fn libzmq_error(status: &[u8]) -> Vec<u8> {
    let status = status.get(..255).unwrap_or(status);
    let mut out = LIBZMQ_ERROR.to_vec();
    out.push(status.len() as u8);
    out.extend_from_slice(status);
    out
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

pub struct PlainClient {
    cfg: Config,
    state: ClientState,
    username: Vec<u8>,
    password: Vec<u8>,
    peer: PeerInfo,
    error_reason: Option<Vec<u8>>,
}

impl PlainClient {
    pub fn new(cfg: &Config) -> PlainClient {
        let (username, password) = match &cfg.mechanism {
            MechanismConfig::Plain {
                username, password, ..
            } => (username.clone(), password.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        PlainClient {
            cfg: cfg.clone(),
            state: ClientState::SendHello,
            username,
            password,
            peer: PeerInfo {
                socket_type: -1,
                ..PeerInfo::default()
            },
            error_reason: None,
        }
    }
}

impl Mechanism for PlainClient {
    fn name(&self) -> &'static [u8] {
        b"PLAIN"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        match self.state {
            ClientState::SendHello => {
                self.state = ClientState::WaitWelcome;
                Some(hello(&self.username, &self.password))
            }
            ClientState::SendInitiate => {
                self.state = ClientState::WaitReady;
                let mut out = INITIATE.to_vec();
                out.extend_from_slice(&mechanism::basic_properties(&self.cfg));
                Some(out)
            }
            _ => None,
        }
    }

    fn process_handshake_command(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        if body.starts_with(WELCOME) {
            if self.state != ClientState::WaitWelcome {
                return Err(ProtocolError::UnexpectedCommand);
            }
            if body.len() != WELCOME.len() {
                return Err(ProtocolError::MalformedWelcome);
            }
            self.state = ClientState::SendInitiate;
            Ok(())
        } else if body.starts_with(READY) {
            if self.state != ClientState::WaitReady {
                return Err(ProtocolError::UnexpectedCommand);
            }
            let props = body.get(READY.len()..).unwrap_or_default();
            self.peer = mechanism::check_peer_properties(&self.cfg, props)?;
            self.state = ClientState::Ready;
            Ok(())
        } else if body.starts_with(ERROR) || body.starts_with(LIBZMQ_ERROR) {
            if !matches!(
                self.state,
                ClientState::WaitWelcome | ClientState::WaitReady
            ) {
                return Err(ProtocolError::UnexpectedCommand);
            }
            self.error_reason = Some(error_reason(body)?);
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerState {
    WaitHello,
    WaitZapReply,
    SendWelcome,
    WaitInitiate,
    SendReady,
    Ready,
    SendError,
    ErrorSent,
}

pub struct PlainServer {
    cfg: Config,
    state: ServerState,
    zap_request: Option<ZapRequest>,
    /// The ZAP reply's properties (User-Id, metadata).
    zap_properties: Vec<(String, Vec<u8>)>,
    /// The ZAP status we refused with.
    status_code: Option<Vec<u8>>,
    peer: PeerInfo,
}

impl PlainServer {
    pub fn new(cfg: &Config) -> PlainServer {
        PlainServer {
            cfg: cfg.clone(),
            state: ServerState::WaitHello,
            zap_request: None,
            zap_properties: Vec::new(),
            status_code: None,
            peer: PeerInfo {
                socket_type: -1,
                ..PeerInfo::default()
            },
        }
    }
}

impl Mechanism for PlainServer {
    fn name(&self) -> &'static [u8] {
        b"PLAIN"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        match self.state {
            ServerState::SendWelcome => {
                self.state = ServerState::WaitInitiate;
                Some(WELCOME.to_vec())
            }
            ServerState::SendReady => {
                self.state = ServerState::Ready;
                Some(command::ready(&mechanism::basic_properties(&self.cfg)))
            }
            ServerState::SendError => {
                self.state = ServerState::ErrorSent;
                Some(libzmq_error(self.status_code.as_deref().unwrap_or(b"")))
            }
            _ => None,
        }
    }

    fn process_handshake_command(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        match self.state {
            ServerState::WaitHello => {
                command::split(body)?;
                if !body.starts_with(HELLO) {
                    return Err(ProtocolError::UnexpectedCommand);
                }
                let (username, password) = parse_hello(body)?;
                if !self.cfg.zap_enabled {
                    return Err(ProtocolError::ZapUnavailable);
                }
                self.zap_request = Some(ZapRequest {
                    mechanism: b"PLAIN",
                    credentials: vec![username.to_vec(), password.to_vec()],
                });
                self.state = ServerState::WaitZapReply;
                Ok(())
            }
            ServerState::WaitInitiate => {
                if !body.starts_with(INITIATE) {
                    return Err(ProtocolError::UnexpectedCommand);
                }
                let props = body.get(INITIATE.len()..).unwrap_or_default();
                self.peer = mechanism::check_peer_properties(&self.cfg, props)?;
                self.state = ServerState::SendReady;
                Ok(())
            }
            _ => Err(ProtocolError::UnexpectedCommand),
        }
    }

    fn status(&self) -> Status {
        match self.state {
            ServerState::Ready => Status::Ready,
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
            ZapAnswer::Accepted => ServerState::SendWelcome,
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
mod tests {
    use super::*;
    use crate::constants as c;

    fn plain(as_server: bool) -> Config {
        let mut cfg = Config::new(c::ZMQ_DEALER);
        cfg.mechanism = MechanismConfig::Plain {
            username: b"admin".to_vec(),
            password: b"secret".to_vec(),
            as_server,
        };
        cfg.zap_enabled = as_server;
        cfg
    }

    /// RFC 24's HELLO: name, then username and password as short strings.
    #[test]
    fn hello_bytes() {
        assert_eq!(hello(b"admin", b"secret"), b"\x05HELLO\x05admin\x06secret");
        assert_eq!(
            parse_hello(b"\x05HELLO\x05admin\x06secret"),
            Ok((&b"admin"[..], &b"secret"[..]))
        );
        assert_eq!(parse_hello(b"\x05HELLO\x00\x00"), Ok((&b""[..], &b""[..])));
        for bad in [
            &b"\x05HELLO"[..],
            b"\x05HELLO\x05adm",
            b"\x05HELLO\x05admin",
            b"\x05HELLO\x05admin\x06secre",
            b"\x05HELLO\x05admin\x06secretX",
        ] {
            assert_eq!(parse_hello(bad), Err(ProtocolError::MalformedHello));
        }
    }

    #[test]
    fn client_and_server_exchange() {
        let mut cl = PlainClient::new(&plain(false));
        let mut sv = PlainServer::new(&plain(true));
        let hello = cl.next_handshake_command().unwrap();
        assert_eq!(hello, b"\x05HELLO\x05admin\x06secret");
        assert_eq!(cl.next_handshake_command(), None);
        sv.process_handshake_command(&hello).unwrap();
        assert_eq!(sv.next_handshake_command(), None);
        let req = sv.zap_request().unwrap();
        assert_eq!(req.mechanism, b"PLAIN");
        assert_eq!(req.credentials, vec![b"admin".to_vec(), b"secret".to_vec()]);
        assert!(sv.zap_request().is_none());
        sv.zap_reply(b"200", b"joe", b"\x05X-Org\x00\x00\x00\x02zz")
            .unwrap();
        let welcome = sv.next_handshake_command().unwrap();
        assert_eq!(welcome, b"\x07WELCOME");
        cl.process_handshake_command(&welcome).unwrap();
        let initiate = cl.next_handshake_command().unwrap();
        assert_eq!(
            initiate,
            b"\x08INITIATE\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x00"
        );
        sv.process_handshake_command(&initiate).unwrap();
        let ready = sv.next_handshake_command().unwrap();
        assert!(ready.starts_with(b"\x05READY\x0bSocket-Type"));
        assert_eq!(sv.status(), Status::Ready);
        cl.process_handshake_command(&ready).unwrap();
        assert_eq!(cl.status(), Status::Ready);
        let p = sv.peer();
        assert_eq!(p.socket_type, c::ZMQ_DEALER);
        assert_eq!(p.properties[0], ("User-Id".to_string(), b"joe".to_vec()));
        assert_eq!(p.properties[1], ("X-Org".to_string(), b"zz".to_vec()));
    }

    #[test]
    fn zap_denials() {
        for (status, sent) in [(&b"400"[..], true), (b"500", true), (b"300", false)] {
            let mut sv = PlainServer::new(&plain(true));
            sv.process_handshake_command(b"\x05HELLO\x01a\x01b")
                .unwrap();
            sv.zap_reply(status, b"", b"").unwrap();
            if sent {
                let err = sv.next_handshake_command().unwrap();
                // libzmq's form (LIBZMQ_ERROR), not RFC 24's.
                assert_eq!(err, [&b"\x5eRROR\x03"[..], status].concat());
            }
            assert_eq!(sv.next_handshake_command(), None);
            assert_eq!(sv.status(), Status::Error);
            assert_eq!(sv.error_reason(), Some(status));
        }
        let mut sv = PlainServer::new(&plain(true));
        assert_eq!(
            sv.zap_reply(b"200", b"", b""),
            Err(ProtocolError::ZapUnexpectedReply)
        );
        sv.process_handshake_command(b"\x05HELLO\x01a\x01b")
            .unwrap();
        assert_eq!(
            sv.zap_reply(b"201", b"", b""),
            Err(ProtocolError::ZapInvalidStatusCode)
        );
        let mut sv = PlainServer::new(&plain(true));
        sv.process_handshake_command(b"\x05HELLO\x01a\x01b")
            .unwrap();
        assert_eq!(
            sv.zap_reply(b"400", b"", b"\x05"),
            Err(ProtocolError::ZapInvalidMetadata)
        );
    }

    #[test]
    fn server_errors() {
        let mut cfg = plain(true);
        cfg.zap_enabled = false;
        let mut sv = PlainServer::new(&cfg);
        assert_eq!(
            sv.process_handshake_command(b"\x05HELLO\x01a\x01b"),
            Err(ProtocolError::ZapUnavailable)
        );
        let mut sv = PlainServer::new(&plain(true));
        assert_eq!(
            sv.process_handshake_command(b"\x05READY"),
            Err(ProtocolError::UnexpectedCommand)
        );
        let mut sv = PlainServer::new(&plain(true));
        assert_eq!(
            sv.process_handshake_command(b"\x05HELLO\x01a"),
            Err(ProtocolError::MalformedHello)
        );
        let mut sv = PlainServer::new(&plain(true));
        assert_eq!(
            sv.process_handshake_command(b"\x09HELLO"),
            Err(ProtocolError::MalformedCommand)
        );
        // Nothing is accepted while the ZAP reply is awaited.
        let mut sv = PlainServer::new(&plain(true));
        sv.process_handshake_command(b"\x05HELLO\x01a\x01b")
            .unwrap();
        assert_eq!(
            sv.process_handshake_command(b"\x08INITIATE"),
            Err(ProtocolError::UnexpectedCommand)
        );
    }

    #[test]
    fn client_errors() {
        let mut cl = PlainClient::new(&plain(false));
        cl.next_handshake_command();
        assert_eq!(
            cl.process_handshake_command(b"\x05READY"),
            Err(ProtocolError::UnexpectedCommand)
        );
        let mut cl = PlainClient::new(&plain(false));
        cl.next_handshake_command();
        assert_eq!(
            cl.process_handshake_command(b"\x07WELCOMEx"),
            Err(ProtocolError::MalformedWelcome)
        );
        let mut cl = PlainClient::new(&plain(false));
        cl.next_handshake_command();
        assert_eq!(
            cl.process_handshake_command(b"\x05ERROR\x05ab"),
            Err(ProtocolError::MalformedError)
        );
        let mut cl = PlainClient::new(&plain(false));
        cl.next_handshake_command();
        cl.process_handshake_command(b"\x05ERROR\x03400").unwrap();
        assert_eq!(cl.status(), Status::Error);
        assert_eq!(cl.error_reason(), Some(&b"400"[..]));
        // libzmq's form of ERROR, and a truncated one.
        let mut cl = PlainClient::new(&plain(false));
        cl.next_handshake_command();
        cl.process_handshake_command(b"\x5eRROR\x03400").unwrap();
        assert_eq!(cl.status(), Status::Error);
        assert_eq!(cl.error_reason(), Some(&b"400"[..]));
        let mut cl = PlainClient::new(&plain(false));
        cl.next_handshake_command();
        assert_eq!(
            cl.process_handshake_command(b"\x5eRROR\x0340"),
            Err(ProtocolError::MalformedError)
        );
        let mut cl = PlainClient::new(&plain(false));
        cl.next_handshake_command();
        assert_eq!(
            cl.process_handshake_command(b"\x04PING\x00\x00"),
            Err(ProtocolError::UnexpectedCommand)
        );
    }
}
