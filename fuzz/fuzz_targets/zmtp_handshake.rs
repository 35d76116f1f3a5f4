//! A ZMTP connection fed arbitrary bytes: greeting, version detection and
//! downgrade, the NULL handshake, then traffic. It must never panic, and
//! an error must be final.
//!
//! The first octet picks our socket (type, options) and what to put before
//! the fuzzed bytes (nothing, a 3.1 greeting, or a greeting and a READY of
//! a compatible peer) so that every phase is reached; the second picks the
//! size of the reads.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::msg::Msg;
use zmqrs::zmtp::mechanism::{compatible, socket_type_name};
use zmqrs::zmtp::{command, greeting, Config, Connection, Event};

fuzz_target!(|data: &[u8]| {
    let [mode, read, rest @ ..] = data else {
        return;
    };
    // Every socket type, classic and draft (RADIO and DISH frame groups).
    let socket_type = i32::from(mode % 21);
    let mut cfg = Config::new(socket_type);
    cfg.routing_id = b"fuzz".to_vec();
    cfg.recv_routing_id = mode & 0x10 != 0;
    cfg.maxmsgsize = if mode & 0x20 != 0 { 300 } else { -1 };
    cfg.in_batch_size = 64 + usize::from(*read) * 8;
    cfg.metadata = vec![(b"X-Fuzz".to_vec(), b"1".to_vec())];
    let mut input = Vec::new();
    if mode & 0xc0 != 0 {
        input.extend_from_slice(&greeting::signature(0));
        input.extend_from_slice(&[3, 1]);
        input.extend_from_slice(&greeting::mechanism_field(b"NULL"));
        input.extend_from_slice(&[0; 32]);
    }
    if mode & 0xc0 == 0xc0 {
        // A READY from a socket type ours accepts, if there is one.
        let peer = (0..21)
            .filter_map(socket_type_name)
            .find(|name| compatible(socket_type, name));
        if let Some(peer) = peer {
            let mut props = Vec::new();
            command::write_property(&mut props, b"Socket-Type", peer);
            let body = command::ready(&props);
            input.extend_from_slice(&[0x04, body.len() as u8]);
            input.extend_from_slice(&body);
        }
    }
    input.extend_from_slice(rest);

    let mut c = Connection::new(cfg);
    let chunk = 1 + usize::from(*read % 32);
    let mut failed = None;
    for piece in input.chunks(chunk) {
        if let Err(e) = c.feed(piece) {
            failed = Some(e);
            break;
        }
        while let Some(e) = c.poll_event() {
            if let Event::HandshakeSucceeded { .. } = e {
                let mut m = Msg::from_slice(b"reply").unwrap_or_default();
                m.set_flags(1);
                c.send(m);
                c.send(Msg::new());
                c.send_subscribe(b"topic");
                c.send_cancel(b"");
                c.send_ping(10, b"ctx");
            }
        }
        // Write out half of what is pending, to exercise partial writes.
        let pending: usize = c.output().iter().map(|s| s.len()).sum();
        c.consumed(pending / 2 + 1);
    }
    if let Some(e) = failed {
        assert_eq!(c.advance(0), Err(e.clone()));
        let _ = (e.code(), e.reported_by_libzmq(), e.to_string());
    }
});
