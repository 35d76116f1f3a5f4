//! `zmq_atomic_counter_*`: a 32-bit counter shared between threads, with
//! libzmq's unsigned wrap-around and return values.

use super::handle::Pool;
use super::{boundary, deref_mut};
use crate::error::{Error, Result};
use libc::{c_int, c_void};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTERS: Pool<AtomicU32> = Pool::new(0xa70c_c0de);

/// # Safety
/// `p` must be NULL or a handle this library returned.
unsafe fn counter(p: *mut c_void) -> Result<&'static AtomicU32> {
    // SAFETY: forwarded from the caller.
    Ok(&unsafe { COUNTERS.get(p) }.ok_or(Error::EFAULT)?.value)
}

#[no_mangle]
pub extern "C" fn zmq_atomic_counter_new() -> *mut c_void {
    boundary(|| {
        Ok(COUNTERS
            .take(|| AtomicU32::new(0), |v| v.store(0, Ordering::SeqCst))
            .as_ptr())
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_set(counter_: *mut c_void, value_: c_int) {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { counter(counter_) }?.store(value_ as u32, Ordering::SeqCst);
        Ok(())
    })
}

/// Adds one; returns the value before.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_inc(counter_: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(|| Ok(unsafe { counter(counter_) }?.fetch_add(1, Ordering::SeqCst) as c_int))
}

/// Subtracts one; returns 1 while the counter is not zero after it, else 0.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_dec(counter_: *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let old = unsafe { counter(counter_) }?.fetch_sub(1, Ordering::SeqCst);
        Ok((old.wrapping_sub(1) != 0) as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_value(counter_: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(|| Ok(unsafe { counter(counter_) }?.load(Ordering::SeqCst) as c_int))
}

/// Frees the counter and sets `*counter_p_` to NULL; a NULL or dead counter
/// is left alone.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_destroy(counter_p_: *mut *mut c_void) {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let p = unsafe { deref_mut(counter_p_) }?;
        // SAFETY: forwarded from the caller.
        if let Some(slot) = unsafe { COUNTERS.get(*p) } {
            COUNTERS.release(slot);
        }
        *p = std::ptr::null_mut();
        Ok(())
    })
}
