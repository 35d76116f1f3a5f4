//! Tests of `Connection`: exact bytes against hand-built peers of every
//! version, handshakes between two connections, fragmentation, large
//! messages and malformed input.

use super::*;
use crate::zmtp::codec::EAGER_BODY;
use crate::zmtp::greeting::{mechanism_field, signature};
use crate::zmtp::DEFAULT_IN_BATCH_SIZE;

type Pe = ProtocolError;

fn cfg(t: i32) -> Config {
    Config::new(t)
}

/// Everything pending, as bytes, marked written.
fn drain(c: &mut Connection) -> Vec<u8> {
    let mut v = Vec::new();
    while c.has_output() {
        let mut n = 0;
        for s in c.output() {
            v.extend_from_slice(&s);
            n += s.len();
        }
        c.consumed(n);
    }
    v
}

fn events(c: &mut Connection) -> Vec<Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

/// Feeds through read_buffer/advance, at most `chunk` bytes per read.
fn feed_chunked(c: &mut Connection, mut data: &[u8], chunk: usize) -> Result<(), Pe> {
    while !data.is_empty() {
        let buf = c.read_buffer();
        assert!(!buf.is_empty());
        let n = buf.len().min(chunk).min(data.len());
        buf[..n].copy_from_slice(&data[..n]);
        c.advance(n)?;
        data = &data[n..];
    }
    Ok(())
}

/// Moves bytes between two connections until both are quiet.
fn pump(a: &mut Connection, b: &mut Connection, chunk: usize) -> Result<(), (char, Pe)> {
    loop {
        let ab = drain(a);
        let ba = drain(b);
        if ab.is_empty() && ba.is_empty() {
            return Ok(());
        }
        feed_chunked(b, &ab, chunk).map_err(|e| ('b', e))?;
        feed_chunked(a, &ba, chunk).map_err(|e| ('a', e))?;
    }
}

fn msg(data: &[u8], more: bool) -> Msg {
    let mut m = Msg::from_slice(data).unwrap();
    if more {
        m.set_flags(flags::MORE);
    }
    m
}

fn expect_message(e: Option<Event>, data: &[u8], more: bool) {
    match e {
        Some(Event::Message(m)) => {
            assert_eq!(m.size(), data.len());
            assert!(m.data() == data, "message content differs");
            assert_eq!(m.more(), more);
        }
        other => panic!("expected a message, got {other:?}"),
    }
}

struct Handshake {
    peer_socket_type: i32,
    peer_routing_id: Vec<u8>,
    properties: Vec<(String, Vec<u8>)>,
    version: (u8, u8),
}

fn expect_handshake(e: Option<Event>) -> Handshake {
    match e {
        Some(Event::HandshakeSucceeded {
            peer_socket_type,
            peer_routing_id,
            properties,
            version,
        }) => Handshake {
            peer_socket_type,
            peer_routing_id,
            properties,
            version,
        },
        other => panic!("expected HandshakeSucceeded, got {other:?}"),
    }
}

fn v3_greeting(minor: u8, mechanism: &[u8]) -> Vec<u8> {
    let mut g = signature(0).to_vec();
    g.push(3);
    g.push(minor);
    g.extend_from_slice(&mechanism_field(mechanism));
    g.extend_from_slice(&[0; 32]);
    g
}

fn command_frame(body: &[u8]) -> Vec<u8> {
    assert!(body.len() <= 255);
    let mut f = vec![0x04, body.len() as u8];
    f.extend_from_slice(body);
    f
}

fn ready_body(socket_type: &[u8], extra: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut props = Vec::new();
    command::write_property(&mut props, b"Socket-Type", socket_type);
    for (n, v) in extra {
        command::write_property(&mut props, n, v);
    }
    command::ready(&props)
}

/// A connection that has done a 3.x handshake with a hand-built peer of
/// type `peer_type`; its output so far is discarded.
fn after_v3_handshake(ours: Config, minor: u8, peer_type: &[u8]) -> Connection {
    let mut c = Connection::new(ours);
    c.feed(&v3_greeting(minor, b"NULL")).unwrap();
    c.feed(&command_frame(&ready_body(peer_type, &[]))).unwrap();
    expect_handshake(c.poll_event());
    drain(&mut c);
    c
}

#[test]
fn exact_bytes_with_a_v3_1_peer() {
    let mut cfg = cfg(c::ZMQ_DEALER);
    cfg.routing_id = b"abc".to_vec();
    let mut c = Connection::new(cfg);
    // Only the signature goes out first; its padding is identity length + 1.
    assert_eq!(drain(&mut c), [0xff, 0, 0, 0, 0, 0, 0, 0, 4, 0x7f]);
    // The peer's signature: we send our major version.
    c.feed(&signature(0)).unwrap();
    assert_eq!(drain(&mut c), [3]);
    // The peer's major version: the rest of our greeting.
    c.feed(&[3]).unwrap();
    let mut rest = vec![1];
    rest.extend_from_slice(b"NULL");
    rest.extend_from_slice(&[0; 16]);
    rest.extend_from_slice(&[0; 32]);
    assert_eq!(drain(&mut c), rest);
    assert_eq!(c.version(), None);
    // The rest of the peer's greeting: our READY.
    c.feed(&v3_greeting(1, b"NULL")[11..]).unwrap();
    assert_eq!(c.version(), Some((3, 1)));
    let mut ready = vec![0x04, 44, 5];
    ready.extend_from_slice(
        b"READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc",
    );
    assert_eq!(drain(&mut c), ready);
    assert!(!c.is_handshake_done());
    // The peer's READY, then a message in the same read.
    let mut input = command_frame(&ready_body(b"ROUTER", &[(b"X-Hello", b"world")]));
    input.extend_from_slice(&[0x01, 2, b'h', b'i', 0x00, 0]);
    c.feed(&input).unwrap();
    let h = expect_handshake(c.poll_event());
    assert_eq!(h.peer_socket_type, c::ZMQ_ROUTER);
    assert_eq!(h.version, (3, 1));
    assert!(h.peer_routing_id.is_empty());
    assert_eq!(
        h.properties,
        vec![
            ("Socket-Type".to_string(), b"ROUTER".to_vec()),
            ("X-Hello".to_string(), b"world".to_vec())
        ]
    );
    assert!(c.is_handshake_done());
    expect_message(c.poll_event(), b"hi", true);
    expect_message(c.poll_event(), b"", false);
    assert!(c.poll_event().is_none());
    // Our messages: short and long frames.
    c.send(msg(b"x", true));
    c.send(msg(&[7; 300], false));
    let mut expected = vec![0x01, 1, b'x', 0x02, 0, 0, 0, 0, 0, 0, 1, 44];
    expected.extend_from_slice(&[7; 300]);
    assert_eq!(drain(&mut c), expected);
}

#[test]
fn ready_metadata_sorted_and_deduplicated() {
    let mut cfg = cfg(c::ZMQ_PUSH);
    cfg.metadata = vec![
        (b"X-b".to_vec(), b"2".to_vec()),
        (b"X-a".to_vec(), b"1".to_vec()),
        (b"X-a".to_vec(), b"dup".to_vec()),
    ];
    let mut c = Connection::new(cfg);
    c.feed(&v3_greeting(1, b"NULL")).unwrap();
    let out = drain(&mut c);
    let ready = &out[64..];
    let body = command::ready(
        b"\x0bSocket-Type\x00\x00\x00\x04PUSH\x03X-a\x00\x00\x00\x011\x03X-b\x00\x00\x00\x012",
    );
    assert_eq!(ready, command_frame(&body));
}

#[test]
fn null_handshakes_between_compatible_sockets() {
    let pairs = [
        (c::ZMQ_DEALER, c::ZMQ_ROUTER),
        (c::ZMQ_REQ, c::ZMQ_REP),
        (c::ZMQ_REQ, c::ZMQ_ROUTER),
        (c::ZMQ_DEALER, c::ZMQ_REP),
        (c::ZMQ_DEALER, c::ZMQ_DEALER),
        (c::ZMQ_ROUTER, c::ZMQ_ROUTER),
        (c::ZMQ_PUB, c::ZMQ_SUB),
        (c::ZMQ_XPUB, c::ZMQ_XSUB),
        (c::ZMQ_PUB, c::ZMQ_XSUB),
        (c::ZMQ_PUSH, c::ZMQ_PULL),
        (c::ZMQ_PAIR, c::ZMQ_PAIR),
    ];
    for chunk in [1, 7, usize::MAX] {
        for (ta, tb) in pairs {
            let mut ca = cfg(ta);
            ca.routing_id = b"A-id".to_vec();
            ca.recv_routing_id = ta == c::ZMQ_ROUTER;
            let mut cb = cfg(tb);
            cb.routing_id = b"B-id".to_vec();
            cb.recv_routing_id = tb == c::ZMQ_ROUTER;
            cb.as_server = true;
            let mut a = Connection::new(ca);
            let mut b = Connection::new(cb);
            pump(&mut a, &mut b, chunk).unwrap();
            let ha = expect_handshake(a.poll_event());
            let hb = expect_handshake(b.poll_event());
            assert_eq!((ha.peer_socket_type, hb.peer_socket_type), (tb, ta));
            assert_eq!((ha.version, hb.version), ((3, 1), (3, 1)));
            // Identity is sent by REQ, DEALER and ROUTER, kept by ROUTER.
            let sends_id = |t| matches!(t, c::ZMQ_REQ | c::ZMQ_DEALER | c::ZMQ_ROUTER);
            let expect_id = |me: i32, peer: i32, id: &[u8]| {
                if me == c::ZMQ_ROUTER && sends_id(peer) {
                    id.to_vec()
                } else {
                    Vec::new()
                }
            };
            assert_eq!(ha.peer_routing_id, expect_id(ta, tb, b"B-id"));
            assert_eq!(hb.peer_routing_id, expect_id(tb, ta, b"A-id"));
            assert!(a.is_handshake_done() && b.is_handshake_done());
            // Messages both ways.
            a.send(msg(b"part1", true));
            a.send(msg(b"part2", false));
            b.send(msg(b"back", false));
            pump(&mut a, &mut b, chunk).unwrap();
            expect_message(b.poll_event(), b"part1", true);
            expect_message(b.poll_event(), b"part2", false);
            expect_message(a.poll_event(), b"back", false);
            assert!(a.poll_event().is_none() && b.poll_event().is_none());
        }
    }
}

#[test]
fn incompatible_socket_types_fail_the_handshake() {
    for (ta, tb) in [
        (c::ZMQ_PUB, c::ZMQ_PUSH),
        (c::ZMQ_REQ, c::ZMQ_REQ),
        (c::ZMQ_PAIR, c::ZMQ_DEALER),
        (c::ZMQ_SUB, c::ZMQ_SUB),
    ] {
        let mut a = Connection::new(cfg(ta));
        let mut b = Connection::new(cfg(tb));
        let (_, err) = pump(&mut a, &mut b, usize::MAX).unwrap_err();
        assert!(matches!(err, Pe::IncompatibleSocketType { .. }), "{err:?}");
        assert_eq!(err.code(), c::ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA);
        assert!(!a.is_handshake_done() && !b.is_handshake_done());
        // Sticky.
        let failed = if b.advance(0).is_err() {
            &mut b
        } else {
            &mut a
        };
        assert_eq!(failed.advance(0), Err(err.clone()));
        assert_eq!(failed.feed(b"more"), Err(err));
        assert!(!matches!(
            failed.poll_event(),
            Some(Event::HandshakeSucceeded { .. })
        ));
    }
}

#[test]
fn mechanism_mismatch() {
    let mut c = Connection::new(cfg(c::ZMQ_PAIR));
    let err = c.feed(&v3_greeting(1, b"PLAIN")).unwrap_err();
    assert_eq!(
        err,
        Pe::MechanismMismatch {
            peer: mechanism_field(b"PLAIN")
        }
    );
    assert_eq!(err.code(), c::ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
    assert!(err.reported_by_libzmq());
    // A name that only starts like ours is no match either.
    let mut c = Connection::new(cfg(c::ZMQ_PAIR));
    assert!(c.feed(&v3_greeting(1, b"NULLX")).is_err());
}

#[test]
fn v3_0_peer_gets_subscriptions_as_messages() {
    let mut c = after_v3_handshake(cfg(c::ZMQ_SUB), 0, b"PUB");
    assert_eq!(c.version(), Some((3, 0)));
    c.send_subscribe(b"A");
    c.send_cancel(b"");
    assert_eq!(drain(&mut c), [0x00, 2, 1, b'A', 0x00, 1, 0]);
    // A 255-octet topic becomes a 256-octet body: a long frame.
    c.send_subscribe(&[b't'; 255]);
    let out = drain(&mut c);
    assert_eq!(&out[..10], &[0x02, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    // PUB's data comes in as messages.
    c.feed(&[0x00, 3, b'A', b'b', b'c']).unwrap();
    expect_message(c.poll_event(), b"Abc", false);
}

#[test]
fn v3_1_subscriptions_are_commands() {
    let mut c = after_v3_handshake(cfg(c::ZMQ_XSUB), 1, b"XPUB");
    c.send_subscribe(b"A");
    c.send_cancel(b"A");
    let mut expected = command_frame(b"\x09SUBSCRIBEA");
    expected.extend_from_slice(&command_frame(b"\x06CANCELA"));
    assert_eq!(drain(&mut c), expected);
    // And they arrive as events at the publisher.
    let mut p = after_v3_handshake(cfg(c::ZMQ_XPUB), 1, b"XSUB");
    p.feed(&expected).unwrap();
    assert!(matches!(p.poll_event(), Some(Event::Subscribe(t)) if t == b"A"));
    assert!(matches!(p.poll_event(), Some(Event::Cancel(t)) if t == b"A"));
    // Long subscribe commands use the long size.
    c.send_subscribe(&[b'x'; 250]);
    let out = drain(&mut c);
    assert_eq!(&out[..9], &[0x06, 0, 0, 0, 0, 0, 0, 1, 4]);
    p.feed(&out).unwrap();
    assert!(matches!(p.poll_event(), Some(Event::Subscribe(t)) if t == [b'x'; 250]));
}

#[test]
fn v2_peer() {
    let mut cfg = cfg(c::ZMQ_ROUTER);
    cfg.routing_id = b"rid".to_vec();
    cfg.recv_routing_id = true;
    let mut c = Connection::new(cfg);
    assert_eq!(drain(&mut c), [0xff, 0, 0, 0, 0, 0, 0, 0, 4, 0x7f]);
    // A libzmq 3.2 DEALER: signature, revision 1, socket type 5, then its
    // identity frame and a message.
    let mut peer = signature(3).to_vec();
    peer.extend_from_slice(&[1, c::ZMQ_DEALER as u8]);
    peer.extend_from_slice(&[0x00, 3, b'p', b'i', b'd']);
    peer.extend_from_slice(&[0x01, 0, 0x00, 2, b'h', b'i']);
    for chunk in [1, usize::MAX] {
        let mut c2 = Connection::new(c.cfg.clone());
        feed_chunked(&mut c2, &peer, chunk).unwrap();
        // Our major version, our socket type (a 2.0 greeting), our identity.
        let out = drain(&mut c2);
        assert_eq!(
            out,
            [
                0xff,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                4,
                0x7f,
                3,
                c::ZMQ_ROUTER as u8,
                0x00,
                3,
                b'r',
                b'i',
                b'd'
            ]
        );
        let h = expect_handshake(c2.poll_event());
        assert_eq!(h.version, (2, 0));
        assert_eq!(h.peer_socket_type, c::ZMQ_DEALER);
        assert_eq!(h.peer_routing_id, b"pid");
        assert!(h.properties.is_empty());
        expect_message(c2.poll_event(), b"", true);
        expect_message(c2.poll_event(), b"hi", false);
        // 2.0 framing out; no commands (PING is not sent, a command frame
        // from the peer is dropped).
        c2.send(msg(&[1; 256], false));
        c2.send_ping(10, b"");
        let out = drain(&mut c2);
        assert_eq!(&out[..9], &[0x02, 0, 0, 0, 0, 0, 0, 1, 0]);
        assert_eq!(out.len(), 9 + 256);
        c2.feed(&[0x04, 1, 0]).unwrap();
        assert!(c2.poll_event().is_none());
        // Subscriptions as messages.
        c2.send_subscribe(b"t");
        assert_eq!(drain(&mut c2), [0x00, 2, 1, b't']);
    }
    drop(c);
}

#[test]
fn v2_peer_without_recv_routing_id() {
    let mut c = Connection::new(cfg(c::ZMQ_PULL));
    let mut peer = signature(0).to_vec();
    peer.extend_from_slice(&[1, c::ZMQ_PUSH as u8, 0x00, 0]);
    c.feed(&peer).unwrap();
    let h = expect_handshake(c.poll_event());
    assert!(h.peer_routing_id.is_empty());
    assert_eq!(h.peer_socket_type, c::ZMQ_PUSH);
}

#[test]
fn v1_unversioned_peer_short_identity() {
    let mut c = Connection::new(cfg(c::ZMQ_PUB));
    assert_eq!(drain(&mut c), [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]);
    // A ZMTP 1.0 SUB: identity "peer" (length 5 with the flags octet), then
    // nothing (1.0 subscribers do not send subscriptions).
    for chunk in [1, usize::MAX] {
        let mut c2 = Connection::new(cfg(c::ZMQ_PUB));
        drain(&mut c2);
        feed_chunked(&mut c2, &[5, 0, b'p', b'e', b'e', b'r'], chunk).unwrap();
        // No major version: our signature was our (empty) identity frame.
        assert!(drain(&mut c2).is_empty());
        let h = expect_handshake(c2.poll_event());
        assert_eq!(h.version, (1, 0));
        assert_eq!(h.peer_socket_type, -1);
        // libzmq's phantom subscription to everything.
        assert!(matches!(c2.poll_event(), Some(Event::Subscribe(t)) if t.is_empty()));
        // 1.0 framing both ways.
        c2.send(msg(b"hi", true));
        c2.send(msg(&[5; 254], false));
        let out = drain(&mut c2);
        assert_eq!(&out[..4], &[3, 1, b'h', b'i']);
        assert_eq!(&out[4..14], &[0xff, 0, 0, 0, 0, 0, 0, 0, 255, 0]);
        c2.feed(&[3, 1, b'a', b'b', 1, 0]).unwrap();
        expect_message(c2.poll_event(), b"ab", true);
        expect_message(c2.poll_event(), b"", false);
    }
    drop(c);
}

#[test]
fn v1_unversioned_peer_long_identity_and_our_identity_body() {
    let mut cfg = cfg(c::ZMQ_ROUTER);
    cfg.routing_id = b"xy".to_vec();
    cfg.recv_routing_id = true;
    let mut c = Connection::new(cfg);
    assert_eq!(drain(&mut c), [0xff, 0, 0, 0, 0, 0, 0, 0, 3, 0x7f]);
    // Identity "abc" with a long length (4 = flags + 3), then a message.
    let mut peer = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 4, 0, b'a', b'b', b'c'];
    peer.extend_from_slice(&[2, 0, b'z']);
    c.feed(&peer).unwrap();
    assert_eq!(drain(&mut c), b"xy");
    let h = expect_handshake(c.poll_event());
    assert_eq!(h.peer_routing_id, b"abc");
    assert_eq!(h.version, (1, 0));
    expect_message(c.poll_event(), b"z", false);
    // ROUTER gets no phantom subscription.
    assert!(c.poll_event().is_none());
}

#[test]
fn v1_peer_with_revision_0() {
    let mut cfg = cfg(c::ZMQ_DEALER);
    cfg.routing_id = b"me".to_vec();
    let mut c = Connection::new(cfg);
    drain(&mut c);
    let mut peer = signature(0).to_vec();
    peer.extend_from_slice(&[0, c::ZMQ_ROUTER as u8, 1, 0, 3, 0, b'o', b'k']);
    c.feed(&peer).unwrap();
    // Major 3, our type, then our identity in 1.0 framing.
    assert_eq!(drain(&mut c), [3, c::ZMQ_DEALER as u8, 3, 0, b'm', b'e']);
    let h = expect_handshake(c.poll_event());
    assert_eq!(h.version, (1, 0));
    assert_eq!(h.peer_socket_type, c::ZMQ_ROUTER);
    expect_message(c.poll_event(), b"ok", false);
}

#[test]
fn legacy_peers_refused_when_zap_is_on() {
    let mut v2 = signature(0).to_vec();
    v2.extend_from_slice(&[1, 5]);
    for peer in [v2, vec![1, 0]] {
        let mut cfg = cfg(c::ZMQ_DEALER);
        cfg.zap_enabled = true;
        let mut c = Connection::new(cfg);
        assert_eq!(c.feed(&peer), Err(Pe::LegacyPeerRefused));
    }
}

#[test]
fn messages_sent_before_the_handshake_wait() {
    let mut a = Connection::new(cfg(c::ZMQ_PUSH));
    let mut b = Connection::new(cfg(c::ZMQ_PULL));
    a.send(msg(b"early", false));
    a.send_ping(5, b"");
    // Only the signature is out.
    assert_eq!(a.output_len(), 10);
    pump(&mut a, &mut b, 3).unwrap();
    expect_handshake(b.poll_event());
    expect_message(b.poll_event(), b"early", false);
    assert!(b.poll_event().is_none());
}

#[test]
fn large_messages_both_ways_and_fragmented() {
    let sizes = [
        0,
        1,
        32,
        33,
        255,
        256,
        8191,
        8192,
        65536,
        3 * EAGER_BODY + 17,
    ];
    for chunk in [usize::MAX, 4093] {
        let mut a = Connection::new(cfg(c::ZMQ_PAIR));
        let mut b = Connection::new(cfg(c::ZMQ_PAIR));
        pump(&mut a, &mut b, chunk).unwrap();
        expect_handshake(a.poll_event());
        expect_handshake(b.poll_event());
        let body = |n: usize| (0..n).map(|i| (i % 253) as u8).collect::<Vec<u8>>();
        for (i, &n) in sizes.iter().enumerate() {
            a.send(msg(&body(n), i + 1 < sizes.len()));
            b.send(msg(&body(n), false));
        }
        pump(&mut a, &mut b, chunk).unwrap();
        for (i, &n) in sizes.iter().enumerate() {
            expect_message(b.poll_event(), &body(n), i + 1 < sizes.len());
            expect_message(a.poll_event(), &body(n), false);
        }
    }
}

#[test]
fn large_frames_are_read_into_their_message() {
    let mut a = Connection::new(cfg(c::ZMQ_PAIR));
    let mut b = Connection::new(cfg(c::ZMQ_PAIR));
    pump(&mut a, &mut b, usize::MAX).unwrap();
    let size = 200_000;
    let big = Msg::from_slice(&vec![9u8; size]).unwrap();
    let big_ptr = big.data().as_ptr();
    a.send(big);
    // Written from the message itself.
    assert!(a.output().iter().any(|s| s.as_ptr() == big_ptr));
    let wire = drain(&mut a);
    let mut pos = 0;
    let mut largest = 0;
    let mut direct = 0;
    while pos < wire.len() {
        if let Some(buf) = b.direct_buffer() {
            largest = largest.max(buf.len());
            let n = buf.len().min(wire.len() - pos).min(65536);
            for (dst, &octet) in buf[..n].iter_mut().zip(&wire[pos..]) {
                dst.write(octet);
            }
            // SAFETY: the n octets were just written.
            unsafe { b.advance_direct(n) }.unwrap();
            direct += n;
            pos += n;
            continue;
        }
        let buf = b.read_buffer();
        let n = buf.len().min(wire.len() - pos).min(65536);
        buf[..n].copy_from_slice(&wire[pos..pos + n]);
        b.advance(n).unwrap();
        pos += n;
    }
    // After the first 8 KiB read, the rest went straight into the body.
    assert!(largest > DEFAULT_IN_BATCH_SIZE);
    assert!(direct >= size - DEFAULT_IN_BATCH_SIZE);
    expect_handshake(b.poll_event());
    expect_message(b.poll_event(), &vec![9u8; size], false);
}

#[test]
fn maxmsgsize() {
    let mut cfg1 = cfg(c::ZMQ_PULL);
    cfg1.maxmsgsize = 100;
    let mut c = after_v3_handshake(cfg1, 1, b"PUSH");
    let mut frame = vec![0x00, 100];
    frame.extend_from_slice(&[0; 100]);
    c.feed(&frame).unwrap();
    expect_message(c.poll_event(), &[0; 100], false);
    assert_eq!(
        c.feed(&[0x00, 101]),
        Err(Pe::MessageTooLarge {
            size: 101,
            max: 100
        })
    );
    // A 2^60 claim is refused from its header.
    let mut cfg2 = cfg(c::ZMQ_PULL);
    cfg2.maxmsgsize = 1 << 20;
    let mut c = after_v3_handshake(cfg2, 1, b"PUSH");
    let mut hdr = vec![0x02];
    hdr.extend_from_slice(&(1u64 << 60).to_be_bytes());
    assert!(matches!(c.feed(&hdr), Err(Pe::MessageTooLarge { .. })));
    // As in libzmq, the limit applies to commands too: a READY bigger than
    // the limit fails the handshake.
    let mut cfg3 = cfg(c::ZMQ_PULL);
    cfg3.maxmsgsize = 10;
    let mut c = Connection::new(cfg3);
    c.feed(&v3_greeting(1, b"NULL")).unwrap();
    assert!(matches!(
        c.feed(&command_frame(&ready_body(b"PUSH", &[]))),
        Err(Pe::MessageTooLarge { .. })
    ));
}

#[test]
fn huge_claim_without_limit_is_harmless() {
    let mut c = after_v3_handshake(cfg(c::ZMQ_PULL), 1, b"PUSH");
    let mut hdr = vec![0x02];
    hdr.extend_from_slice(&(1u64 << 40).to_be_bytes());
    hdr.extend_from_slice(&[1; 1000]);
    c.feed(&hdr).unwrap();
    assert!(c.poll_event().is_none());
    // The direct buffer is bounded by what is allocated, not what is claimed.
    assert!(c.read_buffer().len() <= 2 * EAGER_BODY);
}

#[test]
fn handshake_errors() {
    let greeted = || {
        let mut c = Connection::new(cfg(c::ZMQ_PAIR));
        c.feed(&v3_greeting(1, b"NULL")).unwrap();
        c
    };
    // A message frame during the handshake.
    assert_eq!(greeted().feed(&[0x00, 1, 5]), Err(Pe::UnexpectedCommand));
    // Another command.
    assert_eq!(
        greeted().feed(&command_frame(b"\x05HELLO")),
        Err(Pe::UnexpectedCommand)
    );
    assert_eq!(
        greeted().feed(&command_frame(b"\x04PING\x00\x00")),
        Err(Pe::UnexpectedCommand)
    );
    assert_eq!(
        greeted().feed(&command_frame(b"")),
        Err(Pe::UnexpectedCommand)
    );
    // A malformed ERROR.
    let err = greeted()
        .feed(&command_frame(b"\x05ERROR\x05ab"))
        .unwrap_err();
    assert_eq!(err, Pe::MalformedError);
    assert_eq!(
        err.code(),
        c::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR
    );
    // Malformed metadata.
    let err = greeted()
        .feed(&command_frame(b"\x05READY\x0bSocket-Type\x00\x00"))
        .unwrap_err();
    assert_eq!(err, Pe::InvalidMetadata);
    assert!(!err.reported_by_libzmq());
}

#[test]
fn peer_error_is_terminal() {
    let mut c = Connection::new(cfg(c::ZMQ_PAIR));
    c.feed(&v3_greeting(1, b"NULL")).unwrap();
    let mut input = command_frame(b"\x05ERROR\x03400");
    input.extend_from_slice(&[0x00, 2, b'n', b'o']);
    c.feed(&input).unwrap();
    match c.poll_event() {
        Some(Event::Error(reason)) => {
            assert_eq!(reason, b"400");
            assert_eq!(command::zap_status(&reason), Some(400));
        }
        other => panic!("{other:?}"),
    }
    assert!(c.poll_event().is_none());
    assert!(!c.is_handshake_done());
    // Further input is ignored, sends are dropped.
    c.feed(b"garbage that would not decode").unwrap();
    drain(&mut c);
    c.send(msg(b"x", false));
    assert!(!c.has_output());
    assert!(c.poll_event().is_none());
}

#[test]
fn commands_after_the_handshake() {
    let mut c = after_v3_handshake(cfg(c::ZMQ_DEALER), 1, b"ROUTER");
    // Unknown, repeated and malformed commands are ignored, as by libzmq.
    c.feed(&command_frame(b"\x04JOINg")).unwrap();
    c.feed(&command_frame(&ready_body(b"ROUTER", &[]))).unwrap();
    c.feed(&command_frame(b"\x05ERROR\x09")).unwrap();
    c.feed(&command_frame(b"\x09SUB")).unwrap();
    c.feed(&command_frame(b"")).unwrap();
    assert!(c.poll_event().is_none());
    assert!(!c.has_output());
    // PING: an event, answered with a PONG echoing the context.
    c.feed(&command_frame(b"\x04PING\x00\x1eabc")).unwrap();
    assert!(!c.has_output());
    match c.poll_event() {
        Some(Event::Ping { ttl_ds, context }) => {
            assert_eq!(ttl_ds, 30);
            assert_eq!(context, b"abc");
            c.send_pong(&context);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(drain(&mut c), command_frame(b"\x04PONGabc"));
    // A context over 16 octets is cut in the PONG.
    let mut ping = b"\x04PING\x00\x00".to_vec();
    ping.extend_from_slice(&[b'c'; 20]);
    c.feed(&command_frame(&ping)).unwrap();
    match c.poll_event() {
        Some(Event::Ping { context, .. }) if context.len() == 20 => c.send_pong(&context),
        other => panic!("{other:?}"),
    }
    let mut pong = b"\x04PONG".to_vec();
    pong.extend_from_slice(&[b'c'; 16]);
    assert_eq!(drain(&mut c), command_frame(&pong));
    // Two PINGs in one read: two PONGs.
    let mut two = command_frame(b"\x04PING\x00\x00a");
    two.extend_from_slice(&command_frame(b"\x04PING\x00\x00b"));
    c.feed(&two).unwrap();
    for e in events(&mut c) {
        if let Event::Ping { context, .. } = e {
            c.send_pong(&context);
        }
    }
    let mut pongs = command_frame(b"\x04PONGa");
    pongs.extend_from_slice(&command_frame(b"\x04PONGb"));
    assert_eq!(drain(&mut c), pongs);
    // PONG.
    c.feed(&command_frame(b"\x04PONGxy")).unwrap();
    assert!(matches!(c.poll_event(), Some(Event::Pong { context }) if context == b"xy"));
    // Our PING.
    c.send_ping(100, b"ctx");
    assert_eq!(drain(&mut c), command_frame(b"\x04PING\x00\x64ctx"));
    c.send_pong(b"q");
    assert_eq!(drain(&mut c), command_frame(b"\x04PONGq"));
    // A PING without its whole TTL is answered as libzmq answers it, with
    // no TTL and no context.
    for short in [&b"\x04PING\x07"[..], b"\x04PING"] {
        c.feed(&command_frame(short)).unwrap();
        let ping = events(&mut c)
            .into_iter()
            .find(|e| matches!(e, Event::Ping { .. }));
        assert!(
            matches!(&ping, Some(Event::Ping { ttl_ds: 0, context }) if context.is_empty()),
            "{ping:?}"
        );
    }
}

#[test]
fn ping_flood_does_not_grow_output_without_bound() {
    let mut c = after_v3_handshake(cfg(c::ZMQ_DEALER), 1, b"ROUTER");
    let ping = command_frame(b"\x04PING\x00\x00ctx");
    let flood: Vec<u8> = ping
        .iter()
        .copied()
        .cycle()
        .take(ping.len() * 100_000)
        .collect();
    c.feed(&flood).unwrap();
    let pings = events(&mut c);
    assert_eq!(pings.len(), 100_000);
    for e in pings {
        if let Event::Ping { context, .. } = e {
            c.send_pong(&context);
        }
    }
    assert!(c.output_len() < PONG_FLUSH_LIMIT + 64, "{}", c.output_len());
    // The last PONG goes out once the output drains.
    let out = drain(&mut c);
    assert!(out.ends_with(&command_frame(b"\x04PONGctx")));
}

#[test]
fn recv_routing_id_from_ready() {
    let mut r = cfg(c::ZMQ_ROUTER);
    r.recv_routing_id = true;
    let mut c = Connection::new(r);
    c.feed(&v3_greeting(1, b"NULL")).unwrap();
    c.feed(&command_frame(&ready_body(
        b"DEALER",
        &[(b"identity", b"abc")],
    )))
    .unwrap();
    let h = expect_handshake(c.poll_event());
    assert_eq!(h.peer_routing_id, b"abc");
    assert_eq!(h.peer_socket_type, c::ZMQ_DEALER);
}

#[test]
fn every_prefix_of_a_session_is_safe() {
    // A whole 3.1 session from a peer, cut at every point.
    let mut session = v3_greeting(1, b"NULL");
    session.extend_from_slice(&command_frame(&ready_body(b"PAIR", &[])));
    session.extend_from_slice(&[0x01, 1, b'a', 0x02, 0, 0, 0, 0, 0, 0, 1, 0]);
    session.extend_from_slice(&[3; 256]);
    for cut in 0..session.len() {
        let mut c = Connection::new(cfg(c::ZMQ_PAIR));
        c.feed(&session[..cut]).unwrap();
        c.feed(&session[cut..]).unwrap();
        expect_handshake(c.poll_event());
        expect_message(c.poll_event(), b"a", true);
        expect_message(c.poll_event(), &[3; 256], false);
    }
}

#[test]
fn connection_moves_between_threads() {
    fn send<T: Send>() {}
    send::<Connection>();
}

#[test]
fn output_into_a_caller_array() {
    let mut c = after_v3_handshake(cfg(c::ZMQ_PAIR), 1, b"PAIR");
    c.send(msg(b"ab", false));
    let mut slots = [IoSlice::new(&[]); 4];
    let n = c.output_into(&mut slots);
    assert_eq!(n, 1);
    assert_eq!(&*slots[0], &[0x00, 2, b'a', b'b']);
    assert_eq!(c.output_len(), 4);
    c.consumed(3);
    assert_eq!(c.output().iter().map(|s| s.len()).sum::<usize>(), 1);
}

// ---- PLAIN and CURVE over the wire ----

fn plain_cfg(t: i32, as_server: bool, password: &[u8]) -> Config {
    let mut cfg = cfg(t);
    cfg.mechanism = MechanismConfig::Plain {
        username: b"admin".to_vec(),
        password: password.to_vec(),
        as_server,
    };
    cfg.as_server = as_server;
    cfg.zap_enabled = as_server;
    cfg
}

fn curve_keypair() -> ([u8; 32], [u8; 32]) {
    let mut secret = [0u8; 32];
    crate::keys::random_bytes(&mut secret).unwrap();
    let public = crate::keys::SecretKey::from_bytes(secret).public().unwrap();
    (public, secret)
}

fn curve_cfg(t: i32, as_server: bool, own: ([u8; 32], [u8; 32]), server_key: [u8; 32]) -> Config {
    let mut cfg = cfg(t);
    cfg.mechanism = MechanismConfig::Curve {
        as_server,
        public_key: own.0,
        secret_key: own.1,
        server_key,
    };
    cfg.as_server = as_server;
    cfg
}

/// A ZAP handler: answers every request of `c` with `status`.
fn answer_zap(c: &mut Connection, status: &[u8], expect: &[&[u8]]) -> bool {
    match c.zap_request() {
        Some(req) => {
            assert_eq!(req.credentials, expect);
            c.zap_reply(status, b"user", b"").unwrap();
            true
        }
        None => false,
    }
}

/// Pumps, answering ZAP requests of `server`, until both are quiet.
fn pump_zap(a: &mut Connection, b: &mut Connection, status: &[u8], expect: &[&[u8]]) {
    loop {
        let _ = pump(a, b, 5);
        if !answer_zap(b, status, expect) {
            return;
        }
    }
}

fn messages_both_ways(a: &mut Connection, b: &mut Connection) {
    a.send(msg(b"hello", true));
    a.send(msg(&vec![7u8; 100_000], false));
    b.send(msg(b"", false));
    b.send_ping(10, b"ctx");
    pump(a, b, 1000).unwrap();
    expect_message(b.poll_event(), b"hello", true);
    expect_message(b.poll_event(), &vec![7u8; 100_000], false);
    expect_message(a.poll_event(), b"", false);
    match a.poll_event() {
        Some(Event::Ping {
            ttl_ds: 10,
            context,
        }) => assert_eq!(context, b"ctx"),
        other => panic!("expected PING, got {other:?}"),
    }
}

#[test]
fn plain_handshake_and_messages() {
    let mut a = Connection::new(plain_cfg(c::ZMQ_DEALER, false, b"secret"));
    let mut b = Connection::new(plain_cfg(c::ZMQ_ROUTER, true, b""));
    // Sent before the handshake: waits for it.
    a.send(msg(b"early", false));
    pump_zap(&mut a, &mut b, b"200", &[b"admin", b"secret"]);
    let ha = expect_handshake(a.poll_event());
    let hb = expect_handshake(b.poll_event());
    assert_eq!(
        (ha.peer_socket_type, hb.peer_socket_type),
        (c::ZMQ_ROUTER, c::ZMQ_DEALER)
    );
    assert_eq!(hb.properties[0], ("User-Id".to_string(), b"user".to_vec()));
    expect_message(b.poll_event(), b"early", false);
    messages_both_ways(&mut a, &mut b);
}

#[test]
fn plain_wrong_password_denied_by_zap() {
    let mut a = Connection::new(plain_cfg(c::ZMQ_DEALER, false, b"wrong"));
    let mut b = Connection::new(plain_cfg(c::ZMQ_ROUTER, true, b""));
    a.send(msg(b"never", false));
    pump_zap(&mut a, &mut b, b"400", &[b"admin", b"wrong"]);
    match a.poll_event() {
        Some(Event::Error(reason)) => assert_eq!(reason, b"400"),
        other => panic!("expected ERROR, got {other:?}"),
    }
    match b.poll_event() {
        Some(Event::Error(reason)) => assert_eq!(reason, b"400"),
        other => panic!("expected our refusal, got {other:?}"),
    }
    assert!(b.poll_event().is_none());
    assert!(!a.is_handshake_done() && !b.is_handshake_done());
    // An invalid status is a ZAP protocol error.
    let mut a = Connection::new(plain_cfg(c::ZMQ_DEALER, false, b"x"));
    let mut b = Connection::new(plain_cfg(c::ZMQ_ROUTER, true, b""));
    let _ = pump(&mut a, &mut b, 100);
    assert!(b.zap_request().is_some());
    assert_eq!(b.zap_reply(b"600", b"", b""), Err(Pe::ZapInvalidStatusCode));
    assert_eq!(b.advance(0), Err(Pe::ZapInvalidStatusCode));
    // No ZAP handler: libzmq's PLAIN server refuses.
    let mut a = Connection::new(plain_cfg(c::ZMQ_DEALER, false, b"x"));
    let mut sv = plain_cfg(c::ZMQ_ROUTER, true, b"");
    sv.zap_enabled = false;
    let mut b = Connection::new(sv);
    assert_eq!(pump(&mut a, &mut b, 100), Err(('b', Pe::ZapUnavailable)));
}

#[test]
fn curve_handshake_and_messages() {
    let server = curve_keypair();
    let client = curve_keypair();
    for zap in [false, true] {
        let mut a = Connection::new(curve_cfg(c::ZMQ_DEALER, false, client, server.0));
        let mut sv = curve_cfg(c::ZMQ_ROUTER, true, server, [0; 32]);
        sv.zap_enabled = zap;
        let mut b = Connection::new(sv);
        a.send(msg(b"early", false));
        pump_zap(&mut a, &mut b, b"200", &[&client.0]);
        let ha = expect_handshake(a.poll_event());
        let hb = expect_handshake(b.poll_event());
        assert_eq!(
            (ha.peer_socket_type, hb.peer_socket_type),
            (c::ZMQ_ROUTER, c::ZMQ_DEALER)
        );
        assert_eq!(hb.properties[0].0 == "User-Id", zap);
        expect_message(b.poll_event(), b"early", false);
        messages_both_ways(&mut a, &mut b);
        // Subscriptions (commands) are encrypted too.
        a.send_subscribe(b"topic");
        pump(&mut a, &mut b, 3).unwrap();
        match b.poll_event() {
            Some(Event::Subscribe(t)) => assert_eq!(t, b"topic"),
            other => panic!("expected SUBSCRIBE, got {other:?}"),
        }
    }
}

#[test]
fn curve_nothing_readable_on_the_wire() {
    let server = curve_keypair();
    let client = curve_keypair();
    let mut a = Connection::new(curve_cfg(c::ZMQ_PAIR, false, client, server.0));
    let mut b = Connection::new(curve_cfg(c::ZMQ_PAIR, true, server, [0; 32]));
    pump(&mut a, &mut b, 64).unwrap();
    a.send(msg(b"PLAINTEXT-SECRET", false));
    let wire = drain(&mut a);
    assert!(!wire.windows(16).any(|w| w == b"PLAINTEXT-SECRET"));
    // A flipped bit in the box: error, no message.
    let mut bad = wire.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    expect_handshake(b.poll_event());
    assert_eq!(b.feed(&bad), Err(Pe::Cryptographic));
    assert!(b.poll_event().is_none());
}

#[test]
fn curve_replayed_frame_refused() {
    let server = curve_keypair();
    let client = curve_keypair();
    let mut a = Connection::new(curve_cfg(c::ZMQ_PAIR, false, client, server.0));
    let mut b = Connection::new(curve_cfg(c::ZMQ_PAIR, true, server, [0; 32]));
    pump(&mut a, &mut b, 64).unwrap();
    expect_handshake(b.poll_event());
    a.send(msg(b"once", false));
    let wire = drain(&mut a);
    b.feed(&wire).unwrap();
    expect_message(b.poll_event(), b"once", false);
    assert_eq!(b.feed(&wire), Err(Pe::InvalidSequence));
    assert!(b.poll_event().is_none());
}

#[test]
fn curve_wrong_keys_fail() {
    let server = curve_keypair();
    let client = curve_keypair();
    // Wrong server key: the server cannot open HELLO.
    let mut a = Connection::new(curve_cfg(c::ZMQ_PAIR, false, client, curve_keypair().0));
    let mut b = Connection::new(curve_cfg(c::ZMQ_PAIR, true, server, [0; 32]));
    a.send(msg(b"never", false));
    assert_eq!(pump(&mut a, &mut b, 64), Err(('b', Pe::Cryptographic)));
    assert!(b.poll_event().is_none());
    // A client whose public key does not match its secret: the vouch fails.
    let mut a = Connection::new(curve_cfg(
        c::ZMQ_PAIR,
        false,
        (curve_keypair().0, client.1),
        server.0,
    ));
    let mut b = Connection::new(curve_cfg(c::ZMQ_PAIR, true, server, [0; 32]));
    assert_eq!(pump(&mut a, &mut b, 64), Err(('b', Pe::Cryptographic)));
    // Denied by ZAP: ERROR 500 to the client, nothing delivered.
    let mut a = Connection::new(curve_cfg(c::ZMQ_PAIR, false, client, server.0));
    let mut sv = curve_cfg(c::ZMQ_PAIR, true, server, [0; 32]);
    sv.zap_enabled = true;
    let mut b = Connection::new(sv);
    a.send(msg(b"never", false));
    pump_zap(&mut a, &mut b, b"500", &[&client.0]);
    assert!(matches!(a.poll_event(), Some(Event::Error(r)) if r == b"500"));
    assert!(matches!(b.poll_event(), Some(Event::Error(r)) if r == b"500"));
    // Mechanism mismatch with a NULL peer.
    let mut a = Connection::new(curve_cfg(c::ZMQ_PAIR, false, client, server.0));
    let mut b = Connection::new(cfg(c::ZMQ_PAIR));
    assert!(matches!(
        pump(&mut a, &mut b, 64),
        Err((_, Pe::MechanismMismatch { .. }))
    ));
}

#[test]
fn null_with_zap() {
    // 200: READY goes out after the verdict and the handler's User-Id is a
    // peer property.
    let mut a = Connection::new(cfg(c::ZMQ_DEALER));
    let mut sv = cfg(c::ZMQ_DEALER);
    sv.zap_enabled = true;
    let mut b = Connection::new(sv);
    let _ = pump(&mut a, &mut b, 10);
    assert!(!a.is_handshake_done() && !b.is_handshake_done());
    let req = b.zap_request().expect("NULL asks ZAP");
    assert_eq!(req.mechanism, b"NULL");
    assert!(req.credentials.is_empty());
    b.zap_reply(b"200", b"user", b"").unwrap();
    pump(&mut a, &mut b, 10).unwrap();
    expect_handshake(a.poll_event());
    let hb = expect_handshake(b.poll_event());
    assert!(hb
        .properties
        .iter()
        .any(|(k, v)| k == "User-Id" && v == b"user"));
    messages_both_ways(&mut a, &mut b);
    // 400: the peer gets an ERROR, nothing is established.
    let mut a = Connection::new(cfg(c::ZMQ_DEALER));
    let mut sv = cfg(c::ZMQ_DEALER);
    sv.zap_enabled = true;
    let mut b = Connection::new(sv);
    pump_zap(&mut a, &mut b, b"400", &[]);
    assert!(!a.is_handshake_done() && !b.is_handshake_done());
    match a.poll_event() {
        Some(Event::Error(reason)) => assert_eq!(reason, b"400"),
        other => panic!("expected the server's ERROR, got {other:?}"),
    }
    // A domain set refuses ZMTP 1.0 peers even with no handler.
    let mut sv = cfg(c::ZMQ_DEALER);
    sv.refuse_legacy = true;
    let mut b = Connection::new(sv);
    assert_eq!(b.feed(b"\x01\x00"), Err(Pe::LegacyPeerRefused));
    let mut b = Connection::new(cfg(c::ZMQ_DEALER));
    assert_eq!(b.feed(b"\x01\x00"), Ok(()));
}

/// A batch of message frames read at once (the fast way through whole
/// frames) gives the same events as the same octets read one at a time
/// (the decoder's states): sizes around the inline limit, short and long
/// headers, MORE, a PING between messages, frames cut by the batch end.
#[test]
fn whole_frames_in_a_batch_match_octet_by_octet() {
    fn describe(e: &Event) -> String {
        match e {
            Event::Message(m) => format!("msg more={} {:?}", m.more(), m.data()),
            other => format!("{other:?}"),
        }
    }
    let mut wire = Vec::new();
    let sizes = [0usize, 1, 31, 32, 33, 200, 255, 256, 1000, 5];
    for (i, &n) in sizes.iter().enumerate() {
        let body: Vec<u8> = (0..n).map(|k| (k * 7 + i) as u8).collect();
        let mut hdr = [0u8; 10];
        let more = i % 3 == 1;
        let len = crate::zmtp::codec::encode_header(Framing::V2, more, false, n as u64, &mut hdr);
        wire.extend_from_slice(&hdr[..len]);
        wire.extend_from_slice(&body);
        if i == 4 {
            wire.extend_from_slice(&command_frame(b"\x04PING\x00\x0a"));
        }
    }
    let whole: Vec<String> = {
        let mut c = after_v3_handshake(cfg(c::ZMQ_PULL), 1, b"PUSH");
        // Twice over, read in batches that cut frames at odd places.
        let twice = [wire.clone(), wire.clone()].concat();
        feed_chunked(&mut c, &twice, 301).unwrap();
        events(&mut c).iter().map(describe).collect()
    };
    let octets: Vec<String> = {
        let mut c = after_v3_handshake(cfg(c::ZMQ_PULL), 1, b"PUSH");
        let twice = [wire.clone(), wire.clone()].concat();
        feed_chunked(&mut c, &twice, 1).unwrap();
        events(&mut c).iter().map(describe).collect()
    };
    assert_eq!(whole.len(), 2 * (sizes.len() + 1));
    assert_eq!(whole, octets);
}

#[test]
fn radio_sends_group_then_body_and_hears_joins() {
    let mut r = after_v3_handshake(cfg(c::ZMQ_RADIO), 1, b"DISH");
    let mut m = msg(b"Friends", false);
    m.set_group(b"TV").unwrap();
    r.send(m);
    assert_eq!(
        drain(&mut r),
        [0x01, 2, b'T', b'V', 0x00, 7, b'F', b'r', b'i', b'e', b'n', b'd', b's']
    );
    r.feed(&command_frame(b"\x04JOINMovies")).unwrap();
    r.feed(&command_frame(b"\x05LEAVETV")).unwrap();
    assert!(matches!(r.poll_event(),
        Some(Event::Membership { join: true, group }) if group == b"Movies"));
    assert!(matches!(r.poll_event(),
        Some(Event::Membership { join: false, group }) if group == b"TV"));
    // A group of 256 octets is a protocol error that drops the connection.
    let mut long = vec![0x06, 0, 0, 0, 0, 0, 0, 1, 5];
    long.extend_from_slice(b"\x04JOIN");
    long.extend_from_slice(&[b'g'; 256]);
    assert_eq!(r.feed(&long), Err(Pe::MalformedGroup));
}

#[test]
fn dish_sends_joins_and_reads_group_frames() {
    let mut d = after_v3_handshake(cfg(c::ZMQ_DISH), 1, b"RADIO");
    d.send_membership(true, b"TV");
    d.send_membership(false, b"TV");
    let mut expected = command_frame(b"\x04JOINTV");
    expected.extend_from_slice(&command_frame(b"\x05LEAVETV"));
    assert_eq!(drain(&mut d), expected);
    // Group frame then body, in pieces or whole.
    let wire = [0x01, 2, b'T', b'V', 0x00, 2, b'h', b'i'];
    for chunk in [1, 3, usize::MAX] {
        feed_chunked(&mut d, &wire, chunk).unwrap();
        match d.poll_event() {
            Some(Event::Message(m)) => {
                assert_eq!(m.data(), b"hi");
                assert_eq!(m.group().to_bytes(), b"TV");
                assert!(!m.more());
            }
            other => panic!("expected a message, got {other:?}"),
        }
    }
    // JOIN/LEAVE to a DISH mean nothing.
    d.feed(&command_frame(b"\x04JOINx")).unwrap();
    assert!(d.poll_event().is_none());
    // A group frame without MORE, a body with MORE, a group over 255.
    let mut d1 = after_v3_handshake(cfg(c::ZMQ_DISH), 1, b"RADIO");
    assert_eq!(d1.feed(&[0x00, 1, b'g']), Err(Pe::MalformedGroup));
    let mut d2 = after_v3_handshake(cfg(c::ZMQ_DISH), 1, b"RADIO");
    assert_eq!(
        d2.feed(&[0x01, 1, b'g', 0x01, 1, b'b']),
        Err(Pe::MalformedGroup)
    );
    let mut d3 = after_v3_handshake(cfg(c::ZMQ_DISH), 1, b"RADIO");
    let mut long = vec![0x03, 0, 0, 0, 0, 0, 0, 1, 0];
    long.extend_from_slice(&[b'g'; 256]);
    assert_eq!(d3.feed(&long), Err(Pe::MalformedGroup));
}

#[test]
fn radio_and_dish_talk() {
    let mut r = Connection::new(cfg(c::ZMQ_RADIO));
    let mut d = Connection::new(cfg(c::ZMQ_DISH));
    d.send_membership(true, b"news");
    pump(&mut r, &mut d, 5).unwrap();
    expect_handshake(r.poll_event());
    expect_handshake(d.poll_event());
    assert!(matches!(r.poll_event(),
        Some(Event::Membership { join: true, group }) if group == b"news"));
    let mut m = msg(&[7; 300], false);
    m.set_group(&[b'n'; 255]).unwrap();
    r.send(m);
    pump(&mut r, &mut d, 7).unwrap();
    match d.poll_event() {
        Some(Event::Message(m)) => {
            assert_eq!(m.data(), &[7; 300][..]);
            assert_eq!(m.group().to_bytes(), &[b'n'; 255][..]);
        }
        other => panic!("expected a message, got {other:?}"),
    }
}

#[test]
fn read_buffer_starts_small_and_grows_when_filled() {
    let mut c = after_v3_handshake(cfg(c::ZMQ_PULL), 1, b"PUSH");
    // Small traffic keeps a small buffer (resident memory per connection):
    // what the handshake left of the first one.
    let first = c.read_buffer().len();
    assert!(first <= FIRST_READ && first > FIRST_READ / 2, "{first}");
    // A read that fills what it was given: the next buffer is in_batch.
    let buf = c.read_buffer();
    let n = buf.len();
    let mut bodies = Vec::new();
    let mut at = 0;
    while at < n {
        let left = n - at;
        // 8-octet frames, and one of 8 to 15 octets to end exactly.
        let size = if left >= 16 { 8 } else { left };
        let body: Vec<u8> = (0..size - 2)
            .map(|k| b'a' + ((at + k) % 26) as u8)
            .collect();
        buf[at] = 0;
        buf[at + 1] = body.len() as u8;
        buf[at + 2..at + size].copy_from_slice(&body);
        bodies.push(body);
        at += size;
    }
    c.advance(n).unwrap();
    for body in &bodies {
        expect_message(c.poll_event(), body, false);
    }
    assert_eq!(c.read_buffer().len(), DEFAULT_IN_BATCH_SIZE);
}
