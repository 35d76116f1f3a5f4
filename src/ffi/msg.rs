//! `zmq_msg_*`: the message API over `crate::msg::Msg` living inside the
//! caller's `zmq_msg_t`.

use super::types::{as_fn, zmq_free_fn, zmq_msg_t, FreeFn};
use super::{boundary, c_str, set_errno};
use crate::constants::{ZMQ_MORE, ZMQ_SHARED, ZMQ_SRCFD};
use crate::error::{Error, Result};
use crate::msg::Msg;
use libc::{c_char, c_int, c_void, size_t};

/// The live message inside `p` (EFAULT when NULL, closed or uninitialised).
///
/// # Safety
/// A non-NULL `p` must point to a `zmq_msg_t` the caller owns.
#[inline(always)]
pub(crate) unsafe fn msg_mut<'a>(p: *mut zmq_msg_t) -> Result<&'a mut Msg> {
    let m = p as *mut Msg;
    // SAFETY: `zmq_msg_t` is 64 bytes aligned to 8, exactly a `Msg`.
    if m.is_null() || !unsafe { Msg::is_valid_at(m) } {
        return Err(Error::EFAULT);
    }
    // SAFETY: checked above that it holds a live message.
    Ok(unsafe { &mut *m })
}

/// Shared form of `msg_mut`.
///
/// # Safety
/// As `msg_mut`.
#[inline(always)]
pub(crate) unsafe fn msg_ref<'a>(p: *const zmq_msg_t) -> Result<&'a Msg> {
    // SAFETY: forwarded.
    unsafe { msg_mut(p as *mut zmq_msg_t).map(|m| &*m) }
}

/// Writes a new message into `p` without reading what was there before
/// (it may be uninitialised).
///
/// # Safety
/// A non-NULL `p` must point to a writable `zmq_msg_t`.
#[inline(always)]
pub(crate) unsafe fn msg_init_with(
    p: *mut zmq_msg_t,
    make: impl FnOnce() -> Result<Msg>,
) -> Result<c_int> {
    if p.is_null() {
        return Err(Error::EFAULT);
    }
    let m = make()?;
    // SAFETY: `p` is writable storage of `Msg`'s size and alignment.
    unsafe { std::ptr::write(p as *mut Msg, m) };
    Ok(0)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init(msg_: *mut zmq_msg_t) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(|| unsafe { msg_init_with(msg_, || Ok(Msg::new())) })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_size(msg_: *mut zmq_msg_t, size_: size_t) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(|| unsafe { msg_init_with(msg_, || Msg::with_size(size_)) })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_buffer(
    msg_: *mut zmq_msg_t,
    buf_: *const c_void,
    size_: size_t,
) -> c_int {
    boundary(|| {
        // A NULL buffer with a size: refused like zmq_msg_init_data's.
        if buf_.is_null() && size_ != 0 {
            return Err(Error::EINVAL);
        }
        let data: &[u8] = if size_ == 0 {
            &[]
        } else {
            // SAFETY: the caller gives `size_` readable bytes at `buf_`.
            unsafe { std::slice::from_raw_parts(buf_ as *const u8, size_) }
        };
        // SAFETY: forwarded from the caller.
        unsafe { msg_init_with(msg_, || Msg::from_slice(data)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_data(
    msg_: *mut zmq_msg_t,
    data_: *mut c_void,
    size_: size_t,
    ffn_: *mut zmq_free_fn,
    hint_: *mut c_void,
) -> c_int {
    boundary(|| {
        // libzmq asserts here; a NULL buffer with a size is the caller's
        // mistake, reported as such.
        if data_.is_null() && size_ != 0 {
            return Err(Error::EINVAL);
        }
        // SAFETY: `zmq_free_fn *` is a C function of this signature.
        let ffn = unsafe { as_fn::<_, FreeFn>(ffn_) };
        // SAFETY: libzmq's contract: the buffer stays valid until `ffn` runs
        // (or forever when there is none).
        unsafe {
            msg_init_with(msg_, || {
                Ok(Msg::from_user_buffer(data_ as *mut u8, size_, ffn, hint_))
            })
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_close(msg_: *mut zmq_msg_t) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { msg_mut(msg_) }?.close();
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_move(dest_: *mut zmq_msg_t, src_: *mut zmq_msg_t) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let src = unsafe { msg_mut(src_) }?;
        if dest_ == src_ {
            return Ok(0);
        }
        // SAFETY: forwarded from the caller; distinct from `src`.
        let dest = unsafe { msg_mut(dest_) }?;
        *dest = src.take();
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_copy(dest_: *mut zmq_msg_t, src_: *mut zmq_msg_t) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let src = unsafe { msg_mut(src_) }?;
        if dest_ == src_ {
            return Ok(0);
        }
        // SAFETY: forwarded from the caller; distinct from `src`.
        let dest = unsafe { msg_mut(dest_) }?;
        *dest = src.share();
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_data(msg_: *mut zmq_msg_t) -> *mut c_void {
    // SAFETY: forwarded from the caller.
    boundary(|| Ok(unsafe { msg_mut(msg_) }?.data_ptr() as *mut c_void))
}

/// A closed or NULL message has size 0 (and errno EFAULT): libzmq asserts.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_size(msg_: *const zmq_msg_t) -> size_t {
    // SAFETY: forwarded from the caller.
    boundary(|| Ok(unsafe { msg_ref(msg_) }?.size()))
}

/// A closed or NULL message reports no more parts (errno EFAULT), so a
/// receive loop ends instead of spinning.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_more(msg_: *const zmq_msg_t) -> c_int {
    // SAFETY: forwarded from the caller.
    match unsafe { msg_ref(msg_) } {
        Ok(m) => m.more() as c_int,
        Err(e) => {
            set_errno(e);
            0
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_get(msg_: *const zmq_msg_t, property_: c_int) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let m = unsafe { msg_ref(msg_) }?;
        match property_ {
            ZMQ_MORE => Ok(m.more() as c_int),
            ZMQ_SRCFD => match m.metadata() {
                Some(md) if md.src_fd() >= 0 => Ok(md.src_fd()),
                _ => Err(Error::EINVAL),
            },
            ZMQ_SHARED => Ok(m.is_shared() as c_int),
            _ => Err(Error::EINVAL),
        }
    })
}

/// No property can be set: always EINVAL, as libzmq (which never looks at
/// the message).
#[no_mangle]
pub extern "C" fn zmq_msg_set(_msg_: *mut zmq_msg_t, _property_: c_int, _optval_: c_int) -> c_int {
    boundary(|| Err(Error::EINVAL))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_gets(
    msg_: *const zmq_msg_t,
    property_: *const c_char,
) -> *const c_char {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let m = unsafe { msg_ref(msg_) }?;
        // SAFETY: forwarded from the caller.
        let name = unsafe { c_str(property_) }?
            .to_str()
            .map_err(|_| Error::EINVAL)?;
        m.metadata()
            .and_then(|md| md.get(name))
            .map(|v| v.as_ptr())
            .ok_or(Error::EINVAL)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_routing_id(msg_: *mut zmq_msg_t, routing_id_: u32) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { msg_mut(msg_) }?.set_routing_id(routing_id_)?;
        Ok(0)
    })
}

/// 0 (no routing id) for a NULL or closed message, with errno EFAULT.
#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_routing_id(msg_: *mut zmq_msg_t) -> u32 {
    // SAFETY: forwarded from the caller.
    boundary(|| Ok(unsafe { msg_mut(msg_) }?.routing_id()))
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_group(msg_: *mut zmq_msg_t, group_: *const c_char) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let m = unsafe { msg_mut(msg_) }?;
        // SAFETY: forwarded from the caller.
        let group = unsafe { c_str(group_) }?;
        m.set_group(group.to_bytes())?;
        Ok(0)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_group(msg_: *mut zmq_msg_t) -> *const c_char {
    // SAFETY: forwarded from the caller.
    boundary(|| Ok(unsafe { msg_mut(msg_) }?.group().as_ptr()))
}
