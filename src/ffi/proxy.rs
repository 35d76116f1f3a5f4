//! `zmq_proxy`, `zmq_proxy_steerable` and `zmq_device`: the handles are
//! checked and resolved here; the proxy itself is `crate::proxy`.

use super::boundary;
use super::socket::sockets_of;
use crate::error::{Error, Result};
use crate::proxy::{run, Roles};
use libc::{c_int, c_void};

/// Resolves the four handles (capture and control may be NULL) and runs
/// the proxy on them.
///
/// # Safety
/// Each non-NULL handle must be a handle this library returned, used by no
/// other thread while the proxy runs.
unsafe fn proxy(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> Result<()> {
    if frontend.is_null() || backend.is_null() {
        return Err(Error::EFAULT);
    }
    let mut handles = vec![frontend, backend];
    let optional: Vec<bool> = [capture, control].iter().map(|h| !h.is_null()).collect();
    handles.extend([capture, control].into_iter().filter(|h| !h.is_null()));
    // SAFETY: forwarded from the caller.
    let (mut sockets, index) = unsafe { sockets_of(&handles) }?;
    let mut rest = index[2..].iter().copied();
    let mut next_if = |present: bool| if present { rest.next() } else { None };
    let roles = Roles {
        frontend: index[0],
        backend: index[1],
        capture: next_if(optional[0]),
        control: next_if(optional[1]),
    };
    let mut borrowed: Vec<&mut crate::socket::Socket> =
        sockets.iter_mut().map(|s| &mut **s).collect();
    run(&mut borrowed, roles)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_proxy(
    frontend_: *mut c_void,
    backend_: *mut c_void,
    capture_: *mut c_void,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_proxy_steerable(frontend_, backend_, capture_, std::ptr::null_mut()) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_proxy_steerable(
    frontend_: *mut c_void,
    backend_: *mut c_void,
    capture_: *mut c_void,
    control_: *mut c_void,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller; the sockets are used only by
        // this thread during the proxy.
        unsafe { proxy(frontend_, backend_, capture_, control_) }?;
        Ok(0)
    })
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
