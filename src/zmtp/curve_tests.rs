//! Tests of the CURVE mechanisms, driven directly (the connection tests run
//! them over the wire).

use super::*;
use crate::constants as c;

fn keypair() -> ([u8; 32], [u8; 32]) {
    let secret = random::<32>().unwrap();
    let public = SecretKey::from_bytes(secret).public().unwrap();
    (public, secret)
}

struct Keys {
    server: ([u8; 32], [u8; 32]),
    client: ([u8; 32], [u8; 32]),
}

fn keys() -> Keys {
    Keys {
        server: keypair(),
        client: keypair(),
    }
}

fn client_cfg(k: &Keys) -> Config {
    let mut cfg = Config::new(c::ZMQ_DEALER);
    cfg.mechanism = MechanismConfig::Curve {
        as_server: false,
        public_key: k.client.0,
        secret_key: k.client.1,
        server_key: k.server.0,
    };
    cfg
}

fn server_cfg(k: &Keys, zap: bool) -> Config {
    let mut cfg = Config::new(c::ZMQ_ROUTER);
    cfg.mechanism = MechanismConfig::Curve {
        as_server: true,
        public_key: k.server.0,
        secret_key: k.server.1,
        server_key: [0; 32],
    };
    cfg.zap_enabled = zap;
    cfg
}

/// Runs HELLO, WELCOME and INITIATE; returns both sides, the server
/// having processed INITIATE.
fn to_initiate(k: &Keys, zap: bool) -> (CurveClient, CurveServer) {
    let mut cl = CurveClient::new(&client_cfg(k)).unwrap();
    let mut sv = CurveServer::new(&server_cfg(k, zap)).unwrap();
    let hello = cl.next_handshake_command().unwrap();
    sv.process_handshake_command(&hello).unwrap();
    let welcome = sv.next_handshake_command().unwrap();
    cl.process_handshake_command(&welcome).unwrap();
    let initiate = cl.next_handshake_command().unwrap();
    sv.process_handshake_command(&initiate).unwrap();
    (cl, sv)
}

fn finish(cl: &mut CurveClient, sv: &mut CurveServer) {
    let ready = sv.next_handshake_command().unwrap();
    cl.process_handshake_command(&ready).unwrap();
    assert_eq!(cl.status(), Status::Ready);
    assert_eq!(sv.status(), Status::Ready);
}

#[test]
fn command_layouts_as_libzmq() {
    let k = keys();
    let mut cl = CurveClient::new(&client_cfg(&k)).unwrap();
    let mut sv = CurveServer::new(&server_cfg(&k, false)).unwrap();
    let hello = cl.next_handshake_command().unwrap();
    assert_eq!(hello.len(), HELLO_SIZE);
    assert_eq!(&hello[..8], b"\x05HELLO\x01\x00");
    assert_eq!(&hello[8..80], &[0u8; 72][..]);
    assert_eq!(&hello[80..112], &cl.cn_public[..]);
    assert_eq!(&hello[112..120], &1u64.to_be_bytes());
    // The signature box is 64 zeros from C' to S.
    let sig = agree(&cl.cn_public, &SecretKey::from_bytes(k.server.1))
        .unwrap()
        .open(&nonce(b"CurveZMQHELLO---", &hello[112..120]), &hello[120..])
        .unwrap();
    assert_eq!(sig, vec![0u8; 64]);
    sv.process_handshake_command(&hello).unwrap();
    let welcome = sv.next_handshake_command().unwrap();
    assert_eq!(welcome.len(), WELCOME_SIZE);
    assert!(welcome.starts_with(b"\x07WELCOME"));
    cl.process_handshake_command(&welcome).unwrap();
    assert_eq!(cl.cn_server, sv.cn_public);
    assert_eq!(cl.cookie.len(), 96);
    let initiate = cl.next_handshake_command().unwrap();
    let props = mechanism::basic_properties(&client_cfg(&k));
    assert_eq!(initiate.len(), 113 + 128 + 16 + props.len());
    assert_eq!(&initiate[9..105], &cl.cookie[..]);
    assert_eq!(&initiate[105..113], &2u64.to_be_bytes());
    sv.process_handshake_command(&initiate).unwrap();
    assert!(
        sv.cookie_key.is_none(),
        "the cookie key is dropped after use"
    );
    let ready = sv.next_handshake_command().unwrap();
    assert_eq!(
        ready.len(),
        14 + 16 + mechanism::basic_properties(&server_cfg(&k, false)).len()
    );
    assert_eq!(&ready[..14], b"\x05READY\x00\x00\x00\x00\x00\x00\x00\x01");
    cl.process_handshake_command(&ready).unwrap();
    assert_eq!(sv.peer().socket_type, c::ZMQ_DEALER);
    assert_eq!(cl.peer().socket_type, c::ZMQ_ROUTER);
    // MESSAGE: client nonce 3, server nonce 2; flags inside the box.
    let mut m = Msg::from_slice(b"hi").unwrap();
    m.set_flags(flags::MORE);
    let boxed = cl.encode(m);
    assert_eq!(boxed.flags() & (flags::MORE | flags::COMMAND), 0);
    assert_eq!(boxed.size(), 16 + 16 + 1 + 2);
    assert_eq!(
        &boxed.data()[..16],
        b"\x07MESSAGE\x00\x00\x00\x00\x00\x00\x00\x03"
    );
    let plain = sv.decode(boxed).unwrap();
    assert_eq!(plain.data(), b"hi");
    assert!(plain.more());
    let boxed = sv.encode(Msg::from_slice(b"").unwrap());
    assert_eq!(&boxed.data()[8..16], &2u64.to_be_bytes());
    let plain = cl.decode(boxed).unwrap();
    assert_eq!(plain.size(), 0);
    assert!(!plain.more());
}

#[test]
fn wrong_server_key() {
    let k = keys();
    let mut cfg = client_cfg(&k);
    if let MechanismConfig::Curve { server_key, .. } = &mut cfg.mechanism {
        *server_key = keypair().0;
    }
    let mut cl = CurveClient::new(&cfg).unwrap();
    let mut sv = CurveServer::new(&server_cfg(&k, false)).unwrap();
    let hello = cl.next_handshake_command().unwrap();
    assert_eq!(
        sv.process_handshake_command(&hello),
        Err(ProtocolError::Cryptographic)
    );
}

#[test]
fn small_order_server_key_fails_before_hello() {
    let k = keys();
    let mut cfg = client_cfg(&k);
    if let MechanismConfig::Curve { server_key, .. } = &mut cfg.mechanism {
        *server_key = [0; 32];
    }
    assert!(matches!(
        CurveClient::new(&cfg),
        Err(ProtocolError::Cryptographic)
    ));
}

#[test]
fn messages_of_every_size_class_round_trip() {
    let k = keys();
    let (mut cl, mut sv) = to_initiate(&k, false);
    finish(&mut cl, &mut sv);
    // Bodies opened on the stack (box up to SMALL_OPEN with the flags
    // octet), at the edge, and on the heap.
    for len in [
        0,
        1,
        31,
        32,
        33,
        200,
        SMALL_OPEN - 1,
        SMALL_OPEN,
        SMALL_OPEN + 1,
        70_000,
    ] {
        let body: Vec<u8> = (0..len).map(|i| (i * 31 + len) as u8).collect();
        for more in [false, true] {
            let mut m = Msg::from_slice(&body).unwrap();
            if more {
                m.set_flags(flags::MORE);
            }
            let got = sv.decode(cl.encode(m)).unwrap();
            assert_eq!(got.data(), &body[..], "length {len}");
            assert_eq!(got.flags() & flags::MORE != 0, more, "length {len}");
            let back = cl
                .decode(sv.encode(Msg::from_slice(&body).unwrap()))
                .unwrap();
            assert_eq!(back.data(), &body[..], "length {len}, server to client");
        }
    }
}

#[test]
fn wrong_client_secret() {
    let k = keys();
    let mut cfg = client_cfg(&k);
    if let MechanismConfig::Curve { secret_key, .. } = &mut cfg.mechanism {
        *secret_key = keypair().1;
    }
    let mut cl = CurveClient::new(&cfg).unwrap();
    let mut sv = CurveServer::new(&server_cfg(&k, true)).unwrap();
    let hello = cl.next_handshake_command().unwrap();
    sv.process_handshake_command(&hello).unwrap();
    cl.process_handshake_command(&sv.next_handshake_command().unwrap())
        .unwrap();
    // The vouch, made with a secret that is not the public key's, fails.
    let initiate = cl.next_handshake_command().unwrap();
    assert_eq!(
        sv.process_handshake_command(&initiate),
        Err(ProtocolError::Cryptographic)
    );
    assert!(sv.zap_request().is_none());
}

#[test]
fn tampered_commands() {
    let k = keys();
    let mut cl = CurveClient::new(&client_cfg(&k)).unwrap();
    let mut sv = CurveServer::new(&server_cfg(&k, false)).unwrap();
    let mut hello = cl.next_handshake_command().unwrap();
    hello[150] ^= 1;
    assert_eq!(
        sv.process_handshake_command(&hello),
        Err(ProtocolError::Cryptographic)
    );
    for (len, v) in [(199, 1u8), (200, 2)] {
        let mut sv = CurveServer::new(&server_cfg(&k, false)).unwrap();
        let mut h = hello.clone();
        h.truncate(len);
        h[6] = v;
        assert_eq!(
            sv.process_handshake_command(&h),
            Err(ProtocolError::MalformedHello)
        );
    }
    // A cookie from another connection is refused.
    let (mut cl, _) = to_initiate(&k, false);
    let (mut cl2, mut sv2) = (
        CurveClient::new(&client_cfg(&k)).unwrap(),
        CurveServer::new(&server_cfg(&k, false)).unwrap(),
    );
    sv2.process_handshake_command(&cl2.next_handshake_command().unwrap())
        .unwrap();
    cl2.process_handshake_command(&sv2.next_handshake_command().unwrap())
        .unwrap();
    cl.state = ClientState::SendInitiate;
    let foreign = cl.next_handshake_command().unwrap();
    assert_eq!(
        sv2.process_handshake_command(&foreign),
        Err(ProtocolError::Cryptographic)
    );
    let mut sv3 = CurveServer::new(&server_cfg(&k, false)).unwrap();
    assert_eq!(
        sv3.process_handshake_command(b"\x08INITIATE"),
        Err(ProtocolError::UnexpectedCommand)
    );
    let mut cl3 = CurveClient::new(&client_cfg(&k)).unwrap();
    cl3.next_handshake_command();
    assert_eq!(
        cl3.process_handshake_command(&[&b"\x07WELCOME"[..], &[0; 160]].concat()),
        Err(ProtocolError::Cryptographic)
    );
    assert_eq!(
        cl3.process_handshake_command(b"\x05READY"),
        Err(ProtocolError::UnexpectedCommand)
    );
}

#[test]
fn messages_tampered_replayed_reordered() {
    let k = keys();
    let (mut cl, mut sv) = to_initiate(&k, false);
    finish(&mut cl, &mut sv);
    let a = cl.encode(Msg::from_slice(b"one").unwrap());
    let b = cl.encode(Msg::from_slice(b"two").unwrap());
    let c3 = cl.encode(Msg::from_slice(b"three").unwrap());
    let mut bad = a.data().to_vec();
    bad[20] ^= 0x80;
    assert_eq!(
        sv.decode(Msg::from_bytes(Bytes::from(bad))).unwrap_err(),
        ProtocolError::Cryptographic
    );
    let a_copy = Msg::from_slice(a.data()).unwrap();
    assert_eq!(sv.decode(b).unwrap().data(), b"two");
    // Older than the last: replay or reordering.
    assert_eq!(sv.decode(a).unwrap_err(), ProtocolError::InvalidSequence);
    let c_copy = Msg::from_slice(c3.data()).unwrap();
    assert_eq!(sv.decode(c3).unwrap().data(), b"three");
    assert_eq!(
        sv.decode(c_copy).unwrap_err(),
        ProtocolError::InvalidSequence
    );
    assert_eq!(
        sv.decode(a_copy).unwrap_err(),
        ProtocolError::InvalidSequence
    );
    // The server's own nonce prefix is not the client's: a message
    // reflected back to its sender does not open.
    let s = sv.encode(Msg::from_slice(b"x").unwrap());
    let mut reflected = s.data().to_vec();
    reflected[8..16].copy_from_slice(&100u64.to_be_bytes());
    assert_eq!(
        sv.decode(Msg::from_bytes(Bytes::from(reflected)))
            .unwrap_err(),
        ProtocolError::Cryptographic
    );
    assert_eq!(
        sv.decode(Msg::from_slice(b"\x07MESSAGE\x00").unwrap())
            .unwrap_err(),
        ProtocolError::MalformedMessage
    );
    assert_eq!(
        sv.decode(Msg::from_slice(b"\x04PING\x00\x00").unwrap())
            .unwrap_err(),
        ProtocolError::UnexpectedCommand
    );
}

#[test]
fn zap_hook() {
    let k = keys();
    let (mut cl, mut sv) = to_initiate(&k, true);
    assert_eq!(sv.next_handshake_command(), None);
    assert_eq!(sv.status(), Status::Handshaking);
    let req = sv.zap_request().unwrap();
    assert_eq!(req.mechanism, b"CURVE");
    assert_eq!(req.credentials, vec![k.client.0.to_vec()]);
    sv.zap_reply(b"200", b"alice", b"").unwrap();
    finish(&mut cl, &mut sv);
    assert_eq!(
        sv.peer().properties[0],
        ("User-Id".to_string(), b"alice".to_vec())
    );

    let (mut cl, mut sv) = to_initiate(&k, true);
    sv.zap_request().unwrap();
    sv.zap_reply(b"400", b"", b"").unwrap();
    let err = sv.next_handshake_command().unwrap();
    assert_eq!(err, b"\x05ERROR\x03400");
    assert_eq!(sv.status(), Status::Error);
    cl.process_handshake_command(&err).unwrap();
    assert_eq!(cl.status(), Status::Error);
    assert_eq!(cl.error_reason(), Some(&b"400"[..]));
}
