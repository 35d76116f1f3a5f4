//! The WebSocket upgrade's two parsers fed arbitrary octets in pieces: the
//! server's (a request) and the client's (a response). No panic; a head is
//! taken or refused within `MAX_HEAD` octets (plus the piece that crossed
//! it); what follows an accepted head is no more than what came.
//!
//! The first octet picks the mechanism and the piece size.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::zmtp::ws_upgrade::{ClientUpgrade, Mechanism, ServerUpgrade, MAX_HEAD};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mechanism = match mode % 3 {
        0 => Mechanism::Null,
        1 => Mechanism::Plain,
        _ => Mechanism::Curve,
    };
    let piece = usize::from(mode >> 2) + 1;
    let mut s = ServerUpgrade::new(mechanism);
    let mut fed = 0;
    for chunk in rest.chunks(piece) {
        fed += chunk.len();
        match s.feed(chunk) {
            Ok(None) => assert!(fed <= MAX_HEAD + piece, "a head past the limit is refused"),
            Ok(Some(a)) => {
                assert!(a.rest.len() <= fed);
                break;
            }
            Err(_) => break,
        }
    }
    let (mut c, _) = ClientUpgrade::new("h:1", "/", mechanism, [mode; 16]);
    let mut fed = 0;
    for chunk in rest.chunks(piece) {
        fed += chunk.len();
        match c.feed(chunk) {
            Ok(None) => assert!(fed <= MAX_HEAD + piece),
            _ => break,
        }
    }
});
