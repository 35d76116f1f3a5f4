//! udp://: the datagram formats libzmq uses, sans IO, and opening the OS
//! socket with libzmq's options.
//!
//! RADIO -> DISH: one message per datagram, `group-length(1) group body`.
//! DGRAM: the body alone; the socket hears and names its peer as
//! "a.b.c.d:port" (an address frame, NUL-terminated as libzmq makes it).
//! A datagram is at most `MAX_DATAGRAM` octets; longer ones are neither
//! sent nor delivered.

use super::address::UdpAddr;
use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// libzmq's MAX_UDP_MSG.
pub const MAX_DATAGRAM: usize = 8192;

/// Encodes a RADIO message (`group`, `body`) into `out`; false when it
/// does not fit a datagram (libzmq drops it) or the group is too long.
pub fn encode_group_datagram(group: &[u8], body: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let Ok(len) = u8::try_from(group.len()) else {
        return false;
    };
    if 1 + group.len() + body.len() > MAX_DATAGRAM {
        return false;
    }
    out.push(len);
    out.extend_from_slice(group);
    out.extend_from_slice(body);
    true
}

/// Splits a RADIO datagram into group and body; None when it is empty or
/// its group runs past its end (dropped, never delivered in part).
pub fn decode_group_datagram(datagram: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = datagram.split_first()?;
    let len = usize::from(len);
    if rest.len() < len {
        return None;
    }
    Some(rest.split_at(len))
}

/// The address frame a DGRAM socket receives: "ip:port" and a NUL, as
/// libzmq's `sockaddr_to_msg` makes it (IPv6 peers, which libzmq cannot
/// name, as "[ip]:port").
pub fn peer_name(from: &SocketAddr) -> Vec<u8> {
    let ip = match from.ip() {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    };
    let mut s = match ip {
        IpAddr::V4(v4) => format!("{v4}:{}", from.port()),
        IpAddr::V6(v6) => format!("[{v6}]:{}", from.port()),
    }
    .into_bytes();
    s.push(0);
    s
}

/// Parses the address frame of a message a DGRAM socket sends: "ip:port"
/// (IPv4, as libzmq; "[ip]:port" for IPv6 too), a trailing NUL allowed.
/// EINVAL for anything else or port 0 (libzmq drops such a message).
pub fn parse_peer_name(frame: &[u8]) -> Result<SocketAddr> {
    let end = frame.iter().position(|&b| b == 0).unwrap_or(frame.len());
    let text = std::str::from_utf8(&frame[..end]).map_err(|_| Error::EINVAL)?;
    let (host, port) = text.rsplit_once(':').ok_or(Error::EINVAL)?;
    let port: u16 = port.parse().map_err(|_| Error::EINVAL)?;
    if port == 0 {
        return Err(Error::EINVAL);
    }
    let ip: IpAddr = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse().map_err(|_| Error::EINVAL)?,
        None => IpAddr::V4(host.parse::<Ipv4Addr>().map_err(|_| Error::EINVAL)?),
    };
    Ok(SocketAddr::new(ip, port))
}

/// What the socket is for.
#[derive(Debug, Clone)]
pub struct UdpRole {
    /// Sends (RADIO, DGRAM).
    pub send: bool,
    /// Receives: binds (DISH, DGRAM).
    pub recv: bool,
    /// DGRAM: sends to each message's address, not to `target`.
    pub raw: bool,
    /// ZMQ_MULTICAST_LOOP.
    pub multicast_loop: bool,
    /// ZMQ_MULTICAST_HOPS (0 leaves the system's default).
    pub multicast_hops: i32,
    /// ZMQ_BINDTODEVICE.
    pub device: Vec<u8>,
}

/// Opens a non-blocking udp socket for `addr` as libzmq's udp engine
/// does: multicast loop, hops and interface for a sender; SO_REUSEADDR, a
/// bind (the any-address for multicast) and group membership for a
/// receiver.
pub fn open(addr: &UdpAddr, role: &UdpRole) -> Result<mio::net::UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let io = |e: std::io::Error| Error(e.raw_os_error().unwrap_or(libc::EINVAL));
    let domain = if addr.bind.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let sock = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP)).map_err(io)?;
    sock.set_nonblocking(true).map_err(io)?;
    sock.set_cloexec(true).map_err(io)?;
    if !role.device.is_empty() {
        sock.bind_device(Some(&role.device)).map_err(io)?;
    }
    if role.send && !role.raw && addr.target.ip().is_multicast() {
        if addr.target.is_ipv4() {
            sock.set_multicast_loop_v4(role.multicast_loop)
                .map_err(io)?;
            if role.multicast_hops > 0 {
                sock.set_multicast_ttl_v4(role.multicast_hops as u32)
                    .map_err(io)?;
            }
            if let IpAddr::V4(ip) = addr.bind.ip() {
                if !ip.is_unspecified() {
                    sock.set_multicast_if_v4(&ip).map_err(io)?;
                }
            }
        } else {
            sock.set_multicast_loop_v6(role.multicast_loop)
                .map_err(io)?;
            if role.multicast_hops > 0 {
                sock.set_multicast_hops_v6(role.multicast_hops as u32)
                    .map_err(io)?;
            }
            if addr.bind_if > 0 {
                sock.set_multicast_if_v6(addr.bind_if as u32).map_err(io)?;
            }
        }
    }
    if role.recv {
        sock.set_reuse_address(true).map_err(io)?;
        let local = if addr.multicast {
            let mut any = addr.bind;
            any.set_ip(match addr.bind {
                SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                SocketAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
            });
            any
        } else {
            addr.bind
        };
        sock.bind(&local.into()).map_err(io)?;
        if addr.multicast {
            match (addr.target.ip(), addr.bind.ip()) {
                (IpAddr::V4(group), IpAddr::V4(iface)) => {
                    sock.join_multicast_v4(&group, &iface).map_err(io)?
                }
                (IpAddr::V6(group), _) => sock
                    .join_multicast_v6(&group, addr.bind_if.max(0) as u32)
                    .map_err(io)?,
                _ => return Err(Error::EINVAL),
            }
        }
    }
    Ok(mio::net::UdpSocket::from_std(sock.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_datagrams_round_trip() {
        let mut out = Vec::new();
        assert!(encode_group_datagram(b"TV", b"Friends", &mut out));
        assert_eq!(out, b"\x02TVFriends");
        assert_eq!(
            decode_group_datagram(&out),
            Some((&b"TV"[..], &b"Friends"[..]))
        );
        assert!(encode_group_datagram(b"", b"", &mut out));
        assert_eq!(decode_group_datagram(&out), Some((&b""[..], &b""[..])));
    }

    #[test]
    fn bad_group_datagrams_are_refused() {
        assert_eq!(decode_group_datagram(b""), None);
        assert_eq!(decode_group_datagram(b"\x05abc"), None);
        let mut out = Vec::new();
        assert!(!encode_group_datagram(&[b'g'; 256], b"", &mut out));
        assert!(!encode_group_datagram(b"g", &[0; MAX_DATAGRAM], &mut out));
        assert!(encode_group_datagram(
            b"g",
            &[0; MAX_DATAGRAM - 2],
            &mut out
        ));
    }

    #[test]
    fn peer_names() {
        let v4: SocketAddr = "127.0.0.1:5556".parse().unwrap();
        assert_eq!(peer_name(&v4), b"127.0.0.1:5556\0");
        let mapped: SocketAddr = "[::ffff:10.0.0.1]:7".parse().unwrap();
        assert_eq!(peer_name(&mapped), b"10.0.0.1:7\0");
        assert_eq!(parse_peer_name(b"127.0.0.1:5556\0").unwrap(), v4);
        assert_eq!(parse_peer_name(b"127.0.0.1:5556").unwrap(), v4);
        let v6: SocketAddr = "[::1]:9".parse().unwrap();
        assert_eq!(parse_peer_name(&peer_name(&v6)).unwrap(), v6);
        for bad in [
            &b""[..],
            b"127.0.0.1",
            b"127.0.0.1:0",
            b"host:1",
            b"1.2.3.4:x",
        ] {
            assert!(parse_peer_name(bad).is_err(), "{bad:?}");
        }
    }
}
