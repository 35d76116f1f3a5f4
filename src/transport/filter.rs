//! Who may connect: ZMQ_TCP_ACCEPT_FILTER entries as libzmq's
//! `tcp_address_mask_t` parses and matches them, and the listener's
//! accept filters as a whole (tcp address masks; the ZMQ_IPC_FILTER_UID,
//! _GID and _PID sets, checked against the peer's credentials).

use crate::error::{Error, Result};
use crate::transport::address::zone_index;
use crate::transport::Stream;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One ZMQ_TCP_ACCEPT_FILTER entry: a network address and a prefix length,
/// as libzmq's `tcp_address_mask_t` resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpAcceptFilter {
    /// The address as resolved at set time. With ZMQ_IPV6 on, an IPv4
    /// literal becomes its IPv4-mapped IPv6 form (`AI_V4MAPPED`), exactly as
    /// libzmq stores it, and then only matches IPv6 peers.
    pub addr: IpAddr,
    /// Number of leading bits compared; 0 matches every peer of the family.
    pub prefix_len: u8,
}

impl TcpAcceptFilter {
    /// Parses `addr[/prefix]` like `tcp_address_mask_t::resolve`: numeric
    /// addresses only, optional `[...]` brackets, optional `%zone`, a prefix
    /// of `0` or 1..=32 / 1..=128 (parsed with `strtol` leniency), none
    /// meaning the full length.
    pub fn parse(text: &[u8], ipv6: bool) -> Result<TcpAcceptFilter> {
        let (addr_text, mask_text) = match text.iter().rposition(|&c| c == b'/') {
            Some(pos) => {
                let mask = text.get(pos + 1..).unwrap_or_default();
                if mask.is_empty() {
                    return Err(Error::EINVAL);
                }
                (text.get(..pos).unwrap_or_default(), Some(mask))
            }
            None => (text, None),
        };
        let addr = resolve_numeric(addr_text, ipv6)?;
        let full: i64 = if addr.is_ipv6() { 128 } else { 32 };
        let prefix_len = match mask_text {
            None => full,
            Some(b"0") => 0,
            Some(mask) => {
                let bits = strtol(mask);
                if bits < 1 || bits > full {
                    return Err(Error::EINVAL);
                }
                bits
            }
        };
        let prefix_len = u8::try_from(prefix_len).map_err(|_| Error::EINVAL)?;
        Ok(TcpAcceptFilter { addr, prefix_len })
    }

    /// Whether a connecting peer passes this filter (libzmq's
    /// `match_address`): same address family, and the first `prefix_len`
    /// bits equal. Pass the peer address as the kernel reported it (an IPv4
    /// peer of a dual-stack listener is an IPv4-mapped IPv6 address).
    pub fn matches(&self, peer: &IpAddr) -> bool {
        let bits = usize::from(self.prefix_len);
        match (&self.addr, peer) {
            (IpAddr::V4(ours), IpAddr::V4(theirs)) => {
                prefix_equal(&ours.octets(), &theirs.octets(), bits)
            }
            (IpAddr::V6(ours), IpAddr::V6(theirs)) => {
                prefix_equal(&ours.octets(), &theirs.octets(), bits)
            }
            _ => false,
        }
    }
}

/// Compares the first `bits` bits of two addresses (capped at their size).
fn prefix_equal(ours: &[u8], theirs: &[u8], bits: usize) -> bool {
    let bits = bits.min(ours.len() * 8);
    let full_bytes = bits / 8;
    if ours.get(..full_bytes) != theirs.get(..full_bytes) {
        return false;
    }
    let rest = bits % 8;
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    match (ours.get(full_bytes), theirs.get(full_bytes)) {
        (Some(a), Some(b)) => a & mask == b & mask,
        _ => false,
    }
}

/// libzmq's `ip_resolver_t::resolve` with bindable, DNS, NIC names and
/// ports all off: strips `[...]` and `%zone`, then parses a numeric address
/// of the family ZMQ_IPV6 selects (IPv4 literals map into IPv6 when on).
fn resolve_numeric(text: &[u8], ipv6: bool) -> Result<IpAddr> {
    let mut addr = text;
    if addr.len() >= 2 && addr.first() == Some(&b'[') && addr.last() == Some(&b']') {
        addr = addr.get(1..addr.len() - 1).unwrap_or_default();
    }
    if let Some(pos) = addr.iter().rposition(|&c| c == b'%') {
        let zone = addr.get(pos + 1..).unwrap_or_default();
        addr = addr.get(..pos).unwrap_or_default();
        if zone_index(zone) == 0 {
            return Err(Error::EINVAL);
        }
    }
    let addr = std::str::from_utf8(addr).map_err(|_| Error::EINVAL)?;
    if ipv6 {
        if let Ok(v6) = addr.parse::<Ipv6Addr>() {
            return Ok(IpAddr::V6(v6));
        }
        if let Ok(v4) = addr.parse::<Ipv4Addr>() {
            return Ok(IpAddr::V6(v4.to_ipv6_mapped()));
        }
        Err(Error::EINVAL)
    } else {
        addr.parse::<Ipv4Addr>()
            .map(IpAddr::V4)
            .map_err(|_| Error::EINVAL)
    }
}

/// C `strtol(s, NULL, 10)` in the C locale: leading white space, a sign,
/// then digits up to the first non-digit; 0 when there are none; saturates.
fn strtol(s: &[u8]) -> i64 {
    let mut iter = s
        .iter()
        .copied()
        .skip_while(|c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .peekable();
    let negative = match iter.peek() {
        Some(b'-') => {
            iter.next();
            true
        }
        Some(b'+') => {
            iter.next();
            false
        }
        _ => false,
    };
    let mut value: i64 = 0;
    for c in iter.take_while(u8::is_ascii_digit) {
        let digit = i64::from(c - b'0');
        value = if negative {
            value.saturating_mul(10).saturating_sub(digit)
        } else {
            value.saturating_mul(10).saturating_add(digit)
        };
    }
    value
}

/// Every accept filter of a listener (all empty: anyone may connect).
#[derive(Debug, Clone, Default)]
pub struct AcceptFilters {
    pub tcp: Vec<TcpAcceptFilter>,
    pub ipc_uids: BTreeSet<u32>,
    pub ipc_gids: BTreeSet<u32>,
    pub ipc_pids: BTreeSet<i32>,
}

impl AcceptFilters {
    /// Whether an accepted connection passes: a tcp peer matches one of
    /// the address masks, an ipc peer one of the uid, gid or pid sets.
    pub fn admits(&self, stream: &Stream) -> bool {
        match stream {
            Stream::Tcp(s) => {
                if self.tcp.is_empty() {
                    return true;
                }
                let Ok(peer) = s.peer_addr() else {
                    return false;
                };
                let ip = peer.ip();
                self.tcp.iter().any(|f| f.matches(&ip))
            }
            Stream::Unix(_) => {
                if self.ipc_uids.is_empty() && self.ipc_gids.is_empty() && self.ipc_pids.is_empty()
                {
                    return true;
                }
                let Some((pid, uid, gid)) = stream.peer_credentials() else {
                    return false;
                };
                self.ipc_uids.contains(&uid)
                    || self.ipc_gids.contains(&gid)
                    || self.ipc_pids.contains(&pid)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    #[test]
    fn tcp_accept_filter_parsing() {
        let parse = |s: &str, ipv6| TcpAcceptFilter::parse(s.as_bytes(), ipv6);
        let f = |addr, prefix_len| Ok(TcpAcceptFilter { addr, prefix_len });
        assert_eq!(parse("127.0.0.1", false), f(v4(127, 0, 0, 1), 32));
        assert_eq!(parse("10.0.0.0/8", false), f(v4(10, 0, 0, 0), 8));
        assert_eq!(parse("0.0.0.0/0", false), f(v4(0, 0, 0, 0), 0));
        assert_eq!(parse("1.2.3.4/ 24", false), f(v4(1, 2, 3, 4), 24));
        assert_eq!(parse("1.2.3.4/24abc", false), f(v4(1, 2, 3, 4), 24));
        assert_eq!(parse("1.2.3.4/+32", false), f(v4(1, 2, 3, 4), 32));
        assert_eq!(parse("1.2.3.4%1", false), f(v4(1, 2, 3, 4), 32));
        assert_eq!(parse("[1.2.3.4]", false), f(v4(1, 2, 3, 4), 32));
        let lo6: IpAddr = "::1".parse().unwrap();
        assert_eq!(parse("::1", true), f(lo6, 128));
        assert_eq!(parse("[::1]/64", true), f(lo6, 64));
        assert_eq!(
            parse("fe80::1%2/10", true),
            f("fe80::1".parse().unwrap(), 10)
        );
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(parse("127.0.0.1", true), f(mapped, 128));
        assert_eq!(parse("127.0.0.1/100", true), f(mapped, 100));
        for bad in [
            "foo",
            "0.0.0.0foo",
            "0.0.0.0/foo",
            "0.0.0.0/",
            "0.0.0.0/-1",
            "0.0.0.0/33",
            "0.0.0.0/00",
            "/24",
            "",
            "::1",
            "1.2.3.4%",
            "1.2.3.4%0",
            "1.2.3.4%4294967296",
            "localhost",
            "*",
        ] {
            assert_eq!(parse(bad, false), Err(Error::EINVAL), "{bad:?}");
        }
        assert_eq!(parse("::1/129", true), Err(Error::EINVAL));
        assert_eq!(parse("fe80::1%", true), Err(Error::EINVAL));
        assert_eq!(parse("fe80::1%nosuchif0", true), Err(Error::EINVAL));
    }

    #[test]
    fn tcp_accept_filter_matching() {
        let f = TcpAcceptFilter::parse(b"192.168.1.0/23", false).unwrap();
        assert!(f.matches(&v4(192, 168, 0, 7)));
        assert!(f.matches(&v4(192, 168, 1, 255)));
        assert!(!f.matches(&v4(192, 168, 2, 1)));
        assert!(!f.matches(&"::ffff:192.168.1.1".parse().unwrap()));
        let any = TcpAcceptFilter::parse(b"1.2.3.4/0", false).unwrap();
        assert!(any.matches(&v4(9, 9, 9, 9)));
        assert!(!any.matches(&"::1".parse().unwrap()));
        let exact = TcpAcceptFilter::parse(b"127.0.0.1", false).unwrap();
        assert!(exact.matches(&v4(127, 0, 0, 1)));
        assert!(!exact.matches(&v4(127, 0, 0, 2)));
        let mapped = TcpAcceptFilter::parse(b"127.0.0.1", true).unwrap();
        assert!(mapped.matches(&"::ffff:127.0.0.1".parse().unwrap()));
        assert!(!mapped.matches(&v4(127, 0, 0, 1)));
        let net6 = TcpAcceptFilter::parse(b"2001:db8::/33", true).unwrap();
        assert!(net6.matches(&"2001:db8:7fff::1".parse().unwrap()));
        assert!(!net6.matches(&"2001:db8:8000::1".parse().unwrap()));
    }

    #[test]
    fn strtol_like_c() {
        assert_eq!(strtol(b"42"), 42);
        assert_eq!(strtol(b" \t\x0b-7x"), -7);
        assert_eq!(strtol(b"abc"), 0);
        assert_eq!(strtol(b""), 0);
        assert_eq!(strtol(b"99999999999999999999999"), i64::MAX);
        assert_eq!(strtol(b"-99999999999999999999999"), i64::MIN);
    }

    #[test]
    fn ipc_peers_pass_by_credentials() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let stream = Stream::Unix(mio::net::UnixStream::from_std(a));
        // SAFETY: getuid(2) cannot fail.
        let me = unsafe { libc::getuid() };
        let mut filters = AcceptFilters::default();
        assert!(filters.admits(&stream), "no filter: anyone");
        filters.ipc_uids.insert(me.wrapping_add(1));
        assert!(!filters.admits(&stream));
        filters.ipc_uids.insert(me);
        assert!(filters.admits(&stream));
        let pid_only = AcceptFilters {
            ipc_pids: [std::process::id() as i32].into(),
            ..Default::default()
        };
        assert!(pid_only.admits(&stream));
    }
}
