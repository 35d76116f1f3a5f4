//! The NULL mechanism (RFC 23/37): each side sends READY with its metadata
//! and waits for the peer's READY; either may send ERROR instead.
//!
//! As libzmq's null_mechanism: READY goes out as soon as the greetings are
//! exchanged (ZAP, when added, will hold it back until the ZAP reply); a
//! second READY/ERROR, or any other command during the handshake, is
//! UNEXPECTED_COMMAND; a bad ERROR body is MALFORMED_COMMAND_ERROR; READY's
//! metadata is checked by `mechanism::check_peer_properties`.
//!
//! This file knows the NULL handshake's commands only: not frames,
//! greetings or what happens after the handshake.

use super::command::{self, Command};
use super::mechanism::{self, Mechanism, PeerInfo, Status};
use super::{Config, ProtocolError};

pub struct NullMechanism {
    /// Our READY, until sent.
    ready: Option<Vec<u8>>,
    ready_received: bool,
    error_received: bool,
    peer: PeerInfo,
    error_reason: Option<Vec<u8>>,
    cfg: Config,
}

impl NullMechanism {
    pub fn new(cfg: &Config) -> NullMechanism {
        NullMechanism {
            ready: Some(command::ready(&mechanism::basic_properties(cfg))),
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
        self.ready.take()
    }

    fn process_handshake_command(&mut self, body: &[u8]) -> Result<(), ProtocolError> {
        if self.ready_received || self.error_received {
            return Err(ProtocolError::UnexpectedCommand);
        }
        // A body too short to hold its name is, for libzmq, simply not
        // READY or ERROR.
        match command::parse(body) {
            Ok(Command::Ready { properties }) => {
                self.ready_received = true;
                self.peer = mechanism::check_peer_properties(&self.cfg, properties)?;
                Ok(())
            }
            Ok(Command::Error { reason }) => {
                self.error_received = true;
                self.error_reason = Some(reason.to_vec());
                Ok(())
            }
            Err(ProtocolError::MalformedError) => Err(ProtocolError::MalformedError),
            _ => Err(ProtocolError::UnexpectedCommand),
        }
    }

    fn status(&self) -> Status {
        if self.ready_sent() && self.ready_received {
            Status::Ready
        } else if self.error_received {
            Status::Error
        } else {
            Status::Handshaking
        }
    }

    fn peer(&self) -> PeerInfo {
        self.peer.clone()
    }

    fn error_reason(&self) -> Option<&[u8]> {
        self.error_reason.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::constants as c;

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
