//! Endpoint addresses as zmq_bind / zmq_connect hand them to the
//! transports: tcp (`[src;]host:port`, brackets, `%zone`, `*`), udp
//! (`[iface;]host:port`, multicast) and ipc (paths, `@abstract`), for bind
//! and connect, IPv4 and IPv6. Any text resolves or fails with an errno,
//! never a panic; what resolves prints (ZMQ_LAST_ENDPOINT) as text that
//! resolves to the same address again.
//!
//! Names are not looked up while fuzzing (the resolver answers literals
//! only: `cfg(fuzzing)` in src/transport/address.rs), and the ipc `*`
//! wildcard, which makes a directory, is left out.
//!
//! Input: a flags octet (transport, bind or connect, IPv6), then the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::transport::address::{
    check_tcp_connect_syntax, ipc_endpoint_string, resolve_ipc, resolve_tcp_bind,
    resolve_tcp_connect, resolve_udp, tcp_endpoint_string,
};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, text)) = data.split_first() else {
        return;
    };
    let Ok(addr) = std::str::from_utf8(text) else {
        return;
    };
    let bind = flags & 1 != 0;
    let ipv6 = flags & 2 != 0;
    match (flags >> 2) % 3 {
        0 => {
            if bind {
                if let Ok(sa) = resolve_tcp_bind(addr, ipv6) {
                    let printed = tcp_endpoint_string(&sa);
                    let again = printed.strip_prefix("tcp://").expect("tcp:// prefix");
                    let back = resolve_tcp_bind(again, ipv6)
                        .unwrap_or_else(|e| panic!("{addr:?} printed as {printed:?}: {e:?}"));
                    assert_eq!(back.ip(), sa.ip(), "{addr:?} -> {printed:?}");
                    assert_eq!(back.port(), sa.port(), "{addr:?} -> {printed:?}");
                }
            } else {
                // zmq_connect's quick check is stricter than the resolver
                // (which, as libzmq's, takes `atoi`'s view of a port):
                // both only have to answer.
                let _ = check_tcp_connect_syntax(addr);
                if let Ok(a) = resolve_tcp_connect(addr, ipv6) {
                    let _ = tcp_endpoint_string(&a.dst);
                }
            }
        }
        1 => {
            if let Ok(u) = resolve_udp(addr, bind, ipv6) {
                assert_eq!(u.target.is_ipv4(), u.bind.is_ipv4(), "{addr:?}: families");
            }
        }
        _ => {
            if addr.starts_with('*') && bind {
                return;
            }
            if let Ok((ipc, dir)) = resolve_ipc(addr, bind) {
                assert!(dir.is_none());
                let printed = ipc_endpoint_string(&ipc);
                let again = printed.strip_prefix("ipc://").expect("ipc:// prefix");
                // An abstract name is printed up to its first NUL; a path
                // that is not UTF-8 is printed lossily: both print back the
                // same.
                if let Ok((back, _)) = resolve_ipc(again, false) {
                    assert_eq!(ipc_endpoint_string(&back), printed, "{addr:?}");
                }
            }
        }
    }
});
