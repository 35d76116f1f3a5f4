//! CURVE: a client and a server connection run the real handshake, with
//! the fuzzer flipping, cutting or inserting bytes in what one sends to the
//! other, then exchanging messages. Nothing may panic; a corrupted box must
//! be an error, never a delivered message that differs from what was sent.
//!
//! Input: octet 0 picks the direction tampered with and ZAP, octets 1-2 the
//! position, octet 3 the XOR mask; the rest is appended to that stream.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::msg::Msg;
use zmqrs::zmtp::{Config, Connection, Event, MechanismConfig};

fn keys(seed: u8) -> ([u8; 32], [u8; 32]) {
    let secret = [seed; 32];
    let public = x25519(secret);
    (public, secret)
}

fn x25519(secret: [u8; 32]) -> [u8; 32] {
    zmqrs::keys::SecretKey::from_bytes(secret)
        .public()
        .expect("libsodium")
}

fn drain(c: &mut Connection) -> Vec<u8> {
    let mut v = Vec::new();
    for s in c.output() {
        v.extend_from_slice(&s);
    }
    c.consumed(v.len());
    v
}

fuzz_target!(|data: &[u8]| {
    let [mode, hi, lo, mask, rest @ ..] = data else {
        return;
    };
    let server = keys(1);
    let client = keys(2);
    let mut ccfg = Config::new(0);
    ccfg.mechanism = MechanismConfig::Curve {
        as_server: false,
        public_key: client.0,
        secret_key: client.1,
        server_key: server.0,
    };
    let mut scfg = Config::new(0);
    scfg.mechanism = MechanismConfig::Curve {
        as_server: true,
        public_key: server.0,
        secret_key: server.1,
        server_key: [0; 32],
    };
    scfg.zap_enabled = mode & 2 != 0;
    let mut a = Connection::new(ccfg);
    let mut b = Connection::new(scfg);
    a.send(Msg::from_slice(b"from-client").unwrap_or_default());
    b.send(Msg::from_slice(b"from-server").unwrap_or_default());
    let at = usize::from(*hi) << 8 | usize::from(*lo);
    let (mut sent_ab, mut sent_ba) = (0usize, 0usize);
    let mut extra = Some(rest);
    for _ in 0..16 {
        let mut ab = drain(&mut a);
        let mut ba = drain(&mut b);
        let (buf, sent) = if mode & 1 == 0 {
            (&mut ab, &mut sent_ab)
        } else {
            (&mut ba, &mut sent_ba)
        };
        if at >= *sent && at < *sent + buf.len() {
            buf[at - *sent] ^= *mask;
        }
        *sent += buf.len();
        if !buf.is_empty() {
            if let Some(x) = extra.take() {
                buf.extend_from_slice(x);
            }
        }
        if ab.is_empty() && ba.is_empty() {
            break;
        }
        let rb = b.feed(&ab);
        let ra = a.feed(&ba);
        if b.zap_request().is_some() {
            let _ = b.zap_reply(if mode & 4 != 0 { b"400" } else { b"200" }, b"u", b"");
        }
        for (c, expect) in [(&mut a, &b"from-server"[..]), (&mut b, &b"from-client"[..])] {
            while let Some(e) = c.poll_event() {
                if let Event::Message(m) = e {
                    assert_eq!(m.data(), expect, "a tampered message was delivered");
                }
            }
        }
        if ra.is_err() || rb.is_err() {
            break;
        }
    }
});
