//! `zmq_ctx_*`, `zmq_init`, `zmq_term`: context handles.

use super::caller::{self, LongValue, OptionValue};
use super::handle::{Pool, Slot};
use super::{boundary, deref_mut};
use crate::constants::ZMQ_IO_THREADS;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use libc::{c_int, c_void, size_t};
use std::sync::{Arc, Mutex};

/// A context handle holds the context until `zmq_ctx_term` ends it.
pub(crate) type CtxSlot = Mutex<Option<Arc<Ctx>>>;

pub(crate) static CONTEXTS: Pool<CtxSlot> = Pool::new(0xc0de_c7c7);

/// The context behind a C handle (EFAULT when NULL, terminated or not a
/// context).
///
/// # Safety
/// `p` must be NULL or a handle this library returned.
pub(crate) unsafe fn ctx_of(p: *mut c_void) -> Result<Arc<Ctx>> {
    // SAFETY: forwarded from the caller.
    let slot = unsafe { CONTEXTS.get(p) }.ok_or(Error::EFAULT)?;
    slot.value
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or(Error::EFAULT)
}

fn new_ctx() -> *mut c_void {
    super::quiet_panics();
    let ctx = Arc::new(Ctx::new());
    let slot: &'static Slot<CtxSlot> = CONTEXTS.take(
        || Mutex::new(Some(Arc::clone(&ctx))),
        |v| *v.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&ctx)),
    );
    slot.as_ptr()
}

#[no_mangle]
pub extern "C" fn zmq_ctx_new() -> *mut c_void {
    boundary(|| Ok(new_ctx()))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_term(context_: *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let slot = unsafe { CONTEXTS.get(context_) }.ok_or(Error::EFAULT)?;
        let ctx = slot
            .value
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or(Error::EFAULT)?;
        ctx.terminate()?;
        // Only the first of racing terminators ends the handle.
        if CONTEXTS.release(slot) {
            slot.value.lock().unwrap_or_else(|e| e.into_inner()).take();
        }
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_shutdown(context_: *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { ctx_of(context_) }?.shutdown();
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set(
    context_: *mut c_void,
    option_: c_int,
    optval_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { ctx_of(context_) }?.set_option(option_, &optval_.to_ne_bytes())?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get(context_: *mut c_void, option_: c_int) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_of(context_) }?;
        let mut out = [0u8; 4];
        ctx.get_option(option_, &mut out)?;
        Ok(c_int::from_ne_bytes(out))
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set_ext(
    context_: *mut c_void,
    option_: c_int,
    optval_: *const c_void,
    optvallen_: size_t,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_of(context_) }?;
        // SAFETY: the caller gives `optvallen_` readable bytes; lengths
        // past the trusted ones are checked (no context option takes one).
        let value = unsafe { caller::option_value(optval_, optvallen_, || LongValue::Refused) }?;
        ctx.set_option(option_, value.as_ref().map_or(&[], OptionValue::as_slice))?;
        Ok(0)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get_ext(
    context_: *mut c_void,
    option_: c_int,
    optval_: *mut c_void,
    optvallen_: *mut size_t,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_of(context_) }?;
        // SAFETY: forwarded from the caller.
        let len = unsafe { deref_mut(optvallen_) }?;
        if optval_.is_null() {
            return Err(Error::EFAULT);
        }
        // SAFETY: the caller gives `*len` writable bytes; lengths past the
        // trusted ones are checked.
        unsafe { caller::fill_out(optval_, *len, |out| ctx.get_option(option_, out)) }?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn zmq_init(io_threads_: c_int) -> *mut c_void {
    boundary(|| {
        if io_threads_ < 0 {
            return Err(Error::EINVAL);
        }
        let p = new_ctx();
        // SAFETY: `p` was just made by `new_ctx`.
        unsafe { ctx_of(p) }?.set_option(ZMQ_IO_THREADS, &io_threads_.to_ne_bytes())?;
        Ok(p)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_term(context_: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_ctx_term(context_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_destroy(context_: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_ctx_term(context_) }
}
