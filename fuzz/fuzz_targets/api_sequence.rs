//! Sequences of C API calls with fuzzed arguments, through the exported
//! zmq_* functions as a C program calls them: sockets of every type
//! created and closed, bound, connected, unbound and disconnected over
//! inproc (and a few malformed endpoints), options of every number set
//! with values of any content and length and read back into buffers of
//! any length, multipart sends and receives, messages with routing ids
//! and groups, joins, zmq_poll over the sockets, all in one context that
//! is terminated at the end.
//!
//! Every call returns success or -1 with an errno; a panic inside zmqrs
//! (which the C boundary turns into ENOTRECOVERABLE) and a call that
//! fails without an errno are findings, and so is a hang (libFuzzer's
//! -timeout). Sends and receives never block (ZMQ_DONTWAIT), polls do not
//! wait, and every socket has ZMQ_LINGER 0 before the context ends.
//!
//! Input: a stream of operations, each an opcode octet, a slot octet and
//! an argument octet, some followed by octets of data.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, c_int, c_short, c_void};

// The crate is linked for its exported symbols.
use zmqrs as _;

#[repr(C)]
struct PollItem {
    socket: *mut c_void,
    fd: c_int,
    events: c_short,
    revents: c_short,
}

#[repr(C, align(8))]
struct ZmqMsg([u8; 64]);

extern "C" {
    fn zmq_ctx_new() -> *mut c_void;
    fn zmq_ctx_term(ctx: *mut c_void) -> c_int;
    fn zmq_socket(ctx: *mut c_void, ty: c_int) -> *mut c_void;
    fn zmq_close(s: *mut c_void) -> c_int;
    fn zmq_setsockopt(s: *mut c_void, opt: c_int, v: *const c_void, len: usize) -> c_int;
    fn zmq_getsockopt(s: *mut c_void, opt: c_int, v: *mut c_void, len: *mut usize) -> c_int;
    fn zmq_bind(s: *mut c_void, ep: *const c_char) -> c_int;
    fn zmq_connect(s: *mut c_void, ep: *const c_char) -> c_int;
    fn zmq_unbind(s: *mut c_void, ep: *const c_char) -> c_int;
    fn zmq_disconnect(s: *mut c_void, ep: *const c_char) -> c_int;
    fn zmq_send(s: *mut c_void, buf: *const c_void, len: usize, flags: c_int) -> c_int;
    fn zmq_recv(s: *mut c_void, buf: *mut c_void, len: usize, flags: c_int) -> c_int;
    fn zmq_msg_init_size(m: *mut ZmqMsg, size: usize) -> c_int;
    fn zmq_msg_init(m: *mut ZmqMsg) -> c_int;
    fn zmq_msg_data(m: *mut ZmqMsg) -> *mut c_void;
    fn zmq_msg_set_routing_id(m: *mut ZmqMsg, id: u32) -> c_int;
    fn zmq_msg_set_group(m: *mut ZmqMsg, group: *const c_char) -> c_int;
    fn zmq_msg_send(m: *mut ZmqMsg, s: *mut c_void, flags: c_int) -> c_int;
    fn zmq_msg_recv(m: *mut ZmqMsg, s: *mut c_void, flags: c_int) -> c_int;
    fn zmq_msg_close(m: *mut ZmqMsg) -> c_int;
    fn zmq_join(s: *mut c_void, group: *const c_char) -> c_int;
    fn zmq_leave(s: *mut c_void, group: *const c_char) -> c_int;
    fn zmq_poll(items: *mut PollItem, n: c_int, timeout: i64) -> c_int;
    fn zmq_errno() -> c_int;
}

const DONTWAIT: c_int = 1;
const SNDMORE: c_int = 2;
const LINGER: c_int = 17;
const ENOTRECOVERABLE: c_int = 131;
const SLOTS: usize = 8;

/// Endpoints the sockets meet at, and some that no one should accept.
const ENDPOINTS: [&[u8]; 12] = [
    b"inproc://a\0",
    b"inproc://b\0",
    b"inproc://c\0",
    b"inproc://a\0",
    b"inproc://b\0",
    b"inproc://\0",
    b"inproc:/a\0",
    b"inproc\0",
    b"\0",
    b"bogus://x\0",
    b"tcp://\0",
    b"udp://\0",
];

/// A call's result: success, or -1 with an errno that is not a panic's.
fn checked(call: &str, rc: c_int) -> c_int {
    if rc == -1 {
        // SAFETY: reads this thread's errno.
        let e = unsafe { zmq_errno() };
        assert_ne!(e, ENOTRECOVERABLE, "{call}: a panic inside zmqrs");
        assert_ne!(e, 0, "{call}: failed without an errno");
    }
    rc
}

fn checked_ptr(call: &str, p: *mut c_void) -> *mut c_void {
    if p.is_null() {
        checked(call, -1);
    }
    p
}

/// Takes `n` octets off the front of the input (fewer at its end).
fn take<'a>(rest: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(rest.len());
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    head
}

fuzz_target!(|data: &[u8]| {
    // SAFETY: every pointer handed over is valid for the length given; the
    // socket slots hold live sockets or NULL (zmqrs answers NULL and closed
    // handles with an errno, which is part of what is fuzzed).
    unsafe {
        let ctx = zmq_ctx_new();
        assert!(!ctx.is_null());
        let mut slots = [std::ptr::null_mut::<c_void>(); SLOTS];
        let mut rest = data;
        while let [op, slot, arg, tail @ ..] = rest {
            rest = tail;
            let i = usize::from(*slot) % SLOTS;
            let s = slots[i];
            let arg = *arg;
            let ep = ENDPOINTS[usize::from(arg) % ENDPOINTS.len()].as_ptr() as *const c_char;
            match op % 16 {
                0 => {
                    if s.is_null() {
                        slots[i] = checked_ptr("socket", zmq_socket(ctx, c_int::from(arg % 21)));
                    }
                }
                1 => {
                    if !s.is_null() {
                        checked("close", zmq_close(s));
                        slots[i] = std::ptr::null_mut();
                    }
                }
                2 => {
                    checked("bind", zmq_bind(s, ep));
                }
                3 => {
                    checked("connect", zmq_connect(s, ep));
                }
                4 => {
                    checked("unbind", zmq_unbind(s, ep));
                }
                5 => {
                    checked("disconnect", zmq_disconnect(s, ep));
                }
                6 => {
                    // An option of any number, a value of any length.
                    let len = usize::from(take(&mut rest, 1).first().copied().unwrap_or(0) % 64);
                    let value = take(&mut rest, len);
                    let p = if value.is_empty() && arg & 0x80 != 0 {
                        std::ptr::null()
                    } else {
                        value.as_ptr() as *const c_void
                    };
                    checked(
                        "setsockopt",
                        zmq_setsockopt(s, c_int::from(arg & 0x7f), p, value.len()),
                    );
                }
                7 => {
                    let mut out = [0u8; 300];
                    let want = usize::from(take(&mut rest, 1).first().copied().unwrap_or(0));
                    let mut len = want;
                    let rc = zmq_getsockopt(
                        s,
                        c_int::from(arg & 0x7f),
                        out.as_mut_ptr() as *mut c_void,
                        &mut len,
                    );
                    if checked("getsockopt", rc) == 0 {
                        assert!(len <= want, "getsockopt wrote past the buffer");
                    }
                }
                8 => {
                    let len = usize::from(arg % 32);
                    let body = take(&mut rest, len);
                    let flags = DONTWAIT | if arg & 0x80 != 0 { SNDMORE } else { 0 };
                    let rc = zmq_send(s, body.as_ptr() as *const c_void, body.len(), flags);
                    if checked("send", rc) >= 0 {
                        assert_eq!(rc as usize, body.len());
                    }
                }
                9 => {
                    let mut buf = [0u8; 64];
                    let len = usize::from(arg % 65);
                    let rc = zmq_recv(s, buf.as_mut_ptr() as *mut c_void, len, DONTWAIT);
                    checked("recv", rc);
                }
                10 => {
                    // A message with a routing id or a group (SERVER,
                    // RADIO, PEER...).
                    let mut m = ZmqMsg([0; 64]);
                    let len = usize::from(arg % 16);
                    let body = take(&mut rest, len);
                    assert_eq!(zmq_msg_init_size(&mut m, body.len()), 0);
                    if !body.is_empty() {
                        std::ptr::copy_nonoverlapping(
                            body.as_ptr(),
                            zmq_msg_data(&mut m) as *mut u8,
                            body.len(),
                        );
                    }
                    if arg & 0x40 != 0 {
                        checked(
                            "msg_set_routing_id",
                            zmq_msg_set_routing_id(&mut m, u32::from(arg >> 4)),
                        );
                    }
                    if arg & 0x80 != 0 {
                        let group: &[u8] = if arg & 0x10 != 0 { b"g1\0" } else { b"\0" };
                        checked(
                            "msg_set_group",
                            zmq_msg_set_group(&mut m, group.as_ptr() as *const c_char),
                        );
                    }
                    if checked("msg_send", zmq_msg_send(&mut m, s, DONTWAIT)) < 0 {
                        zmq_msg_close(&mut m);
                    }
                }
                11 => {
                    let mut m = ZmqMsg([0; 64]);
                    assert_eq!(zmq_msg_init(&mut m), 0);
                    checked("msg_recv", zmq_msg_recv(&mut m, s, DONTWAIT));
                    assert_eq!(zmq_msg_close(&mut m), 0);
                }
                12 => {
                    let group: &[u8] = if arg & 1 != 0 { b"g1\0" } else { b"g2\0" };
                    let p = group.as_ptr() as *const c_char;
                    if arg & 2 != 0 {
                        checked("join", zmq_join(s, p));
                    } else {
                        checked("leave", zmq_leave(s, p));
                    }
                }
                13 => {
                    // zmq_poll over the live sockets, without waiting.
                    let mut items: Vec<PollItem> = slots
                        .iter()
                        .filter(|p| !p.is_null())
                        .map(|&p| PollItem {
                            socket: p,
                            fd: -1,
                            events: c_short::from(arg & 0x7),
                            revents: 0,
                        })
                        .collect();
                    let rc = zmq_poll(items.as_mut_ptr(), items.len() as c_int, 0);
                    if checked("poll", rc) >= 0 {
                        let ready = items.iter().filter(|it| it.revents != 0).count();
                        assert_eq!(rc as usize, ready, "poll's count");
                        for it in &items {
                            let asked = it.events | 0x4; // POLLERR always
                            assert_eq!(it.revents & !asked, 0, "revents not asked for");
                        }
                    }
                }
                14 => {
                    // A stale handle: a socket closed a moment ago.
                    if !s.is_null() && arg & 1 != 0 {
                        checked("close", zmq_close(s));
                        slots[i] = std::ptr::null_mut();
                        checked(
                            "send on closed",
                            zmq_send(s, b"x".as_ptr() as *const c_void, 1, DONTWAIT),
                        );
                        assert_eq!(zmq_close(s), -1, "a closed socket closed twice");
                    }
                }
                _ => {
                    // Drain what arrived.
                    let mut buf = [0u8; 64];
                    for _ in 0..(arg % 16) {
                        if zmq_recv(s, buf.as_mut_ptr() as *mut c_void, buf.len(), DONTWAIT) < 0 {
                            break;
                        }
                    }
                }
            }
        }
        let zero: c_int = 0;
        for s in slots.into_iter().filter(|s| !s.is_null()) {
            checked(
                "setsockopt linger",
                zmq_setsockopt(s, LINGER, &zero as *const c_int as *const c_void, 4),
            );
            assert_eq!(zmq_close(s), 0);
        }
        assert_eq!(zmq_ctx_term(ctx), 0);
    }
});
