//! tcp://, ipc:// and udp:// endpoint addresses: parsing, resolving and printing them
//! exactly as libzmq 4.3.5 does.
//!
//! This file owns the address half of the stream transports (sockets, I/O and
//! listeners live elsewhere):
//!
//! * `tcp_address_t::resolve` and `ip_resolver_t` (tcp_address.cpp,
//!   ip_resolver.cpp): the `[src;]host:port` grammar, port `*`/`0`, square
//!   brackets, `%zone` ids, `*` as the any-address, interface names looked up
//!   with `getifaddrs`, and `getaddrinfo` with libzmq's flags and errno mapping;
//! * the quick syntax check `zmq_connect` runs on a tcp address before
//!   deferring resolution to the connecter (socket_base.cpp);
//! * `tcp_address_t::to_string` (the `ZMQ_LAST_ENDPOINT` text of a bound tcp
//!   socket, via `getnameinfo(NI_NUMERICHOST)`);
//! * `ipc_address_t::resolve`/`to_string` (ipc_address.cpp) and the `ipc://*`
//!   wildcard of `ipc_listener_t::set_local_address` together with
//!   `create_ipc_wildcard_address` (ip.cpp).
//!
//! Errno values, as libzmq 4.3.5 sets them:
//!
//! | case | errno |
//! |---|---|
//! | tcp: no `:port`, empty/non-numeric/overflowing-to-0 port, `00` | `EINVAL` |
//! | tcp: port `*` when connecting (destination part) | `EINVAL` |
//! | tcp: empty `%zone`, unknown zone name, zone 0 | `EINVAL` |
//! | tcp bind (or any source part): host neither `*`, an interface, an IP literal of the family, nor (bind destination only) a DNS name | `ENODEV` |
//! | tcp connect: host that `getaddrinfo` cannot resolve | `EINVAL` |
//! | `getaddrinfo` out of memory | `ENOMEM` |
//! | ipc: path of 108 bytes or more (`sun_path` size, `@` included) | `ENAMETOOLONG` |
//! | ipc: `@` alone, empty address | `EINVAL` |
//! | ipc wildcard: `mkdtemp` failure | `mkdtemp`'s errno |
//!
//! Note that libzmq 4.3.5 (commit 5657b458) allows DNS when resolving a bind
//! address, after the interface-name lookup fails; 4.3.4 did not (there
//! `tcp://localhost:5555` gave `ENODEV` on bind). Source parts (`src;`) never
//! use DNS.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use crate::error::{Error, Result};

const ENODEV: Error = Error(libc::ENODEV);
const ENAMETOOLONG: Error = Error(libc::ENAMETOOLONG);

/// libzmq 4.3.5 resolves bind addresses with `allow_dns (true)` (after the
/// interface-name lookup); 4.3.4 used `allow_dns (!local_)`.
const BIND_ALLOWS_DNS: bool = true;

// ---------------------------------------------------------------------------
// tcp
// ---------------------------------------------------------------------------

/// A resolved tcp address to connect to, with the optional source address
/// (`tcp://src;dst`) the connecting socket must be bound to first (libzmq sets
/// `SO_REUSEADDR` on it before binding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpConnectAddr {
    pub dst: SocketAddr,
    pub src: Option<SocketAddr>,
}

/// `ip_resolver_options_t`.
#[derive(Debug, Clone, Copy)]
struct ResolverOptions {
    bindable: bool,
    allow_nic_name: bool,
    ipv6: bool,
    expect_port: bool,
    allow_dns: bool,
}

/// A tcp address to bind: `*`, an interface name, an IP literal (or, as in
/// libzmq 4.3.5, a host name, tried after interface names), then `:port`
/// where the port may be `*` or `0` for an ephemeral one.
///
/// `addr` is the part after `tcp://`. A `src;` prefix is parsed and validated
/// exactly as libzmq does (its errors are reported) but otherwise ignored,
/// since a listener has no use for it.
pub fn resolve_tcp_bind(addr: &str, ipv6: bool) -> Result<SocketAddr> {
    Ok(resolve_tcp(addr, true, ipv6)?.dst)
}

/// A tcp address to connect to: a host name (resolved with `getaddrinfo`, in
/// the family `ZMQ_IPV6` selects: `AF_INET6` with `AI_V4MAPPED` when true, so
/// IPv4-only hosts come back as `::ffff:a.b.c.d`) or an IP literal, then
/// `:port`; optionally preceded by `src;` where the source is `*`, an
/// interface name or an IP literal (no DNS) followed by a mandatory `:port`
/// (`*` or `0` for any).
///
/// libzmq runs this when the connecter opens its socket, not inside
/// `zmq_connect` (which only applies [`check_tcp_connect_syntax`]); a failure
/// here means "retry later" (reconnect timer), not an error for the caller.
pub fn resolve_tcp_connect(addr: &str, ipv6: bool) -> Result<TcpConnectAddr> {
    resolve_tcp(addr, false, ipv6)
}

/// `tcp_address_t::resolve (name_, local_, ipv6_)`.
fn resolve_tcp(addr: &str, local: bool, ipv6: bool) -> Result<TcpConnectAddr> {
    if addr.contains('\0') {
        return Err(Error::EINVAL);
    }
    let (src, dst) = match addr.rsplit_once(';') {
        Some((src_name, dst_name)) => {
            let src_opts = ResolverOptions {
                bindable: true,
                // Literals only: no DNS look-ups for a source address.
                allow_dns: false,
                allow_nic_name: true,
                ipv6,
                expect_port: true,
            };
            (Some(resolve_ip(src_name, src_opts)?), dst_name)
        }
        None => (None, addr),
    };
    let opts = ResolverOptions {
        bindable: local,
        allow_dns: if local { BIND_ALLOWS_DNS } else { true },
        allow_nic_name: local,
        ipv6,
        expect_port: true,
    };
    let dst = resolve_ip(dst, opts)?;
    Ok(TcpConnectAddr { dst, src })
}

// ---------------------------------------------------------------------------
// udp
// ---------------------------------------------------------------------------

/// A resolved udp:// address: where to send (`target`), what to bind to
/// receive (`bind`), and for multicast the interface to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpAddr {
    pub target: SocketAddr,
    pub bind: SocketAddr,
    pub multicast: bool,
    /// Interface index for IPv6 multicast: 0 any, -1 unknown.
    pub bind_if: i32,
}

/// `udp_address_t::resolve`: `[iface;]host:port`. With an interface (`*`,
/// a name or an IP literal, never DNS) the host must be multicast. Without
/// one, a multicast host (or any host when sending) binds the any-address
/// at the port; a unicast host when receiving is the address to bind.
/// Families must agree (EINVAL); IPv6 multicast without a known interface
/// is ENODEV.
pub fn resolve_udp(name: &str, bind: bool, ipv6: bool) -> Result<UdpAddr> {
    if name.contains('\0') {
        return Err(Error::EINVAL);
    }
    let mut iface = None;
    let mut bind_if = -1;
    let mut host = name;
    if let Some((src, rest)) = name.rsplit_once(';') {
        let opts = ResolverOptions {
            bindable: true,
            allow_dns: false,
            allow_nic_name: true,
            ipv6,
            expect_port: false,
        };
        let sa = resolve_ip(src, opts)?;
        if sa.ip().is_multicast() {
            return Err(Error::EINVAL);
        }
        bind_if = if src == "*" {
            0
        } else {
            CString::new(src)
                // SAFETY: a valid NUL-terminated string.
                .map(|c| unsafe { libc::if_nametoindex(c.as_ptr()) } as i32)
                .ok()
                .filter(|&i| i > 0)
                .unwrap_or(-1)
        };
        iface = Some(sa);
        host = rest;
    }
    let opts = ResolverOptions {
        bindable: bind,
        allow_dns: true,
        allow_nic_name: bind,
        ipv6,
        expect_port: true,
    };
    let target = resolve_ip(host, opts)?;
    let multicast = target.ip().is_multicast();
    let any = |t: &SocketAddr| match t {
        SocketAddr::V4(_) => SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), t.port()),
        SocketAddr::V6(_) => SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), t.port()),
    };
    let bind_addr = match iface {
        Some(mut sa) => {
            if !multicast {
                return Err(Error::EINVAL);
            }
            sa.set_port(target.port());
            sa
        }
        None if multicast || !bind => {
            bind_if = 0;
            any(&target)
        }
        None => target,
    };
    if bind_addr.is_ipv4() != target.is_ipv4() {
        return Err(Error::EINVAL);
    }
    if ipv6 && multicast && bind_if < 0 {
        return Err(ENODEV);
    }
    Ok(UdpAddr {
        target,
        bind: bind_addr,
        multicast,
        bind_if,
    })
}

/// The syntax check `zmq_connect` applies to a tcp address before it defers
/// resolution to the connecter (socket_base.cpp, `connect_internal`): the
/// address must start with an ASCII letter, digit, `[` or `:`, continue with
/// letters, digits and `.-:%;[]_*`, and end with `:` followed by something
/// starting with a digit. Anything else is `EINVAL`.
pub fn check_tcp_connect_syntax(addr: &str) -> Result<()> {
    let bytes = addr.as_bytes();
    let first_ok = |c: u8| c.is_ascii_alphanumeric() || c == b'[' || c == b':';
    let rest_ok = |c: u8| c.is_ascii_alphanumeric() || b".-:%;[]_*".contains(&c);
    let all_ok = match bytes.split_first() {
        None => true,
        Some((&first, rest)) => first_ok(first) && rest.iter().all(|&c| rest_ok(c)),
    };
    if !all_ok {
        return Err(Error::EINVAL);
    }
    let port_ok = addr
        .rsplit_once(':')
        .and_then(|(_, port)| port.as_bytes().first())
        .is_some_and(u8::is_ascii_digit);
    if port_ok {
        Ok(())
    } else {
        Err(Error::EINVAL)
    }
}

/// `ip_resolver_t::resolve`.
fn resolve_ip(name: &str, opts: ResolverOptions) -> Result<SocketAddr> {
    let (addr, port) = if opts.expect_port {
        // The last colon: IPv6 addresses contain colons too.
        let (addr, port_str) = name.rsplit_once(':').ok_or(Error::EINVAL)?;
        let port = match port_str {
            "*" if opts.bindable => 0,
            "*" => return Err(Error::EINVAL),
            "0" => 0,
            _ => {
                // `static_cast<uint16_t> (atoi (port_str))`; 0 is invalid.
                let port = c_atoi(port_str) as u16;
                if port == 0 {
                    return Err(Error::EINVAL);
                }
                port
            }
        };
        (addr, port)
    } else {
        (name, 0)
    };

    // Square brackets around the address (IPv6 literals) are dropped.
    let addr = addr
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(addr);

    // An interface name or numeric zone id after the last '%' (RFC 4007).
    let (addr, zone_id) = match addr.rsplit_once('%') {
        Some((addr, if_str)) => {
            let zone_id = zone_index(if_str.as_bytes());
            if zone_id == 0 {
                return Err(Error::EINVAL);
            }
            (addr, zone_id)
        }
        None => (addr, 0),
    };

    let mut resolved = None;
    if opts.bindable && addr == "*" {
        resolved = Some(if opts.ipv6 {
            SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0))
        } else {
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0))
        });
    }
    if resolved.is_none() && opts.allow_nic_name {
        match resolve_nic_name(addr, opts.ipv6) {
            Ok(sa) => resolved = Some(sa),
            Err(e) if e == ENODEV => {}
            Err(e) => return Err(e),
        }
    }
    let mut sa = match resolved {
        Some(sa) => sa,
        None => resolve_getaddrinfo(addr, opts)?,
    };

    sa.set_port(port);
    if let SocketAddr::V6(v6) = &mut sa {
        // libzmq always overwrites the scope id, with 0 when no zone was given.
        v6.set_scope_id(zone_id);
    }
    Ok(sa)
}

/// `atoi` exactly as libzmq calls it (overflow and trailing junk included).
fn c_atoi(s: &str) -> libc::c_int {
    match CString::new(s) {
        // SAFETY: a valid NUL-terminated string.
        Ok(c) => unsafe { libc::atoi(c.as_ptr()) },
        Err(_) => 0,
    }
}

/// The id of an RFC 4007 `%zone` as libzmq computes it: an interface name
/// when it starts with a letter, else `atoi` (overflow and trailing junk
/// included). 0 means invalid (an empty zone too).
pub(crate) fn zone_index(zone: &[u8]) -> u32 {
    let Some(first) = zone.first() else {
        return 0;
    };
    let Ok(c) = CString::new(zone) else {
        return 0;
    };
    if first.is_ascii_alphabetic() {
        // SAFETY: a valid NUL-terminated string.
        unsafe { libc::if_nametoindex(c.as_ptr()) }
    } else {
        // SAFETY: a valid NUL-terminated string.
        unsafe { libc::atoi(c.as_ptr()) as u32 }
    }
}

fn last_errno() -> libc::c_int {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EINVAL)
}

/// `ip_resolver_t::resolve_nic_name` (getifaddrs flavour): the first address
/// of the wanted family on the interface called `nic`, else `ENODEV`.
fn resolve_nic_name(nic: &str, ipv6: bool) -> Result<SocketAddr> {
    let mut ifa: *mut libc::ifaddrs = std::ptr::null_mut();
    let mut rc = 0;
    let mut err = 0;
    for attempt in 0..10u32 {
        // SAFETY: `ifa` is a valid out-pointer.
        rc = unsafe { libc::getifaddrs(&mut ifa) };
        if rc == 0 {
            break;
        }
        err = last_errno();
        if err != libc::ECONNREFUSED {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1u64 << attempt));
    }
    if rc != 0 {
        // EINVAL/EOPNOTSUPP: no getifaddrs support (WSL). libzmq asserts on
        // anything else; report the errno instead.
        return Err(if err == libc::EINVAL || err == libc::EOPNOTSUPP {
            ENODEV
        } else {
            Error(err)
        });
    }

    let wanted = if ipv6 { libc::AF_INET6 } else { libc::AF_INET };
    let mut found = None;
    let mut cur = ifa;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned, not yet
        // freed; its name is a NUL-terminated string and its address, when
        // not null, a sockaddr of the family it announces.
        let entry = unsafe { &*cur };
        cur = entry.ifa_next;
        if entry.ifa_addr.is_null() {
            continue;
        }
        // SAFETY: see above.
        let family = libc::c_int::from(unsafe { (*entry.ifa_addr).sa_family });
        if family != wanted || entry.ifa_name.is_null() {
            continue;
        }
        // SAFETY: see above.
        let name = unsafe { CStr::from_ptr(entry.ifa_name) };
        if name.to_bytes() == nic.as_bytes() {
            // SAFETY: see above.
            found = unsafe { sockaddr_to_std(entry.ifa_addr) };
            break;
        }
    }
    // SAFETY: `ifa` came from a successful getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(ifa) };
    found.ok_or(ENODEV)
}

/// `ip_resolver_t::resolve_getaddrinfo`: the first result, in the family
/// `ipv6` selects (with `AI_V4MAPPED` for IPv6), `AI_PASSIVE` when bindable
/// and `AI_NUMERICHOST` unless DNS is allowed.
fn resolve_getaddrinfo(addr: &str, opts: ResolverOptions) -> Result<SocketAddr> {
    let failure = if opts.bindable { ENODEV } else { Error::EINVAL };
    let node = CString::new(addr).map_err(|_| failure)?;
    // SAFETY: addrinfo is plain old data; all-zero is the documented way to
    // initialise hints.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = if opts.ipv6 {
        libc::AF_INET6
    } else {
        libc::AF_INET
    };
    hints.ai_socktype = libc::SOCK_STREAM;
    if opts.bindable {
        hints.ai_flags |= libc::AI_PASSIVE;
    }
    // Under the fuzzer (cargo-fuzz builds with `--cfg fuzzing`) names are
    // never looked up, as if none resolved: no network, no waiting on DNS.
    // Literals still go through getaddrinfo.
    if !opts.allow_dns || cfg!(fuzzing) {
        hints.ai_flags |= libc::AI_NUMERICHOST;
    }
    if hints.ai_family == libc::AF_INET6 {
        hints.ai_flags |= libc::AI_V4MAPPED;
    }

    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid C string, hints and out-pointer.
    let mut rc = unsafe { libc::getaddrinfo(node.as_ptr(), std::ptr::null(), &hints, &mut res) };
    if rc == libc::EAI_BADFLAGS && hints.ai_flags & libc::AI_V4MAPPED != 0 {
        hints.ai_flags &= !libc::AI_V4MAPPED;
        // SAFETY: as above.
        rc = unsafe { libc::getaddrinfo(node.as_ptr(), std::ptr::null(), &hints, &mut res) };
    }
    if rc != 0 {
        return Err(if rc == libc::EAI_MEMORY {
            Error::ENOMEM
        } else {
            failure
        });
    }
    if res.is_null() {
        return Err(failure);
    }
    // SAFETY: `res` is the non-null list a successful getaddrinfo returned;
    // `ai_addr`, when not null, points to a sockaddr of `ai_addrlen` bytes.
    let first = unsafe { &*res };
    let sa = if first.ai_addr.is_null() {
        None
    } else {
        // SAFETY: see above.
        unsafe { sockaddr_to_std(first.ai_addr) }
    };
    // SAFETY: freed once, after the last use of `first`.
    unsafe { libc::freeaddrinfo(res) };
    sa.ok_or(failure)
}

/// An `AF_INET`/`AF_INET6` sockaddr as a std address (flowinfo and scope id
/// kept as they are).
///
/// # Safety
/// `sa` must point to a readable sockaddr whose size matches its family.
unsafe fn sockaddr_to_std(sa: *const libc::sockaddr) -> Option<SocketAddr> {
    match libc::c_int::from((*sa).sa_family) {
        libc::AF_INET => {
            let sin = std::ptr::read_unaligned(sa.cast::<libc::sockaddr_in>());
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
                u16::from_be(sin.sin_port),
            )))
        }
        libc::AF_INET6 => {
            let sin6 = std::ptr::read_unaligned(sa.cast::<libc::sockaddr_in6>());
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                sin6.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

/// `getnameinfo (NI_NUMERICHOST)` of an IP address, as libzmq prints it
/// (glibc appends `%ifname` to link-local addresses with a scope id).
fn numeric_host(addr: &SocketAddr) -> Option<String> {
    let mut host: [libc::c_char; libc::NI_MAXHOST as usize] = [0; libc::NI_MAXHOST as usize];
    let rc = match addr {
        SocketAddr::V4(v4) => {
            // SAFETY: sockaddr_in is plain old data; all-zero is valid.
            let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = v4.port().to_be();
            sin.sin_addr.s_addr = u32::from(*v4.ip()).to_be();
            set_sin_len_v4(&mut sin);
            // SAFETY: a complete sockaddr_in and a buffer of the size given.
            unsafe {
                libc::getnameinfo(
                    (&sin as *const libc::sockaddr_in).cast(),
                    std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NUMERICHOST,
                )
            }
        }
        SocketAddr::V6(v6) => {
            // SAFETY: sockaddr_in6 is plain old data; all-zero is valid.
            let mut sin6: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = v6.port().to_be();
            sin6.sin6_addr.s6_addr = v6.ip().octets();
            sin6.sin6_flowinfo = v6.flowinfo();
            sin6.sin6_scope_id = v6.scope_id();
            set_sin_len_v6(&mut sin6);
            // SAFETY: a complete sockaddr_in6 and a buffer of the size given.
            unsafe {
                libc::getnameinfo(
                    (&sin6 as *const libc::sockaddr_in6).cast(),
                    std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NUMERICHOST,
                )
            }
        }
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: on success getnameinfo NUL-terminates `host`.
    let s = unsafe { CStr::from_ptr(host.as_ptr()) };
    Some(s.to_string_lossy().into_owned())
}

#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn set_sin_len_v4(sin: &mut libc::sockaddr_in) {
    sin.sin_len = std::mem::size_of::<libc::sockaddr_in>() as u8;
}
#[cfg(not(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
fn set_sin_len_v4(_sin: &mut libc::sockaddr_in) {}

#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn set_sin_len_v6(sin6: &mut libc::sockaddr_in6) {
    sin6.sin6_len = std::mem::size_of::<libc::sockaddr_in6>() as u8;
}
#[cfg(not(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
fn set_sin_len_v6(_sin6: &mut libc::sockaddr_in6) {}

/// The text libzmq reports in `ZMQ_LAST_ENDPOINT` for a bound tcp socket
/// (`getsockname` of the listener): `tcp://127.0.0.1:5555`,
/// `tcp://[::1]:5555`, `tcp://[::ffff:127.0.0.1]:5555`, `tcp://[::]:5555`,
/// `tcp://[fe80::1%eth0]:5555`.
///
/// (After `zmq_connect` libzmq reports the endpoint string as given, since
/// resolution is deferred; this is not for that case.)
/// Splits a ws:// address into its "host:port" and its path, as libzmq
/// does: the path starts at the first '/' after the last ':' ("/" when
/// there is none). EINVAL without a ':'.
pub fn split_ws(name: &str) -> Result<(&str, &str)> {
    let colon = name.rfind(':').ok_or(Error::EINVAL)?;
    match name[colon..].find('/') {
        Some(slash) => Ok(name.split_at(colon + slash)),
        None => Ok((name, "/")),
    }
}

/// The endpoint text of a ws:// or wss:// (`scheme`) address and its path.
pub fn ws_endpoint_string(scheme: &str, addr: &SocketAddr, path: &str) -> String {
    let tcp = tcp_endpoint_string(addr);
    format!("{scheme}://{}{path}", tcp.trim_start_matches("tcp://"))
}

pub fn tcp_endpoint_string(addr: &SocketAddr) -> String {
    let host = numeric_host(addr).unwrap_or_else(|| match addr.ip() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => ip.to_string(),
    });
    match addr {
        SocketAddr::V4(_) => format!("tcp://{}:{}", host, addr.port()),
        SocketAddr::V6(_) => format!("tcp://[{}]:{}", host, addr.port()),
    }
}

// ---------------------------------------------------------------------------
// ipc
// ---------------------------------------------------------------------------

/// A resolved ipc address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpcAddr {
    /// A filesystem path (relative paths are relative to the working
    /// directory, as in libzmq).
    Path(PathBuf),
    /// A Linux abstract-namespace name, without the leading `@` (libzmq
    /// turns the `@` into the leading NUL of `sun_path`).
    Abstract(Vec<u8>),
}

/// The size of `sockaddr_un::sun_path` (108 on Linux).
fn sun_path_len() -> usize {
    // SAFETY: sockaddr_un is plain old data; all-zero is a valid value.
    let sa: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    sa.sun_path.len()
}

/// `ipc_address_t::resolve`: `ENAMETOOLONG` when the text does not fit
/// `sun_path` with its NUL (so 107 bytes at most on Linux, the `@` of an
/// abstract name included), `EINVAL` for `@` alone.
fn parse_ipc(path: &[u8]) -> Result<IpcAddr> {
    if path.len() >= sun_path_len() {
        return Err(ENAMETOOLONG);
    }
    if path == b"@" {
        return Err(Error::EINVAL);
    }
    Ok(match path.strip_prefix(b"@") {
        Some(name) => IpcAddr::Abstract(name.to_vec()),
        None => IpcAddr::Path(PathBuf::from(OsStr::from_bytes(path))),
    })
}

/// An ipc address (the part after `ipc://`): a filesystem path, or an
/// abstract name when it starts with `@`.
///
/// When binding, an address *starting* with `*` (libzmq tests `addr[0]`) is
/// the wildcard: a fresh directory `tmpXXXXXX` is made with `mkdtemp` under
/// the first of `$TMPDIR`, `$TEMPDIR`, `$TMP` that names a directory (else,
/// as in libzmq, under the working directory) and the address is
/// `<dir>/socket`; the directory is returned so that the listener can remove
/// it (after unlinking the socket file) when it closes. When connecting, `*`
/// is an ordinary path. (libzmq skips the wildcard when `ZMQ_USE_FD` is set;
/// pass `for_bind = false` then.)
///
/// Not done here, but by libzmq's listener: `unlink` of the path before
/// `bind` (even for an `@name`, which unlinks a file called `@name`).
pub fn resolve_ipc(addr: &str, for_bind: bool) -> Result<(IpcAddr, Option<PathBuf>)> {
    resolve_ipc_with_env(addr, for_bind, |name| std::env::var_os(name))
}

fn resolve_ipc_with_env(
    addr: &str,
    for_bind: bool,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<(IpcAddr, Option<PathBuf>)> {
    // `zmq_bind`/`zmq_connect` reject an empty address before the transport
    // sees it; a C string cannot hold a NUL.
    if addr.is_empty() || addr.contains('\0') {
        return Err(Error::EINVAL);
    }
    if for_bind && addr.starts_with('*') {
        let dir = create_wildcard_dir(env)?;
        let mut file = dir.as_os_str().as_bytes().to_vec();
        file.extend_from_slice(b"/socket");
        return match parse_ipc(&file) {
            Ok(ipc) => Ok((ipc, Some(dir))),
            Err(e) => {
                // Best effort, as libzmq's rmdir; the resolve error wins.
                let _ = std::fs::remove_dir(&dir);
                Err(e)
            }
        };
    }
    Ok((parse_ipc(addr.as_bytes())?, None))
}

/// `create_ipc_wildcard_address` (mkdtemp flavour): the new directory.
fn create_wildcard_dir(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf> {
    let mut template: Vec<u8> = Vec::new();
    for var in ["TMPDIR", "TEMPDIR", "TMP"] {
        let Some(dir) = env(var) else { continue };
        if dir.is_empty() || dir.as_bytes().contains(&0) {
            continue;
        }
        if std::fs::metadata(&dir).is_ok_and(|m| m.is_dir()) {
            template = dir.into_vec();
            if !template.ends_with(b"/") {
                template.push(b'/');
            }
            break;
        }
    }
    template.extend_from_slice(b"tmpXXXXXX\0");
    // SAFETY: `template` is a writable NUL-terminated buffer ending in
    // "XXXXXX", as mkdtemp requires.
    let p = unsafe { libc::mkdtemp(template.as_mut_ptr().cast()) };
    if p.is_null() {
        return Err(Error(last_errno()));
    }
    template.pop(); // the NUL
    Ok(PathBuf::from(OsString::from_vec(template)))
}

/// `ipc_address_t::to_string`: `ipc:///tmp/x`, `ipc://rel/x`, `ipc://@name`
/// (an abstract name is cut at its first NUL, as libzmq's `strnlen` does).
pub fn ipc_endpoint_string(addr: &IpcAddr) -> String {
    match addr {
        IpcAddr::Path(p) => format!("ipc://{}", p.as_os_str().to_string_lossy()),
        IpcAddr::Abstract(name) => {
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            let name = name.get(..end).unwrap_or(&[]);
            format!("ipc://@{}", String::from_utf8_lossy(name))
        }
    }
}

impl IpcAddr {
    /// The address for `UnixListener::bind_addr` / `UnixStream::connect_addr`.
    pub fn to_std(&self) -> std::io::Result<std::os::unix::net::SocketAddr> {
        match self {
            IpcAddr::Path(p) => std::os::unix::net::SocketAddr::from_pathname(p),
            IpcAddr::Abstract(name) => abstract_to_std(name),
        }
    }

    /// The address for a socket2 connect; an abstract name is a path that
    /// starts with a NUL byte there.
    pub fn to_sockaddr(&self) -> std::io::Result<socket2::SockAddr> {
        match self {
            IpcAddr::Path(p) => socket2::SockAddr::unix(p),
            IpcAddr::Abstract(name) => {
                use std::os::unix::ffi::OsStrExt;
                let mut bytes = Vec::with_capacity(name.len() + 1);
                bytes.push(0);
                bytes.extend_from_slice(name);
                socket2::SockAddr::unix(std::ffi::OsStr::from_bytes(&bytes))
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn abstract_to_std(name: &[u8]) -> std::io::Result<std::os::unix::net::SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    std::os::unix::net::SocketAddr::from_abstract_name(name)
}

#[cfg(target_os = "android")]
fn abstract_to_std(name: &[u8]) -> std::io::Result<std::os::unix::net::SocketAddr> {
    use std::os::android::net::SocketAddrExt;
    std::os::unix::net::SocketAddr::from_abstract_name(name)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn abstract_to_std(_name: &[u8]) -> std::io::Result<std::os::unix::net::SocketAddr> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

// ---------------------------------------------------------------------------
// tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_addresses() {
        let v4 = |s: &str| s.parse::<SocketAddr>().unwrap();
        // Unicast: the bind address when receiving, the target when sending.
        let a = resolve_udp("127.0.0.1:5556", true, false).unwrap();
        assert_eq!((a.bind, a.multicast), (v4("127.0.0.1:5556"), false));
        let a = resolve_udp("127.0.0.1:5556", false, false).unwrap();
        assert_eq!(
            (a.target, a.bind),
            (v4("127.0.0.1:5556"), v4("0.0.0.0:5556"))
        );
        let a = resolve_udp("*:5556", true, false).unwrap();
        assert_eq!(a.bind, v4("0.0.0.0:5556"));
        // Multicast: any-address bind at the port, interface forms.
        let a = resolve_udp("239.0.0.1:5555", true, false).unwrap();
        assert!(a.multicast);
        assert_eq!(
            (a.target, a.bind),
            (v4("239.0.0.1:5555"), v4("0.0.0.0:5555"))
        );
        let a = resolve_udp("127.0.0.1;239.0.0.1:5555", false, false).unwrap();
        assert_eq!(a.bind, v4("127.0.0.1:5555"));
        let a = resolve_udp("lo;239.0.0.1:5555", true, false).unwrap();
        assert_eq!(a.bind, v4("127.0.0.1:5555"));
        assert!(a.bind_if > 0);
        let a = resolve_udp("*;239.0.0.1:5555", true, false).unwrap();
        assert_eq!((a.bind, a.bind_if), (v4("0.0.0.0:5555"), 0));
        let a = resolve_udp("[ff02::1]:5555", true, true).unwrap();
        assert!(a.multicast && a.bind.is_ipv6());
        // An interface needs a multicast target; a multicast source is no
        // interface; families must agree; a port is required.
        assert_eq!(
            resolve_udp("lo;127.0.0.1:5555", true, false),
            Err(Error::EINVAL)
        );
        assert_eq!(
            resolve_udp("239.0.0.2;239.0.0.1:5555", true, false),
            Err(Error::EINVAL)
        );
        assert_eq!(
            resolve_udp("*;[ff02::1]:5555", true, false).map(|_| ()),
            Err(ENODEV)
        );
        assert_eq!(resolve_udp("127.0.0.1", true, false), Err(Error::EINVAL));
        assert_eq!(
            resolve_udp("127.0.0.1:0x", false, false),
            Err(Error::EINVAL)
        );
    }
    use std::net::{TcpListener, TcpStream};

    const EINVAL: Error = Error::EINVAL;

    fn v4(s: &str) -> SocketAddr {
        s.parse().expect("test literal")
    }

    fn bind4(s: &str) -> Result<SocketAddr> {
        resolve_tcp_bind(s, false)
    }

    fn bind6(s: &str) -> Result<SocketAddr> {
        resolve_tcp_bind(s, true)
    }

    fn conn4(s: &str) -> Result<TcpConnectAddr> {
        resolve_tcp_connect(s, false)
    }

    fn conn6(s: &str) -> Result<TcpConnectAddr> {
        resolve_tcp_connect(s, true)
    }

    fn lo_index() -> u32 {
        zone_index(b"lo")
    }

    /// Whether interface `lo` has an address of this family.
    fn lo_has(ipv6: bool) -> bool {
        resolve_nic_name("lo", ipv6).is_ok()
    }

    fn is_loopback(sa: &SocketAddr) -> bool {
        match sa {
            SocketAddr::V4(a) => a.ip().is_loopback(),
            SocketAddr::V6(a) => {
                a.ip().is_loopback() || a.ip().to_ipv4_mapped().is_some_and(|ip| ip.is_loopback())
            }
        }
    }

    // --- tcp bind -------------------------------------------------------

    #[test]
    fn bind_ipv4_literals() {
        assert_eq!(bind4("127.0.0.1:5555"), Ok(v4("127.0.0.1:5555")));
        assert_eq!(bind4("0.0.0.0:1"), Ok(v4("0.0.0.0:1")));
        // inet_aton shorthand, as getaddrinfo accepts it.
        assert_eq!(bind4("127.1:80"), Ok(v4("127.0.0.1:80")));
        assert_eq!(bind4("[127.0.0.1]:80"), Ok(v4("127.0.0.1:80")));
        // A zone on an IPv4 address is checked, then ignored.
        if lo_index() != 0 {
            assert_eq!(bind4("127.0.0.1%lo:80"), Ok(v4("127.0.0.1:80")));
        }
        // Not a literal of this family: no IPv6 without ZMQ_IPV6.
        assert_eq!(bind4("[::1]:80"), Err(ENODEV));
        assert_eq!(bind4("::1:80"), Err(ENODEV));
    }

    #[test]
    fn bind_ipv6_literals() {
        assert_eq!(bind6("[::1]:80"), Ok(v4("[::1]:80")));
        // Brackets are optional: the port is after the last colon.
        assert_eq!(bind6("::1:80"), Ok(v4("[::1]:80")));
        assert_eq!(bind6("[fe80::1]:80"), Ok(v4("[fe80::1]:80")));
        // IPv4 literals become v4-mapped IPv6 addresses.
        assert_eq!(bind6("127.0.0.1:80"), Ok(v4("[::ffff:127.0.0.1]:80")));
        assert_eq!(bind6("[127.0.0.1]:80"), Ok(v4("[::ffff:127.0.0.1]:80")));
        // Brackets must enclose the whole host part.
        assert_eq!(bind6("[::1:80"), Err(ENODEV));
        assert_eq!(bind6("[::1]x:80"), Err(ENODEV));
    }

    #[test]
    fn bind_wildcard_host() {
        assert_eq!(bind4("*:5555"), Ok(v4("0.0.0.0:5555")));
        assert_eq!(bind4("*:*"), Ok(v4("0.0.0.0:0")));
        assert_eq!(bind4("[*]:*"), Ok(v4("0.0.0.0:0")));
        // ZMQ_IPV6: the dual-stack any-address.
        assert_eq!(bind6("*:5555"), Ok(v4("[::]:5555")));
        assert_eq!(bind6("*:0"), Ok(v4("[::]:0")));
        // An empty host is no interface and no literal.
        assert_eq!(bind4(":5555"), Err(ENODEV));
        assert_eq!(bind4(":*"), Err(ENODEV));
    }

    #[test]
    fn bind_ports() {
        assert_eq!(bind4("127.0.0.1:*"), Ok(v4("127.0.0.1:0")));
        assert_eq!(bind4("127.0.0.1:0"), Ok(v4("127.0.0.1:0")));
        assert_eq!(bind4("127.0.0.1:65535"), Ok(v4("127.0.0.1:65535")));
        // atoi and a uint16_t cast, as libzmq (verified against libzmq).
        assert_eq!(bind4("127.0.0.1:70000"), Ok(v4("127.0.0.1:4464")));
        assert_eq!(bind4("127.0.0.1:4294967297"), Ok(v4("127.0.0.1:1")));
        assert_eq!(bind4("127.0.0.1:-1"), Ok(v4("127.0.0.1:65535")));
        assert_eq!(bind4("127.0.0.1: 12345"), Ok(v4("127.0.0.1:12345")));
        assert_eq!(bind4("127.0.0.1:+80"), Ok(v4("127.0.0.1:80")));
        assert_eq!(bind4("127.0.0.1:5555abc"), Ok(v4("127.0.0.1:5555")));
        assert_eq!(
            bind4("127.0.0.1:99999999999999999999"),
            Ok(v4("127.0.0.1:65535"))
        );
        // Errors: all EINVAL.
        for bad in [
            "127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:abc",
            "127.0.0.1:65536",
            "127.0.0.1:00",
            "127.0.0.1:+0",
            "127.0.0.1:-99999999999999999999",
            "*",
            "",
            "lo",
        ] {
            assert_eq!(bind4(bad), Err(EINVAL), "{bad:?}");
        }
    }

    #[test]
    fn bind_interface_names() {
        if lo_has(false) {
            assert_eq!(bind4("lo:5555"), Ok(v4("127.0.0.1:5555")));
            assert_eq!(bind4("lo:*"), Ok(v4("127.0.0.1:0")));
            assert_eq!(bind4("[lo]:*"), Ok(v4("127.0.0.1:0")));
        }
        if lo_has(true) {
            assert_eq!(bind6("lo:5555"), Ok(v4("[::1]:5555")));
        }
        assert_eq!(bind4("nosuchif0.invalid:5555"), Err(ENODEV));
        assert_eq!(bind6("nosuchif0.invalid:5555"), Err(ENODEV));
        // Interface names are compared exactly.
        assert_eq!(bind4("LO.invalid:5555"), Err(ENODEV));
    }

    #[test]
    fn bind_host_names_as_in_4_3_5() {
        // libzmq 4.3.5 falls back to DNS on bind (4.3.4 gave ENODEV).
        let sa = bind4("localhost:5555").expect("localhost");
        assert!(is_loopback(&sa), "{sa}");
        assert_eq!(sa.port(), 5555);
    }

    #[test]
    fn zone_ids() {
        let lo = lo_index();
        if lo != 0 {
            assert_eq!(
                bind6("[fe80::1%lo]:80"),
                Ok(SocketAddr::V6(SocketAddrV6::new(
                    "fe80::1".parse().expect("ip"),
                    80,
                    0,
                    lo
                )))
            );
            // Unbracketed works as well.
            assert_eq!(
                conn6("fe80::1%lo:80").map(|a| a.dst),
                Ok(SocketAddr::V6(SocketAddrV6::new(
                    "fe80::1".parse().expect("ip"),
                    80,
                    0,
                    lo
                )))
            );
        }
        let scoped = |zone: u32| {
            Ok(SocketAddr::V6(SocketAddrV6::new(
                "fe80::1".parse().expect("ip"),
                80,
                0,
                zone,
            )))
        };
        assert_eq!(bind6("[fe80::1%7]:80"), scoped(7));
        // atoi, then a cast to uint32_t.
        assert_eq!(bind6("[fe80::1%-4294967292]:80"), scoped(4));
        assert_eq!(bind6("[fe80::1%7x]:80"), scoped(7));
        // The last '%' separates the zone.
        assert_eq!(bind6("[fe80::1%%7]:80"), Err(ENODEV));
        // No zone, zone 0, unknown interface: EINVAL, before any lookup.
        for bad in [
            "[fe80::1%]:80",
            "[fe80::1%0]:80",
            "[fe80::1%nosuchif0]:80",
            "*%:80",
            "[fe80::1%]:*",
        ] {
            assert_eq!(bind6(bad), Err(EINVAL), "{bad:?}");
            assert_eq!(conn6(bad), Err(EINVAL), "{bad:?}");
        }
        // A negative zone wraps to a (nonexistent but nonzero) index.
        assert_eq!(bind6("[fe80::1%-7]:80"), scoped(4294967289));
        // Without a port, the last colon splits "fe80:" from "1%lo" (atoi 1),
        // and "fe80:" is no address.
        assert_eq!(bind6("fe80::1%lo"), Err(ENODEV));
    }

    #[test]
    fn bind_ignores_but_validates_source_part() {
        assert_eq!(bind4("127.0.0.1:0;127.0.0.1:*"), Ok(v4("127.0.0.1:0")));
        // The source needs a port.
        assert_eq!(bind4("127.0.0.1;127.0.0.1:*"), Err(EINVAL));
        assert_eq!(bind4(";127.0.0.1:*"), Err(EINVAL));
        assert_eq!(bind4("127.0.0.1:*;"), Err(EINVAL));
        // Source addresses never use DNS.
        assert_eq!(bind4("nosuchif0:0;127.0.0.1:*"), Err(ENODEV));
        assert_eq!(bind4("localhost:0;127.0.0.1:*"), Err(ENODEV));
        // The last ';' separates.
        assert_eq!(bind4("127.0.0.1:0;127.0.0.1:*;127.0.0.1:*"), Err(ENODEV));
    }

    // --- tcp connect ----------------------------------------------------

    #[test]
    fn connect_literals_and_ports() {
        let plain = |s: &str| {
            Ok(TcpConnectAddr {
                dst: v4(s),
                src: None,
            })
        };
        assert_eq!(conn4("127.0.0.1:5555"), plain("127.0.0.1:5555"));
        assert_eq!(conn4("[127.0.0.1]:5555"), plain("127.0.0.1:5555"));
        // Port 0 is allowed (connecting to port 0).
        assert_eq!(conn4("127.0.0.1:0"), plain("127.0.0.1:0"));
        assert_eq!(conn4("127.0.0.1:55a"), plain("127.0.0.1:55"));
        assert_eq!(conn6("[::1]:5555"), plain("[::1]:5555"));
        assert_eq!(conn6("127.0.0.1:5555"), plain("[::ffff:127.0.0.1]:5555"));
        // Errors.
        for bad in [
            "127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:*",
            "127.0.0.1:x",
            "127.0.0.1:65536",
            "*:5555",
            "[::1]:5555",
            ":5555",
            "",
        ] {
            assert_eq!(conn4(bad), Err(EINVAL), "{bad:?}");
        }
        // Interface names are not for destinations.
        assert_eq!(conn4("lo:5555"), Err(EINVAL));
    }

    #[test]
    fn connect_host_names() {
        let a = conn4("localhost:5555").expect("localhost");
        assert_eq!(a.dst, v4("127.0.0.1:5555"));
        assert_eq!(a.src, None);
        let a6 = conn6("localhost:5555").expect("localhost");
        assert!(a6.dst.is_ipv6() && is_loopback(&a6.dst), "{}", a6.dst);
        assert_eq!(a6.dst.port(), 5555);
        // Unresolvable names: EINVAL (EAI_* are not reported).
        assert_eq!(conn4("nosuchhost.invalid:5555"), Err(EINVAL));
    }

    #[test]
    fn connect_source_addresses() {
        assert_eq!(
            conn4("192.168.1.17:5555;10.0.0.1:6666"),
            Ok(TcpConnectAddr {
                dst: v4("10.0.0.1:6666"),
                src: Some(v4("192.168.1.17:5555")),
            })
        );
        assert_eq!(
            conn4("127.0.0.1:0;127.0.0.1:5555"),
            Ok(TcpConnectAddr {
                dst: v4("127.0.0.1:5555"),
                src: Some(v4("127.0.0.1:0")),
            })
        );
        // The source may be "*" and its port "*".
        assert_eq!(
            conn4("*:*;127.0.0.1:5555"),
            Ok(TcpConnectAddr {
                dst: v4("127.0.0.1:5555"),
                src: Some(v4("0.0.0.0:0")),
            })
        );
        assert_eq!(
            conn6("*:*;[::1]:5555"),
            Ok(TcpConnectAddr {
                dst: v4("[::1]:5555"),
                src: Some(v4("[::]:0")),
            })
        );
        if lo_has(false) {
            // An interface name as source, DNS for the destination.
            assert_eq!(
                conn4("lo:0;localhost:5555"),
                Ok(TcpConnectAddr {
                    dst: v4("127.0.0.1:5555"),
                    src: Some(v4("127.0.0.1:0")),
                })
            );
        }
        // The source port is mandatory (so "tcp://eth0;host:port" fails).
        assert_eq!(conn4("lo;127.0.0.1:5555"), Err(EINVAL));
        assert_eq!(conn4(";127.0.0.1:5555"), Err(EINVAL));
        assert_eq!(conn4("127.0.0.1:5555;"), Err(EINVAL));
        // Bad source ports are EINVAL; unknown source hosts ENODEV (no DNS).
        assert_eq!(conn4("127.0.0.1:x;127.0.0.1:5555"), Err(EINVAL));
        assert_eq!(conn4("nosuchif0:0;127.0.0.1:5555"), Err(ENODEV));
        assert_eq!(conn4("localhost:0;127.0.0.1:5555"), Err(ENODEV));
        // Source errors come first.
        assert_eq!(conn4("nosuchif0:0;127.0.0.1"), Err(ENODEV));
    }

    #[test]
    fn connect_syntax_check() {
        for good in [
            "127.0.0.1:5555",
            "127.0.0.1:0",
            "[::1]:5555",
            "::1:5555",
            "[fe80::1%eth0]:5555",
            "host-name.example_x:1",
            "nosuchhost.invalid:5555",
            "eth0;127.0.0.1:5555",
            "eth0:*;host:5555",
            "x:65536",
            "a:9x",
            ":5555",
        ] {
            assert_eq!(check_tcp_connect_syntax(good), Ok(()), "{good:?}");
        }
        for bad in [
            "",
            "127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:*",
            "127.0.0.1:-1",
            "a b:5555",
            "-foo:5555",
            "_x:5555",
            "*:5555",
            ".x:5555",
            "x/y:5555",
            "\u{e9}:5555",
            "x:5555 ",
            "::",
        ] {
            assert_eq!(check_tcp_connect_syntax(bad), Err(EINVAL), "{bad:?}");
        }
    }

    #[test]
    fn nul_bytes_are_rejected() {
        assert_eq!(bind4("127.0.0.1\0:5555"), Err(EINVAL));
        assert_eq!(conn4("127.0.0.1:5555\0"), Err(EINVAL));
        assert_eq!(resolve_ipc("/tmp/a\0b", false), Err(EINVAL));
    }

    // --- tcp endpoint strings -------------------------------------------

    #[test]
    fn ws_addresses_split_at_their_path() {
        assert_eq!(split_ws("127.0.0.1:*").unwrap(), ("127.0.0.1:*", "/"));
        assert_eq!(
            split_ws("127.0.0.1:5/a/b").unwrap(),
            ("127.0.0.1:5", "/a/b")
        );
        assert_eq!(split_ws("[::1]:5/x").unwrap(), ("[::1]:5", "/x"));
        assert_eq!(split_ws("host/x"), Err(Error::EINVAL));
        assert_eq!(
            ws_endpoint_string("ws", &v4("127.0.0.1:5555"), "/p"),
            "ws://127.0.0.1:5555/p"
        );
    }

    #[test]
    fn tcp_endpoint_strings() {
        assert_eq!(
            tcp_endpoint_string(&v4("127.0.0.1:5555")),
            "tcp://127.0.0.1:5555"
        );
        assert_eq!(tcp_endpoint_string(&v4("0.0.0.0:1")), "tcp://0.0.0.0:1");
        assert_eq!(tcp_endpoint_string(&v4("[::1]:5555")), "tcp://[::1]:5555");
        assert_eq!(tcp_endpoint_string(&v4("[::]:5555")), "tcp://[::]:5555");
        assert_eq!(
            tcp_endpoint_string(&v4("[::ffff:127.0.0.1]:5555")),
            "tcp://[::ffff:127.0.0.1]:5555"
        );
        let lo = lo_index();
        if lo != 0 {
            let scoped =
                SocketAddr::V6(SocketAddrV6::new("fe80::1".parse().expect("ip"), 7, 0, lo));
            assert_eq!(tcp_endpoint_string(&scoped), "tcp://[fe80::1%lo]:7");
        }
    }

    #[test]
    fn bind_round_trip_on_real_sockets() {
        let sa = bind4("127.0.0.1:*").expect("resolve");
        let listener = TcpListener::bind(sa).expect("bind");
        let local = listener.local_addr().expect("local_addr");
        let ep = tcp_endpoint_string(&local);
        assert_eq!(ep, format!("tcp://127.0.0.1:{}", local.port()));
        let rest = ep.strip_prefix("tcp://").expect("prefix");
        let dst = conn4(rest).expect("resolve back").dst;
        TcpStream::connect(dst).expect("connect");
    }

    // --- ipc ------------------------------------------------------------

    fn ipc(s: &str, bind: bool) -> Result<IpcAddr> {
        resolve_ipc(s, bind).map(|(a, dir)| {
            assert_eq!(dir, None);
            a
        })
    }

    #[test]
    fn ipc_paths_and_abstract_names() {
        for bind in [false, true] {
            assert_eq!(
                ipc("/tmp/feeds/0", bind),
                Ok(IpcAddr::Path("/tmp/feeds/0".into()))
            );
            assert_eq!(ipc("rel.sock", bind), Ok(IpcAddr::Path("rel.sock".into())));
            assert_eq!(ipc("@name", bind), Ok(IpcAddr::Abstract(b"name".to_vec())));
            assert_eq!(ipc("@@", bind), Ok(IpcAddr::Abstract(b"@".to_vec())));
            assert_eq!(ipc("@", bind), Err(EINVAL));
            assert_eq!(ipc("", bind), Err(EINVAL));
        }
        // Connecting to "*" is connecting to a file called "*".
        assert_eq!(ipc("*", false), Ok(IpcAddr::Path("*".into())));
    }

    #[test]
    fn ipc_length_limits() {
        let max = sun_path_len() - 1; // 107 on Linux
        let path = format!("/tmp/{}", "a".repeat(max - 5));
        let long_path = format!("/tmp/{}", "a".repeat(max - 4));
        let name = format!("@{}", "b".repeat(max - 1));
        let long_name = format!("@{}", "b".repeat(max));
        for bind in [false, true] {
            assert_eq!(ipc(&path, bind), Ok(IpcAddr::Path(path.clone().into())));
            assert_eq!(ipc(&long_path, bind), Err(ENAMETOOLONG));
            assert_eq!(
                ipc(&name, bind),
                Ok(IpcAddr::Abstract("b".repeat(max - 1).into_bytes()))
            );
            assert_eq!(ipc(&long_name, bind), Err(ENAMETOOLONG));
        }
        assert!(IpcAddr::Path(path.into()).to_std().is_ok());
        assert!(IpcAddr::Abstract("b".repeat(max - 1).into_bytes())
            .to_std()
            .is_ok());
    }

    #[test]
    fn ipc_endpoint_strings() {
        assert_eq!(
            ipc_endpoint_string(&IpcAddr::Path("/tmp/x".into())),
            "ipc:///tmp/x"
        );
        assert_eq!(
            ipc_endpoint_string(&IpcAddr::Path("tmpAbc/socket".into())),
            "ipc://tmpAbc/socket"
        );
        assert_eq!(
            ipc_endpoint_string(&IpcAddr::Abstract(b"name".to_vec())),
            "ipc://@name"
        );
        assert_eq!(
            ipc_endpoint_string(&IpcAddr::Abstract(b"na\0me".to_vec())),
            "ipc://@na"
        );
    }

    fn env_of(pairs: &[(&str, OsString)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    /// A scratch directory under the system temp dir, removed on drop.
    struct Scratch(PathBuf);
    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let p = std::env::temp_dir().join(format!(
                "zmqrs-addr-{}-{}-{}",
                tag,
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0)
            ));
            std::fs::create_dir_all(&p).expect("scratch dir");
            Scratch(p)
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn ipc_wildcard_makes_a_fresh_directory() {
        let scratch = Scratch::new("wild");
        for with_slash in [false, true] {
            let mut dir = scratch.0.clone().into_os_string();
            if with_slash {
                dir.push("/");
            }
            let env = env_of(&[("TMPDIR", dir)]);
            for spelling in ["*", "*foo"] {
                let (addr, tmp) = resolve_ipc_with_env(spelling, true, &env).expect("wildcard");
                let tmp = tmp.expect("temp dir");
                assert!(tmp.is_dir());
                assert_eq!(tmp.parent(), Some(scratch.0.as_path()));
                let dir_name = tmp.file_name().and_then(|n| n.to_str()).expect("dir name");
                assert!(dir_name.starts_with("tmp") && dir_name.len() == 9);
                assert_eq!(addr, IpcAddr::Path(tmp.join("socket")));
                assert_eq!(
                    ipc_endpoint_string(&addr),
                    format!("ipc://{}/tmp{}/socket", scratch.0.display(), &dir_name[3..])
                );
                std::fs::remove_dir(&tmp).expect("remove");
            }
        }
        // Two wildcards never collide.
        let env = env_of(&[("TMPDIR", scratch.0.clone().into_os_string())]);
        let (a, da) = resolve_ipc_with_env("*", true, &env).expect("a");
        let (b, db) = resolve_ipc_with_env("*", true, &env).expect("b");
        assert_ne!(a, b);
        assert_ne!(da, db);
    }

    #[test]
    fn ipc_wildcard_env_precedence() {
        let first = Scratch::new("first");
        let second = Scratch::new("second");
        // TMPDIR not a directory: TEMPDIR is next, then TMP.
        let env = env_of(&[
            ("TMPDIR", OsString::from("/nonexistent/zmqrs")),
            ("TEMPDIR", first.0.clone().into_os_string()),
            ("TMP", second.0.clone().into_os_string()),
        ]);
        let (_, dir) = resolve_ipc_with_env("*", true, &env).expect("wildcard");
        assert_eq!(
            dir.as_deref().and_then(|d| d.parent()),
            Some(first.0.as_path())
        );
        let env = env_of(&[
            ("TEMPDIR", OsString::new()),
            ("TMP", second.0.clone().into_os_string()),
        ]);
        let (_, dir) = resolve_ipc_with_env("*", true, &env).expect("wildcard");
        assert_eq!(
            dir.as_deref().and_then(|d| d.parent()),
            Some(second.0.as_path())
        );
    }

    #[test]
    fn ipc_wildcard_too_long_removes_the_directory() {
        let scratch = Scratch::new("long");
        let deep = scratch.0.join("d".repeat(sun_path_len()));
        std::fs::create_dir_all(&deep).expect("deep dir");
        let env = env_of(&[("TMPDIR", deep.clone().into_os_string())]);
        assert_eq!(resolve_ipc_with_env("*", true, &env), Err(ENAMETOOLONG));
        let left = std::fs::read_dir(&deep).expect("read_dir").count();
        assert_eq!(left, 0, "temporary directory left behind");
    }

    #[test]
    fn ipc_wildcard_mkdtemp_failure_reports_errno() {
        // mkdir is refused in /proc (ENOENT); the errno is passed on.
        let env = env_of(&[("TMPDIR", OsString::from("/proc"))]);
        match resolve_ipc_with_env("*", true, &env) {
            Ok((_, Some(dir))) => {
                // Some sandboxes let this succeed; clean up.
                let _ = std::fs::remove_dir(dir);
            }
            Ok((_, None)) => panic!("wildcard without a directory"),
            Err(e) => assert!(e.0 > 0 && e != EINVAL, "{e:?}"),
        }
    }

    #[test]
    fn ipc_to_std_binds_and_connects() {
        use std::os::unix::net::{UnixListener, UnixStream};
        // A wildcard path.
        let scratch = Scratch::new("std");
        let env = env_of(&[("TMPDIR", scratch.0.clone().into_os_string())]);
        let (addr, dir) = resolve_ipc_with_env("*", true, &env).expect("wildcard");
        let sa = addr.to_std().expect("to_std");
        let listener = UnixListener::bind_addr(&sa).expect("bind");
        UnixStream::connect_addr(&sa).expect("connect");
        drop(listener);
        if let IpcAddr::Path(p) = &addr {
            std::fs::remove_file(p).expect("unlink");
        }
        std::fs::remove_dir(dir.expect("dir")).expect("rmdir");

        // An abstract name.
        #[cfg(target_os = "linux")]
        {
            let text = format!("@zmqrs-addr-test-{}", std::process::id());
            let (addr, dir) = resolve_ipc(&text, true).expect("abstract");
            assert_eq!(dir, None);
            assert_eq!(ipc_endpoint_string(&addr), format!("ipc://{text}"));
            let sa = addr.to_std().expect("to_std");
            let _listener = UnixListener::bind_addr(&sa).expect("bind abstract");
            UnixStream::connect_addr(&sa).expect("connect abstract");
        }
    }
}
