//! The C-visible types of `zmq.h`: their layouts are libzmq's (checked against
//! `capi-tests/abi/layouts.tsv` by the ABI tests and by the asserts below).

#![allow(non_camel_case_types)]

use libc::{c_int, c_short, c_void};

/// The file descriptor type of `zmq_pollitem_t` and the poller API.
pub type zmq_fd_t = c_int;

/// Opaque storage for one message: 64 bytes, aligned like a pointer.
/// What lives inside is `crate::msg::Msg`.
/// cbindgen:field-names=[_]
#[repr(C, align(8))]
pub struct zmq_msg_t(pub [u8; 64]);

/// One entry of `zmq_poll`: a socket, or a plain fd when `socket` is NULL.
#[repr(C)]
pub struct zmq_pollitem_t {
    pub socket: *mut c_void,
    pub fd: zmq_fd_t,
    pub events: c_short,
    pub revents: c_short,
}

/// One event reported by `zmq_poller_wait` / `zmq_poller_wait_all`.
#[cfg(feature = "draft")]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct zmq_poller_event_t {
    pub socket: *mut c_void,
    pub fd: zmq_fd_t,
    pub user_data: *mut c_void,
    pub events: c_short,
}

// The three callback types are *function types* in C (`zmq_free_fn *ffn`),
// which cbindgen cannot spell; zmq.h declares them in raw C (cbindgen.toml)
// and these opaque stand-ins let the Rust prototypes name them. A pointer to
// one is converted to the real `extern "C" fn` in `as_fn`.

/// `typedef void (zmq_free_fn) (void *data_, void *hint_);`
#[repr(C)]
pub struct zmq_free_fn {
    _opaque: [u8; 0],
}

/// `typedef void (zmq_timer_fn) (int timer_id, void *arg);`
#[repr(C)]
pub struct zmq_timer_fn {
    _opaque: [u8; 0],
}

/// `typedef void (zmq_thread_fn) (void *);`
#[repr(C)]
pub struct zmq_thread_fn {
    _opaque: [u8; 0],
}

pub type FreeFn = unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void);
pub type TimerFn = unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void);
pub type ThreadFn = unsafe extern "C" fn(arg: *mut c_void);

/// Turns a C function-type pointer into the Rust function pointer it is.
///
/// # Safety
/// `p` must be NULL or point to a C function whose signature is `F`.
pub(crate) unsafe fn as_fn<T, F: Copy>(p: *mut T) -> Option<F> {
    debug_assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut T>());
    if p.is_null() {
        None
    } else {
        // SAFETY: `F` is a function pointer type of pointer size and the caller
        // promises `p` is a function of that signature.
        Some(unsafe { std::mem::transmute_copy::<*mut T, F>(&p) })
    }
}

const _: () = {
    assert!(std::mem::size_of::<zmq_msg_t>() == crate::msg::MSG_T_SIZE);
    assert!(std::mem::align_of::<zmq_msg_t>() == 8);
    assert!(std::mem::size_of::<zmq_pollitem_t>() == 16);
    assert!(std::mem::size_of::<zmq_fd_t>() == 4);
};
#[cfg(feature = "draft")]
const _: () = assert!(std::mem::size_of::<zmq_poller_event_t>() == 32);
