//! A PLAIN connection (client or server, with or without ZAP) fed
//! arbitrary bytes after a valid PLAIN greeting. It must never panic, and
//! an error must be final. The first octet picks the role and the ZAP
//! answer, the second the size of the reads.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::msg::Msg;
use zmqrs::zmtp::{greeting, Config, Connection, Event, MechanismConfig};

fuzz_target!(|data: &[u8]| {
    let [mode, read, rest @ ..] = data else {
        return;
    };
    let as_server = mode & 1 != 0;
    let mut cfg = Config::new(5);
    cfg.mechanism = MechanismConfig::Plain {
        username: b"admin".to_vec(),
        password: b"secret".to_vec(),
        as_server,
    };
    cfg.zap_enabled = mode & 2 != 0;
    let status: &[u8] = match (mode >> 2) & 7 {
        0 => b"300",
        1 => b"400",
        2 => b"500",
        3 => b"999",
        _ => b"200",
    };
    let mut input = greeting::signature(0).to_vec();
    input.extend_from_slice(&[3, 1]);
    input.extend_from_slice(&greeting::mechanism_field(b"PLAIN"));
    input.extend_from_slice(&[0; 32]);
    input.extend_from_slice(rest);
    let mut c = Connection::new(cfg);
    let chunk = 1 + usize::from(*read % 32);
    let mut failed = None;
    for piece in input.chunks(chunk) {
        if let Err(e) = c.feed(piece) {
            failed = Some(e);
            break;
        }
        if c.zap_request().is_some() {
            if let Err(e) = c.zap_reply(status, b"user", b"\x03X-A\x00\x00\x00\x01v") {
                failed = Some(e);
                break;
            }
        }
        while let Some(e) = c.poll_event() {
            if let Event::HandshakeSucceeded { .. } = e {
                c.send(Msg::from_slice(b"reply").unwrap_or_default());
            }
        }
        let pending: usize = c.output().iter().map(|s| s.len()).sum();
        c.consumed(pending);
    }
    if let Some(e) = failed {
        assert_eq!(c.advance(0), Err(e.clone()));
        let _ = (e.code(), e.reported_by_libzmq(), e.to_string());
    }
});
