//! A ZWS 2.0 connection (the ws:// transport's, `zmtp::zws`) fed arbitrary
//! octets in arbitrary pieces, on the accepting side (a request from a
//! stranger) or the connecting side (a stranger's answer): it must fail
//! cleanly and stay failed, or upgrade and hand out ZMTP events, and what
//! it queues to send stays bounded by what came.
//!
//! The first octet picks the side, the socket type, the message limit and
//! the piece size. Pieces go in by the three ways the engine and the tests
//! use: `feed` (a slice of someone else's), `read_buffer`/`advance` (the
//! connection's own buffer, messages pointing into it) and, while a long
//! message is under way, `direct_buffer`/`advance_direct`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::constants as c;
use zmqrs::zmtp::zws::WsConnection;
use zmqrs::zmtp::{Config, ProtocolError};

/// Hands `piece` to the connection: by `feed` on even turns, through its
/// own buffers on odd ones (directly into a long message when it offers).
fn push(conn: &mut WsConnection, mut piece: &[u8], turn: usize) -> Result<(), ProtocolError> {
    if turn % 2 == 0 {
        return conn.feed(piece);
    }
    while !piece.is_empty() {
        if let Some(buf) = conn.direct_buffer() {
            let n = buf.len().min(piece.len());
            for (d, &s) in buf.iter_mut().zip(&piece[..n]) {
                d.write(s);
            }
            // SAFETY: the first n octets were written just above.
            unsafe { conn.advance_direct(n) }?;
            piece = &piece[n..];
            continue;
        }
        let buf = conn.read_buffer();
        let n = buf.len().min(piece.len());
        buf[..n].copy_from_slice(&piece[..n]);
        conn.advance(n)?;
        piece = &piece[n..];
    }
    Ok(())
}

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
    for (turn, chunk) in rest.chunks(piece).enumerate() {
        let r = push(&mut conn, chunk, turn);
        while conn.conn().poll_event().is_some() {}
        if r.is_err() {
            // (Later input fails as WebSocket, whatever the first error.)
            assert!(conn.feed(b"x").is_err(), "a failed connection stays failed");
            break;
        }
    }
    // Answers (response, pongs, closes, routing id, READY) are small next
    // to what a peer can send; never a multiple of it.
    assert!(conn.conn_ref().output_len() <= 1024 + rest.len());
});
