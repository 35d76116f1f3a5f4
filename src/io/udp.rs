//! A udp endpoint in an I/O thread: one datagram socket and the pipe to its
//! ZMQ socket (RADIO sends, DISH receives, DGRAM both). There is no
//! connection, handshake or reconnect: datagrams go out as the pipe yields
//! messages and come in as the kernel has them.
//!
//! In: a datagram becomes one message (DISH: group and body; DGRAM: the
//! sender's address, then the body). One that is truncated, malformed or
//! larger than `MAX_DATAGRAM` is dropped and counted, never delivered in
//! part. While the pipe is full the datagrams wait in the kernel, which
//! drops what does not fit, as it would for any udp receiver.
//! Out: a message that does not fit a datagram, or a DGRAM message whose
//! address does not parse, is dropped, as in libzmq.

use crate::msg::{flags, Msg};
use crate::pipe::{Pipe, Read};
use crate::transport::udp::{self, UdpRole, MAX_DATAGRAM};
use std::io::ErrorKind;
use std::mem::MaybeUninit;
use std::net::SocketAddr;

pub struct UdpSession {
    pub socket_id: u64,
    /// As given to zmq_bind / zmq_connect (what zmq_unbind names).
    pub endpoint: String,
    socket: mio::net::UdpSocket,
    pub pipe: Option<Pipe>,
    role: UdpRole,
    target: SocketAddr,
    /// DGRAM: where the body being read from the pipe goes (None: its
    /// address did not parse, so it is dropped).
    body_to: Option<Option<SocketAddr>>,
    /// A datagram the kernel would not take yet, and where it goes.
    blocked: Option<(Vec<u8>, SocketAddr)>,
    out: Vec<u8>,
    inbuf: Box<[MaybeUninit<u8>]>,
    /// Datagrams dropped on receipt (malformed, truncated, oversize).
    pub dropped: u64,
    /// The socket or endpoint is going: send what is queued, then end.
    pub closing: bool,
    /// Finished: the reactor removes it.
    pub done: bool,
}

impl UdpSession {
    pub fn new(
        socket_id: u64,
        endpoint: String,
        socket: mio::net::UdpSocket,
        pipe: Pipe,
        role: UdpRole,
        target: SocketAddr,
    ) -> UdpSession {
        UdpSession {
            socket_id,
            endpoint,
            socket,
            pipe: Some(pipe),
            role,
            target,
            body_to: None,
            blocked: None,
            out: Vec::with_capacity(MAX_DATAGRAM),
            // One more than the largest datagram: a longer one shows as
            // truncated.
            inbuf: vec![MaybeUninit::uninit(); MAX_DATAGRAM + 1].into_boxed_slice(),
            dropped: 0,
            closing: false,
            done: false,
        }
    }

    pub fn source(&mut self) -> &mut mio::net::UdpSocket {
        &mut self.socket
    }

    /// Does what can be done now: receive into the pipe, send from it.
    pub fn pump(&mut self) {
        if self.role.recv && !self.closing {
            self.receive();
        }
        self.transmit();
        if self.closing {
            // What the kernel would not take now is not waited for.
            self.done = true;
        }
    }

    /// Datagrams into the pipe while it has room.
    fn receive(&mut self) {
        loop {
            let Some(pipe) = self.pipe.as_mut() else {
                return;
            };
            if !pipe.check_write() {
                // Woken again when the socket reads (ActivateWrite).
                return;
            }
            let sock = socket2::SockRef::from(&self.socket);
            let (n, from) = match sock.recv_from_with_flags(&mut self.inbuf, libc::MSG_TRUNC) {
                Ok(r) => r,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // An ICMP error for an earlier send, and the like.
                Err(_) => continue,
            };
            if n > MAX_DATAGRAM {
                self.dropped += 1;
                continue;
            }
            // SAFETY: recvfrom wrote the first n octets (n <= the buffer).
            let datagram =
                unsafe { std::slice::from_raw_parts(self.inbuf.as_ptr() as *const u8, n) };
            let parts = if self.role.raw {
                let name = from
                    .as_socket()
                    .map(|a| udp::peer_name(&a))
                    .unwrap_or_default();
                Msg::from_slice(&name)
                    .and_then(|mut a| {
                        a.set_flags(flags::MORE);
                        Ok((Some(a), Msg::from_slice(datagram)?))
                    })
                    .ok()
            } else {
                udp::decode_group_datagram(datagram).and_then(|(group, body)| {
                    let mut m = Msg::from_slice(body).ok()?;
                    m.set_group(group).ok()?;
                    Some((None, m))
                })
            };
            let Some((address, body)) = parts else {
                self.dropped += 1;
                continue;
            };
            if let Some(a) = address {
                let _ = pipe.write(a);
            }
            let _ = pipe.write(body);
            pipe.flush();
        }
    }

    /// Messages from the pipe out as datagrams until the pipe is empty or
    /// the kernel would block.
    fn transmit(&mut self) {
        if let Some((datagram, to)) = self.blocked.take() {
            match self.socket.send_to(&datagram, to) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    self.blocked = Some((datagram, to));
                    return;
                }
                // Sent, or refused by the network: either way it is gone.
                _ => {}
            }
        }
        loop {
            let Some(pipe) = self.pipe.as_mut() else {
                return;
            };
            let m = match pipe.read() {
                Read::Msg(m) => m,
                Read::Empty => return,
                Read::Done => {
                    self.done = true;
                    return;
                }
            };
            let to = if !self.role.send || m.flags() & (flags::JOIN | flags::LEAVE) != 0 {
                // A DISH's joins mean nothing to a udp socket.
                None
            } else if self.role.raw {
                match self.body_to.take() {
                    None => {
                        self.body_to = Some(udp::parse_peer_name(m.data()).ok());
                        None
                    }
                    Some(to) => {
                        self.out.clear();
                        self.out.extend_from_slice(m.data());
                        to.filter(|_| self.out.len() <= MAX_DATAGRAM)
                    }
                }
            } else {
                udp::encode_group_datagram(m.group().to_bytes(), m.data(), &mut self.out)
                    .then_some(self.target)
            };
            let Some(to) = to else {
                continue;
            };
            match self.socket.send_to(&self.out, to) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    self.blocked = Some((std::mem::take(&mut self.out), to));
                    self.out = Vec::with_capacity(MAX_DATAGRAM);
                    return;
                }
                _ => {}
            }
        }
    }

    pub fn activate_read(&mut self, key: u64) {
        if let Some(p) = self.pipe.as_mut().filter(|p| p.key() == key) {
            p.activate_read();
        }
    }

    pub fn activate_write(&mut self, key: u64, msgs_read: u64) {
        if let Some(p) = self.pipe.as_mut().filter(|p| p.key() == key) {
            p.activate_write(msgs_read);
        }
    }

    pub fn apply_hwms(&mut self, key: u64, inhwm: i32, outhwm: i32) {
        if let Some(p) = self.pipe.as_mut().filter(|p| p.key() == key) {
            p.apply_hwms(inhwm, outhwm);
        }
    }

    /// The socket ended the pipe.
    pub fn pipe_term(&mut self, key: u64) {
        if let Some(p) = self.pipe.as_mut().filter(|p| p.key() == key) {
            p.peer_terminated();
            self.closing = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipe::{pipe_pair, Direction};
    use crate::transport::address::resolve_udp;
    use std::net::UdpSocket;
    use std::time::{Duration, Instant};

    fn role(send: bool, recv: bool, raw: bool) -> UdpRole {
        UdpRole {
            send,
            recv,
            raw,
            multicast_loop: true,
            multicast_hops: 1,
            device: Vec::new(),
        }
    }

    /// A session bound on a free loopback port, the socket's pipe end, and
    /// the port.
    fn bound(r: UdpRole) -> (UdpSession, Pipe, u16) {
        let port = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = resolve_udp(&format!("127.0.0.1:{port}"), true, false).unwrap();
        let sock = udp::open(&addr, &r).unwrap();
        let (socket_end, session_end) = pipe_pair(Direction::default(), Direction::default());
        let s = UdpSession::new(1, String::new(), sock, session_end, r, addr.target);
        (s, socket_end, port)
    }

    /// Pumps until `n` messages are in the pipe (or a second passed).
    fn read_n(s: &mut UdpSession, p: &mut Pipe, n: usize) -> Vec<Msg> {
        let mut got = Vec::new();
        let end = Instant::now() + Duration::from_secs(1);
        while got.len() < n && Instant::now() < end {
            s.pump();
            p.activate_read();
            while let Read::Msg(m) = p.read() {
                got.push(m);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        got
    }

    #[test]
    fn bad_datagrams_are_dropped_and_counted() {
        let (mut s, mut p, port) = bound(role(false, true, false));
        let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = ("127.0.0.1", port);
        let mut huge = vec![2u8, b'T', b'V'];
        huge.resize(MAX_DATAGRAM + 1, b'h');
        for bad in [&b""[..], b"\x05TV", b"\x03T\0V", &huge] {
            tx.send_to(bad, to).unwrap();
        }
        tx.send_to(b"\x02TVok", to).unwrap();
        let got = read_n(&mut s, &mut p, 1);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].data(), b"ok");
        assert_eq!(got[0].group().to_bytes(), b"TV");
        assert_eq!(s.dropped, 4);
    }

    #[test]
    fn dgram_names_the_sender_and_answers_it() {
        let (mut s, mut p, port) = bound(role(true, true, true));
        let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
        peer.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        peer.send_to(b"hello", ("127.0.0.1", port)).unwrap();
        let got = read_n(&mut s, &mut p, 2);
        let name = format!("127.0.0.1:{}\0", peer.local_addr().unwrap().port());
        assert_eq!(got[0].data(), name.as_bytes());
        assert!(got[0].more());
        assert_eq!(got[1].data(), b"hello");
        // An address that does not parse drops its body; the next goes.
        for (part, more) in [(&b"nowhere"[..], true), (b"lost", false)]
            .into_iter()
            .chain([(name.as_bytes(), true), (&b"back"[..], false)])
        {
            let mut m = Msg::from_slice(part).unwrap();
            if more {
                m.set_flags(flags::MORE);
            }
            p.write(m).unwrap();
        }
        p.flush();
        s.activate_read(s.pipe.as_ref().unwrap().key());
        s.pump();
        let mut buf = [0u8; 16];
        let n = peer.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"back");
    }
}
