//! Polling: `zmq_poll`, `zmq_ppoll` and the `zmq_poller_*` API.
//!
//! Plain file descriptors are polled with poll(2) today. Socket items need
//! sockets (the runtime), so an item naming one fails as libzmq fails for a
//! pointer that is not a live socket (ENOTSOCK). The poller API arrives with
//! the runtime: `zmq_poller_new` fails with ENOTSUP until then, and so no
//! poller handle can exist (EFAULT, as libzmq answers for a bad poller).

use super::boundary;
use super::constants::{ZMQ_POLLERR, ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLPRI};
use super::handle::Pool;
use super::socket::socket_of;
use super::types::zmq_pollitem_t;
#[cfg(feature = "draft")]
use super::types::{zmq_fd_t, zmq_poller_event_t};
use crate::error::{Error, Result};
use libc::{c_int, c_long, c_short, c_void, pollfd};

/// Checks the items and builds the pollfd set for plain-fd items.
///
/// # Safety
/// A non-NULL `items` must point to `nitems` poll items.
unsafe fn pollfds<'a>(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
) -> Result<(&'a mut [zmq_pollitem_t], Vec<pollfd>)> {
    if nitems == 0 {
        // No items: poll just sleeps for the timeout, as libzmq does.
        return Ok((&mut [], Vec::new()));
    }
    if items.is_null() {
        return Err(Error::EFAULT);
    }
    // SAFETY: the caller gives `nitems` items.
    let items = unsafe { std::slice::from_raw_parts_mut(items, nitems as usize) };
    let mut fds = Vec::with_capacity(items.len());
    for item in items.iter() {
        if !item.socket.is_null() {
            // SAFETY: a socket item must hold a handle we returned.
            unsafe { socket_of(item.socket) }?;
        }
        let ev = item.events as c_int;
        let mut events: c_short = 0;
        if ev & ZMQ_POLLIN != 0 {
            events |= libc::POLLIN;
        }
        if ev & ZMQ_POLLOUT != 0 {
            events |= libc::POLLOUT;
        }
        if ev & ZMQ_POLLPRI != 0 {
            events |= libc::POLLPRI;
        }
        fds.push(pollfd {
            fd: item.fd,
            events,
            revents: 0,
        });
    }
    Ok((items, fds))
}

/// Copies poll(2)'s results back into the items; returns how many items
/// have an event.
fn report(items: &mut [zmq_pollitem_t], fds: &[pollfd]) -> c_int {
    let mut n = 0;
    for (item, fd) in items.iter_mut().zip(fds) {
        let mut revents = 0;
        if fd.revents & libc::POLLIN != 0 {
            revents |= ZMQ_POLLIN;
        }
        if fd.revents & libc::POLLOUT != 0 {
            revents |= ZMQ_POLLOUT;
        }
        if fd.revents & libc::POLLPRI != 0 {
            revents |= ZMQ_POLLPRI;
        }
        if fd.revents & !(libc::POLLIN | libc::POLLOUT | libc::POLLPRI) != 0 {
            revents |= ZMQ_POLLERR;
        }
        item.revents = revents as c_short;
        n += (revents != 0) as c_int;
    }
    n
}

/// Polls with an optional signal mask (ppoll when given); `timeout` in ms,
/// negative for no limit.
///
/// # Safety
/// As `pollfds`; a non-NULL `sigmask` must point to a signal set.
unsafe fn poll_items(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
    sigmask: *const libc::sigset_t,
) -> Result<c_int> {
    if nitems < 0 {
        return Err(Error::EINVAL);
    }
    // SAFETY: forwarded from the caller.
    let (items, mut fds) = unsafe { pollfds(items, nitems) }?;
    let ts = (timeout >= 0).then(|| libc::timespec {
        tv_sec: (timeout / 1000) as libc::time_t,
        tv_nsec: ((timeout % 1000) * 1_000_000) as libc::c_long,
    });
    let tsp = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `fds` is a live array of `fds.len()` pollfds.
    let rc = unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, tsp, sigmask) };
    if rc < 0 {
        return Err(Error(errno::errno().0));
    }
    Ok(report(items, &fds))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poll(
    items_: *mut zmq_pollitem_t,
    nitems_: c_int,
    timeout_: c_long,
) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(|| unsafe { poll_items(items_, nitems_, timeout_, std::ptr::null()) })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_ppoll(
    items_: *mut zmq_pollitem_t,
    nitems_: c_int,
    timeout_: c_long,
    sigmask_: *const libc::sigset_t,
) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(|| unsafe { poll_items(items_, nitems_, timeout_, sigmask_) })
}

/// What a poller handle will hold.
pub(crate) struct PollerSlot;

static POLLERS: Pool<PollerSlot> = Pool::new(0x9011_e400);

/// The first step of every poller function: find the poller (EFAULT).
///
/// # Safety
/// `p` must be NULL or a handle this library returned.
unsafe fn with_poller<T: super::Failure>(p: *mut c_void) -> T {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { POLLERS.get(p) }.ok_or(Error::EFAULT)?;
        Err(Error::ENOTSUP)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub extern "C" fn zmq_poller_new() -> *mut c_void {
    boundary(|| Err(Error::ENOTSUP))
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_destroy(poller_p: *mut *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let p = unsafe { super::deref_mut(poller_p) }?;
        // SAFETY: forwarded from the caller.
        Ok(unsafe { with_poller::<c_int>(*p) })
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_size(poller: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add(
    poller: *mut c_void,
    socket: *mut c_void,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    let _ = (socket, user_data, events);
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify(
    poller: *mut c_void,
    socket: *mut c_void,
    events: c_short,
) -> c_int {
    let _ = (socket, events);
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove(poller: *mut c_void, socket: *mut c_void) -> c_int {
    let _ = socket;
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait(
    poller: *mut c_void,
    event: *mut zmq_poller_event_t,
    timeout: c_long,
) -> c_int {
    let _ = (event, timeout);
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait_all(
    poller: *mut c_void,
    events: *mut zmq_poller_event_t,
    n_events: c_int,
    timeout: c_long,
) -> c_int {
    let _ = (events, n_events, timeout);
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_fd(poller: *mut c_void, fd: *mut zmq_fd_t) -> c_int {
    let _ = fd;
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add_fd(
    poller: *mut c_void,
    fd: zmq_fd_t,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    let _ = (fd, user_data, events);
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify_fd(
    poller: *mut c_void,
    fd: zmq_fd_t,
    events: c_short,
) -> c_int {
    let _ = (fd, events);
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove_fd(poller: *mut c_void, fd: zmq_fd_t) -> c_int {
    let _ = fd;
    // SAFETY: forwarded from the caller.
    unsafe { with_poller(poller) }
}
