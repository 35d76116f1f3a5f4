use super::*;
use crate::constants as c;
use crate::msg::Msg;
use crate::zmtp::Event;

fn cfg(socket_type: i32) -> Config {
    Config::new(socket_type)
}

/// Everything `from` has to send, as one buffer.
fn drain(from: &mut WsConnection) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let slices = from.conn_ref().output();
        if slices.is_empty() {
            break;
        }
        let n: usize = slices.iter().map(|s| s.len()).sum();
        for s in &slices {
            out.extend_from_slice(s);
        }
        from.conn().consumed(n);
    }
    out
}

/// Moves output both ways until neither side has more.
fn pump(a: &mut WsConnection, b: &mut WsConnection) {
    for _ in 0..20 {
        let ab = drain(a);
        let ba = drain(b);
        if ab.is_empty() && ba.is_empty() {
            return;
        }
        b.feed(&ab).expect("b takes a's octets");
        a.feed(&ba).expect("a takes b's octets");
    }
    panic!("no quiet after 20 rounds");
}

fn events(c: &mut WsConnection) -> Vec<Event> {
    std::iter::from_fn(|| c.conn().poll_event()).collect()
}

fn messages(c: &mut WsConnection) -> Vec<Vec<u8>> {
    events(c)
        .into_iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m.data().to_vec()),
            _ => None,
        })
        .collect()
}

#[test]
fn null_over_websocket_both_ways() {
    let mut client = WsConnection::client(cfg(c::ZMQ_DEALER), "127.0.0.1:5555", "/zmq");
    let mut server = WsConnection::server(cfg(c::ZMQ_ROUTER));
    client
        .conn()
        .send(Msg::from_slice(b"queued before the upgrade").unwrap());
    pump(&mut client, &mut server);
    let ev = events(&mut server);
    assert!(matches!(ev[0], Event::Upgraded));
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::HandshakeSucceeded {
            peer_socket_type: c::ZMQ_DEALER,
            ..
        }
    )));
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::Message(m) if m.data() == b"queued before the upgrade")));
    let ev = events(&mut client);
    assert!(matches!(ev[0], Event::Upgraded));
    // Multipart, a large body (masked by the client), and back.
    let big: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
    let mut first = Msg::from_slice(b"part 1").unwrap();
    first.set_flags(crate::msg::flags::MORE);
    client.conn().send(first);
    client.conn().send(Msg::from_slice(&big).unwrap());
    server.conn().send(Msg::from_slice(b"reply").unwrap());
    pump(&mut client, &mut server);
    let got: Vec<Event> = events(&mut server);
    let bodies: Vec<(Vec<u8>, bool)> = got
        .into_iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some((m.data().to_vec(), m.more())),
            _ => None,
        })
        .collect();
    assert_eq!(bodies, vec![(b"part 1".to_vec(), true), (big, false)]);
    assert_eq!(messages(&mut client), vec![b"reply".to_vec()]);
}

#[test]
fn a_bare_zws_client_exchanges_routing_ids() {
    // A client that offers only "ZWS2.0" (no mechanism): each side's
    // first binary message is its routing id.
    let mut server = WsConnection::server(cfg(c::ZMQ_ROUTER));
    server
        .feed(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
              Sec-WebSocket-Protocol: ZWS2.0\r\n\r\n",
        )
        .unwrap();
    let out = drain(&mut server);
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("Sec-WebSocket-Protocol: ZWS2.0\r\n"),
        "{text}"
    );
    // Our routing id (empty) follows the response as a binary message.
    assert!(out.ends_with(&[0x82, 0x01, 0x00]), "{out:?}");
    // The client's routing id "me", then a message "hi" (masked frames).
    let mut frames = Vec::new();
    ws::encode_frame(&mut frames, true, ws::BINARY, b"\x00me", Some([1, 2, 3, 4]));
    ws::encode_frame(&mut frames, true, ws::BINARY, b"\x00hi", Some([9, 8, 7, 6]));
    server.feed(&frames).unwrap();
    let ev = events(&mut server);
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::HandshakeSucceeded {
            version: (2, 0),
            ..
        }
    )));
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::Message(m) if m.data() == b"hi")));
}

#[test]
fn pings_are_answered_and_a_close_is_echoed() {
    let mut client = WsConnection::client(cfg(c::ZMQ_PAIR), "h:1", "/");
    let mut server = WsConnection::server(cfg(c::ZMQ_PAIR));
    pump(&mut client, &mut server);
    events(&mut server);
    // A heartbeat is a WebSocket ping; the server answers with a pong.
    client.conn().send_ping(10, b"");
    let ping = drain(&mut client);
    assert_eq!(ping[0], 0x80 | ws::PING);
    server.feed(&ping).unwrap();
    let pong = drain(&mut server);
    assert_eq!(pong, [0x80 | ws::PONG, 0x00]);
    client.feed(&pong).unwrap();
    // The client closes: the server echoes the code and is done.
    let mut close = Vec::new();
    ws::encode_close(&mut close, 1000, b"bye", Some([5, 6, 7, 8]));
    server.feed(&close).unwrap();
    assert!(server.peer_closed());
    assert_eq!(drain(&mut server), [0x80 | ws::CLOSE, 0x02, 0x03, 0xe8]);
}

#[test]
fn bad_input_fails_the_connection() {
    let upgraded = || {
        let mut client = WsConnection::client(cfg(c::ZMQ_PAIR), "h:1", "/");
        let mut server = WsConnection::server(cfg(c::ZMQ_PAIR));
        pump(&mut client, &mut server);
        server
    };
    // An unmasked frame from a client.
    let mut s = upgraded();
    assert_eq!(
        s.feed(&[0x82, 0x02, 0x00, b'x']),
        Err(ProtocolError::WebSocket)
    );
    // It stays failed, and told the peer why (close 1002).
    assert_eq!(s.feed(b"more"), Err(ProtocolError::WebSocket));
    assert!(drain(&mut s).ends_with(&[0x88, 0x02, 0x03, 0xea]));
    // A binary message without its flags octet.
    let mut s = upgraded();
    let mut f = Vec::new();
    ws::encode_frame(&mut f, true, ws::BINARY, b"", Some([1, 1, 1, 1]));
    assert_eq!(s.feed(&f), Err(ProtocolError::WebSocket));
    // A fragmented ping.
    let mut s = upgraded();
    let mut f = Vec::new();
    ws::encode_frame(&mut f, false, ws::PING, b"x", Some([1, 1, 1, 1]));
    assert_eq!(s.feed(&f), Err(ProtocolError::WebSocket));
    // A message past ZMQ_MAXMSGSIZE fails at its header.
    let mut small = cfg(c::ZMQ_PAIR);
    small.maxmsgsize = 100;
    let mut client = WsConnection::client(cfg(c::ZMQ_PAIR), "h:1", "/");
    let mut server = WsConnection::server(small);
    pump(&mut client, &mut server);
    let mut h = Vec::new();
    ws::encode_header(&mut h, true, ws::BINARY, 1 << 40, Some([1, 2, 3, 4]));
    assert_eq!(server.feed(&h), Err(ProtocolError::WebSocket));
    // Not HTTP, and a request with no subprotocol of ours.
    let mut s = WsConnection::server(cfg(c::ZMQ_PAIR));
    assert_eq!(
        s.feed(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\r\n\r\n"),
        Err(ProtocolError::WebSocket)
    );
    let mut s = WsConnection::server(cfg(c::ZMQ_PAIR));
    assert_eq!(
        s.feed(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: a2V5\r\nSec-WebSocket-Version: 13\r\n\
              Sec-WebSocket-Protocol: chat\r\n\r\n"
        ),
        Err(ProtocolError::WebSocket)
    );
    // A head that never ends is refused once it passes 8 KiB.
    let mut s = WsConnection::server(cfg(c::ZMQ_PAIR));
    s.feed(b"GET / HTTP/1.1\r\n").unwrap();
    let line = b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    let mut r = Ok(());
    for _ in 0..200 {
        r = s.feed(line);
        if r.is_err() {
            break;
        }
    }
    assert_eq!(r, Err(ProtocolError::WebSocket));
}

#[test]
fn a_client_refuses_a_wrong_answer() {
    let mut client = WsConnection::client(cfg(c::ZMQ_PAIR), "h:1", "/");
    drain(&mut client);
    assert_eq!(
        client.feed(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
        Err(ProtocolError::WebSocket)
    );
}

/// Hands `data` to `to` through its own read buffer, `piece` octets a
/// read at most (long bodies straight into their message when offered),
/// as the engine does.
fn read_in(to: &mut WsConnection, data: &[u8], piece: usize) {
    for mut part in data.chunks(piece) {
        while !part.is_empty() {
            let n = if let Some(buf) = to.direct_buffer() {
                let n = buf.len().min(part.len());
                for (d, &s) in buf.iter_mut().zip(&part[..n]) {
                    d.write(s);
                }
                // SAFETY: the first n octets were written just above.
                unsafe { to.advance_direct(n) }.expect("direct octets taken");
                n
            } else {
                let buf = to.read_buffer();
                let n = buf.len().min(part.len());
                buf[..n].copy_from_slice(&part[..n]);
                to.advance(n).expect("octets taken");
                n
            };
            part = &part[n..];
        }
    }
}

#[test]
fn messages_read_into_our_own_buffer_arrive_whole() {
    // Masked frames (client to server) of every size class, split across
    // reads anywhere: inline bodies, bodies pointing into the read buffer,
    // and ones longer than a read.
    let sizes = [0usize, 1, 32, 33, 64, 1000, 8191, 20_000, 70_000];
    for piece in [7usize, 100, 4096, 65_536] {
        let mut client = WsConnection::client(cfg(c::ZMQ_DEALER), "127.0.0.1:5555", "/");
        let mut server = WsConnection::server(cfg(c::ZMQ_ROUTER));
        pump(&mut client, &mut server);
        events(&mut server);
        let want: Vec<Vec<u8>> = sizes
            .iter()
            .map(|&n| (0..n).map(|i| (i * 7 + n) as u8).collect())
            .collect();
        for (i, w) in want.iter().enumerate() {
            let mut m = Msg::from_slice(w).unwrap();
            if i % 3 == 0 {
                m.set_flags(crate::msg::flags::MORE);
            }
            client.conn().send(m);
        }
        let expect: Vec<(Vec<u8>, bool)> = want
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i % 3 == 0))
            .collect();
        let bodies = |c: &mut WsConnection| -> Vec<(Vec<u8>, bool)> {
            events(c)
                .into_iter()
                .filter_map(|e| match e {
                    Event::Message(m) => Some((m.data().to_vec(), m.more())),
                    _ => None,
                })
                .collect()
        };
        read_in(&mut server, &drain(&mut client), piece);
        assert_eq!(bodies(&mut server), expect, "masked, pieces of {piece}");
        // And back, unmasked.
        for (w, more) in &expect {
            let mut m = Msg::from_slice(w).unwrap();
            if *more {
                m.set_flags(crate::msg::flags::MORE);
            }
            server.conn().send(m);
        }
        read_in(&mut client, &drain(&mut server), piece);
        assert_eq!(bodies(&mut client), expect, "unmasked, pieces of {piece}");
    }
}
