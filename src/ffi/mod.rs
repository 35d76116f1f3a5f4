//! The C boundary: every `#[no_mangle] extern "C"` function of `zmq.h`, one
//! file per API family. Each function checks its pointers first, calls safe
//! Rust, and maps `Err(e)` to libzmq's failure value plus `errno`. A panic is
//! caught here and never unwinds into C.

pub mod types;

pub(crate) mod handle;

mod atomic;
mod caller;
mod ctx;
mod msg;
pub(crate) mod poll;
pub(crate) mod socket;
// After `socket`: zmq.h lists the proxy functions after the socket ones.
mod proxy;
mod timers;
mod util;

use crate::error::{Error, Result};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// errno reported when a bug in zmqrs panicked inside a call: the call fails
/// instead of taking the caller's process down.
const PANIC_ERRNO: libc::c_int = libc::ENOTRECOVERABLE;

/// What a C function returns when it fails.
pub(crate) trait Failure {
    fn failure() -> Self;
}

impl Failure for libc::c_int {
    fn failure() -> Self {
        -1
    }
}
impl Failure for libc::c_long {
    fn failure() -> Self {
        -1
    }
}
impl Failure for u32 {
    fn failure() -> Self {
        0
    }
}
impl Failure for usize {
    fn failure() -> Self {
        0
    }
}
impl Failure for () {
    fn failure() -> Self {}
}
impl<T> Failure for *mut T {
    fn failure() -> Self {
        std::ptr::null_mut()
    }
}
impl<T> Failure for *const T {
    fn failure() -> Self {
        std::ptr::null()
    }
}

pub(crate) fn set_errno(e: Error) {
    errno::set_errno(errno::Errno(e.0));
}

/// A panic inside zmqrs is a bug of ours: `boundary` turns it into
/// ENOTRECOVERABLE, and its message must not land on the host's stderr
/// either. Installed with the first context the C API makes (so a Rust
/// program that uses the crate directly keeps its own hook); set
/// ZMQRS_PANIC_TRACE in the environment to see the messages again.
pub(crate) fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::env::var_os("ZMQRS_PANIC_TRACE").is_some() {
                previous(info);
            }
        }));
    });
}

/// Runs the body of an exported function: `Err` and panics become the
/// function's failure value with errno set.
#[inline(always)]
pub(crate) fn boundary<T: Failure>(body: impl FnOnce() -> Result<T>) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            set_errno(e);
            T::failure()
        }
        Err(_) => {
            set_errno(Error(PANIC_ERRNO));
            T::failure()
        }
    }
}

/// Borrows a C pointer that must not be NULL (EFAULT otherwise).
///
/// # Safety
/// A non-NULL `p` must point to a valid, live `T` for the returned lifetime.
#[inline(always)]
#[allow(dead_code)]
pub(crate) unsafe fn deref<'a, T>(p: *const T) -> Result<&'a T> {
    // SAFETY: the caller promises a non-NULL `p` is valid.
    unsafe { p.as_ref() }.ok_or(Error::EFAULT)
}

/// Mutable form of `deref`.
///
/// # Safety
/// A non-NULL `p` must point to a valid `T`, not aliased for the lifetime.
#[inline(always)]
pub(crate) unsafe fn deref_mut<'a, T>(p: *mut T) -> Result<&'a mut T> {
    // SAFETY: the caller promises a non-NULL `p` is valid and unaliased.
    unsafe { p.as_mut() }.ok_or(Error::EFAULT)
}

/// Reads a NUL-terminated C string (EFAULT when NULL).
///
/// # Safety
/// A non-NULL `p` must point to a NUL-terminated string.
pub(crate) unsafe fn c_str<'a>(p: *const libc::c_char) -> Result<&'a std::ffi::CStr> {
    if p.is_null() {
        return Err(Error::EFAULT);
    }
    // SAFETY: non-NULL and NUL-terminated per the caller.
    Ok(unsafe { std::ffi::CStr::from_ptr(p) })
}
