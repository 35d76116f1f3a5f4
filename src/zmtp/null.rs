//! The NULL mechanism (RFC 23/37): each side sends READY with its metadata
//! and waits for the peer's READY; either may send ERROR instead.
//!
//! As libzmq's null_mechanism: READY goes out as soon as the greetings are
//! exchanged, or, with ZAP (a ZAP_DOMAIN and a bound handler), once the
//! handler said 200 (300 fails silently, 400/500 send ERROR); a
//! second READY/ERROR, or any other command during the handshake, is
//! UNEXPECTED_COMMAND; a bad ERROR body is MALFORMED_COMMAND_ERROR; READY's
//! metadata is checked by `mechanism::check_peer_properties`.
//!
//! This file knows the NULL handshake's commands only: not frames,
//! greetings or what happens after the handshake.

use super::command::{self, WireCommand};
use super::mechanism::{self, Mechanism, PeerInfo, Status, ZapAnswer, ZapRequest};
use super::{Config, ProtocolError};

/// Where ZAP is (only with `Config::zap_enabled`: a ZAP_DOMAIN is set and
/// a handler is bound).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Zap {
    Off,
    /// The request is out; our READY waits for the reply.
    Waiting,
    /// 200: go on.
    Accepted,
    /// Refused: an ERROR with this status (400, 500) to send.
    Refused(Vec<u8>),
    /// Refused and done.
    Failed,
}

pub struct NullMechanism {
    /// Our READY, until sent.
    ready: Option<Vec<u8>>,
    zap: Zap,
    zap_request: Option<ZapRequest>,
    zap_properties: Vec<(String, Vec<u8>)>,
    ready_received: bool,
    error_received: bool,
    peer: PeerInfo,
    error_reason: Option<Vec<u8>>,
    cfg: Config,
}

impl NullMechanism {
    pub fn new(cfg: &Config) -> NullMechanism {
        let zap = if cfg.zap_enabled {
            Zap::Waiting
        } else {
            Zap::Off
        };
        NullMechanism {
            ready: Some(command::ready(&mechanism::basic_properties(cfg))),
            zap_request: cfg.zap_enabled.then(|| ZapRequest {
                mechanism: b"NULL",
                credentials: Vec::new(),
            }),
            zap,
            zap_properties: Vec::new(),
            ready_received: false,
            error_received: false,
            peer: PeerInfo {
                socket_type: -1,
                ..PeerInfo::default()
            },
            error_reason: None,
            cfg: cfg.clone(),
        }
    }

    fn ready_sent(&self) -> bool {
        self.ready.is_none()
    }
}

impl Mechanism for NullMechanism {
    fn name(&self) -> &'static [u8] {
        b"NULL"
    }

    fn next_handshake_command(&mut self) -> Option<Vec<u8>> {
        match &mut self.zap {
            // READY waits for the ZAP verdict, as in libzmq.
            Zap::Waiting | Zap::Failed => None,
            Zap::Refused(status) => {
                let error = command::error(status);
                self.zap = Zap::Failed;
                Some(error)
            }
            Zap::Off | Zap::Accepted => self.ready.take(),
        }
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
            self.zap == Zap::Waiting,
            status_code,
            user_id,
            metadata,
            &mut self.zap_properties,
        )?;
        self.zap = match answer {
            ZapAnswer::Accepted => Zap::Accepted,
            ZapAnswer::Refused { status, send_error } => {
                self.error_reason = Some(status_code.to_vec());
                if send_error {
                    Zap::Refused(status)
                } else {
                    Zap::Failed
                }
            }
        };
        Ok(())
    }

    fn process_handshake_command(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        if self.ready_received || self.error_received {
            return Err(ProtocolError::UnexpectedCommand);
        }
        // A body too short to hold its name is, for libzmq, simply not
        // READY or ERROR.
        match command::parse(body) {
            Ok(WireCommand::Ready { properties }) => {
                self.ready_received = true;
                self.peer = mechanism::check_peer_properties(&self.cfg, properties)?;
                Ok(())
            }
            Ok(WireCommand::Error { reason }) => {
                self.error_received = true;
                self.error_reason = Some(reason.to_vec());
                Ok(())
            }
            Err(ProtocolError::MalformedError) => Err(ProtocolError::MalformedError),
            _ => Err(ProtocolError::UnexpectedCommand),
        }
    }

    fn status(&self) -> Status {
        if self.zap == Zap::Failed {
            return Status::Error;
        }
        if self.ready_sent() && self.ready_received {
            Status::Ready
        } else if self.error_received {
            Status::Error
        } else {
            Status::Handshaking
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
        self.error_reason.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants as c;

    fn mech(t: i32) -> NullMechanism {
        NullMechanism::new(&Config::new(t))
    }

    #[test]
    fn ready_then_peer_ready() {
        let mut m = mech(c::ZMQ_PUSH);
        assert_eq!(m.status(), Status::Handshaking);
        let ours = m.next_handshake_command().unwrap();
        assert_eq!(ours, b"\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH");
        assert_eq!(m.next_handshake_command(), None);
        m.process_handshake_command(b"\x05READY\x0bSocket-Type\x00\x00\x00\x04PULL")
            .unwrap();
        assert_eq!(m.status(), Status::Ready);
        assert_eq!(m.peer().socket_type, c::ZMQ_PULL);
    }

    #[test]
    fn peer_ready_first_waits_for_ours() {
        let mut m = mech(c::ZMQ_PAIR);
        m.process_handshake_command(b"\x05READY").unwrap();
        assert_eq!(m.status(), Status::Handshaking);
        m.next_handshake_command().unwrap();
        assert_eq!(m.status(), Status::Ready);
    }

    #[test]
    fn errors() {
        let mut m = mech(c::ZMQ_PAIR);
        m.next_handshake_command();
        m.process_handshake_command(b"\x05ERROR\x03500").unwrap();
        assert_eq!(m.status(), Status::Error);
        assert_eq!(m.error_reason(), Some(&b"500"[..]));
        assert_eq!(
            m.process_handshake_command(b"\x05READY"),
            Err(ProtocolError::UnexpectedCommand)
        );

        let mut m = mech(c::ZMQ_PAIR);
        assert_eq!(
            m.process_handshake_command(b"\x05ERROR\x09x"),
            Err(ProtocolError::MalformedError)
        );
        for bad in [&b""[..], b"\x05REA", b"\x04PING\x00\x00", b"\x05HELLO"] {
            let mut m = mech(c::ZMQ_PAIR);
            assert_eq!(
                m.process_handshake_command(bad),
                Err(ProtocolError::UnexpectedCommand)
            );
        }
        let mut m = mech(c::ZMQ_PAIR);
        assert_eq!(
            m.process_handshake_command(b"\x05READY\x0bSocket-Type\x00\x00\x00\x03PUB"),
            Err(ProtocolError::IncompatibleSocketType {
                peer: b"PUB".to_vec()
            })
        );
        let mut m = mech(c::ZMQ_PAIR);
        assert_eq!(
            m.process_handshake_command(b"\x05READY\x0bSocket-Type\x00\x00\x00\x09PAIR"),
            Err(ProtocolError::InvalidMetadata)
        );
    }
}
