//! The WebSocket frame decoder fed arbitrary octets in arbitrary pieces:
//! it must fail cleanly or hand out events, never hold more than what came
//! (plus one reserve), and every event must re-encode to frames that decode
//! to the same event.
//!
//! The first octet picks the role, the message limit and the piece size.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::zmtp::ws::{self, Decoder, Event, Role};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let role = if mode & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let max = (mode & 2 != 0).then_some(u64::from(mode >> 4) * 16);
    let piece = usize::from((mode >> 2) & 3) * 5 + 1;
    let mut d = Decoder::new(role, max);
    let mut events = Vec::new();
    for chunk in rest.chunks(piece) {
        let r = d.feed(chunk);
        while let Some(ev) = d.poll() {
            events.push(ev);
        }
        if r.is_err() {
            assert_eq!(d.feed(b"x"), r, "a failed decoder stays failed");
            break;
        }
    }
    // What came out goes back through an encoder and a decoder of the
    // other side's role, unchanged.
    let (peer_role, mask) = match role {
        Role::Server => (Role::Server, Some([1, 2, 3, 4])),
        Role::Client => (Role::Client, None),
    };
    let mut wire = Vec::new();
    for ev in &events {
        match ev {
            Event::Binary(m) => {
                if let Some(limit) = max {
                    assert!(m.len() as u64 <= limit);
                }
                ws::encode_frame(&mut wire, true, ws::BINARY, m, mask)
            }
            Event::Ping(p) => ws::encode_frame(&mut wire, true, ws::PING, p, mask),
            Event::Pong(p) => ws::encode_frame(&mut wire, true, ws::PONG, p, mask),
            Event::Close(None, _) => ws::encode_frame(&mut wire, true, ws::CLOSE, &[], mask),
            Event::Close(Some(code), reason) => ws::encode_close(&mut wire, *code, reason, mask),
        }
    }
    let mut again = Decoder::new(peer_role, None);
    again.feed(&wire).expect("re-encoded events decode");
    for ev in &events {
        assert_eq!(again.poll().as_ref(), Some(ev));
    }
    assert_eq!(again.poll(), None);
});
