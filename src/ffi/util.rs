//! The small utilities of `zmq.h`: errno and error texts, version and
//! capabilities, Z85 and CURVE keys, stopwatch, sleep and threads.

use super::caller;
use super::types::{as_fn, zmq_thread_fn, ThreadFn};
use super::{boundary, c_str};
use crate::constants::{EFSM, EMTHREAD, ENOCOMPATPROTO, ETERM};
use crate::error::Error;
use crate::{keys, z85};
use libc::{c_char, c_int, c_ulong, c_void, size_t};

const VERSION_MAJOR: c_int = 4;
const VERSION_MINOR: c_int = 3;
const VERSION_PATCH: c_int = 5;

#[no_mangle]
pub extern "C" fn zmq_errno() -> c_int {
    errno::errno().0
}

/// libzmq's texts for its own errors (and its wording for EHOSTUNREACH);
/// the C library's for the rest.
#[no_mangle]
pub extern "C" fn zmq_strerror(errnum_: c_int) -> *const c_char {
    let text: &'static [u8] = match errnum_ {
        EFSM => b"Operation cannot be accomplished in current state\0",
        ENOCOMPATPROTO => b"The protocol is not compatible with the socket type\0",
        ETERM => b"Context was terminated\0",
        EMTHREAD => b"No thread available\0",
        libc::EHOSTUNREACH => b"Host unreachable\0",
        // SAFETY: strerror returns a valid C string, as it does for libzmq.
        _ => return unsafe { libc::strerror(errnum_) },
    };
    text.as_ptr() as *const c_char
}

#[no_mangle]
pub unsafe extern "C" fn zmq_version(major_: *mut c_int, minor_: *mut c_int, patch_: *mut c_int) {
    for (p, v) in [
        (major_, VERSION_MAJOR),
        (minor_, VERSION_MINOR),
        (patch_, VERSION_PATCH),
    ] {
        if !p.is_null() {
            // SAFETY: a non-NULL out pointer from the caller.
            unsafe { *p = v };
        }
    }
}

/// Capabilities that work in this build. Each transport or mechanism is
/// added here when it works end to end. The WebSocket transports are
/// spelled as libzmq spells them here, in capitals ("WS", "WSS").
const CAPABILITIES: &[&str] = &["ipc", "curve", "WS", "WSS"];

/// 1 when the capability works, else 0 (also for NULL).
#[no_mangle]
pub unsafe extern "C" fn zmq_has(capability_: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    match unsafe { c_str(capability_) } {
        Ok(name) => {
            let name = name.to_bytes();
            let listed = CAPABILITIES.iter().any(|c| c.as_bytes() == name);
            // The draft API (socket types, udp, thread-safe sockets, the
            // draft functions) is there when the `draft` feature is.
            (listed || (cfg!(feature = "draft") && name == b"draft")) as c_int
        }
        Err(_) => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_z85_encode(
    dest_: *mut c_char,
    data_: *const u8,
    size_: size_t,
) -> *mut c_char {
    boundary(|| {
        if size_ % 4 != 0 {
            return Err(Error::EINVAL);
        }
        if dest_.is_null() || (data_.is_null() && size_ != 0) {
            return Err(Error::EFAULT);
        }
        let out_len = (size_ / 4).checked_mul(5).ok_or(Error::EINVAL)?;
        if size_ <= caller::TRUSTED_LEN {
            // SAFETY: the caller gives `size_` readable bytes and room for
            // `size_ * 5 / 4 + 1` characters, as the man page requires.
            let (data, out) = unsafe {
                (
                    if size_ == 0 {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(data_, size_)
                    },
                    std::slice::from_raw_parts_mut(dest_ as *mut u8, out_len + 1),
                )
            };
            z85::encode_into(data, &mut out[..out_len]).ok_or(Error::EINVAL)?;
            out[out_len] = 0;
        } else {
            // A length that may lie: read and write through checked copies.
            // SAFETY: checked copy.
            let data = unsafe { caller::copy_in(data_ as *const c_void, size_) }?;
            let mut text = Vec::new();
            text.try_reserve_exact(out_len + 1)
                .map_err(|_| Error::ENOMEM)?;
            text.resize(out_len + 1, 0);
            z85::encode_into(&data, &mut text[..out_len]).ok_or(Error::EINVAL)?;
            // SAFETY: checked copy.
            unsafe { caller::copy_out(dest_ as *mut c_void, &text) }?;
        }
        Ok(dest_)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_z85_decode(dest_: *mut u8, string_: *const c_char) -> *mut u8 {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let text = unsafe { c_str(string_) }?.to_bytes();
        if text.len() < 5 || text.len() % 5 != 0 {
            return Err(Error::EINVAL);
        }
        if dest_.is_null() {
            return Err(Error::EFAULT);
        }
        let out_len = text.len() / 5 * 4;
        if out_len <= caller::TRUSTED_LEN {
            // SAFETY: the caller gives room for `strlen * 4 / 5` bytes.
            let out = unsafe { std::slice::from_raw_parts_mut(dest_, out_len) };
            z85::decode_into(text, out).ok_or(Error::EINVAL)?;
        } else {
            let mut out = Vec::new();
            out.try_reserve_exact(out_len).map_err(|_| Error::ENOMEM)?;
            out.resize(out_len, 0);
            z85::decode_into(text, &mut out).ok_or(Error::EINVAL)?;
            // SAFETY: checked copy.
            unsafe { caller::copy_out(dest_ as *mut c_void, &out) }?;
        }
        Ok(dest_)
    })
}

/// Writes a 40-character key and its NUL at `dest`.
///
/// # Safety
/// `dest` must have room for 41 bytes.
unsafe fn write_key(dest: *mut c_char, key: &[u8; keys::Z85_KEY_LEN]) {
    // SAFETY: per the contract.
    unsafe {
        std::ptr::copy_nonoverlapping(key.as_ptr(), dest as *mut u8, key.len());
        *dest.add(key.len()) = 0;
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_curve_keypair(
    z85_public_key_: *mut c_char,
    z85_secret_key_: *mut c_char,
) -> c_int {
    boundary(|| {
        if z85_public_key_.is_null() || z85_secret_key_.is_null() {
            return Err(Error::EFAULT);
        }
        let (public, secret) = keys::keypair()?;
        // SAFETY: the caller gives 41 bytes for each key.
        unsafe {
            write_key(z85_public_key_, &public);
            write_key(z85_secret_key_, &secret);
        }
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_curve_public(
    z85_public_key_: *mut c_char,
    z85_secret_key_: *const c_char,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let secret = unsafe { c_str(z85_secret_key_) }?.to_bytes();
        if z85_public_key_.is_null() {
            return Err(Error::EFAULT);
        }
        let public = keys::public_of(secret)?;
        // SAFETY: the caller gives 41 bytes for the key.
        unsafe { write_key(z85_public_key_, &public) };
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn zmq_stopwatch_start() -> *mut c_void {
    Box::into_raw(Box::new(crate::clock::now_us())) as *mut c_void
}

/// Microseconds since `zmq_stopwatch_start`; 0 for a NULL watch.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_intermediate(watch_: *mut c_void) -> c_ulong {
    if watch_.is_null() {
        return 0;
    }
    // SAFETY: a watch made by `zmq_stopwatch_start`.
    let start = unsafe { *(watch_ as *const u64) };
    crate::clock::now_us().saturating_sub(start) as c_ulong
}

/// As `zmq_stopwatch_intermediate`, and frees the watch.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_stop(watch_: *mut c_void) -> c_ulong {
    // SAFETY: forwarded from the caller.
    let elapsed = unsafe { zmq_stopwatch_intermediate(watch_) };
    if !watch_.is_null() {
        // SAFETY: a watch made by `zmq_stopwatch_start`, freed once.
        drop(unsafe { Box::from_raw(watch_ as *mut u64) });
    }
    elapsed
}

#[no_mangle]
pub extern "C" fn zmq_sleep(seconds_: c_int) {
    if seconds_ > 0 {
        std::thread::sleep(std::time::Duration::from_secs(seconds_ as u64));
    }
}

/// A thread's function and argument, moved into the thread.
struct ThreadStart(ThreadFn, usize);

#[no_mangle]
pub unsafe extern "C" fn zmq_threadstart(
    func_: *mut zmq_thread_fn,
    arg_: *mut c_void,
) -> *mut c_void {
    boundary(|| {
        // SAFETY: a `zmq_thread_fn *` is a C function of this signature.
        let func = unsafe { as_fn::<_, ThreadFn>(func_) }.ok_or(Error::EFAULT)?;
        let start = ThreadStart(func, arg_ as usize);
        let handle = std::thread::Builder::new()
            .name("ZMQapp".into())
            .spawn(move || {
                let ThreadStart(f, arg) = start;
                // SAFETY: the caller's function with the caller's argument.
                unsafe { f(arg as *mut c_void) }
            })
            .map_err(|e| Error(e.raw_os_error().unwrap_or(libc::EAGAIN)))?;
        Ok(Box::into_raw(Box::new(handle)) as *mut c_void)
    })
}

/// Waits for the thread to end and frees its handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_threadclose(thread_: *mut c_void) {
    if thread_.is_null() {
        return;
    }
    // SAFETY: a handle made by `zmq_threadstart`, closed once.
    let handle = unsafe { Box::from_raw(thread_ as *mut std::thread::JoinHandle<()>) };
    let _ = handle.join();
}
