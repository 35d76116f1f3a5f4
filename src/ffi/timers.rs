//! `zmq_timers_*`: timer sets over `crate::timers::Timers`.
//!
//! Handlers run with the set unlocked, so a handler may add, cancel or reset
//! timers of its own set.

use super::handle::Pool;
use super::types::{as_fn, zmq_timer_fn, TimerFn};
use super::{boundary, deref_mut};
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::timers::Timers;
use libc::{c_int, c_long, c_void, size_t};
use std::sync::{Mutex, MutexGuard};

/// What a timer calls: the handler and its argument (as an address, so the
/// set is `Send`).
type Callback = (TimerFn, usize);

static TIMERS: Pool<Mutex<Timers<Callback>>> = Pool::new(0x7173_e125);

/// The timer set behind a handle (EFAULT when NULL, destroyed or not one).
///
/// # Safety
/// `p` must be NULL or a handle this library returned.
unsafe fn timers_of(p: *mut c_void) -> Result<MutexGuard<'static, Timers<Callback>>> {
    // SAFETY: forwarded from the caller.
    let slot = unsafe { TIMERS.get(p) }.ok_or(Error::EFAULT)?;
    Ok(slot.value.lock().unwrap_or_else(|e| e.into_inner()))
}

#[no_mangle]
pub extern "C" fn zmq_timers_new() -> *mut c_void {
    boundary(|| {
        let slot = TIMERS.take(
            || Mutex::new(Timers::new()),
            |v| *v.lock().unwrap_or_else(|e| e.into_inner()) = Timers::new(),
        );
        Ok(slot.as_ptr())
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_destroy(timers_p: *mut *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let p = unsafe { deref_mut(timers_p) }?;
        // SAFETY: forwarded from the caller.
        let slot = unsafe { TIMERS.get(*p) }.ok_or(Error::EFAULT)?;
        if !TIMERS.release(slot) {
            return Err(Error::EFAULT);
        }
        *slot.value.lock().unwrap_or_else(|e| e.into_inner()) = Timers::new();
        *p = std::ptr::null_mut();
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_add(
    timers: *mut c_void,
    interval: size_t,
    handler: *mut zmq_timer_fn,
    arg: *mut c_void,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut t = unsafe { timers_of(timers) }?;
        // SAFETY: a `zmq_timer_fn *` is a C function of this signature.
        let handler = unsafe { as_fn::<_, TimerFn>(handler) }.ok_or(Error::EFAULT)?;
        Ok(t.add(interval as u64, (handler, arg as usize), now_ms()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_cancel(timers: *mut c_void, timer_id: c_int) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        match unsafe { timers_of(timers) }?.cancel(timer_id) {
            true => Ok(0),
            false => Err(Error::EINVAL),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_set_interval(
    timers: *mut c_void,
    timer_id: c_int,
    interval: size_t,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        match unsafe { timers_of(timers) }?.set_interval(timer_id, interval as u64, now_ms()) {
            true => Ok(0),
            false => Err(Error::EINVAL),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_reset(timers: *mut c_void, timer_id: c_int) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        match unsafe { timers_of(timers) }?.reset(timer_id, now_ms()) {
            true => Ok(0),
            false => Err(Error::EINVAL),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_timeout(timers: *mut c_void) -> c_long {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let t = unsafe { timers_of(timers) }?;
        Ok(t.timeout(now_ms())
            .map_or(-1, |ms| ms.min(c_long::MAX as u64) as c_long))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_execute(timers: *mut c_void) -> c_int {
    boundary(|| {
        let now = now_ms();
        // SAFETY: forwarded from the caller.
        let due = unsafe { timers_of(timers) }?.due(now);
        for id in due {
            // Re-check each one: an earlier handler may have cancelled it.
            // SAFETY: forwarded from the caller.
            let fired = unsafe { timers_of(timers) }?.fire(id, now);
            if let Some((handler, arg)) = fired {
                // SAFETY: the caller's handler with the caller's argument.
                unsafe { handler(id, arg as *mut c_void) };
            }
        }
        Ok(0)
    })
}
