//! Socket functions of `zmq.h`: creation, options, endpoints, send/recv,
//! monitors and proxies.
//!
//! Sockets arrive with the runtime. Until then `zmq_socket` checks its
//! arguments as libzmq does and fails with ENOTSUP, so no socket handle can
//! exist, and every function taking one answers ENOTSOCK, which is libzmq's
//! answer for a pointer that is not a live socket.

use super::boundary;
use super::ctx::ctx_of;
use super::handle::Pool;
use super::types::zmq_msg_t;
use crate::error::{Error, Result};
use libc::{c_char, c_int, c_void, iovec, size_t};

/// What a socket handle will hold (a socket, once the runtime lands).
pub(crate) struct SocketSlot;

pub(crate) static SOCKETS: Pool<SocketSlot> = Pool::new(0x50c4_e7ab);

/// The socket behind a handle: ENOTSOCK for NULL, closed or non-socket
/// handles.
///
/// # Safety
/// `p` must be NULL or a handle this library returned.
pub(crate) unsafe fn socket_of(p: *mut c_void) -> Result<&'static SocketSlot> {
    // SAFETY: forwarded from the caller.
    unsafe { SOCKETS.get(p) }
        .map(|s| &s.value)
        .ok_or(Error::ENOTSOCK)
}

/// Socket types: the stable ones, then the draft ones.
const MAX_SOCKET_TYPE: c_int = 20;

#[no_mangle]
pub unsafe extern "C" fn zmq_socket(ctx_: *mut c_void, type_: c_int) -> *mut c_void {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_of(ctx_) }?;
        if ctx.is_terminating() {
            return Err(Error::ETERM);
        }
        if !(0..=MAX_SOCKET_TYPE).contains(&type_) {
            return Err(Error::EINVAL);
        }
        Err(Error::ENOTSUP)
    })
}

/// The first step of every function that takes a socket: with no socket
/// able to exist yet, it is where they all end (ENOTSOCK).
///
/// # Safety
/// `s` must be NULL or a handle this library returned.
unsafe fn with_socket<T: super::Failure>(s: *mut c_void) -> T {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let _socket = unsafe { socket_of(s) }?;
        Err(Error::ENOTSUP)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_close(s_: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_setsockopt(
    s_: *mut c_void,
    option_: c_int,
    optval_: *const c_void,
    optvallen_: size_t,
) -> c_int {
    let _ = (option_, optval_, optvallen_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_getsockopt(
    s_: *mut c_void,
    option_: c_int,
    optval_: *mut c_void,
    optvallen_: *mut size_t,
) -> c_int {
    let _ = (option_, optval_, optvallen_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_bind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    let _ = (addr_,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    let _ = (addr_,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    let _ = (addr_,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    let _ = (addr_,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send(
    s_: *mut c_void,
    buf_: *const c_void,
    len_: size_t,
    flags_: c_int,
) -> c_int {
    let _ = (buf_, len_, flags_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send_const(
    s_: *mut c_void,
    buf_: *const c_void,
    len_: size_t,
    flags_: c_int,
) -> c_int {
    let _ = (buf_, len_, flags_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recv(
    s_: *mut c_void,
    buf_: *mut c_void,
    len_: size_t,
    flags_: c_int,
) -> c_int {
    let _ = (buf_, len_, flags_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor(
    s_: *mut c_void,
    addr_: *const c_char,
    events_: c_int,
) -> c_int {
    let _ = (addr_, events_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendmsg(
    s_: *mut c_void,
    msg_: *mut zmq_msg_t,
    flags_: c_int,
) -> c_int {
    let _ = (msg_, flags_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recvmsg(
    s_: *mut c_void,
    msg_: *mut zmq_msg_t,
    flags_: c_int,
) -> c_int {
    let _ = (msg_, flags_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(
    s_: *mut c_void,
    iov_: *mut iovec,
    count_: size_t,
    flags_: c_int,
) -> c_int {
    let _ = (iov_, count_, flags_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(
    s_: *mut c_void,
    iov_: *mut iovec,
    count_: *mut size_t,
    flags_: c_int,
) -> c_int {
    let _ = (iov_, count_, flags_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_proxy(
    frontend_: *mut c_void,
    backend_: *mut c_void,
    capture_: *mut c_void,
) -> c_int {
    let _ = (backend_, capture_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(frontend_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_proxy_steerable(
    frontend_: *mut c_void,
    backend_: *mut c_void,
    capture_: *mut c_void,
    control_: *mut c_void,
) -> c_int {
    let _ = (backend_, capture_, control_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(frontend_) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_join(s: *mut c_void, group: *const c_char) -> c_int {
    let _ = (group,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_leave(s: *mut c_void, group: *const c_char) -> c_int {
    let _ = (group,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_connect_peer(s_: *mut c_void, addr_: *const c_char) -> u32 {
    let _ = (addr_,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect_peer(s_: *mut c_void, routing_id_: u32) -> c_int {
    let _ = (routing_id_,);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_get_peer_state(
    socket: *mut c_void,
    routing_id: *const c_void,
    routing_id_size: size_t,
) -> c_int {
    let _ = (routing_id, routing_id_size);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(socket) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_versioned(
    s_: *mut c_void,
    addr_: *const c_char,
    events_: u64,
    event_version_: c_int,
    type_: c_int,
) -> c_int {
    let _ = (addr_, events_, event_version_, type_);
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s_) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_pipes_stats(s: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_socket(s) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_send(
    msg_: *mut zmq_msg_t,
    s_: *mut c_void,
    flags_: c_int,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_sendmsg(s_, msg_, flags_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_recv(
    msg_: *mut zmq_msg_t,
    s_: *mut c_void,
    flags_: c_int,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_recvmsg(s_, msg_, flags_) }
}

/// `zmq_device(type, frontend, backend)` is `zmq_proxy` without capture.
#[no_mangle]
pub unsafe extern "C" fn zmq_device(
    _type_: c_int,
    frontend_: *mut c_void,
    backend_: *mut c_void,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_proxy(frontend_, backend_, std::ptr::null_mut()) }
}
