//! A ZWS 2.0 connection (the ws:// transport's, `zmtp::zws`) fed arbitrary
//! octets in arbitrary pieces, on the accepting side (a request from a
//! stranger) or the connecting side (a stranger's answer): it must fail
//! cleanly and stay failed, or upgrade and hand out ZMTP events, and what
//! it queues to send stays bounded by what came.
//!
//! The first octet picks the side, the socket type, the message limit and
//! the piece size.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::constants as c;
use zmqrs::zmtp::zws::WsConnection;
use zmqrs::zmtp::Config;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let types = [c::ZMQ_PAIR, c::ZMQ_ROUTER, c::ZMQ_XPUB, c::ZMQ_DISH];
    let mut cfg = Config::new(types[usize::from((mode >> 1) & 3)]);
    if mode & 8 != 0 {
        cfg.maxmsgsize = 64;
    }
    let mut conn = if mode & 1 == 0 {
        WsConnection::server(cfg)
    } else {
        WsConnection::client(cfg, "127.0.0.1:5555", "/fuzz")
    };
    let piece = usize::from(mode >> 4) * 7 + 1;
    for chunk in rest.chunks(piece) {
        let r = conn.feed(chunk);
        while conn.conn().poll_event().is_some() {}
        if r.is_err() {
            assert_eq!(conn.feed(b"x"), r, "a failed connection stays failed");
            break;
        }
    }
    // Answers (response, pongs, closes, routing id, READY) are small next
    // to what a peer can send; never a multiple of it.
    assert!(conn.conn_ref().output_len() <= 1024 + rest.len());
});
