//! The greeting: signature, version, mechanism name, as-server; and the
//! version detection libzmq does to talk to older peers.
//!
//! libzmq's exact sequence, which this reproduces byte for byte:
//! 1. On connect, send the 10-octet signature `FF <u64 BE routing-id-length + 1> 7F`.
//!    The middle octets are the "padding" of RFC 37, which libzmq fills so
//!    that a ZMTP 1.0 peer reads the signature as the header of our
//!    identity frame (RFC 15 / RFC 37 "Detecting ZMTP 1.0 and 2.0 Peers").
//! 2. Read the peer's octets. A first octet other than FF, or a 10th octet
//!    with bit 0 clear, is an unversioned ZMTP 1.0 peer: stop here.
//! 3. Once the peer's signature is in, send our major version, 3.
//! 4. Once the peer's revision (11th octet) is in: if it is 0 or 1 (ZMTP
//!    1.0 with a revision, or 2.0) send our socket type (a ZMTP 2.0 greeting,
//!    12 octets in all) and expect 12 octets; otherwise send minor version 1,
//!    the mechanism name padded to 20 octets with zeros, and 32 zeros
//!    (as-server 0 whatever our role, as libzmq; then the filler), and expect
//!    64 octets.
//!
//! We never read past the greeting: the buffer offered to the caller ends
//! where the greeting is expected to end. This file knows nothing of frames,
//! commands or mechanisms beyond the 20-octet name.

/// Length of the signature.
pub const SIGNATURE_SIZE: usize = 10;
/// Length of a ZMTP 1.0-with-revision / 2.0 greeting.
pub const V2_GREETING_SIZE: usize = 12;
/// Length of a ZMTP 3.x greeting.
pub const V3_GREETING_SIZE: usize = 64;
/// Length of the mechanism field.
pub const MECHANISM_SIZE: usize = 20;

const REVISION_POS: usize = 10;
const MINOR_POS: usize = 11;
const MECHANISM_POS: usize = 12;
const AS_SERVER_POS: usize = 32;

/// Revision octets (libzmq's ZMTP_1_0, ZMTP_2_0, ZMTP_3_x).
const REVISION_1_0: u8 = 0;
const REVISION_2_0: u8 = 1;
const REVISION_3: u8 = 3;

/// The protocol spoken on a connection once the greetings are exchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// ZMTP 1.0 peer without a signature: its first octets were the header
    /// of its identity frame.
    V1Unversioned,
    /// A peer that sent a signature and revision 0: ZMTP 1.0 framing.
    V1,
    /// ZMTP 2.0: 2.0 framing, identity message, no mechanism.
    V2,
    /// ZMTP 3.0: mechanisms and commands, subscriptions as messages.
    V3_0,
    /// ZMTP 3.1 (and any later revision, which must be accepted as 3.1).
    V3_1,
}

impl Version {
    /// (major, minor) as reported to the engine.
    pub fn pair(self) -> (u8, u8) {
        match self {
            Version::V1Unversioned | Version::V1 => (1, 0),
            Version::V2 => (2, 0),
            Version::V3_0 => (3, 0),
            Version::V3_1 => (3, 1),
        }
    }

    /// ZMTP 3.x: a security handshake, commands.
    pub fn is_v3(self) -> bool {
        matches!(self, Version::V3_0 | Version::V3_1)
    }
}

/// The peer's greeting, once complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerGreeting {
    pub version: Version,
    /// 2.0 (and 1.0 with revision): the socket-type octet; else -1.
    pub socket_type: i32,
    /// 3.x: the mechanism field; zeros otherwise.
    pub mechanism: [u8; MECHANISM_SIZE],
    /// 3.x: the as-server octet's value (not checked, as in libzmq).
    pub as_server: bool,
}

/// Where the greeting exchange stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    NeedMore,
    Done(PeerGreeting),
}

/// Our 10-octet signature, carrying our identity frame's length for the
/// sake of ZMTP 1.0 peers.
pub fn signature(routing_id_len: usize) -> [u8; SIGNATURE_SIZE] {
    let mut s = [0u8; SIGNATURE_SIZE];
    s[0] = 0xff;
    s[1..9].copy_from_slice(&(routing_id_len as u64).wrapping_add(1).to_be_bytes());
    s[9] = 0x7f;
    s
}

/// The 20-octet mechanism field for `name` (cut to 20 octets).
pub fn mechanism_field(name: &[u8]) -> [u8; MECHANISM_SIZE] {
    let mut f = [0u8; MECHANISM_SIZE];
    let n = name.len().min(MECHANISM_SIZE);
    f[..n].copy_from_slice(&name[..n]);
    f
}

/// The greeting exchange of one connection.
#[derive(Debug, Clone)]
pub struct GreetingExchange {
    recv: [u8; V3_GREETING_SIZE],
    received: usize,
    expected: usize,
    sent_major: bool,
    sent_rest: bool,
    socket_type: u8,
    mechanism: [u8; MECHANISM_SIZE],
}

impl GreetingExchange {
    /// `socket_type` goes in a 2.0 greeting (truncated to an octet, as
    /// libzmq does); `mechanism` in a 3.x greeting.
    pub fn new(socket_type: i32, mechanism: [u8; MECHANISM_SIZE]) -> GreetingExchange {
        GreetingExchange {
            recv: [0; V3_GREETING_SIZE],
            received: 0,
            expected: V2_GREETING_SIZE,
            sent_major: false,
            sent_rest: false,
            socket_type: socket_type as u8,
            mechanism,
        }
    }

    /// Where the peer's next greeting octets go; never empty before the
    /// exchange is done, and never longer than what remains of the greeting.
    pub fn buffer(&mut self) -> &mut [u8] {
        let end = self.expected.min(V3_GREETING_SIZE);
        let start = self.received.min(end);
        &mut self.recv[start..end]
    }

    /// The peer's octets received so far.
    pub fn received(&self) -> &[u8] {
        &self.recv[..self.received.min(V3_GREETING_SIZE)]
    }

    /// Takes note of `n` more octets written into `buffer()`, appends to
    /// `out` what we must send in response, and says whether the peer's
    /// greeting is complete.
    pub fn advance(&mut self, n: usize, out: &mut Vec<u8>) -> Progress {
        let room = self.expected.saturating_sub(self.received);
        self.received += n.min(room);
        let got = self.received;
        if got == 0 {
            return Progress::NeedMore;
        }
        if self.recv[0] != 0xff {
            return Progress::Done(self.unversioned());
        }
        if got < SIGNATURE_SIZE {
            return Progress::NeedMore;
        }
        // The 10th octet is the flags of a 1.0 identity frame (bit 0 clear)
        // or the 0x7F of a signature.
        if self.recv[SIGNATURE_SIZE - 1] & 0x01 == 0 {
            return Progress::Done(self.unversioned());
        }
        if !self.sent_major {
            out.push(REVISION_3);
            self.sent_major = true;
        }
        if got > REVISION_POS && !self.sent_rest {
            self.sent_rest = true;
            match self.recv[REVISION_POS] {
                REVISION_1_0 | REVISION_2_0 => out.push(self.socket_type),
                _ => {
                    out.push(1);
                    out.extend_from_slice(&self.mechanism);
                    // as-server (always 0 in libzmq) and the 31-octet filler.
                    out.extend_from_slice(&[0u8; 32]);
                    self.expected = V3_GREETING_SIZE;
                }
            }
        }
        if self.received < self.expected {
            return Progress::NeedMore;
        }
        Progress::Done(self.versioned())
    }

    fn unversioned(&self) -> PeerGreeting {
        PeerGreeting {
            version: Version::V1Unversioned,
            socket_type: -1,
            mechanism: [0; MECHANISM_SIZE],
            as_server: false,
        }
    }

    fn versioned(&self) -> PeerGreeting {
        let revision = self.recv[REVISION_POS];
        let minor = self.recv[MINOR_POS];
        let version = match revision {
            REVISION_1_0 => Version::V1,
            REVISION_2_0 => Version::V2,
            REVISION_3 if minor == 0 => Version::V3_0,
            _ => Version::V3_1,
        };
        if version.is_v3() {
            let mut mechanism = [0u8; MECHANISM_SIZE];
            mechanism.copy_from_slice(&self.recv[MECHANISM_POS..MECHANISM_POS + MECHANISM_SIZE]);
            PeerGreeting {
                version,
                socket_type: -1,
                mechanism,
                as_server: self.recv[AS_SERVER_POS] != 0,
            }
        } else {
            PeerGreeting {
                version,
                socket_type: i32::from(minor),
                mechanism: [0; MECHANISM_SIZE],
                as_server: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn null() -> [u8; MECHANISM_SIZE] {
        mechanism_field(b"NULL")
    }

    /// Feeds `bytes` in chunks of `step`, collecting what we send.
    fn run(g: &mut GreetingExchange, bytes: &[u8], step: usize) -> (Progress, Vec<u8>) {
        let mut out = Vec::new();
        let mut rest = bytes;
        let mut last = Progress::NeedMore;
        while !rest.is_empty() {
            let buf = g.buffer();
            assert!(!buf.is_empty());
            let n = step.min(buf.len()).min(rest.len());
            buf[..n].copy_from_slice(&rest[..n]);
            rest = &rest[n..];
            last = g.advance(n, &mut out);
            if let Progress::Done(_) = last {
                break;
            }
        }
        (last, out)
    }

    fn v3_greeting(minor: u8, mech: &[u8]) -> Vec<u8> {
        let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, minor];
        g.extend_from_slice(&mechanism_field(mech));
        g.extend_from_slice(&[0; 32]);
        g
    }

    #[test]
    fn signature_carries_identity_length() {
        assert_eq!(signature(0), [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]);
        assert_eq!(signature(5), [0xff, 0, 0, 0, 0, 0, 0, 0, 6, 0x7f]);
        assert_eq!(signature(255), [0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0x7f]);
    }

    #[test]
    fn v3_peer_gets_rest_of_greeting() {
        for step in [1, 3, 64] {
            let mut g = GreetingExchange::new(5, null());
            let (p, out) = run(&mut g, &v3_greeting(1, b"NULL"), step);
            let mut expected = vec![3, 1];
            expected.extend_from_slice(b"NULL");
            expected.extend_from_slice(&[0; 16 + 32]);
            assert_eq!(out, expected, "step {step}");
            assert_eq!(out.len(), 64 - SIGNATURE_SIZE);
            match p {
                Progress::Done(pg) => {
                    assert_eq!(pg.version, Version::V3_1);
                    assert_eq!(pg.mechanism, null());
                    assert!(!pg.as_server);
                }
                _ => panic!("not done"),
            }
        }
    }

    #[test]
    fn major_version_sent_after_signature_only() {
        let mut g = GreetingExchange::new(5, null());
        let mut out = Vec::new();
        let sig = [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f];
        g.buffer()[..9].copy_from_slice(&sig[..9]);
        assert_eq!(g.advance(9, &mut out), Progress::NeedMore);
        assert!(out.is_empty());
        g.buffer()[0] = 0x7f;
        assert_eq!(g.advance(1, &mut out), Progress::NeedMore);
        assert_eq!(out, [3]);
        // The buffer never reaches past the 12 octets of a 2.0 greeting
        // until the revision says 3.x.
        assert_eq!(g.buffer().len(), 2);
    }

    #[test]
    fn versions_from_revision_and_minor() {
        let cases = [
            (0u8, 9u8, Version::V1),
            (1, 8, Version::V2),
            (3, 0, Version::V3_0),
            (3, 1, Version::V3_1),
            (3, 7, Version::V3_1),
            (4, 0, Version::V3_1),
            (2, 0, Version::V3_1),
        ];
        for (rev, minor, v) in cases {
            let mut g = GreetingExchange::new(7, null());
            let mut bytes = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, rev, minor];
            if v.is_v3() {
                bytes.extend_from_slice(&[0; 52]);
            }
            let (p, out) = run(&mut g, &bytes, 1);
            match p {
                Progress::Done(pg) => {
                    assert_eq!(pg.version, v);
                    if !v.is_v3() {
                        assert_eq!(pg.socket_type, i32::from(minor));
                        assert_eq!(out, [3, 7]);
                    } else {
                        assert_eq!(out.len(), 54);
                    }
                }
                _ => panic!("not done for revision {rev}"),
            }
        }
    }

    #[test]
    fn unversioned_peers() {
        // First octet not 0xFF: a short identity frame header.
        let mut g = GreetingExchange::new(1, null());
        let (p, out) = run(&mut g, &[3, 0, b'a', b'b'], 1);
        assert!(matches!(p, Progress::Done(pg) if pg.version == Version::V1Unversioned));
        assert!(out.is_empty());
        assert_eq!(g.received(), &[3]);
        // 0xFF then a 10th octet with bit 0 clear: a long identity header.
        let mut g = GreetingExchange::new(1, null());
        let (p, out) = run(&mut g, &[0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0, b'x'], 4);
        assert!(matches!(p, Progress::Done(pg) if pg.version == Version::V1Unversioned));
        assert!(out.is_empty());
        // Read in chunks of 4 up to the 12 octets a greeting may take.
        assert_eq!(g.received().len(), 11);
    }

    #[test]
    fn over_long_advance_is_clamped() {
        let mut g = GreetingExchange::new(1, null());
        let mut out = Vec::new();
        g.buffer()
            .copy_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 2]);
        assert!(matches!(g.advance(1000, &mut out), Progress::Done(_)));
        assert_eq!(g.received().len(), 12);
    }
}
