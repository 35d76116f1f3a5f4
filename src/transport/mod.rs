//! Transports: address parsing and the OS sockets for tcp and ipc (listen,
//! accept, connect), as non-blocking streams the I/O threads drive.
//! inproc needs none of this: it is pipes between sockets (see `ctx`).

pub mod address;
pub mod filter;
pub mod socks;
pub mod udp;

use crate::error::{Error, Result};
use address::{IpcAddr, TcpConnectAddr};
use std::io::{self, IoSlice, Read};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};

/// Socket-level settings applied to every tcp connection and listener.
#[derive(Debug, Clone, Default)]
pub struct TcpSettings {
    pub sndbuf: i32,
    pub rcvbuf: i32,
    pub tos: i32,
    pub priority: i32,
    pub keepalive: i32,
    pub keepalive_cnt: i32,
    pub keepalive_idle: i32,
    pub keepalive_intvl: i32,
    pub maxrt: i32,
    pub bindtodevice: Vec<u8>,
    pub ipv6: bool,
    pub backlog: i32,
}

fn io_err(e: io::Error) -> Error {
    Error(e.raw_os_error().unwrap_or(libc::EINVAL))
}

fn setsockopt_int(fd: RawFd, level: i32, name: i32, value: i32) {
    // SAFETY: a plain setsockopt with a live int; failures are ignored, as
    // libzmq ignores them for these tuning options.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&value as *const i32).cast(),
            std::mem::size_of::<i32>() as libc::socklen_t,
        );
    }
}

/// Applies the tuning options (buffers, TOS, keepalive...) to a socket.
fn tune(sock: &socket2::Socket, s: &TcpSettings, is_tcp: bool) {
    if s.sndbuf >= 0 {
        let _ = sock.set_send_buffer_size(s.sndbuf as usize);
    }
    if s.rcvbuf >= 0 {
        let _ = sock.set_recv_buffer_size(s.rcvbuf as usize);
    }
    if !is_tcp {
        return;
    }
    let fd = sock.as_raw_fd();
    let _ = sock.set_tcp_nodelay(true);
    if s.tos != 0 {
        setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TOS, s.tos);
        setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, s.tos);
    }
    if s.priority != 0 {
        setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_PRIORITY, s.priority);
    }
    if s.keepalive != -1 {
        setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, s.keepalive);
        if s.keepalive == 1 {
            if s.keepalive_cnt != -1 {
                setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, s.keepalive_cnt);
            }
            if s.keepalive_idle != -1 {
                setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, s.keepalive_idle);
            }
            if s.keepalive_intvl != -1 {
                setsockopt_int(
                    fd,
                    libc::IPPROTO_TCP,
                    libc::TCP_KEEPINTVL,
                    s.keepalive_intvl,
                );
            }
        }
    }
    if s.maxrt > 0 {
        setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, s.maxrt);
    }
    if !s.bindtodevice.is_empty() {
        let _ = sock.bind_device(Some(&s.bindtodevice));
    }
}

/// For writers that take any `io::Write` (rustls writes its records
/// straight to the stream): the same MSG_NOSIGNAL writes.
impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Stream::write_vectored(self, &[IoSlice::new(buf)])
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        Stream::write_vectored(self, bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A connected stream, tcp or ipc.
#[derive(Debug)]
pub enum Stream {
    Tcp(mio::net::TcpStream),
    Unix(mio::net::UnixStream),
}

impl Stream {
    pub fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Stream::Tcp(s) => s,
            Stream::Unix(s) => s,
        }
    }

    pub fn fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }

    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }

    /// Reads into memory that need not be initialised (a large message
    /// body, not zeroed first).
    pub fn read_uninit(&mut self, buf: &mut [std::mem::MaybeUninit<u8>]) -> io::Result<usize> {
        loop {
            // SAFETY: read(2) writes at most buf.len() octets into buf and
            // reads none of them.
            let rc = unsafe { libc::read(self.fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if rc >= 0 {
                return Ok(rc as usize);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }

    /// Writes with MSG_NOSIGNAL: a peer that went away is EPIPE, never a
    /// SIGPIPE in the host program (writev would raise one).
    pub fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        // SAFETY: IoSlice is ABI-compatible with iovec on Unix; the msghdr
        // only points at `bufs`, which outlives the call.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
        msg.msg_iovlen = bufs.len().min(libc::UIO_MAXIOV as usize) as _;
        let n = unsafe { libc::sendmsg(self.fd(), &msg, libc::MSG_NOSIGNAL) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// The error of a connect in progress, once the stream is writable.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self {
            Stream::Tcp(s) => s.take_error(),
            Stream::Unix(s) => s.take_error(),
        }
    }

    /// The peer's address as text, for the Peer-Address property: the IP
    /// for tcp; "localhost:uid:gid:pid" from the peer's credentials for ipc,
    /// as libzmq reports it.
    pub fn peer_address(&self) -> String {
        match self {
            Stream::Tcp(s) => s
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default(),
            Stream::Unix(_) => self
                .peer_credentials()
                .map(|(pid, uid, gid)| format!("localhost:{uid}:{gid}:{pid}"))
                .unwrap_or_default(),
        }
    }

    /// The (pid, uid, gid) of an ipc peer.
    pub fn peer_credentials(&self) -> Option<(i32, u32, u32)> {
        let Stream::Unix(s) = self else {
            return None;
        };
        let mut cred = libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: getsockopt fills at most `len` bytes of `cred`.
        let rc = unsafe {
            libc::getsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                (&mut cred as *mut libc::ucred).cast(),
                &mut len,
            )
        };
        (rc == 0).then_some((cred.pid, cred.uid, cred.gid))
    }

    /// The peer's endpoint text ("tcp://ip:port").
    pub fn remote_endpoint(&self) -> String {
        match self {
            Stream::Tcp(s) => s
                .peer_addr()
                .map(|a| address::tcp_endpoint_string(&a))
                .unwrap_or_default(),
            Stream::Unix(_) => String::new(),
        }
    }

    pub fn local_endpoint(&self) -> String {
        match self {
            Stream::Tcp(s) => s
                .local_addr()
                .map(|a| address::tcp_endpoint_string(&a))
                .unwrap_or_default(),
            Stream::Unix(_) => String::new(),
        }
    }

    /// A tcp connection whose two ends are the same address: a socket that
    /// connected to itself (an ephemeral port equal to the one it dialled).
    pub fn is_self_connected(&self) -> bool {
        match self {
            Stream::Tcp(s) => matches!(
                (s.local_addr(), s.peer_addr()),
                (Ok(local), Ok(peer)) if local == peer
            ),
            Stream::Unix(_) => false,
        }
    }
}

/// A listening socket, tcp or ipc.
#[derive(Debug)]
pub enum Listener {
    Tcp(mio::net::TcpListener),
    Unix(mio::net::UnixListener),
}

impl Listener {
    pub fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Listener::Tcp(s) => s,
            Listener::Unix(s) => s,
        }
    }

    /// The next accepted connection (WouldBlock when none).
    pub fn accept(&self, settings: &TcpSettings) -> io::Result<Stream> {
        match self {
            Listener::Tcp(l) => {
                let (s, _) = l.accept()?;
                let sock = socket2::SockRef::from(&s);
                tune_ref(&sock, settings, true);
                Ok(Stream::Tcp(s))
            }
            Listener::Unix(l) => {
                let (s, _) = l.accept()?;
                let sock = socket2::SockRef::from(&s);
                tune_ref(&sock, settings, false);
                Ok(Stream::Unix(s))
            }
        }
    }
}

fn tune_ref(sock: &socket2::SockRef<'_>, s: &TcpSettings, is_tcp: bool) {
    // SockRef derefs to Socket.
    tune(sock, s, is_tcp)
}

/// Binds and listens on a tcp address; returns the listener and the address
/// it really got (the port chosen for "*").
pub fn tcp_listen(addr: SocketAddr, s: &TcpSettings) -> Result<(Listener, SocketAddr)> {
    let domain = socket2::Domain::for_address(addr);
    let sock = socket2::Socket::new(
        domain,
        socket2::Type::STREAM.cloexec(),
        Some(socket2::Protocol::TCP),
    )
    .map_err(io_err)?;
    if addr.is_ipv6() {
        // Dual-stack when ZMQ_IPV6 is on (IPv4 peers arrive mapped).
        let _ = sock.set_only_v6(false);
    }
    sock.set_reuse_address(true).map_err(io_err)?;
    tune(&sock, s, true);
    sock.bind(&addr.into()).map_err(io_err)?;
    sock.listen(if s.backlog > 0 { s.backlog } else { 100 })
        .map_err(io_err)?;
    sock.set_nonblocking(true).map_err(io_err)?;
    let local = sock
        .local_addr()
        .map_err(io_err)?
        .as_socket()
        .ok_or(Error::EINVAL)?;
    let std_listener: std::net::TcpListener = sock.into();
    Ok((
        Listener::Tcp(mio::net::TcpListener::from_std(std_listener)),
        local,
    ))
}

/// Takes over a listening tcp socket the application made (ZMQ_USE_FD).
pub fn tcp_adopt(fd: RawFd) -> Result<(Listener, SocketAddr)> {
    // SAFETY: ZMQ_USE_FD hands us the fd; the listener owns it from now on,
    // as libzmq's does.
    let l = unsafe { <std::net::TcpListener as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    l.set_nonblocking(true).map_err(io_err)?;
    let local = l.local_addr().map_err(io_err)?;
    Ok((Listener::Tcp(mio::net::TcpListener::from_std(l)), local))
}

/// Takes over a listening ipc socket the application made (ZMQ_USE_FD).
pub fn ipc_adopt(fd: RawFd) -> Result<Listener> {
    // SAFETY: as `tcp_adopt`.
    let l =
        unsafe { <std::os::unix::net::UnixListener as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    l.set_nonblocking(true).map_err(io_err)?;
    Ok(Listener::Unix(mio::net::UnixListener::from_std(l)))
}

/// A connect that failed: its errno, and the descriptor that was opened
/// for it and closed again (libzmq reports that close as CLOSED), if one
/// was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectError {
    pub errno: i32,
    pub closed_fd: Option<RawFd>,
}

impl From<Error> for ConnectError {
    /// A failure before any descriptor existed (e.g. name resolution).
    fn from(Error(errno): Error) -> Self {
        ConnectError {
            errno,
            closed_fd: None,
        }
    }
}

/// Starts a non-blocking connect on a new socket (`setup` tunes it first);
/// a tcp connect may still be in progress when it returns.
fn start_connect(
    domain: socket2::Domain,
    protocol: Option<socket2::Protocol>,
    dst: &socket2::SockAddr,
    setup: impl FnOnce(&socket2::Socket) -> io::Result<()>,
) -> std::result::Result<socket2::Socket, ConnectError> {
    let sock = socket2::Socket::new(domain, socket2::Type::STREAM.cloexec(), protocol)
        .map_err(|e| ConnectError::from(io_err(e)))?;
    let fail = |e: io::Error| ConnectError {
        errno: io_err(e).0,
        closed_fd: Some(sock.as_raw_fd()),
    };
    setup(&sock).map_err(fail)?;
    sock.set_nonblocking(true).map_err(fail)?;
    match sock.connect(dst) {
        Ok(()) => Ok(sock),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(sock),
        Err(e) => Err(fail(e)),
    }
}

/// Starts a non-blocking tcp connect (it completes when the stream turns
/// writable).
pub fn tcp_connect(
    addr: &TcpConnectAddr,
    s: &TcpSettings,
) -> std::result::Result<Stream, ConnectError> {
    let sock = start_connect(
        socket2::Domain::for_address(addr.dst),
        Some(socket2::Protocol::TCP),
        &addr.dst.into(),
        |sock| {
            tune(sock, s, true);
            if let Some(src) = addr.src {
                let _ = sock.set_reuse_address(true);
                sock.bind(&src.into())?;
            }
            Ok(())
        },
    )?;
    let std_stream: std::net::TcpStream = sock.into();
    Ok(Stream::Tcp(mio::net::TcpStream::from_std(std_stream)))
}

/// Binds and listens on an ipc address.
pub fn ipc_listen(addr: &IpcAddr, s: &TcpSettings) -> Result<Listener> {
    if let IpcAddr::Path(p) = addr {
        // A stale socket file from an earlier run is replaced, as libzmq.
        let _ = std::fs::remove_file(p);
    }
    let std_addr = addr.to_std().map_err(io_err)?;
    let l = std::os::unix::net::UnixListener::bind_addr(&std_addr).map_err(io_err)?;
    l.set_nonblocking(true).map_err(io_err)?;
    let sock = socket2::SockRef::from(&l);
    tune_ref(&sock, s, false);
    if s.backlog > 0 {
        let _ = sock.listen(s.backlog);
    }
    Ok(Listener::Unix(mio::net::UnixListener::from_std(l)))
}

/// Connects to an ipc address (a unix stream connect completes at once or
/// fails).
pub fn ipc_connect(addr: &IpcAddr, s: &TcpSettings) -> std::result::Result<Stream, ConnectError> {
    let dst = addr
        .to_sockaddr()
        .map_err(|e| ConnectError::from(io_err(e)))?;
    // A full backlog (EAGAIN) is a failure like any other: the connect is
    // tried again later, as libzmq's.
    let sock = start_connect(socket2::Domain::UNIX, None, &dst, |sock| {
        tune(sock, s, false);
        Ok(())
    })?;
    let stream: std::os::unix::net::UnixStream = sock.into();
    Ok(Stream::Unix(mio::net::UnixStream::from_std(stream)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(s: socket2::Socket) -> Stream {
        let std_stream: std::net::TcpStream = s.into();
        Stream::Tcp(mio::net::TcpStream::from_std(std_stream))
    }

    /// A socket bound to a port and connected to that same port meets
    /// itself (TCP's simultaneous open); a connection to a listener does
    /// not.
    #[test]
    fn self_connect_is_recognised() {
        let new = || {
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                .expect("socket")
        };
        let me = new();
        me.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .expect("bind");
        let addr = me.local_addr().unwrap();
        me.connect(&addr).expect("self-connect");
        assert!(tcp(me).is_self_connected());

        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
        let other = new();
        other
            .connect(&listener.local_addr().unwrap().into())
            .expect("connect");
        assert!(!tcp(other).is_self_connected());
    }
}
