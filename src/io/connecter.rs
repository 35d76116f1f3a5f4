//! Connecters: how a connecting session reaches its peer. Opening the
//! stream (tcp, resolved afresh at every attempt as libzmq does, or through
//! a SOCKS5 proxy that gets the name unresolved; ipc), driving the SOCKS5
//! exchange over it, the reconnect interval with libzmq's backoff and
//! jitter, and when to stop trying (ZMQ_RECONNECT_STOP). It knows nothing
//! of pipes or sockets.

use crate::constants::{ZMQ_RECONNECT_STOP_AFTER_DISCONNECT, ZMQ_RECONNECT_STOP_CONN_REFUSED};
use crate::error::{Error, Result};
use crate::transport::address::{resolve_tcp_connect, IpcAddr};
use crate::transport::socks::Socks5;
use crate::transport::{self, ConnectError, Stream, TcpSettings};
use std::io;

/// Where a connecting session connects to.
#[derive(Debug, Clone)]
pub enum ConnectAddr {
    /// The text after "tcp://", resolved afresh at each attempt (as libzmq).
    Tcp(String),
    Ipc(IpcAddr),
    /// ws:// and wss://: `target` ("host:port") resolved as for tcp, then
    /// the upgrade asks for `path` on `host`; wss:// first speaks TLS with
    /// these settings, asking for `tls_name`.
    Ws {
        target: String,
        host: String,
        path: String,
        tls: Option<(std::sync::Arc<rustls::ClientConfig>, String)>,
    },
}

/// ZMQ_SOCKS_PROXY ("host:port") with ZMQ_SOCKS_USERNAME and _PASSWORD.
#[derive(Debug, Clone)]
pub struct SocksProxy {
    pub proxy: String,
    pub username: Vec<u8>,
    pub password: Vec<u8>,
}

/// A stream on its way to the peer.
pub struct Opened {
    pub stream: Stream,
    /// The kernel has not finished connecting yet (tcp).
    pub in_progress: bool,
    /// The SOCKS5 exchange to do before the protocol starts.
    pub socks: Option<Socks5>,
}

/// Starts a connect to `addr` (through `socks` for tcp when set).
pub fn open(
    addr: &ConnectAddr,
    socks: Option<&SocksProxy>,
    tcp: &TcpSettings,
) -> std::result::Result<Opened, ConnectError> {
    match addr {
        ConnectAddr::Tcp(target) => {
            // Through a SOCKS5 proxy: connect to it; the target name goes
            // to the proxy unresolved.
            let host = socks.map_or(target.as_str(), |s| s.proxy.as_str());
            let stream = resolve_tcp_connect(host, tcp.ipv6)
                .map_err(ConnectError::from)
                .and_then(|a| transport::tcp_connect(&a, tcp))?;
            let socks = match socks {
                Some(s) => Some(Socks5::new(target, &s.username, &s.password).map_err(
                    |Error(errno)| ConnectError {
                        errno,
                        closed_fd: None,
                    },
                )?),
                None => None,
            };
            Ok(Opened {
                stream,
                in_progress: true,
                socks,
            })
        }
        ConnectAddr::Ws { target, .. } => {
            let stream = resolve_tcp_connect(target, tcp.ipv6)
                .map_err(ConnectError::from)
                .and_then(|a| transport::tcp_connect(&a, tcp))?;
            Ok(Opened {
                stream,
                in_progress: true,
                socks: None,
            })
        }
        ConnectAddr::Ipc(a) => transport::ipc_connect(a, tcp).map(|stream| Opened {
            stream,
            in_progress: false,
            socks: None,
        }),
    }
}

/// What one turn of the SOCKS5 exchange came to.
#[derive(Debug, PartialEq, Eq)]
pub enum SocksStep {
    /// The proxy has not answered everything yet.
    Waiting,
    /// The proxy refused or the stream failed (errno).
    Failed(i32),
    /// Connected through the proxy; what it sent past its reply belongs to
    /// the protocol.
    Done(Vec<u8>),
}

/// Writes what the SOCKS5 exchange has to say and reads the proxy's
/// answers until the stream would block or the exchange is over.
pub fn socks_step(stream: &mut Stream, socks: &mut Socks5) -> SocksStep {
    loop {
        while !socks.output().is_empty() {
            match stream.write_vectored(&[io::IoSlice::new(socks.output())]) {
                Ok(n) => socks.consumed(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return SocksStep::Waiting,
                Err(e) => return SocksStep::Failed(e.raw_os_error().unwrap_or(libc::EPIPE)),
            }
        }
        if socks.is_done() {
            return SocksStep::Done(socks.leftover());
        }
        let mut buf = [0u8; 512];
        match stream.read(&mut buf) {
            Ok(0) => return SocksStep::Failed(libc::ECONNREFUSED),
            Ok(n) => {
                if let Err(Error(e)) = socks.feed(&buf[..n]) {
                    return SocksStep::Failed(e);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return SocksStep::Waiting,
            Err(e) => return SocksStep::Failed(e.raw_os_error().unwrap_or(libc::ECONNRESET)),
        }
    }
}

/// The reconnect interval (ZMQ_RECONNECT_IVL, ZMQ_RECONNECT_IVL_MAX).
#[derive(Debug, Clone)]
pub struct Backoff {
    ivl: i32,
    max: i32,
    current: i32,
}

impl Backoff {
    pub fn new(ivl: i32, max: i32) -> Backoff {
        Backoff {
            ivl,
            max,
            current: ivl,
        }
    }

    /// A connection got through its handshake: the next wait starts over.
    pub fn reset(&mut self) {
        self.current = self.ivl;
    }

    /// How long to wait before the next attempt, in milliseconds. Without a
    /// maximum, libzmq adds up to one interval of jitter (`random` picks
    /// it); with one, each wait doubles up to the maximum.
    pub fn next(&mut self, random: u32) -> i32 {
        let mut wait = self.current.max(0);
        if self.max <= 0 && wait > 0 {
            wait += (random % wait as u32) as i32;
        }
        if self.max > 0 {
            self.current = self.current.saturating_mul(2).min(self.max);
        }
        wait
    }
}

/// Whether a failed connect is the last (ZMQ_RECONNECT_STOP and a negative
/// ZMQ_RECONNECT_IVL): `errno` is the attempt's error (0 after a lost
/// connection), `disconnected` whether the socket has had a zmq_disconnect
/// or zmq_unbind.
pub fn gives_up(
    reconnect_stop: i32,
    reconnect_ivl: i32,
    errno: i32,
    addr: &ConnectAddr,
    disconnected: bool,
) -> bool {
    let refused = errno == libc::ECONNREFUSED;
    // AFTER_DISCONNECT: once the socket has had a zmq_disconnect or
    // zmq_unbind, a refused ipc connect is the last (libzmq applies it to
    // ipc only).
    let refused_after_disconnect = refused
        && reconnect_stop & ZMQ_RECONNECT_STOP_AFTER_DISCONNECT != 0
        && matches!(addr, ConnectAddr::Ipc(_))
        && disconnected;
    (reconnect_stop & ZMQ_RECONNECT_STOP_CONN_REFUSED != 0 && refused)
        || refused_after_disconnect
        || reconnect_ivl < 0
}

/// Random bits for the jitter.
pub fn jitter_bits() -> u32 {
    let mut r = [0u8; 4];
    let _: Result<()> = crate::keys::random_bytes(&mut r).map(drop);
    u32::from_ne_bytes(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let mut b = Backoff::new(100, 1000);
        let waits: Vec<i32> = (0..6).map(|_| b.next(12345)).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
        b.reset();
        assert_eq!(b.next(0), 100);
    }

    #[test]
    fn without_a_maximum_the_wait_has_up_to_one_interval_of_jitter() {
        let mut b = Backoff::new(100, 0);
        for r in [0u32, 1, 99, 100, 250, u32::MAX] {
            let w = b.next(r);
            assert_eq!(w, 100 + (r % 100) as i32);
            assert!((100..200).contains(&w));
        }
        // A zero interval retries at once, without jitter.
        assert_eq!(Backoff::new(0, 0).next(7), 0);
        // A negative one is taken as zero here (gives_up stops it first).
        assert_eq!(Backoff::new(-1, 0).next(7), 0);
    }

    #[test]
    fn reconnect_stop_rules() {
        let tcp = ConnectAddr::Tcp("127.0.0.1:1".into());
        let ipc = ConnectAddr::Ipc(IpcAddr::Path("/tmp/x".into()));
        let refused = libc::ECONNREFUSED;
        let conn_refused = ZMQ_RECONNECT_STOP_CONN_REFUSED;
        let after = ZMQ_RECONNECT_STOP_AFTER_DISCONNECT;
        // By default nothing stops a session but a negative interval.
        assert!(!gives_up(0, 100, refused, &tcp, true));
        assert!(gives_up(0, -1, 0, &tcp, false));
        // CONN_REFUSED: a refusal, not another error.
        assert!(gives_up(conn_refused, 100, refused, &tcp, false));
        assert!(!gives_up(conn_refused, 100, libc::ETIMEDOUT, &tcp, false));
        // AFTER_DISCONNECT: a refused ipc connect after zmq_disconnect.
        assert!(gives_up(after, 100, refused, &ipc, true));
        assert!(!gives_up(after, 100, refused, &ipc, false));
        assert!(!gives_up(after, 100, refused, &tcp, true));
    }

    #[test]
    fn socks_exchange_over_a_stream() {
        let (ours, mut proxy) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let mut stream = Stream::Unix(mio::net::UnixStream::from_std(ours));
        let mut socks = Socks5::new("10.0.0.1:5555", b"", b"").unwrap();
        // Our greeting goes out; the proxy has not answered.
        assert_eq!(socks_step(&mut stream, &mut socks), SocksStep::Waiting);
        let mut buf = [0u8; 64];
        assert_eq!(proxy.read(&mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], &[5, 1, 0]);
        proxy.write_all(&[5, 0]).unwrap();
        // The connect request follows.
        assert_eq!(socks_step(&mut stream, &mut socks), SocksStep::Waiting);
        let n = proxy.read(&mut buf).unwrap();
        assert_eq!(&buf[..4], &[5, 1, 0, 1]);
        assert_eq!(n, 10);
        // The reply, and the first octets of the peer's protocol after it.
        proxy
            .write_all(&[5, 0, 0, 1, 10, 0, 0, 1, 0x15, 0xb3, 0xff, 0])
            .unwrap();
        assert_eq!(
            socks_step(&mut stream, &mut socks),
            SocksStep::Done(vec![0xff, 0])
        );
        // A refusal ends the attempt with an error.
        let (ours, mut proxy) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let mut stream = Stream::Unix(mio::net::UnixStream::from_std(ours));
        let mut socks = Socks5::new("10.0.0.1:5555", b"", b"").unwrap();
        assert_eq!(socks_step(&mut stream, &mut socks), SocksStep::Waiting);
        proxy.write_all(&[5, 0xff]).unwrap();
        assert!(matches!(
            socks_step(&mut stream, &mut socks),
            SocksStep::Failed(_)
        ));
        // So does a proxy that hangs up.
        drop(proxy);
        let (ours, proxy) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        drop(proxy);
        let mut stream = Stream::Unix(mio::net::UnixStream::from_std(ours));
        let mut socks = Socks5::new("10.0.0.1:5555", b"", b"").unwrap();
        assert!(matches!(
            socks_step(&mut stream, &mut socks),
            SocksStep::Failed(_)
        ));
    }
}
