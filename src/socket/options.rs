//! Socket options: their storage, defaults, validation, and the byte-level
//! `zmq_setsockopt` / `zmq_getsockopt` behaviour of libzmq 4.3.5 (built with
//! CURVE and the draft API; without GSSAPI, VMCI, NORM, PGM, TIPC and WS).
//!
//! This module owns every option libzmq keeps in `options_t`, plus the
//! per-socket-type ones libzmq keeps in the socket classes (`ROUTER_*`,
//! `PROBE_ROUTER`, `REQ_*`, `XPUB_*`, `STREAM_NOTIFY`, `CONNECT_ROUTING_ID`,
//! `ONLY_FIRST_SUBSCRIBE`, `XSUB_VERBOSE_UNSUBSCRIBE`), with the same
//! per-type acceptance rules (e.g. PUB accepts the XPUB options and REP the
//! ROUTER ones, because libzmq's classes inherit them; SUB accepts neither
//! `ONLY_FIRST_SUBSCRIBE` nor `XSUB_VERBOSE_UNSUBSCRIBE`).
//!
//! Not owned here (the socket answers them before calling [`Options::get`]):
//! `ZMQ_TYPE`, `ZMQ_RCVMORE`, `ZMQ_FD`, `ZMQ_EVENTS`, `ZMQ_LAST_ENDPOINT`,
//! `ZMQ_THREAD_SAFE`, `ZMQ_TOPICS_COUNT`. The side effects of `ZMQ_SUBSCRIBE`
//! / `ZMQ_UNSUBSCRIBE` belong to the socket too: [`Options::set`] only checks
//! that the socket type accepts them.

use std::collections::{BTreeMap, BTreeSet};

use crate::constants::*;
use crate::error::{Error, Result};
pub use crate::transport::filter::TcpAcceptFilter;

/// libzmq's `default_hwm`.
const DEFAULT_HWM: i32 = 1000;
/// Size of a CURVE key, raw and in Z85 text.
const CURVE_KEYSIZE: usize = 32;
const CURVE_KEYSIZE_Z85: usize = 40;
/// `IFNAMSIZ` on Linux: the longest value ZMQ_BINDTODEVICE accepts.
const BINDDEVSIZ: usize = 16;
/// `UCHAR_MAX`: the longest routing id, PLAIN credential, ZAP domain, ...
const UCHAR_MAX: usize = 255;
/// HEARTBEAT_TTL is given in milliseconds and kept in deciseconds.
const MS_PER_DECISECOND: i32 = 100;
const INT_SIZE: usize = std::mem::size_of::<i32>();

/// The bytes of `s` before its first NUL (what `std::string::c_str` shows C).
fn until_nul(s: &[u8]) -> &[u8] {
    match s.iter().position(|&c| c == 0) {
        Some(pos) => s.get(..pos).unwrap_or_default(),
        None => s,
    }
}

/// Declares every socket option once: its field, type and default, and,
/// for an option with plain value rules, its `ZMQ_*` name, which socket
/// types accept it (`if` a class test of `Options`), how a value is read
/// (`set`: a function of the caller's optval giving the new value) and, if
/// it can be read back, how it is written (`get`). From that one line come
/// the field of `Options`, its default, and its arms of `zmq_setsockopt` /
/// `zmq_getsockopt`; options whose rules touch several fields are written
/// out in `Options::set_maybe_null` / `Options::get`.
macro_rules! socket_options {
    (@get $self:ident, $out:ident, $field:ident, $get:expr) => {
        Some(($get)(&$self.$field, $out))
    };
    (@get $self:ident, $out:ident, $field:ident) => {
        None
    };
    (
        defaults($socket_type:ident, $ctx_ipv6:ident, $ctx_blocky:ident);
        $(
            $(#[doc = $doc:expr])*
            $field:ident : $ty:ty = $default:expr
            $(=> $(#[cfg($cfg:meta)])? $opt:ident $(if $guard:ident)?
                 : set $set:expr $(, get $get:expr)?)?
            ;
        )*
    ) => {
        /// The options of one socket, declared in `socket_options!` below:
        /// each field's comment gives its option, range and default.
        #[derive(Debug, Clone)]
        pub struct Options {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Options {
            /// Every field at its default (before the socket type's own).
            fn defaults($socket_type: i32, $ctx_ipv6: bool, $ctx_blocky: bool) -> Options {
                Options { $( $field: $default, )* }
            }

            /// The options of the table: None when `option` is not one of
            /// them (or not for this socket type).
            fn set_listed(&mut self, option: i32, optval: Option<&[u8]>) -> Option<Result<()>> {
                match option {
                    $($(
                        $(#[cfg($cfg)])?
                        $opt $(if self.$guard())? => {
                            Some(($set)(optval).map(|value| self.$field = value))
                        }
                    )?)*
                    _ => None,
                }
            }

            /// The readable options of the table: None when `option` is
            /// not one of them (set-only options are not).
            fn get_listed(&self, option: i32, out: &mut [u8]) -> Option<Result<usize>> {
                match option {
                    $($(
                        $(#[cfg($cfg)])?
                        $opt => socket_options!(@get self, out, $field $(, $get)?),
                    )?)*
                    _ => None,
                }
            }
        }
    };
}

socket_options! {
    defaults(socket_type, ctx_ipv6, ctx_blocky);

    /// The socket type (ZMQ_PAIR ...), which decides the type-specific
    /// options. Read-only here: ZMQ_TYPE is answered by the socket.
    socket_type: i32 = socket_type;

    // ---- Queues and timeouts ----
    /// ZMQ_SNDHWM, >= 0. Default 1000.
    sndhwm: i32 = DEFAULT_HWM => ZMQ_SNDHWM: set int(|x| x >= 0), get out_int;
    /// ZMQ_RCVHWM, >= 0. Default 1000.
    rcvhwm: i32 = DEFAULT_HWM => ZMQ_RCVHWM: set int(|x| x >= 0), get out_int;
    /// ZMQ_AFFINITY (uint64_t). Default 0.
    affinity: u64 = 0 => ZMQ_AFFINITY: set u64_value, get out_u64;
    /// ZMQ_LINGER in ms, >= -1. Default -1 (0 when the context is not
    /// blocky, and always 0 for SUB, XSUB and DISH).
    linger: i32 = if ctx_blocky { -1 } else { 0 } => ZMQ_LINGER: set int(|x| x >= -1), get out_int;
    /// ZMQ_RCVTIMEO in ms, >= -1. Default -1.
    rcvtimeo: i32 = -1 => ZMQ_RCVTIMEO: set int(|x| x >= -1), get out_int;
    /// ZMQ_SNDTIMEO in ms, >= -1. Default -1.
    sndtimeo: i32 = -1 => ZMQ_SNDTIMEO: set int(|x| x >= -1), get out_int;
    /// ZMQ_MAXMSGSIZE (int64_t, any value; < 0 means no limit). Default -1.
    maxmsgsize: i64 = -1 => ZMQ_MAXMSGSIZE: set i64_value, get out_i64;
    /// ZMQ_CONFLATE (0 or 1). Default false.
    conflate: bool = false => ZMQ_CONFLATE: set bool_strict, get out_bool;
    /// ZMQ_IMMEDIATE (0 or 1). Default false.
    immediate: bool = false => ZMQ_IMMEDIATE: set bool_strict, get out_bool;
    /// ZMQ_IN_BATCH_SIZE, > 0. Default 8192.
    in_batch_size: i32 = 8192
        => #[cfg(feature = "draft")] ZMQ_IN_BATCH_SIZE: set int(|x| x > 0), get out_int;
    /// ZMQ_OUT_BATCH_SIZE, > 0. Default 8192.
    out_batch_size: i32 = 8192
        => #[cfg(feature = "draft")] ZMQ_OUT_BATCH_SIZE: set int(|x| x > 0), get out_int;

    // ---- Identity and routing ----
    /// ZMQ_ROUTING_ID (ZMQ_IDENTITY): 1..=255 bytes once set. Default empty.
    routing_id: Vec<u8> = Vec::new() => ZMQ_ROUTING_ID: set bytes(1, UCHAR_MAX), get out_bytes;
    /// ZMQ_CONNECT_ROUTING_ID (ROUTER, REP, STREAM; set-only, any non-empty
    /// length): consumed by the next connect, which should `take()` it.
    connect_routing_id: Option<Vec<u8>> = None
        => ZMQ_CONNECT_ROUTING_ID if is_routing_socket: set |o| bytes(1, usize::MAX)(o).map(Some);
    /// ZMQ_ROUTER_MANDATORY (ROUTER, REP; any value >= 0). Default false.
    router_mandatory: bool = false
        => ZMQ_ROUTER_MANDATORY if is_router_class: set bool_nonneg;
    /// ZMQ_ROUTER_HANDOVER (ROUTER, REP; >= 0). Default false.
    router_handover: bool = false
        => ZMQ_ROUTER_HANDOVER if is_router_class: set bool_nonneg;
    /// ZMQ_ROUTER_RAW (ROUTER, REP; >= 0). Default false. Turning it on also
    /// sets `raw_socket` and clears `recv_routing_id`; turning it off later
    /// does not undo that (as libzmq).
    router_raw: bool = false;
    /// ZMQ_ROUTER_NOTIFY (ROUTER, REP; 0..=3, ZMQ_NOTIFY_CONNECT |
    /// ZMQ_NOTIFY_DISCONNECT). Readable on every socket. Default 0.
    router_notify: i32 = 0;
    /// ZMQ_PROBE_ROUTER (ROUTER, REP, DEALER, REQ; >= 0). Default false.
    probe_router: bool = false
        => ZMQ_PROBE_ROUTER if is_router_or_dealer_class: set bool_nonneg;
    /// ZMQ_REQ_CORRELATE (REQ; >= 0). Default false.
    req_correlate: bool = false => ZMQ_REQ_CORRELATE if is_req: set bool_nonneg;
    /// ZMQ_REQ_RELAXED (REQ; >= 0). Default false (strict).
    req_relaxed: bool = false => ZMQ_REQ_RELAXED if is_req: set bool_nonneg;
    /// ZMQ_STREAM_NOTIFY (STREAM; 0 or 1). Default true. (libzmq's
    /// `raw_notify`.)
    stream_notify: bool = true => ZMQ_STREAM_NOTIFY if is_stream: set bool_strict;
    /// Whether received messages carry the peer's routing id: true for
    /// ROUTER and REP until ZMQ_ROUTER_RAW. Internal (no option).
    recv_routing_id: bool = false;
    /// Raw (non-ZMTP) wire protocol: STREAM, DGRAM, or ROUTER after
    /// ZMQ_ROUTER_RAW. Internal.
    raw_socket: bool = false;
    /// Whether the socket sends ZMQ_HELLO_MSG to new peers (DEALER, REQ,
    /// ROUTER, REP, CLIENT, SERVER, PEER). Internal.
    can_send_hello_msg: bool = false;
    /// Whether ZMQ_DISCONNECT_MSG is delivered (ROUTER, REP, SERVER, PEER).
    /// Internal.
    can_recv_disconnect_msg: bool = false;
    /// Whether ZMQ_HICCUP_MSG is delivered (DEALER, REQ, CLIENT, PEER).
    /// Internal.
    can_recv_hiccup_msg: bool = false;
    /// ZMQ_HELLO_MSG (any bytes; empty clears). Default None.
    hello_msg: Option<Vec<u8>> = None
        => #[cfg(feature = "draft")] ZMQ_HELLO_MSG: set optional_bytes;
    /// ZMQ_DISCONNECT_MSG (any bytes; empty clears). Default None.
    disconnect_msg: Option<Vec<u8>> = None
        => #[cfg(feature = "draft")] ZMQ_DISCONNECT_MSG: set optional_bytes;
    /// ZMQ_HICCUP_MSG (any bytes; empty clears). Default None.
    hiccup_msg: Option<Vec<u8>> = None
        => #[cfg(feature = "draft")] ZMQ_HICCUP_MSG: set optional_bytes;

    // ---- Publish / subscribe ----
    /// Whether SUB filters incoming messages (true for SUB only). Internal.
    filter: bool = false;
    /// ZMQ_INVERT_MATCHING (any int, non-zero is true). Default false.
    invert_matching: bool = false
        => ZMQ_INVERT_MATCHING: set bool_relaxed, get out_bool;
    /// Pass duplicate subscriptions upstream: ZMQ_XPUB_VERBOSE sets it (and
    /// clears `xpub_verbose_unsubs`), ZMQ_XPUB_VERBOSER sets both (XPUB,
    /// PUB; >= 0). Default false.
    xpub_verbose_subs: bool = false;
    /// Pass duplicate unsubscriptions upstream (ZMQ_XPUB_VERBOSER). Default
    /// false.
    xpub_verbose_unsubs: bool = false;
    /// ZMQ_XPUB_MANUAL, also set by ZMQ_XPUB_MANUAL_LAST_VALUE (XPUB, PUB;
    /// >= 0). Default false.
    xpub_manual: bool = false => ZMQ_XPUB_MANUAL if is_xpub_class: set bool_nonneg;
    /// ZMQ_XPUB_MANUAL_LAST_VALUE (libzmq's `_send_last_pipe`). Default
    /// false.
    xpub_manual_last_value: bool = false;
    /// ZMQ_XPUB_NODROP (XPUB, PUB, RADIO; >= 0). Default false (lossy).
    xpub_nodrop: bool = false => ZMQ_XPUB_NODROP if is_xpub_class_or_radio: set bool_nonneg;
    /// ZMQ_XPUB_WELCOME_MSG (XPUB, PUB; any bytes, empty clears). Default
    /// None.
    xpub_welcome_msg: Option<Vec<u8>> = None
        => ZMQ_XPUB_WELCOME_MSG if is_xpub_class: set optional_bytes;
    /// ZMQ_ONLY_FIRST_SUBSCRIBE (XPUB, PUB, XSUB; >= 0). Default false.
    only_first_subscribe: bool = false
        => #[cfg(feature = "draft")] ZMQ_ONLY_FIRST_SUBSCRIBE if is_xpub_class_or_xsub:
            set bool_nonneg;
    /// ZMQ_XSUB_VERBOSE_UNSUBSCRIBE (XSUB only; any int). libzmq reads an
    /// int without checking the length; a short value is refused here
    /// instead of read past its end. Default false.
    xsub_verbose_unsubscribe: bool = false
        => #[cfg(feature = "draft")] ZMQ_XSUB_VERBOSE_UNSUBSCRIBE if is_xsub:
            set int_prefix_bool;

    // ---- Transport ----
    /// ZMQ_IPV6 (0 or 1; ZMQ_IPV4ONLY is its inverse). Default: the
    /// context's ZMQ_IPV6.
    ipv6: bool = ctx_ipv6 => ZMQ_IPV6: set bool_strict, get out_bool;
    /// ZMQ_SNDBUF, >= -1 (-1 keeps the OS default). Default -1.
    sndbuf: i32 = -1 => ZMQ_SNDBUF: set int(|x| x >= -1), get out_int;
    /// ZMQ_RCVBUF, >= -1. Default -1.
    rcvbuf: i32 = -1 => ZMQ_RCVBUF: set int(|x| x >= -1), get out_int;
    /// ZMQ_TOS, >= 0. Default 0.
    tos: i32 = 0 => ZMQ_TOS: set int(|x| x >= 0), get out_int;
    /// ZMQ_PRIORITY (SO_PRIORITY), >= 0. Default 0.
    priority: i32 = 0 => #[cfg(feature = "draft")] ZMQ_PRIORITY: set int(|x| x >= 0), get out_int;
    /// ZMQ_BACKLOG, >= 0. Default 100.
    backlog: i32 = 100 => ZMQ_BACKLOG: set int(|x| x >= 0), get out_int;
    /// ZMQ_CONNECT_TIMEOUT in ms, >= 0. Default 0 (OS default).
    connect_timeout: i32 = 0 => ZMQ_CONNECT_TIMEOUT: set int(|x| x >= 0), get out_int;
    /// ZMQ_TCP_MAXRT in ms, >= 0. Default 0.
    tcp_maxrt: i32 = 0 => ZMQ_TCP_MAXRT: set int(|x| x >= 0), get out_int;
    /// ZMQ_TCP_KEEPALIVE: -1, 0 or 1. Default -1.
    tcp_keepalive: i32 = -1
        => ZMQ_TCP_KEEPALIVE: set int(|x| (-1..=1).contains(&x)), get out_int;
    /// ZMQ_TCP_KEEPALIVE_CNT, >= -1. Default -1.
    tcp_keepalive_cnt: i32 = -1 => ZMQ_TCP_KEEPALIVE_CNT: set int(|x| x >= -1), get out_int;
    /// ZMQ_TCP_KEEPALIVE_IDLE, >= -1. Default -1.
    tcp_keepalive_idle: i32 = -1 => ZMQ_TCP_KEEPALIVE_IDLE: set int(|x| x >= -1), get out_int;
    /// ZMQ_TCP_KEEPALIVE_INTVL, >= -1. Default -1.
    tcp_keepalive_intvl: i32 = -1
        => ZMQ_TCP_KEEPALIVE_INTVL: set int(|x| x >= -1), get out_int;
    /// ZMQ_TCP_ACCEPT_FILTER (set-only): each set appends one, NULL clears.
    /// Empty means accept everyone.
    tcp_accept_filters: Vec<TcpAcceptFilter> = Vec::new();
    /// ZMQ_IPC_FILTER_UID (set-only, uid_t): each set adds one, NULL clears.
    ipc_filter_uid: BTreeSet<u32> = BTreeSet::new();
    /// ZMQ_IPC_FILTER_GID (set-only, gid_t).
    ipc_filter_gid: BTreeSet<u32> = BTreeSet::new();
    /// ZMQ_IPC_FILTER_PID (set-only, pid_t).
    ipc_filter_pid: BTreeSet<i32> = BTreeSet::new();
    /// ZMQ_RECONNECT_IVL in ms, >= -1 (-1: never reconnect). Default 100.
    reconnect_ivl: i32 = 100 => ZMQ_RECONNECT_IVL: set int(|x| x >= -1), get out_int;
    /// ZMQ_RECONNECT_IVL_MAX in ms, >= 0. Default 0.
    reconnect_ivl_max: i32 = 0 => ZMQ_RECONNECT_IVL_MAX: set int(|x| x >= 0), get out_int;
    /// ZMQ_RECONNECT_STOP: any int, a mask of ZMQ_RECONNECT_STOP_*.
    /// Default 0.
    reconnect_stop: i32 = 0
        => #[cfg(feature = "draft")] ZMQ_RECONNECT_STOP: set int(|_| true), get out_int;
    /// ZMQ_HANDSHAKE_IVL in ms, >= 0. Default 30000.
    handshake_ivl: i32 = 30000 => ZMQ_HANDSHAKE_IVL: set int(|x| x >= 0), get out_int;
    /// ZMQ_HEARTBEAT_IVL in ms, >= 0. Default 0.
    heartbeat_ivl: i32 = 0 => ZMQ_HEARTBEAT_IVL: set int(|x| x >= 0), get out_int;
    /// ZMQ_HEARTBEAT_TTL in deciseconds, as libzmq stores it: set takes ms
    /// and truncates towards zero, get returns `* 100`. Default 0.
    heartbeat_ttl: u16 = 0 => ZMQ_HEARTBEAT_TTL: set heartbeat_ttl_ds, get out_deciseconds;
    /// ZMQ_HEARTBEAT_TIMEOUT in ms, >= 0 (the default -1 means "use the
    /// heartbeat interval" and cannot be set back).
    heartbeat_timeout: i32 = -1 => ZMQ_HEARTBEAT_TIMEOUT: set int(|x| x >= 0), get out_int;
    /// ZMQ_USE_FD, >= -1. Default -1.
    use_fd: i32 = -1 => ZMQ_USE_FD: set int(|x| x >= -1), get out_int;
    /// ZMQ_BINDTODEVICE: at most 16 bytes; NULL clears. Default empty.
    bindtodevice: Vec<u8> = Vec::new()
        => ZMQ_BINDTODEVICE: set |o| string_strict(o, BINDDEVSIZ), get out_string;
    /// ZMQ_SOCKS_PROXY ("host:port"): NULL clears. Default empty.
    socks_proxy: Vec<u8> = Vec::new()
        => ZMQ_SOCKS_PROXY: set |o| string_strict(o, usize::MAX), get out_string;
    /// ZMQ_SOCKS_USERNAME: at most 255 bytes; NULL or empty clears.
    socks_username: Vec<u8> = Vec::new()
        => #[cfg(feature = "draft")] ZMQ_SOCKS_USERNAME: set bytes(0, UCHAR_MAX), get out_string;
    /// ZMQ_SOCKS_PASSWORD: at most 255 bytes; NULL or empty clears.
    socks_password: Vec<u8> = Vec::new()
        => #[cfg(feature = "draft")] ZMQ_SOCKS_PASSWORD: set bytes(0, UCHAR_MAX), get out_string;
    /// ZMQ_WSS_CERT_PEM: a wss:// server's certificate chain, PEM, kept as
    /// given (checked at the bind, as libzmq). Set-only, as in libzmq.
    wss_cert_pem: Vec<u8> = Vec::new()
        => #[cfg(feature = "draft")] ZMQ_WSS_CERT_PEM: set bytes(0, usize::MAX);
    /// ZMQ_WSS_KEY_PEM: the private key of that certificate, PEM.
    wss_key_pem: Vec<u8> = Vec::new()
        => #[cfg(feature = "draft")] ZMQ_WSS_KEY_PEM: set bytes(0, usize::MAX);
    /// ZMQ_WSS_TRUST_PEM: certificates a wss:// client trusts, PEM.
    wss_trust_pem: Vec<u8> = Vec::new()
        => #[cfg(feature = "draft")] ZMQ_WSS_TRUST_PEM: set bytes(0, usize::MAX);
    /// ZMQ_WSS_HOSTNAME: the name a wss:// client asks for (SNI) and
    /// checks the server's certificate against; empty: no name check.
    wss_hostname: Vec<u8> = Vec::new()
        => #[cfg(feature = "draft")] ZMQ_WSS_HOSTNAME: set bytes(0, usize::MAX);
    /// ZMQ_WSS_TRUST_SYSTEM (0 or 1): a wss:// client also trusts the
    /// system's certificate authorities.
    wss_trust_system: bool = false
        => #[cfg(feature = "draft")] ZMQ_WSS_TRUST_SYSTEM: set bool_strict;
    /// ZMQ_LOOPBACK_FASTPATH (any int, non-zero true; Windows only in
    /// effect). Default false.
    loopback_fastpath: bool = false
        => #[cfg(feature = "draft")] ZMQ_LOOPBACK_FASTPATH: set bool_relaxed, get out_bool;
    /// ZMQ_BUSY_POLL (any int; reading it writes the value and fails with
    /// EINVAL, as libzmq 4.3.5). Default 0.
    busy_poll: i32 = 0 => #[cfg(feature = "draft")] ZMQ_BUSY_POLL: set int(|_| true), get out_int_then_einval;
    /// ZMQ_MULTICAST_LOOP (draft, any int). Default true.
    multicast_loop: bool = true
        => #[cfg(feature = "draft")] ZMQ_MULTICAST_LOOP: set bool_relaxed, get out_bool;
    /// ZMQ_RATE in kbit/s, > 0. Default 100.
    rate: i32 = 100 => ZMQ_RATE: set int(|x| x > 0), get out_int;
    /// ZMQ_RECOVERY_IVL in ms, >= 0. Default 10000.
    recovery_ivl: i32 = 10000 => ZMQ_RECOVERY_IVL: set int(|x| x >= 0), get out_int;
    /// ZMQ_MULTICAST_HOPS, > 0. Default 1.
    multicast_hops: i32 = 1 => ZMQ_MULTICAST_HOPS: set int(|x| x > 0), get out_int;
    /// ZMQ_MULTICAST_MAXTPDU, > 0. Default 1500.
    multicast_maxtpdu: i32 = 1500 => ZMQ_MULTICAST_MAXTPDU: set int(|x| x > 0), get out_int;

    // ---- Security ----
    /// ZMQ_MECHANISM (read-only): ZMQ_NULL, ZMQ_PLAIN or ZMQ_CURVE, switched
    /// by the PLAIN / CURVE options in the order they are set.
    mechanism: i32 = ZMQ_NULL;
    /// Server role, set by ZMQ_PLAIN_SERVER / ZMQ_CURVE_SERVER and cleared
    /// by the PLAIN credentials and ZMQ_CURVE_SERVERKEY.
    as_server: bool = false;
    /// ZMQ_PLAIN_USERNAME: 1..=255 bytes (NULL sets the NULL mechanism and
    /// keeps the value).
    plain_username: Vec<u8> = Vec::new();
    /// ZMQ_PLAIN_PASSWORD: same rules.
    plain_password: Vec<u8> = Vec::new();
    /// ZMQ_CURVE_PUBLICKEY; reads as 32 zero bytes while None.
    curve_public_key: Option<[u8; 32]> = None;
    /// ZMQ_CURVE_SECRETKEY; reads as zeros while None.
    curve_secret_key: Option<[u8; 32]> = None;
    /// ZMQ_CURVE_SERVERKEY; reads as zeros while None.
    curve_server_key: Option<[u8; 32]> = None;
    /// ZMQ_ZAP_DOMAIN: 1..=255 bytes (cannot be cleared). Default empty.
    zap_domain: Vec<u8> = Vec::new() => ZMQ_ZAP_DOMAIN: set bytes(1, UCHAR_MAX), get out_string;
    /// ZMQ_ZAP_ENFORCE_DOMAIN (any int, non-zero true). Default false.
    zap_enforce_domain: bool = false
        => #[cfg(feature = "draft")] ZMQ_ZAP_ENFORCE_DOMAIN: set bool_relaxed, get out_bool;
    /// ZMQ_METADATA ("X-key:value", set-only): key -> value, sorted by key
    /// as libzmq's `std::map`; a key already present is not replaced.
    metadata: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
}

/// Reads an `int` option value: exactly `sizeof (int)` bytes.
fn int_value(v: &[u8]) -> Option<i32> {
    let bytes: [u8; INT_SIZE] = v.try_into().ok()?;
    Some(i32::from_ne_bytes(bytes))
}

/// How much of an option value longer than the C boundary trusts (4 KiB)
/// is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongValue {
    /// None of it: the length alone is refused (EINVAL).
    Refused,
    /// Only its first bytes (an int read from a longer value).
    Prefix(usize),
    /// All of it (topics, messages, strings without a limit).
    Whole,
}

/// How much of a value longer than the C boundary trusts an option reads: the boundary copies that much in, checked, and refuses
/// the rest with EINVAL unread. Every option not named here has a fixed
/// size or a limit of at most 255 bytes, which libzmq checks before it
/// reads the value.
pub fn long_value(option: i32) -> LongValue {
    match option {
        ZMQ_SUBSCRIBE
        | ZMQ_UNSUBSCRIBE
        | ZMQ_CONNECT_ROUTING_ID
        | ZMQ_SOCKS_PROXY
        | ZMQ_XPUB_WELCOME_MSG => LongValue::Whole,
        #[cfg(feature = "draft")]
        ZMQ_HELLO_MSG | ZMQ_DISCONNECT_MSG | ZMQ_HICCUP_MSG | ZMQ_METADATA => LongValue::Whole,
        // Reads an int from the front of whatever it is given.
        #[cfg(feature = "draft")]
        ZMQ_XSUB_VERBOSE_UNSUBSCRIBE => LongValue::Prefix(INT_SIZE),
        _ => LongValue::Refused,
    }
}

/// A copy of a value the caller sized: ENOMEM when there is no room for
/// it, never an abort.
pub(crate) fn owned(v: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    out.try_reserve_exact(v.len()).map_err(|_| Error::ENOMEM)?;
    out.extend_from_slice(v);
    Ok(out)
}

/// An int within `ok`, else EINVAL.
fn int_where(v: &[u8], ok: impl Fn(i32) -> bool) -> Result<i32> {
    match int_value(v) {
        Some(x) if ok(x) => Ok(x),
        _ => Err(Error::EINVAL),
    }
}

/// libzmq's `do_setsockopt_int_as_bool_strict`: 0 or 1.
fn bool_strict(optval: Option<&[u8]>) -> Result<bool> {
    int_where(optval.unwrap_or_default(), |x| x == 0 || x == 1).map(|x| x != 0)
}

/// libzmq's `do_setsockopt_int_as_bool_relaxed`: any int, non-zero true.
fn bool_relaxed(optval: Option<&[u8]>) -> Result<bool> {
    int_where(optval.unwrap_or_default(), |_| true).map(|x| x != 0)
}

/// The socket-class flags (ROUTER_MANDATORY, XPUB_VERBOSE, ...): any int
/// >= 0, non-zero true.
fn bool_nonneg(optval: Option<&[u8]>) -> Result<bool> {
    int_where(optval.unwrap_or_default(), |x| x >= 0).map(|x| x != 0)
}

/// `do_setsockopt_string_allow_empty_strict`: NULL clears, otherwise
/// 1..=`max` bytes.
fn string_strict(optval: Option<&[u8]>, max: usize) -> Result<Vec<u8>> {
    match optval {
        None => Ok(Vec::new()),
        Some(v) if !v.is_empty() && v.len() <= max => owned(v),
        Some(_) => Err(Error::EINVAL),
    }
}

/// `do_setsockopt_set`: NULL clears, otherwise exactly one 4-byte id.
fn set_insert(optval: Option<&[u8]>) -> Result<Option<[u8; 4]>> {
    match optval {
        None => Ok(None),
        Some(v) => v.try_into().map(Some).map_err(|_| Error::EINVAL),
    }
}

/// Writes an `int`: libzmq wants `*optvallen == sizeof (int)` exactly.
pub(super) fn put_int(out: &mut [u8], value: i32) -> Result<usize> {
    if out.len() != INT_SIZE {
        return Err(Error::EINVAL);
    }
    out.copy_from_slice(&value.to_ne_bytes());
    Ok(INT_SIZE)
}

fn put_bool(out: &mut [u8], value: bool) -> Result<usize> {
    put_int(out, i32::from(value))
}

/// libzmq's `do_getsockopt (void *, size_t *, const void *, size_t)`: the
/// buffer must be at least as long as the value; the rest is zeroed and the
/// value's length is stored back.
pub(super) fn put_bytes(out: &mut [u8], value: &[u8]) -> Result<usize> {
    if out.len() < value.len() {
        return Err(Error::EINVAL);
    }
    let (head, tail) = out.split_at_mut(value.len());
    head.copy_from_slice(value);
    tail.fill(0);
    Ok(value.len())
}

/// A string option: the value plus its NUL, counted in the length.
pub(super) fn put_string(out: &mut [u8], value: &[u8]) -> Result<usize> {
    if out.len() <= value.len() {
        return Err(Error::EINVAL);
    }
    put_bytes(out, value)?;
    // put_bytes zeroed everything after the value, NUL included.
    Ok(value.len() + 1)
}

/// A CURVE key: raw when `*optvallen` is 32, Z85 plus NUL when it is 41;
/// `*optvallen` is left as it was.
fn put_curve_key(out: &mut [u8], key: &Option<[u8; 32]>) -> Result<usize> {
    let key = key.unwrap_or([0; CURVE_KEYSIZE]);
    match out.len() {
        CURVE_KEYSIZE => {
            out.copy_from_slice(&key);
            Ok(CURVE_KEYSIZE)
        }
        n if n == CURVE_KEYSIZE_Z85 + 1 => {
            let (nul, text) = out.split_last_mut().ok_or(Error::EINVAL)?;
            crate::z85::encode_into(&key, text).ok_or(Error::EINVAL)?;
            *nul = 0;
            Ok(n)
        }
        _ => Err(Error::EINVAL),
    }
}

// ---- How values are read (`set` in the table: optval -> value) ----

/// An int within `ok`.
fn int(ok: impl Fn(i32) -> bool) -> impl Fn(Option<&[u8]>) -> Result<i32> {
    move |optval| int_where(optval.unwrap_or_default(), &ok)
}

/// Exactly 8 bytes: a uint64_t.
fn u64_value(optval: Option<&[u8]>) -> Result<u64> {
    let bytes: [u8; 8] = optval
        .unwrap_or_default()
        .try_into()
        .map_err(|_| Error::EINVAL)?;
    Ok(u64::from_ne_bytes(bytes))
}

/// Exactly 8 bytes: an int64_t.
fn i64_value(optval: Option<&[u8]>) -> Result<i64> {
    u64_value(optval).map(|x| x as i64)
}

/// `min..=max` bytes (NULL is empty).
fn bytes(min: usize, max: usize) -> impl Fn(Option<&[u8]>) -> Result<Vec<u8>> {
    move |optval| {
        let v = optval.unwrap_or_default();
        if v.len() < min || v.len() > max {
            return Err(Error::EINVAL);
        }
        owned(v)
    }
}

/// An optional message: empty (or NULL) means none.
fn optional_bytes(optval: Option<&[u8]>) -> Result<Option<Vec<u8>>> {
    optval.filter(|v| !v.is_empty()).map(owned).transpose()
}

/// The first `sizeof (int)` bytes as an int, non-zero true (longer values
/// are read as libzmq reads them; shorter ones refused).
fn int_prefix_bool(optval: Option<&[u8]>) -> Result<bool> {
    let first: [u8; INT_SIZE] = optval
        .unwrap_or_default()
        .get(..INT_SIZE)
        .and_then(|b| b.try_into().ok())
        .ok_or(Error::EINVAL)?;
    Ok(i32::from_ne_bytes(first) != 0)
}

/// ZMQ_HEARTBEAT_TTL: milliseconds, truncated to deciseconds first
/// (-99..=-1 become 0), which must fit 16 bits.
fn heartbeat_ttl_ds(optval: Option<&[u8]>) -> Result<u16> {
    let ds = int_value(optval.unwrap_or_default()).ok_or(Error::EINVAL)? / MS_PER_DECISECOND;
    u16::try_from(ds).map_err(|_| Error::EINVAL)
}

// ---- How values are written back (`get` in the table) ----

fn out_int(value: &i32, out: &mut [u8]) -> Result<usize> {
    put_int(out, *value)
}

fn out_bool(value: &bool, out: &mut [u8]) -> Result<usize> {
    put_bool(out, *value)
}

/// 8 bytes exactly.
fn out_u64(value: &u64, out: &mut [u8]) -> Result<usize> {
    if out.len() != 8 {
        return Err(Error::EINVAL);
    }
    out.copy_from_slice(&value.to_ne_bytes());
    Ok(8)
}

fn out_i64(value: &i64, out: &mut [u8]) -> Result<usize> {
    out_u64(&(*value as u64), out)
}

fn out_bytes(value: &[u8], out: &mut [u8]) -> Result<usize> {
    put_bytes(out, value)
}

fn out_string(value: &[u8], out: &mut [u8]) -> Result<usize> {
    put_string(out, value)
}

/// ZMQ_HEARTBEAT_TTL is kept in deciseconds and read in milliseconds.
fn out_deciseconds(value: &u16, out: &mut [u8]) -> Result<usize> {
    put_int(out, i32::from(*value) * MS_PER_DECISECOND)
}

/// libzmq 4.3.5 writes ZMQ_BUSY_POLL's value, then falls through to EINVAL.
fn out_int_then_einval(value: &i32, out: &mut [u8]) -> Result<usize> {
    put_int(out, *value)?;
    Err(Error::EINVAL)
}

impl Options {
    /// Defaults for a socket of `socket_type`, with ZMQ_IPV6 from the
    /// context and a blocky context (ZMQ_BLOCKY's default).
    pub fn new(socket_type: i32, ctx_ipv6: bool) -> Options {
        Options::with_ctx(socket_type, ctx_ipv6, true)
    }

    /// Defaults as libzmq's `options_t` constructor, then `socket_base_t`
    /// (ZMQ_IPV6 from the context; linger -1, or 0 when the context's
    /// ZMQ_BLOCKY is off), then the socket type's constructor.
    pub fn with_ctx(socket_type: i32, ctx_ipv6: bool, ctx_blocky: bool) -> Options {
        let mut o = Options::defaults(socket_type, ctx_ipv6, ctx_blocky);
        // What each socket class's constructor adds (derived classes after
        // their bases: REQ is a DEALER, REP a ROUTER, SUB an XSUB).
        match socket_type {
            ZMQ_DEALER | ZMQ_REQ => {
                o.can_send_hello_msg = true;
                o.can_recv_hiccup_msg = true;
            }
            ZMQ_ROUTER | ZMQ_REP => {
                o.recv_routing_id = true;
                o.can_send_hello_msg = true;
                o.can_recv_disconnect_msg = true;
            }
            ZMQ_XSUB => o.linger = 0,
            ZMQ_SUB => {
                o.linger = 0;
                o.filter = true;
            }
            ZMQ_STREAM => o.raw_socket = true,
            _ => {}
        }
        #[cfg(feature = "draft")]
        match socket_type {
            ZMQ_CLIENT => {
                o.can_send_hello_msg = true;
                o.can_recv_hiccup_msg = true;
            }
            ZMQ_SERVER => {
                o.can_send_hello_msg = true;
                o.can_recv_disconnect_msg = true;
            }
            ZMQ_PEER => {
                o.can_send_hello_msg = true;
                o.can_recv_disconnect_msg = true;
                o.can_recv_hiccup_msg = true;
            }
            ZMQ_DISH => o.linger = 0,
            ZMQ_DGRAM => o.raw_socket = true,
            _ => {}
        }
        o
    }

    fn is_router_class(&self) -> bool {
        matches!(self.socket_type, ZMQ_ROUTER | ZMQ_REP)
    }

    fn is_routing_socket(&self) -> bool {
        matches!(self.socket_type, ZMQ_ROUTER | ZMQ_REP | ZMQ_STREAM)
    }

    fn is_dealer_class(&self) -> bool {
        matches!(self.socket_type, ZMQ_DEALER | ZMQ_REQ)
    }

    fn is_router_or_dealer_class(&self) -> bool {
        self.is_router_class() || self.is_dealer_class()
    }

    fn is_req(&self) -> bool {
        self.socket_type == ZMQ_REQ
    }

    fn is_stream(&self) -> bool {
        self.socket_type == ZMQ_STREAM
    }

    #[cfg(feature = "draft")]
    fn is_xsub(&self) -> bool {
        self.socket_type == ZMQ_XSUB
    }

    #[cfg(feature = "draft")]
    fn is_xpub_class_or_xsub(&self) -> bool {
        self.is_xpub_class() || self.is_xsub()
    }

    fn is_xpub_class_or_radio(&self) -> bool {
        self.is_xpub_class() || self.is_radio()
    }

    fn is_xpub_class(&self) -> bool {
        matches!(self.socket_type, ZMQ_XPUB | ZMQ_PUB)
    }

    fn is_radio(&self) -> bool {
        #[cfg(feature = "draft")]
        {
            self.socket_type == ZMQ_RADIO
        }
        #[cfg(not(feature = "draft"))]
        {
            false
        }
    }

    /// zmq_setsockopt with a NULL `optval` when `value` is empty (the usual
    /// `NULL, 0`). Use [`Options::set_maybe_null`] to tell a non-NULL
    /// zero-length value apart, which a few options reject.
    pub fn set(&mut self, option: i32, value: &[u8]) -> Result<()> {
        self.set_maybe_null(option, if value.is_empty() { None } else { Some(value) })
    }

    /// zmq_setsockopt where `None` is a NULL `optval` (with `optvallen` 0)
    /// and `Some(bytes)` a non-NULL one, possibly empty. The difference
    /// matters for ZMQ_SOCKS_PROXY, ZMQ_TCP_ACCEPT_FILTER, ZMQ_BINDTODEVICE,
    /// ZMQ_PLAIN_USERNAME / PASSWORD and ZMQ_IPC_FILTER_*: NULL resets them,
    /// a non-NULL empty value is EINVAL. (A NULL `optval` with a non-zero
    /// length is for the caller to refuse; libzmq would crash.)
    pub fn set_maybe_null(&mut self, option: i32, optval: Option<&[u8]>) -> Result<()> {
        if let Some(done) = self.set_listed(option, optval) {
            return done;
        }
        let v = optval.unwrap_or_default();
        match option {
            // ---- Socket-type specific (libzmq's xsetsockopt) ----
            ZMQ_SUBSCRIBE | ZMQ_UNSUBSCRIBE
                if self.socket_type == ZMQ_SUB || (self.is_xpub_class() && self.xpub_manual) =>
            {
                // The subscription itself is the socket's business.
            }
            ZMQ_ROUTER_RAW if self.is_router_class() => {
                self.router_raw = bool_nonneg(optval)?;
                if self.router_raw {
                    self.recv_routing_id = false;
                    self.raw_socket = true;
                }
            }
            #[cfg(feature = "draft")]
            ZMQ_ROUTER_NOTIFY if self.is_router_class() => {
                self.router_notify = int_where(v, |x| {
                    (0..=(ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT)).contains(&x)
                })?;
            }
            ZMQ_XPUB_VERBOSE if self.is_xpub_class() => {
                self.xpub_verbose_subs = bool_nonneg(optval)?;
                self.xpub_verbose_unsubs = false;
            }
            ZMQ_XPUB_VERBOSER if self.is_xpub_class() => {
                let on = bool_nonneg(optval)?;
                self.xpub_verbose_subs = on;
                self.xpub_verbose_unsubs = on;
            }
            #[cfg(feature = "draft")]
            ZMQ_XPUB_MANUAL_LAST_VALUE if self.is_xpub_class() => {
                let on = bool_nonneg(optval)?;
                self.xpub_manual = on;
                self.xpub_manual_last_value = on;
            }

            // ---- Generic (libzmq's options_t::setsockopt) ----
            ZMQ_IPV4ONLY => self.ipv6 = !bool_strict(optval)?,
            ZMQ_TCP_ACCEPT_FILTER => {
                let text = string_strict(optval, UCHAR_MAX)?;
                if text.is_empty() {
                    self.tcp_accept_filters.clear();
                } else {
                    let filter = TcpAcceptFilter::parse(until_nul(&text), self.ipv6)?;
                    self.tcp_accept_filters.push(filter);
                }
            }
            ZMQ_IPC_FILTER_UID => match set_insert(optval)? {
                None => self.ipc_filter_uid.clear(),
                Some(b) => {
                    self.ipc_filter_uid.insert(u32::from_ne_bytes(b));
                }
            },
            ZMQ_IPC_FILTER_GID => match set_insert(optval)? {
                None => self.ipc_filter_gid.clear(),
                Some(b) => {
                    self.ipc_filter_gid.insert(u32::from_ne_bytes(b));
                }
            },
            ZMQ_IPC_FILTER_PID => match set_insert(optval)? {
                None => self.ipc_filter_pid.clear(),
                Some(b) => {
                    self.ipc_filter_pid.insert(i32::from_ne_bytes(b));
                }
            },
            ZMQ_PLAIN_SERVER => {
                self.as_server = bool_strict(optval)?;
                self.mechanism = if self.as_server { ZMQ_PLAIN } else { ZMQ_NULL };
            }
            ZMQ_PLAIN_USERNAME | ZMQ_PLAIN_PASSWORD => match optval {
                None => self.mechanism = ZMQ_NULL,
                Some(v) if !v.is_empty() && v.len() <= UCHAR_MAX => {
                    if option == ZMQ_PLAIN_USERNAME {
                        self.plain_username = v.to_vec();
                    } else {
                        self.plain_password = v.to_vec();
                    }
                    self.as_server = false;
                    self.mechanism = ZMQ_PLAIN;
                }
                Some(_) => return Err(Error::EINVAL),
            },
            ZMQ_CURVE_SERVER => {
                self.as_server = bool_strict(optval)?;
                self.mechanism = if self.as_server { ZMQ_CURVE } else { ZMQ_NULL };
            }
            ZMQ_CURVE_PUBLICKEY => {
                self.curve_public_key = Some(curve_key(v, self.curve_public_key)?);
                self.mechanism = ZMQ_CURVE;
            }
            ZMQ_CURVE_SECRETKEY => {
                self.curve_secret_key = Some(curve_key(v, self.curve_secret_key)?);
                self.mechanism = ZMQ_CURVE;
            }
            ZMQ_CURVE_SERVERKEY => {
                self.curve_server_key = Some(curve_key(v, self.curve_server_key)?);
                self.mechanism = ZMQ_CURVE;
                self.as_server = false;
            }
            #[cfg(feature = "draft")]
            ZMQ_METADATA => self.add_metadata(v)?,

            // Unknown, read-only, not built (GSSAPI, VMCI, NORM, WSS), or
            // not valid for this socket type.
            _ => return Err(Error::EINVAL),
        }
        Ok(())
    }

    /// ZMQ_METADATA: "X-key:value" split at the first ':', the key starting
    /// with "X-" (case-sensitive) and at most 255 bytes, the value non-empty
    /// (it may contain ':'); the whole length may not be sizeof (int). An
    /// existing key keeps its first value.
    #[cfg(feature = "draft")]
    fn add_metadata(&mut self, v: &[u8]) -> Result<()> {
        if v.is_empty() || v.len() == INT_SIZE {
            return Err(Error::EINVAL);
        }
        let pos = v.iter().position(|&c| c == b':').ok_or(Error::EINVAL)?;
        if pos == 0 || pos == v.len() - 1 {
            return Err(Error::EINVAL);
        }
        let (key, rest) = v.split_at(pos);
        let value = rest.get(1..).unwrap_or_default();
        if !key.starts_with(b"X-") || key.len() > UCHAR_MAX {
            return Err(Error::EINVAL);
        }
        if !self.metadata.contains_key(key) {
            self.metadata.insert(key.to_vec(), owned(value)?);
        }
        Ok(())
    }

    /// zmq_getsockopt: fills `out` (its length is the caller's
    /// `*optvallen`) and returns the length to store back in `*optvallen`.
    /// Int options need `*optvallen == sizeof (int)` exactly (and leave it
    /// as is); AFFINITY and MAXMSGSIZE exactly 8; strings need room for the
    /// value and its NUL, zero the rest and report value + NUL; the routing
    /// id likewise without a NUL; CURVE keys need exactly 32 or 41.
    ///
    /// ZMQ_BUSY_POLL reproduces a libzmq 4.3.5 bug: the value is written,
    /// but the call still fails with EINVAL.
    pub fn get(&self, option: i32, out: &mut [u8]) -> Result<usize> {
        if let Some(done) = self.get_listed(option, out) {
            return done;
        }
        match option {
            ZMQ_IPV4ONLY => put_bool(out, !self.ipv6),
            ZMQ_MECHANISM => put_int(out, self.mechanism),
            ZMQ_PLAIN_SERVER => put_bool(out, self.as_server && self.mechanism == ZMQ_PLAIN),
            ZMQ_PLAIN_USERNAME => put_string(out, &self.plain_username),
            ZMQ_PLAIN_PASSWORD => put_string(out, &self.plain_password),
            ZMQ_CURVE_SERVER => put_bool(out, self.as_server && self.mechanism == ZMQ_CURVE),
            ZMQ_CURVE_PUBLICKEY => put_curve_key(out, &self.curve_public_key),
            ZMQ_CURVE_SECRETKEY => put_curve_key(out, &self.curve_secret_key),
            ZMQ_CURVE_SERVERKEY => put_curve_key(out, &self.curve_server_key),
            #[cfg(feature = "draft")]
            ZMQ_ROUTER_NOTIFY => put_int(out, self.router_notify),
            // Unknown, set-only, not built, or answered by the socket
            // (TYPE, RCVMORE, FD, EVENTS, LAST_ENDPOINT, THREAD_SAFE,
            // TOPICS_COUNT).
            _ => Err(Error::EINVAL),
        }
    }
}

/// A CURVE key from 32 raw bytes, or Z85 text of 40 bytes or 41 (as C
/// strings: up to the first NUL; libzmq then decodes whatever multiple of 5
/// characters precedes that NUL over the start of the key, leaving the rest
/// of `current` as it was).
fn curve_key(v: &[u8], current: Option<[u8; 32]>) -> Result<[u8; 32]> {
    match v.len() {
        CURVE_KEYSIZE => v.try_into().map_err(|_| Error::EINVAL),
        n if n == CURVE_KEYSIZE_Z85 || n == CURVE_KEYSIZE_Z85 + 1 => {
            let text = until_nul(v);
            let mut key = current.unwrap_or([0; CURVE_KEYSIZE]);
            let decoded_len = text.len() / 5 * 4;
            let dest = key.get_mut(..decoded_len).ok_or(Error::EINVAL)?;
            crate::z85::decode_into(text, dest).ok_or(Error::EINVAL)?;
            Ok(key)
        }
        _ => Err(Error::EINVAL),
    }
}

#[cfg(all(test, feature = "draft"))]
mod tests {
    use super::*;

    fn int(x: i32) -> [u8; 4] {
        x.to_ne_bytes()
    }

    fn get_int(o: &Options, option: i32) -> i32 {
        let mut buf = [0u8; 4];
        assert_eq!(o.get(option, &mut buf), Ok(4), "option {option}");
        i32::from_ne_bytes(buf)
    }

    fn get_vec(o: &Options, option: i32, cap: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0xaa; cap];
        let n = o.get(option, &mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    const EINVAL: Result<()> = Err(Error::EINVAL);

    const ALL_TYPES: [i32; 12] = [
        ZMQ_PAIR, ZMQ_PUB, ZMQ_SUB, ZMQ_REQ, ZMQ_REP, ZMQ_DEALER, ZMQ_ROUTER, ZMQ_PULL, ZMQ_PUSH,
        ZMQ_XPUB, ZMQ_XSUB, ZMQ_STREAM,
    ];

    #[test]
    fn default_int_options() {
        let o = Options::new(ZMQ_PAIR, false);
        let table: &[(i32, i32)] = &[
            (ZMQ_SNDHWM, 1000),
            (ZMQ_RCVHWM, 1000),
            (ZMQ_RATE, 100),
            (ZMQ_RECOVERY_IVL, 10000),
            (ZMQ_SNDBUF, -1),
            (ZMQ_RCVBUF, -1),
            (ZMQ_TOS, 0),
            (ZMQ_LINGER, -1),
            (ZMQ_CONNECT_TIMEOUT, 0),
            (ZMQ_TCP_MAXRT, 0),
            (ZMQ_RECONNECT_STOP, 0),
            (ZMQ_RECONNECT_IVL, 100),
            (ZMQ_RECONNECT_IVL_MAX, 0),
            (ZMQ_BACKLOG, 100),
            (ZMQ_MULTICAST_HOPS, 1),
            (ZMQ_MULTICAST_MAXTPDU, 1500),
            (ZMQ_RCVTIMEO, -1),
            (ZMQ_SNDTIMEO, -1),
            (ZMQ_IPV4ONLY, 1),
            (ZMQ_IPV6, 0),
            (ZMQ_IMMEDIATE, 0),
            (ZMQ_TCP_KEEPALIVE, -1),
            (ZMQ_TCP_KEEPALIVE_CNT, -1),
            (ZMQ_TCP_KEEPALIVE_IDLE, -1),
            (ZMQ_TCP_KEEPALIVE_INTVL, -1),
            (ZMQ_MECHANISM, ZMQ_NULL),
            (ZMQ_PLAIN_SERVER, 0),
            (ZMQ_CURVE_SERVER, 0),
            (ZMQ_CONFLATE, 0),
            (ZMQ_HANDSHAKE_IVL, 30000),
            (ZMQ_INVERT_MATCHING, 0),
            (ZMQ_HEARTBEAT_IVL, 0),
            (ZMQ_HEARTBEAT_TTL, 0),
            (ZMQ_HEARTBEAT_TIMEOUT, -1),
            (ZMQ_USE_FD, -1),
            (ZMQ_ZAP_ENFORCE_DOMAIN, 0),
            (ZMQ_LOOPBACK_FASTPATH, 0),
            (ZMQ_MULTICAST_LOOP, 1),
            (ZMQ_ROUTER_NOTIFY, 0),
            (ZMQ_IN_BATCH_SIZE, 8192),
            (ZMQ_OUT_BATCH_SIZE, 8192),
            (ZMQ_PRIORITY, 0),
        ];
        for &(option, expected) in table {
            assert_eq!(get_int(&o, option), expected, "option {option}");
        }
        let mut b8 = [0xffu8; 8];
        assert_eq!(o.get(ZMQ_AFFINITY, &mut b8), Ok(8));
        assert_eq!(u64::from_ne_bytes(b8), 0);
        assert_eq!(o.get(ZMQ_MAXMSGSIZE, &mut b8), Ok(8));
        assert_eq!(i64::from_ne_bytes(b8), -1);
        for option in [
            ZMQ_SOCKS_PROXY,
            ZMQ_SOCKS_USERNAME,
            ZMQ_SOCKS_PASSWORD,
            ZMQ_PLAIN_USERNAME,
            ZMQ_PLAIN_PASSWORD,
            ZMQ_ZAP_DOMAIN,
            ZMQ_BINDTODEVICE,
        ] {
            assert_eq!(get_vec(&o, option, 8), Ok(vec![0]), "option {option}");
        }
        assert_eq!(get_vec(&o, ZMQ_ROUTING_ID, 8), Ok(vec![]));
        for option in [
            ZMQ_CURVE_PUBLICKEY,
            ZMQ_CURVE_SECRETKEY,
            ZMQ_CURVE_SERVERKEY,
        ] {
            assert_eq!(get_vec(&o, option, 32), Ok(vec![0; 32]));
        }
    }

    #[test]
    fn default_per_type() {
        for t in ALL_TYPES {
            let o = Options::new(t, false);
            let linger = if t == ZMQ_SUB || t == ZMQ_XSUB { 0 } else { -1 };
            assert_eq!(o.linger, linger, "type {t}");
            assert_eq!(o.filter, t == ZMQ_SUB);
            assert_eq!(o.recv_routing_id, t == ZMQ_ROUTER || t == ZMQ_REP);
            assert_eq!(o.raw_socket, t == ZMQ_STREAM);
            assert_eq!(
                o.can_send_hello_msg,
                matches!(t, ZMQ_DEALER | ZMQ_REQ | ZMQ_ROUTER | ZMQ_REP)
            );
            assert_eq!(o.can_recv_disconnect_msg, matches!(t, ZMQ_ROUTER | ZMQ_REP));
            assert_eq!(o.can_recv_hiccup_msg, matches!(t, ZMQ_DEALER | ZMQ_REQ));
            assert!(o.stream_notify);
        }
        assert_eq!(Options::new(ZMQ_DISH, false).linger, 0);
        assert!(Options::new(ZMQ_DGRAM, false).raw_socket);
        assert!(Options::new(ZMQ_PEER, false).can_recv_hiccup_msg);
        // ZMQ_IPV6 comes from the context, linger from ZMQ_BLOCKY.
        assert!(Options::new(ZMQ_PAIR, true).ipv6);
        assert_eq!(get_int(&Options::new(ZMQ_PAIR, true), ZMQ_IPV4ONLY), 0);
        assert_eq!(Options::with_ctx(ZMQ_PUSH, false, false).linger, 0);
        assert_eq!(Options::with_ctx(ZMQ_SUB, false, true).linger, 0);
    }

    #[test]
    fn int_round_trips_and_ranges() {
        // (option, lowest accepted, first rejected below it)
        let table: &[(i32, i32)] = &[
            (ZMQ_SNDHWM, 0),
            (ZMQ_RCVHWM, 0),
            (ZMQ_RATE, 1),
            (ZMQ_RECOVERY_IVL, 0),
            (ZMQ_SNDBUF, -1),
            (ZMQ_RCVBUF, -1),
            (ZMQ_TOS, 0),
            (ZMQ_LINGER, -1),
            (ZMQ_CONNECT_TIMEOUT, 0),
            (ZMQ_TCP_MAXRT, 0),
            (ZMQ_RECONNECT_IVL, -1),
            (ZMQ_RECONNECT_IVL_MAX, 0),
            (ZMQ_BACKLOG, 0),
            (ZMQ_MULTICAST_HOPS, 1),
            (ZMQ_MULTICAST_MAXTPDU, 1),
            (ZMQ_RCVTIMEO, -1),
            (ZMQ_SNDTIMEO, -1),
            (ZMQ_TCP_KEEPALIVE_CNT, -1),
            (ZMQ_TCP_KEEPALIVE_IDLE, -1),
            (ZMQ_TCP_KEEPALIVE_INTVL, -1),
            (ZMQ_HANDSHAKE_IVL, 0),
            (ZMQ_HEARTBEAT_IVL, 0),
            (ZMQ_HEARTBEAT_TIMEOUT, 0),
            (ZMQ_USE_FD, -1),
            (ZMQ_IN_BATCH_SIZE, 1),
            (ZMQ_OUT_BATCH_SIZE, 1),
            (ZMQ_PRIORITY, 0),
        ];
        for &(option, low) in table {
            let mut o = Options::new(ZMQ_DEALER, false);
            for x in [low, low + 1, 12345, i32::MAX] {
                assert_eq!(o.set(option, &int(x)), Ok(()), "option {option} = {x}");
                assert_eq!(get_int(&o, option), x, "option {option}");
            }
            assert_eq!(o.set(option, &int(low - 1)), EINVAL, "option {option}");
            assert_eq!(o.set(option, &int(i32::MIN)), EINVAL, "option {option}");
            assert_eq!(get_int(&o, option), i32::MAX, "unchanged after EINVAL");
            // Wrong lengths, both ways.
            assert_eq!(o.set(option, &[]), EINVAL);
            assert_eq!(o.set(option, &[1, 0, 0]), EINVAL);
            assert_eq!(o.set(option, &[1, 0, 0, 0, 0, 0, 0, 0]), EINVAL);
            let mut small = [0u8; 2];
            let mut large = [0u8; 8];
            assert_eq!(o.get(option, &mut small), Err(Error::EINVAL));
            assert_eq!(o.get(option, &mut large), Err(Error::EINVAL));
            assert_eq!(o.get(option, &mut []), Err(Error::EINVAL));
        }
    }

    #[test]
    fn unconstrained_ints() {
        let mut o = Options::new(ZMQ_PAIR, false);
        for x in [i32::MIN, -7, 0, 5] {
            o.set(ZMQ_RECONNECT_STOP, &int(x)).unwrap();
            assert_eq!(get_int(&o, ZMQ_RECONNECT_STOP), x);
            o.set(ZMQ_BUSY_POLL, &int(x)).unwrap();
            assert_eq!(o.busy_poll, x);
        }
        assert_eq!(o.set(ZMQ_RECONNECT_STOP, &[0; 8]), EINVAL);
    }

    #[test]
    fn busy_poll_get_writes_then_fails() {
        let mut o = Options::new(ZMQ_PAIR, false);
        o.set(ZMQ_BUSY_POLL, &int(9)).unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(o.get(ZMQ_BUSY_POLL, &mut buf), Err(Error::EINVAL));
        assert_eq!(i32::from_ne_bytes(buf), 9);
    }

    #[test]
    fn tcp_keepalive_values() {
        let mut o = Options::new(ZMQ_PAIR, false);
        for x in [-1, 0, 1] {
            assert_eq!(o.set(ZMQ_TCP_KEEPALIVE, &int(x)), Ok(()));
            assert_eq!(get_int(&o, ZMQ_TCP_KEEPALIVE), x);
        }
        assert_eq!(o.set(ZMQ_TCP_KEEPALIVE, &int(2)), EINVAL);
        assert_eq!(o.set(ZMQ_TCP_KEEPALIVE, &int(-2)), EINVAL);
    }

    #[test]
    fn strict_and_relaxed_bools() {
        let mut o = Options::new(ZMQ_PAIR, false);
        for option in [ZMQ_CONFLATE, ZMQ_IMMEDIATE, ZMQ_IPV6, ZMQ_IPV4ONLY] {
            assert_eq!(o.set(option, &int(1)), Ok(()));
            assert_eq!(get_int(&o, option), 1);
            assert_eq!(o.set(option, &int(0)), Ok(()));
            assert_eq!(get_int(&o, option), 0);
            assert_eq!(o.set(option, &int(2)), EINVAL, "option {option}");
            assert_eq!(o.set(option, &int(-1)), EINVAL, "option {option}");
        }
        for option in [
            ZMQ_INVERT_MATCHING,
            ZMQ_ZAP_ENFORCE_DOMAIN,
            ZMQ_LOOPBACK_FASTPATH,
            ZMQ_MULTICAST_LOOP,
        ] {
            assert_eq!(o.set(option, &int(-5)), Ok(()));
            assert_eq!(get_int(&o, option), 1, "option {option}");
            assert_eq!(o.set(option, &int(0)), Ok(()));
            assert_eq!(get_int(&o, option), 0);
            assert_eq!(o.set(option, &[1]), EINVAL);
        }
    }

    #[test]
    fn ipv4only_is_inverse_of_ipv6() {
        let mut o = Options::new(ZMQ_PAIR, false);
        o.set(ZMQ_IPV4ONLY, &int(0)).unwrap();
        assert!(o.ipv6);
        assert_eq!(get_int(&o, ZMQ_IPV6), 1);
        o.set(ZMQ_IPV6, &int(0)).unwrap();
        assert_eq!(get_int(&o, ZMQ_IPV4ONLY), 1);
    }

    #[test]
    fn int64_options() {
        let mut o = Options::new(ZMQ_PAIR, false);
        o.set(ZMQ_AFFINITY, &u64::MAX.to_ne_bytes()).unwrap();
        assert_eq!(o.affinity, u64::MAX);
        o.set(ZMQ_MAXMSGSIZE, &(-5i64).to_ne_bytes()).unwrap();
        assert_eq!(o.maxmsgsize, -5);
        o.set(ZMQ_MAXMSGSIZE, &(1i64 << 40).to_ne_bytes()).unwrap();
        let mut b8 = [0u8; 8];
        assert_eq!(o.get(ZMQ_MAXMSGSIZE, &mut b8), Ok(8));
        assert_eq!(i64::from_ne_bytes(b8), 1 << 40);
        for option in [ZMQ_AFFINITY, ZMQ_MAXMSGSIZE] {
            assert_eq!(o.set(option, &int(1)), EINVAL);
            assert_eq!(o.get(option, &mut [0u8; 4]), Err(Error::EINVAL));
            assert_eq!(o.get(option, &mut [0u8; 16]), Err(Error::EINVAL));
        }
    }

    #[test]
    fn heartbeat_ttl_deciseconds() {
        let mut o = Options::new(ZMQ_PAIR, false);
        let max = 65536 * 100 - 1;
        for (ms, back) in [(99, 0), (150, 100), (1000, 1000), (max, 6553500), (-99, 0)] {
            assert_eq!(o.set(ZMQ_HEARTBEAT_TTL, &int(ms)), Ok(()), "{ms}");
            assert_eq!(get_int(&o, ZMQ_HEARTBEAT_TTL), back, "{ms}");
        }
        assert_eq!(o.heartbeat_ttl, 0);
        assert_eq!(o.set(ZMQ_HEARTBEAT_TTL, &int(max + 1)), EINVAL);
        assert_eq!(o.set(ZMQ_HEARTBEAT_TTL, &int(-100)), EINVAL);
        assert_eq!(o.set(ZMQ_HEARTBEAT_TTL, &[0; 2]), EINVAL);
    }

    #[test]
    fn routing_id() {
        let mut o = Options::new(ZMQ_DEALER, false);
        assert_eq!(o.set(ZMQ_ROUTING_ID, &[]), EINVAL);
        assert_eq!(o.set_maybe_null(ZMQ_ROUTING_ID, Some(&[])), EINVAL);
        assert_eq!(o.set(ZMQ_ROUTING_ID, &[7; 256]), EINVAL);
        assert_eq!(o.set(ZMQ_ROUTING_ID, &[7; 255]), Ok(()));
        assert_eq!(o.set(ZMQ_IDENTITY, b"\0abc"), Ok(()));
        // Binary, no NUL; a larger buffer is zero-filled; too small is EINVAL.
        let mut buf = [0xaa; 6];
        assert_eq!(o.get(ZMQ_ROUTING_ID, &mut buf), Ok(4));
        assert_eq!(buf, *b"\0abc\0\0");
        assert_eq!(get_vec(&o, ZMQ_ROUTING_ID, 4), Ok(b"\0abc".to_vec()));
        assert_eq!(get_vec(&o, ZMQ_ROUTING_ID, 3), Err(Error::EINVAL));
    }

    #[test]
    fn string_get_counts_the_nul() {
        let mut o = Options::new(ZMQ_PAIR, false);
        o.set(ZMQ_SOCKS_PROXY, b"somehost:1080").unwrap();
        let mut buf = [0xaa; 20];
        assert_eq!(o.get(ZMQ_SOCKS_PROXY, &mut buf), Ok(14));
        assert_eq!(&buf[..14], b"somehost:1080\0");
        assert!(buf[14..].iter().all(|&b| b == 0));
        assert_eq!(
            get_vec(&o, ZMQ_SOCKS_PROXY, 14),
            Ok(b"somehost:1080\0".to_vec())
        );
        // Room for the text but not its NUL.
        assert_eq!(get_vec(&o, ZMQ_SOCKS_PROXY, 13), Err(Error::EINVAL));
        assert_eq!(get_vec(&o, ZMQ_ZAP_DOMAIN, 0), Err(Error::EINVAL));
    }

    #[test]
    fn socks_options() {
        let mut o = Options::new(ZMQ_SUB, false);
        // NULL clears the proxy; a non-NULL empty value is EINVAL.
        o.set(ZMQ_SOCKS_PROXY, b"h:1").unwrap();
        assert_eq!(o.set_maybe_null(ZMQ_SOCKS_PROXY, Some(b"")), EINVAL);
        assert_eq!(o.socks_proxy, b"h:1");
        assert_eq!(o.set_maybe_null(ZMQ_SOCKS_PROXY, None), Ok(()));
        assert!(o.socks_proxy.is_empty());
        o.set(ZMQ_SOCKS_PROXY, &[b'x'; 1000]).unwrap();
        // Username / password: NULL and "" both clear, at most 255 bytes.
        for option in [ZMQ_SOCKS_USERNAME, ZMQ_SOCKS_PASSWORD] {
            o.set(option, &[b'a'; 255]).unwrap();
            assert_eq!(get_vec(&o, option, 300).map(|v| v.len()), Ok(256));
            assert_eq!(o.set(option, &[b'a'; 256]), EINVAL);
            assert_eq!(o.set_maybe_null(option, Some(b"")), Ok(()));
            assert_eq!(get_vec(&o, option, 8), Ok(vec![0]));
            o.set(option, b"u").unwrap();
            assert_eq!(o.set_maybe_null(option, None), Ok(()));
            assert_eq!(get_vec(&o, option, 8), Ok(vec![0]));
        }
    }

    #[test]
    fn bindtodevice() {
        let mut o = Options::new(ZMQ_PAIR, false);
        o.set(ZMQ_BINDTODEVICE, b"testdev").unwrap();
        assert_eq!(
            get_vec(&o, ZMQ_BINDTODEVICE, 255),
            Ok(b"testdev\0".to_vec())
        );
        assert_eq!(o.set(ZMQ_BINDTODEVICE, &[b'e'; 16]), Ok(()));
        assert_eq!(o.set(ZMQ_BINDTODEVICE, &[b'e'; 17]), EINVAL);
        assert_eq!(o.set_maybe_null(ZMQ_BINDTODEVICE, Some(b"")), EINVAL);
        assert_eq!(o.set(ZMQ_BINDTODEVICE, &[]), Ok(()));
        assert!(o.bindtodevice.is_empty());
    }

    #[test]
    fn zap_domain() {
        let mut o = Options::new(ZMQ_PAIR, false);
        assert_eq!(o.set(ZMQ_ZAP_DOMAIN, &[]), EINVAL);
        assert_eq!(o.set_maybe_null(ZMQ_ZAP_DOMAIN, Some(b"")), EINVAL);
        assert_eq!(o.set(ZMQ_ZAP_DOMAIN, &[b'd'; 256]), EINVAL);
        o.set(ZMQ_ZAP_DOMAIN, b"global").unwrap();
        assert_eq!(get_vec(&o, ZMQ_ZAP_DOMAIN, 7), Ok(b"global\0".to_vec()));
    }

    #[test]
    fn plain_switches_mechanism() {
        let mut o = Options::new(ZMQ_REQ, false);
        o.set(ZMQ_PLAIN_SERVER, &int(1)).unwrap();
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_PLAIN);
        assert_eq!(get_int(&o, ZMQ_PLAIN_SERVER), 1);
        // A credential makes it a PLAIN client.
        o.set(ZMQ_PLAIN_USERNAME, b"admin").unwrap();
        assert_eq!(get_int(&o, ZMQ_PLAIN_SERVER), 0);
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_PLAIN);
        o.set(ZMQ_PLAIN_PASSWORD, b"secret").unwrap();
        assert_eq!(get_vec(&o, ZMQ_PLAIN_USERNAME, 64), Ok(b"admin\0".to_vec()));
        assert_eq!(
            get_vec(&o, ZMQ_PLAIN_PASSWORD, 64),
            Ok(b"secret\0".to_vec())
        );
        // NULL resets the mechanism but keeps the stored value.
        assert_eq!(o.set_maybe_null(ZMQ_PLAIN_USERNAME, None), Ok(()));
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_NULL);
        assert_eq!(o.plain_username, b"admin");
        // A non-NULL empty value and 256 bytes are EINVAL.
        assert_eq!(o.set_maybe_null(ZMQ_PLAIN_PASSWORD, Some(b"")), EINVAL);
        assert_eq!(o.set(ZMQ_PLAIN_PASSWORD, &[b'p'; 256]), EINVAL);
        assert_eq!(o.set(ZMQ_PLAIN_PASSWORD, &[b'p'; 255]), Ok(()));
        // PLAIN_SERVER 0 goes back to NULL; 2 is EINVAL.
        o.set(ZMQ_PLAIN_SERVER, &int(0)).unwrap();
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_NULL);
        assert_eq!(o.set(ZMQ_PLAIN_SERVER, &int(2)), EINVAL);
        // MECHANISM is read-only.
        assert_eq!(o.set(ZMQ_MECHANISM, &int(ZMQ_PLAIN)), EINVAL);
    }

    // A key pair from libzmq's documentation (zmq_curve.7).
    const PUBLIC_Z85: &[u8; 40] = b"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
    const SECRET_Z85: &[u8; 40] = b"D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";

    #[test]
    fn curve_keys() {
        let mut o = Options::new(ZMQ_DEALER, false);
        // 40-char Z85.
        o.set(ZMQ_CURVE_PUBLICKEY, PUBLIC_Z85).unwrap();
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_CURVE);
        let raw = get_vec(&o, ZMQ_CURVE_PUBLICKEY, 32).unwrap();
        assert_eq!(raw.len(), 32);
        let mut z = [0xaa; 41];
        assert_eq!(o.get(ZMQ_CURVE_PUBLICKEY, &mut z), Ok(41));
        assert_eq!(&z[..40], PUBLIC_Z85);
        assert_eq!(z[40], 0);
        // 41 bytes with the NUL.
        let mut with_nul = SECRET_Z85.to_vec();
        with_nul.push(0);
        o.set(ZMQ_CURVE_SECRETKEY, &with_nul).unwrap();
        assert_eq!(get_vec(&o, ZMQ_CURVE_SECRETKEY, 41), Ok(with_nul.clone()));
        // 32 raw bytes round trip.
        o.set(ZMQ_CURVE_SERVERKEY, &raw).unwrap();
        assert_eq!(get_vec(&o, ZMQ_CURVE_SERVERKEY, 32), Ok(raw.clone()));
        assert_eq!(o.curve_server_key.map(|k| k.to_vec()), Some(raw.clone()));
        // Other lengths, bad text, and 41 bytes without the NUL.
        for bad in [
            &raw[..31],
            &with_nul[..39],
            b"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        ] {
            assert_eq!(o.set(ZMQ_CURVE_PUBLICKEY, bad), EINVAL);
        }
        let mut no_nul = SECRET_Z85.to_vec();
        no_nul.push(b'0');
        assert_eq!(o.set(ZMQ_CURVE_SECRETKEY, &no_nul), EINVAL);
        // Reads need exactly 32 or 41 bytes.
        for cap in [0, 31, 33, 40, 42] {
            assert_eq!(get_vec(&o, ZMQ_CURVE_SERVERKEY, cap), Err(Error::EINVAL));
        }
    }

    #[test]
    fn curve_key_with_early_nul_decodes_a_prefix() {
        let mut o = Options::new(ZMQ_DEALER, false);
        o.set(ZMQ_CURVE_SECRETKEY, &[0x11; 32]).unwrap();
        let mut text = PUBLIC_Z85.to_vec();
        text[10] = 0; // a 10-character C string: 8 bytes decoded
        o.set(ZMQ_CURVE_SECRETKEY, &text).unwrap();
        let mut expected = [0x11; 32];
        crate::z85::decode_into(&PUBLIC_Z85[..10], &mut expected[..8]).unwrap();
        assert_eq!(o.curve_secret_key, Some(expected));
        text[10] = b'x';
        text[3] = 0; // 3 characters: not a multiple of 5
        assert_eq!(o.set(ZMQ_CURVE_SECRETKEY, &text), EINVAL);
    }

    #[test]
    fn curve_server_roles() {
        let mut o = Options::new(ZMQ_ROUTER, false);
        o.set(ZMQ_CURVE_SERVER, &int(1)).unwrap();
        assert_eq!(get_int(&o, ZMQ_CURVE_SERVER), 1);
        assert_eq!(get_int(&o, ZMQ_PLAIN_SERVER), 0);
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_CURVE);
        // Setting the public/secret key keeps the server role ...
        o.set(ZMQ_CURVE_SECRETKEY, SECRET_Z85).unwrap();
        assert_eq!(get_int(&o, ZMQ_CURVE_SERVER), 1);
        // ... the server key makes it a client.
        o.set(ZMQ_CURVE_SERVERKEY, PUBLIC_Z85).unwrap();
        assert_eq!(get_int(&o, ZMQ_CURVE_SERVER), 0);
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_CURVE);
        o.set(ZMQ_CURVE_SERVER, &int(0)).unwrap();
        assert_eq!(get_int(&o, ZMQ_MECHANISM), ZMQ_NULL);
        assert_eq!(o.set(ZMQ_CURVE_SERVER, &int(-1)), EINVAL);
        // PLAIN after CURVE wins: the last one set decides.
        o.set(ZMQ_CURVE_SERVER, &int(1)).unwrap();
        o.set(ZMQ_PLAIN_SERVER, &int(1)).unwrap();
        assert_eq!(get_int(&o, ZMQ_CURVE_SERVER), 0);
        assert_eq!(get_int(&o, ZMQ_PLAIN_SERVER), 1);
    }

    #[test]
    fn not_built_and_unknown_options() {
        let mut o = Options::new(ZMQ_PAIR, false);
        for option in [
            ZMQ_GSSAPI_SERVER,
            ZMQ_GSSAPI_PRINCIPAL,
            ZMQ_GSSAPI_SERVICE_PRINCIPAL,
            ZMQ_GSSAPI_PLAINTEXT,
            ZMQ_GSSAPI_PRINCIPAL_NAMETYPE,
            ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
            ZMQ_VMCI_BUFFER_SIZE,
            ZMQ_VMCI_BUFFER_MIN_SIZE,
            ZMQ_VMCI_BUFFER_MAX_SIZE,
            ZMQ_VMCI_CONNECT_TIMEOUT,
            ZMQ_NORM_MODE,
            ZMQ_NORM_PUSH,
            ZMQ_BLOCKY,
            ZMQ_MECHANISM,
            ZMQ_TYPE,
            ZMQ_RCVMORE,
            ZMQ_FD,
            ZMQ_EVENTS,
            ZMQ_LAST_ENDPOINT,
            ZMQ_THREAD_SAFE,
            ZMQ_TOPICS_COUNT,
            0,
            -1,
            1000,
        ] {
            assert_eq!(o.set(option, &int(1)), EINVAL, "set {option}");
            assert_eq!(o.set(option, b"text"), EINVAL, "set {option}");
            if option != ZMQ_MECHANISM {
                assert_eq!(
                    o.get(option, &mut [0u8; 4]),
                    Err(Error::EINVAL),
                    "get {option}"
                );
                assert_eq!(
                    o.get(option, &mut [0u8; 64]),
                    Err(Error::EINVAL),
                    "get {option}"
                );
            }
        }
    }

    #[test]
    fn set_only_options_fail_on_get() {
        let mut o = Options::new(ZMQ_ROUTER, false);
        o.set(ZMQ_ROUTER_MANDATORY, &int(1)).unwrap();
        for option in [
            ZMQ_SUBSCRIBE,
            ZMQ_UNSUBSCRIBE,
            ZMQ_TCP_ACCEPT_FILTER,
            ZMQ_IPC_FILTER_PID,
            ZMQ_IPC_FILTER_UID,
            ZMQ_IPC_FILTER_GID,
            ZMQ_CONNECT_ROUTING_ID,
            ZMQ_ROUTER_MANDATORY,
            ZMQ_ROUTER_RAW,
            ZMQ_ROUTER_HANDOVER,
            ZMQ_PROBE_ROUTER,
            ZMQ_REQ_CORRELATE,
            ZMQ_REQ_RELAXED,
            ZMQ_XPUB_VERBOSE,
            ZMQ_XPUB_VERBOSER,
            ZMQ_XPUB_MANUAL,
            ZMQ_XPUB_MANUAL_LAST_VALUE,
            ZMQ_XPUB_NODROP,
            ZMQ_XPUB_WELCOME_MSG,
            ZMQ_STREAM_NOTIFY,
            ZMQ_METADATA,
            ZMQ_HELLO_MSG,
            ZMQ_DISCONNECT_MSG,
            ZMQ_HICCUP_MSG,
            ZMQ_ONLY_FIRST_SUBSCRIBE,
            ZMQ_XSUB_VERBOSE_UNSUBSCRIBE,
        ] {
            for cap in [4, 8, 256] {
                assert_eq!(get_vec(&o, option, cap), Err(Error::EINVAL), "get {option}");
            }
        }
    }

    /// Which socket types accept each type-specific option.
    #[test]
    fn type_specific_acceptance() {
        let table: &[(i32, &[i32])] = &[
            (ZMQ_ROUTER_MANDATORY, &[ZMQ_ROUTER, ZMQ_REP]),
            (ZMQ_ROUTER_HANDOVER, &[ZMQ_ROUTER, ZMQ_REP]),
            (ZMQ_ROUTER_RAW, &[ZMQ_ROUTER, ZMQ_REP]),
            (ZMQ_ROUTER_NOTIFY, &[ZMQ_ROUTER, ZMQ_REP]),
            (
                ZMQ_PROBE_ROUTER,
                &[ZMQ_ROUTER, ZMQ_REP, ZMQ_DEALER, ZMQ_REQ],
            ),
            (ZMQ_REQ_CORRELATE, &[ZMQ_REQ]),
            (ZMQ_REQ_RELAXED, &[ZMQ_REQ]),
            (ZMQ_STREAM_NOTIFY, &[ZMQ_STREAM]),
            (ZMQ_CONNECT_ROUTING_ID, &[ZMQ_ROUTER, ZMQ_REP, ZMQ_STREAM]),
            (ZMQ_XPUB_VERBOSE, &[ZMQ_XPUB, ZMQ_PUB]),
            (ZMQ_XPUB_VERBOSER, &[ZMQ_XPUB, ZMQ_PUB]),
            (ZMQ_XPUB_MANUAL, &[ZMQ_XPUB, ZMQ_PUB]),
            (ZMQ_XPUB_MANUAL_LAST_VALUE, &[ZMQ_XPUB, ZMQ_PUB]),
            (ZMQ_XPUB_NODROP, &[ZMQ_XPUB, ZMQ_PUB]),
            (ZMQ_XPUB_WELCOME_MSG, &[ZMQ_XPUB, ZMQ_PUB]),
            (ZMQ_ONLY_FIRST_SUBSCRIBE, &[ZMQ_XPUB, ZMQ_PUB, ZMQ_XSUB]),
            (ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, &[ZMQ_XSUB]),
            (ZMQ_SUBSCRIBE, &[ZMQ_SUB]),
            (ZMQ_UNSUBSCRIBE, &[ZMQ_SUB]),
        ];
        for &(option, types) in table {
            for t in ALL_TYPES {
                let mut o = Options::new(t, false);
                let expected = if types.contains(&t) { Ok(()) } else { EINVAL };
                assert_eq!(o.set(option, &int(1)), expected, "option {option} type {t}");
            }
        }
        // RADIO takes XPUB_NODROP only.
        let mut radio = Options::new(ZMQ_RADIO, false);
        assert_eq!(radio.set(ZMQ_XPUB_NODROP, &int(1)), Ok(()));
        assert!(radio.xpub_nodrop);
        assert_eq!(radio.set(ZMQ_XPUB_VERBOSE, &int(1)), EINVAL);
        assert_eq!(radio.set(ZMQ_SNDHWM, &int(5)), Ok(()));
    }

    #[test]
    fn socket_class_flags() {
        let mut r = Options::new(ZMQ_ROUTER, false);
        for option in [ZMQ_ROUTER_MANDATORY, ZMQ_ROUTER_HANDOVER, ZMQ_PROBE_ROUTER] {
            assert_eq!(r.set(option, &int(7)), Ok(()));
            assert_eq!(r.set(option, &int(-1)), EINVAL);
            assert_eq!(r.set(option, &[1, 0]), EINVAL);
        }
        assert!(r.router_mandatory && r.router_handover && r.probe_router);
        r.set(ZMQ_ROUTER_MANDATORY, &int(0)).unwrap();
        assert!(!r.router_mandatory);
        // ROUTER_RAW switches to raw and stays there.
        r.set(ZMQ_ROUTER_RAW, &int(1)).unwrap();
        assert!(r.raw_socket && !r.recv_routing_id);
        r.set(ZMQ_ROUTER_RAW, &int(0)).unwrap();
        assert!(!r.router_raw && r.raw_socket && !r.recv_routing_id);
        // ROUTER_NOTIFY 0..=3.
        for x in 0..=3 {
            r.set(ZMQ_ROUTER_NOTIFY, &int(x)).unwrap();
            assert_eq!(get_int(&r, ZMQ_ROUTER_NOTIFY), x);
        }
        assert_eq!(r.set(ZMQ_ROUTER_NOTIFY, &int(4)), EINVAL);
        assert_eq!(r.set(ZMQ_ROUTER_NOTIFY, &int(-1)), EINVAL);

        let mut q = Options::new(ZMQ_REQ, false);
        q.set(ZMQ_REQ_RELAXED, &int(3)).unwrap();
        q.set(ZMQ_REQ_CORRELATE, &int(1)).unwrap();
        assert!(q.req_relaxed && q.req_correlate);
        assert_eq!(q.set(ZMQ_REQ_RELAXED, &int(-1)), EINVAL);

        let mut s = Options::new(ZMQ_STREAM, false);
        s.set(ZMQ_STREAM_NOTIFY, &int(0)).unwrap();
        assert!(!s.stream_notify);
        assert_eq!(s.set(ZMQ_STREAM_NOTIFY, &int(2)), EINVAL);
    }

    #[test]
    fn connect_routing_id() {
        let mut o = Options::new(ZMQ_ROUTER, false);
        assert_eq!(o.set(ZMQ_CONNECT_ROUTING_ID, &[]), EINVAL);
        assert_eq!(o.set_maybe_null(ZMQ_CONNECT_ROUTING_ID, Some(b"")), EINVAL);
        o.set(ZMQ_CONNECT_RID, &[b'r'; 300]).unwrap();
        assert_eq!(o.connect_routing_id.take().map(|v| v.len()), Some(300));
        assert_eq!(o.connect_routing_id, None);
        let mut d = Options::new(ZMQ_DEALER, false);
        assert_eq!(d.set(ZMQ_CONNECT_ROUTING_ID, b"x"), EINVAL);
    }

    #[test]
    fn xpub_flags() {
        let mut o = Options::new(ZMQ_XPUB, false);
        o.set(ZMQ_XPUB_VERBOSER, &int(1)).unwrap();
        assert!(o.xpub_verbose_subs && o.xpub_verbose_unsubs);
        o.set(ZMQ_XPUB_VERBOSE, &int(1)).unwrap();
        assert!(o.xpub_verbose_subs && !o.xpub_verbose_unsubs);
        assert_eq!(o.set(ZMQ_XPUB_VERBOSE, &int(-1)), EINVAL);
        assert_eq!(o.set(ZMQ_XPUB_NODROP, &[1]), EINVAL);
        o.set(ZMQ_XPUB_MANUAL_LAST_VALUE, &int(1)).unwrap();
        assert!(o.xpub_manual && o.xpub_manual_last_value);
        o.set(ZMQ_XPUB_MANUAL, &int(0)).unwrap();
        assert!(!o.xpub_manual && o.xpub_manual_last_value);
        o.set(ZMQ_XPUB_NODROP, &int(2)).unwrap();
        assert!(o.xpub_nodrop);
        o.set(ZMQ_ONLY_FIRST_SUBSCRIBE, &int(1)).unwrap();
        assert!(o.only_first_subscribe);
        // Welcome message: any bytes, empty clears.
        o.set(ZMQ_XPUB_WELCOME_MSG, b"hi").unwrap();
        assert_eq!(o.xpub_welcome_msg.as_deref(), Some(&b"hi"[..]));
        o.set(ZMQ_XPUB_WELCOME_MSG, &[]).unwrap();
        assert_eq!(o.xpub_welcome_msg, None);
    }

    #[test]
    fn subscribe_acceptance() {
        let mut sub = Options::new(ZMQ_SUB, false);
        assert_eq!(sub.set(ZMQ_SUBSCRIBE, &[]), Ok(()));
        assert_eq!(sub.set(ZMQ_SUBSCRIBE, b"topic with any length"), Ok(()));
        assert_eq!(sub.set(ZMQ_UNSUBSCRIBE, b"t"), Ok(()));
        // SUB does not take the XSUB class options.
        assert_eq!(sub.set(ZMQ_ONLY_FIRST_SUBSCRIBE, &int(1)), EINVAL);
        assert_eq!(sub.set(ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, &int(1)), EINVAL);
        // XSUB subscribes by sending, not with setsockopt.
        let mut xsub = Options::new(ZMQ_XSUB, false);
        assert_eq!(xsub.set(ZMQ_SUBSCRIBE, b"t"), EINVAL);
        xsub.set(ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, &int(-3)).unwrap();
        assert!(xsub.xsub_verbose_unsubscribe);
        xsub.set(ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, &[0; 8]).unwrap();
        assert!(!xsub.xsub_verbose_unsubscribe);
        assert_eq!(xsub.set(ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, &[1]), EINVAL);
        // XPUB / PUB accept them only in manual mode.
        for t in [ZMQ_XPUB, ZMQ_PUB] {
            let mut o = Options::new(t, false);
            assert_eq!(o.set(ZMQ_SUBSCRIBE, b"t"), EINVAL);
            o.set(ZMQ_XPUB_MANUAL, &int(1)).unwrap();
            assert_eq!(o.set(ZMQ_SUBSCRIBE, b"t"), Ok(()));
            assert_eq!(o.set(ZMQ_UNSUBSCRIBE, &[]), Ok(()));
        }
    }

    #[test]
    fn metadata_rules() {
        let mut o = Options::new(ZMQ_REP, false);
        for good in [&b"X-hello:world"[..], b"X-bin:009c6", b"X-a:b:c"] {
            assert_eq!(o.set(ZMQ_METADATA, good), Ok(()), "{good:?}");
        }
        let mut long_key = b"X-".to_vec();
        long_key.extend_from_slice(&[b'k'; 254]);
        long_key.extend_from_slice(b":value");
        for bad in [
            &b":"[..],
            b"key:",
            b":value",
            b"keyvalue",
            b"",
            b"Y-key:v",
            b"X:value",
            b"X-:v", // well formed but sizeof (int) long
            &long_key,
        ] {
            assert_eq!(o.set(ZMQ_METADATA, bad), EINVAL, "{bad:?}");
        }
        long_key.drain(2..3);
        assert_eq!(o.set(ZMQ_METADATA, &long_key), Ok(()));
        // The first value for a key stays.
        o.set(ZMQ_METADATA, b"X-hello:again").unwrap();
        assert_eq!(
            o.metadata.get(&b"X-hello"[..]).map(Vec::as_slice),
            Some(&b"world"[..])
        );
        assert_eq!(
            o.metadata.get(&b"X-a"[..]).map(Vec::as_slice),
            Some(&b"b:c"[..])
        );
        assert_eq!(o.metadata.len(), 4);
        // Sorted by key.
        let keys: Vec<&[u8]> = o.metadata.keys().map(Vec::as_slice).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn messages() {
        let mut o = Options::new(ZMQ_ROUTER, false);
        for option in [ZMQ_HELLO_MSG, ZMQ_DISCONNECT_MSG, ZMQ_HICCUP_MSG] {
            o.set(option, b"\0msg").unwrap();
            o.set(option, &int(1)).unwrap();
        }
        assert_eq!(o.hello_msg.as_deref(), Some(&int(1)[..]));
        assert_eq!(o.disconnect_msg.as_deref(), Some(&int(1)[..]));
        assert_eq!(o.hiccup_msg.as_deref(), Some(&int(1)[..]));
        o.set(ZMQ_HELLO_MSG, &[]).unwrap();
        o.set_maybe_null(ZMQ_HICCUP_MSG, Some(&[])).unwrap();
        assert_eq!(o.hello_msg, None);
        assert_eq!(o.hiccup_msg, None);
    }

    #[test]
    fn ipc_filters() {
        let mut o = Options::new(ZMQ_PAIR, false);
        o.set(ZMQ_IPC_FILTER_UID, &1000u32.to_ne_bytes()).unwrap();
        o.set(ZMQ_IPC_FILTER_UID, &1000u32.to_ne_bytes()).unwrap();
        o.set(ZMQ_IPC_FILTER_UID, &0u32.to_ne_bytes()).unwrap();
        o.set(ZMQ_IPC_FILTER_GID, &5u32.to_ne_bytes()).unwrap();
        o.set(ZMQ_IPC_FILTER_PID, &42i32.to_ne_bytes()).unwrap();
        assert_eq!(
            o.ipc_filter_uid.iter().copied().collect::<Vec<_>>(),
            [0, 1000]
        );
        assert!(o.ipc_filter_gid.contains(&5));
        assert!(o.ipc_filter_pid.contains(&42));
        for option in [ZMQ_IPC_FILTER_UID, ZMQ_IPC_FILTER_GID, ZMQ_IPC_FILTER_PID] {
            assert_eq!(o.set(option, &[0; 8]), EINVAL);
            assert_eq!(o.set_maybe_null(option, Some(&[])), EINVAL);
            assert_eq!(o.set(option, &[]), Ok(()));
        }
        assert!(o.ipc_filter_uid.is_empty());
        assert!(o.ipc_filter_gid.is_empty());
        assert!(o.ipc_filter_pid.is_empty());
    }

    #[test]
    fn tcp_accept_filter_option() {
        let mut o = Options::new(ZMQ_PAIR, false);
        o.set(ZMQ_TCP_ACCEPT_FILTER, b"127.0.0.1").unwrap();
        o.set(ZMQ_TCP_ACCEPT_FILTER, b"10.0.0.0/8").unwrap();
        assert_eq!(o.tcp_accept_filters.len(), 2);
        // The text ends at its first NUL.
        o.set(ZMQ_TCP_ACCEPT_FILTER, b"127.0.0.1\0junk").unwrap();
        assert_eq!(o.tcp_accept_filters.pop().map(|f| f.prefix_len), Some(32));
        assert_eq!(o.set(ZMQ_TCP_ACCEPT_FILTER, b"::1"), EINVAL);
        assert_eq!(o.set_maybe_null(ZMQ_TCP_ACCEPT_FILTER, Some(b"")), EINVAL);
        let mut long = b"1.2.3.4/".to_vec();
        long.resize(256, b'1');
        assert_eq!(o.set(ZMQ_TCP_ACCEPT_FILTER, &long), EINVAL);
        assert_eq!(o.tcp_accept_filters.len(), 2);
        // ZMQ_IPV6 at set time decides how the address is read.
        o.set(ZMQ_IPV6, &int(1)).unwrap();
        o.set(ZMQ_TCP_ACCEPT_FILTER, b"::1").unwrap();
        assert_eq!(o.tcp_accept_filters.len(), 3);
        o.set(ZMQ_TCP_ACCEPT_FILTER, &[]).unwrap();
        assert!(o.tcp_accept_filters.is_empty());
    }
}
