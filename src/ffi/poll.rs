//! Polling: `zmq_poll`, `zmq_ppoll` and the `zmq_poller_*` API. The
//! handles are resolved here; the waiting is `crate::poll`'s.

use super::handle::Pool;
use super::socket::{socket_of, sockets_of};
use super::types::zmq_pollitem_t;
#[cfg(feature = "draft")]
use super::types::{zmq_fd_t, zmq_poller_event_t};
use super::{boundary, deref_mut};
use crate::constants::{ZMQ_POLLERR, ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLPRI};
use crate::error::{Error, Result};
use crate::io::mailbox::Mailbox;
use crate::io::signaler::Signaler;
use crate::poll as core;
use libc::{c_int, c_long, c_short, c_void};
use std::sync::{Arc, Mutex};

/// One thing to poll: a socket handle, or a plain fd when `socket` is NULL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    pub socket: *mut c_void,
    pub fd: c_int,
    pub events: c_short,
    pub user_data: *mut c_void,
}

// SAFETY: the pointers are opaque handles handed back to the caller; a
// poller is used by one thread at a time.
unsafe impl Send for Item {}

/// The core's items for `items`: sockets by their index among the
/// distinct sockets `sockets_of` resolves, fds as they are.
fn core_items(items: &[Item], index: Vec<usize>) -> Vec<core::Item> {
    let mut next = index.into_iter();
    items
        .iter()
        .map(|i| core::Item {
            source: if i.socket.is_null() {
                core::Source::Fd(i.fd)
            } else {
                core::Source::Socket(next.next().unwrap_or(usize::MAX))
            },
            events: i.events,
        })
        .collect()
}

/// Polls `items` (the C view: socket handles and fds) with the core's
/// loop, writing each one's ready events into `revents`; returns how many
/// are ready. `timeout_ms` < 0 waits without limit.
///
/// Thread-safe sockets are never waited on under their locks, so other
/// threads may use them meanwhile, as libzmq allows: each look takes the
/// locks, and the wait between looks is on a signaler their mailboxes
/// raise (`watcher`, a poller's, or one made for this call), beside the
/// classic sockets and plain fds.
///
/// # Safety
/// Socket handles must be NULL or handles this library returned (checked
/// for liveness), classic ones used by no other thread meanwhile; a
/// non-NULL `sigmask` must point to a signal set.
pub(crate) unsafe fn poll(
    items: &[Item],
    revents: &mut [c_short],
    timeout_ms: c_long,
    sigmask: *const libc::sigset_t,
    watcher: Option<&Arc<Signaler>>,
) -> Result<usize> {
    let handles: Vec<*mut c_void> = items
        .iter()
        .filter(|i| !i.socket.is_null())
        .map(|i| i.socket)
        .collect();
    // SAFETY: forwarded from the caller.
    let (mut sockets, index) = unsafe { sockets_of(&handles) }?;
    let core = core_items(items, index);
    // SAFETY: NULL or a signal set, per the contract.
    let mask = unsafe { sigmask.as_ref() };
    let shared: Vec<Arc<Mailbox>> = sockets
        .iter()
        .filter(|s| s.is_thread_safe())
        .map(|s| Arc::clone(&s.mailbox))
        .collect();
    if shared.is_empty() || timeout_ms == 0 {
        let mut borrowed: Vec<&mut crate::socket::Socket> =
            sockets.iter_mut().map(|s| &mut **s).collect();
        return core::poll(&mut borrowed, &core, revents, timeout_ms, mask);
    }
    drop(sockets);
    let own;
    let sig = match watcher {
        Some(sig) => sig,
        None => {
            own = Arc::new(Signaler::new()?);
            for mb in &shared {
                mb.watch(&own);
            }
            &own
        }
    };
    // SAFETY: forwarded from the caller.
    let r = unsafe { poll_unlocked(items, &handles, revents, timeout_ms, mask, sig) };
    if watcher.is_none() {
        for mb in &shared {
            mb.unwatch(sig);
        }
    }
    r
}

/// `poll` with thread-safe sockets: look under the locks, wait without.
///
/// # Safety
/// As `poll`.
unsafe fn poll_unlocked(
    items: &[Item],
    handles: &[*mut c_void],
    revents: &mut [c_short],
    timeout_ms: c_long,
    mask: Option<&libc::sigset_t>,
    sig: &Signaler,
) -> Result<usize> {
    let deadline = (timeout_ms > 0)
        .then(|| std::time::Instant::now() + std::time::Duration::from_millis(timeout_ms as u64));
    loop {
        // Taken back before the look: what comes after it raises it again.
        sig.drain();
        {
            // SAFETY: forwarded from the caller.
            let (mut sockets, index) = unsafe { sockets_of(handles) }?;
            let core = core_items(items, index);
            let mut borrowed: Vec<&mut crate::socket::Socket> =
                sockets.iter_mut().map(|s| &mut **s).collect();
            let n = core::poll(&mut borrowed, &core, revents, 0, mask)?;
            if n > 0 {
                return Ok(n);
            }
        }
        let left = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    return Ok(0);
                }
                left.as_millis().max(1) as c_long
            }
        };
        // The wait: the signaler, the classic sockets (no lock to hold)
        // and the plain fds.
        let mut waits: Vec<Item> = vec![Item {
            socket: std::ptr::null_mut(),
            fd: sig.fd(),
            events: ZMQ_POLLIN as c_short,
            user_data: std::ptr::null_mut(),
        }];
        for item in items {
            if !item.socket.is_null() {
                // SAFETY: forwarded from the caller.
                if unsafe { socket_of(item.socket) }?.is_thread_safe() {
                    continue;
                }
            }
            waits.push(*item);
        }
        let mut ignored = vec![0; waits.len()];
        // SAFETY: only classic sockets and fds are left: no lock is held.
        let sigmask = mask.map_or(std::ptr::null(), |m| m as *const libc::sigset_t);
        unsafe { poll(&waits, &mut ignored, left, sigmask, None) }?;
    }
}

/// `zmq_poll` / `zmq_ppoll` over the caller's item array.
///
/// # Safety
/// A non-NULL `items` must point to `nitems` items.
unsafe fn poll_items(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
    sigmask: *const libc::sigset_t,
) -> Result<c_int> {
    if nitems < 0 {
        return Err(Error::EINVAL);
    }
    if nitems == 0 {
        // Nothing to wait for but the timeout, as libzmq does.
        if timeout != 0 {
            // SAFETY: NULL or a signal set, per the contract.
            core::sleep(timeout, unsafe { sigmask.as_ref() })?;
        }
        return Ok(0);
    }
    if items.is_null() {
        return Err(Error::EFAULT);
    }
    // SAFETY: the caller gives `nitems` items.
    let c_items = unsafe { std::slice::from_raw_parts_mut(items, nitems as usize) };
    let list: Vec<Item> = c_items
        .iter()
        .map(|i| Item {
            socket: i.socket,
            fd: i.fd,
            events: i.events,
            user_data: std::ptr::null_mut(),
        })
        .collect();
    let mut revents = vec![0; list.len()];
    // SAFETY: forwarded from the caller.
    let n = unsafe { poll(&list, &mut revents, timeout, sigmask, None) }?;
    for (c, r) in c_items.iter_mut().zip(revents) {
        c.revents = r;
    }
    Ok(n as c_int)
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

// ----- the poller API -----

/// What a poller handle holds: its registered items, and once it holds a
/// thread-safe socket, the signaler `zmq_poller_fd` hands out, raised by
/// each command to such a socket (each one's mailbox, kept to unwatch).
#[derive(Default)]
pub(crate) struct Poller {
    items: Vec<Item>,
    signaler: Option<Arc<Signaler>>,
    watched: Vec<(*mut c_void, Arc<Mailbox>)>,
}

// SAFETY: the pointers are opaque handles compared, never dereferenced
// here; a poller is used under its mutex.
unsafe impl Send for Poller {}

impl Poller {
    /// Stops every socket's mailbox raising our signaler.
    fn unwatch_all(&mut self) {
        if let Some(sig) = &self.signaler {
            for (_, mb) in self.watched.drain(..) {
                mb.unwatch(sig);
            }
        }
    }
}

impl std::ops::Deref for Poller {
    type Target = Vec<Item>;
    fn deref(&self) -> &Vec<Item> {
        &self.items
    }
}

impl std::ops::DerefMut for Poller {
    fn deref_mut(&mut self) -> &mut Vec<Item> {
        &mut self.items
    }
}

pub(crate) type PollerSlot = Mutex<Poller>;

static POLLERS: Pool<PollerSlot> = Pool::new(0x9011_e400);

/// The poller behind a handle (EFAULT when NULL, destroyed or not one).
///
/// # Safety
/// `p` must be NULL or a handle this library returned.
unsafe fn poller_of(p: *mut c_void) -> Result<std::sync::MutexGuard<'static, Poller>> {
    // SAFETY: forwarded from the caller.
    let slot = unsafe { POLLERS.get(p) }.ok_or(Error::EFAULT)?;
    Ok(slot.value.lock().unwrap_or_else(|e| e.into_inner()))
}

#[cfg(feature = "draft")]
#[no_mangle]
pub extern "C" fn zmq_poller_new() -> *mut c_void {
    boundary(|| {
        let slot = POLLERS.take(
            || Mutex::new(Poller::default()),
            |v| {
                let mut p = v.lock().unwrap_or_else(|e| e.into_inner());
                p.unwatch_all();
                *p = Poller::default();
            },
        );
        Ok(slot.as_ptr())
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_destroy(poller_p: *mut *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let p = unsafe { deref_mut(poller_p) }?;
        // SAFETY: forwarded from the caller.
        let slot = unsafe { POLLERS.get(*p) }.ok_or(Error::EFAULT)?;
        if !POLLERS.release(slot) {
            return Err(Error::EFAULT);
        }
        {
            let mut poller = slot.value.lock().unwrap_or_else(|e| e.into_inner());
            poller.unwatch_all();
            *poller = Poller::default();
        }
        *p = std::ptr::null_mut();
        Ok(0)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_size(poller: *mut c_void) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(|| Ok(unsafe { poller_of(poller) }?.len() as c_int))
}

/// Adds an item; EINVAL when the socket or fd is already there.
///
/// # Safety
/// As `poller_of`; a socket must be a handle this library returned.
unsafe fn poller_add(poller: *mut c_void, item: Item) -> Result<c_int> {
    // SAFETY: forwarded from the caller.
    let mut items = unsafe { poller_of(poller) }?;
    check_events(item.events)?;
    let mut thread_safe = None;
    if !item.socket.is_null() {
        // SAFETY: forwarded from the caller.
        let s = unsafe { socket_of(item.socket) }?;
        if s.is_thread_safe() {
            thread_safe = Some(Arc::clone(&s.mailbox));
        }
    }
    if items.iter().any(|i| same(i, &item)) {
        return Err(Error::EINVAL);
    }
    if let Some(mb) = thread_safe {
        let sig = match &items.signaler {
            Some(sig) => Arc::clone(sig),
            None => {
                let sig = Arc::new(Signaler::new()?);
                items.signaler = Some(Arc::clone(&sig));
                sig
            }
        };
        mb.watch(&sig);
        items.watched.push((item.socket, mb));
    }
    items.push(item);
    Ok(0)
}

/// Poller events may only name IN, OUT, ERR and PRI.
fn check_events(events: c_short) -> Result<()> {
    let known = (ZMQ_POLLIN | ZMQ_POLLOUT | ZMQ_POLLERR | ZMQ_POLLPRI) as c_short;
    if events & !known != 0 {
        return Err(Error::EINVAL);
    }
    Ok(())
}

fn same(a: &Item, b: &Item) -> bool {
    if a.socket.is_null() && b.socket.is_null() {
        a.fd == b.fd
    } else {
        a.socket == b.socket
    }
}

/// Changes or removes an item; EINVAL when it is not there.
///
/// # Safety
/// As `poller_of`.
unsafe fn poller_change(poller: *mut c_void, key: Item, events: Option<c_short>) -> Result<c_int> {
    // SAFETY: forwarded from the caller.
    let mut items = unsafe { poller_of(poller) }?;
    if !key.socket.is_null() {
        // SAFETY: forwarded from the caller.
        unsafe { socket_of(key.socket) }?;
    }
    if let Some(ev) = events {
        check_events(ev)?;
    }
    let pos = items
        .iter()
        .position(|i| same(i, &key))
        .ok_or(Error::EINVAL)?;
    match events {
        Some(ev) => items[pos].events = ev,
        None => {
            items.remove(pos);
            if let Some(w) = items.watched.iter().position(|(h, _)| *h == key.socket) {
                let (_, mb) = items.watched.remove(w);
                if let Some(sig) = &items.signaler {
                    mb.unwatch(sig);
                }
            }
        }
    }
    Ok(0)
}

fn socket_key(socket: *mut c_void) -> Item {
    Item {
        socket,
        fd: -1,
        events: 0,
        user_data: std::ptr::null_mut(),
    }
}

fn fd_key(fd: c_int) -> Item {
    Item {
        socket: std::ptr::null_mut(),
        fd,
        events: 0,
        user_data: std::ptr::null_mut(),
    }
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add(
    poller: *mut c_void,
    socket: *mut c_void,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        drop(unsafe { poller_of(poller) }?);
        if socket.is_null() {
            return Err(Error::ENOTSOCK);
        }
        let item = Item {
            events,
            user_data,
            ..socket_key(socket)
        };
        // SAFETY: forwarded from the caller.
        unsafe { poller_add(poller, item) }
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify(
    poller: *mut c_void,
    socket: *mut c_void,
    events: c_short,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        drop(unsafe { poller_of(poller) }?);
        if socket.is_null() {
            return Err(Error::ENOTSOCK);
        }
        // SAFETY: forwarded from the caller.
        unsafe { poller_change(poller, socket_key(socket), Some(events)) }
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove(poller: *mut c_void, socket: *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        drop(unsafe { poller_of(poller) }?);
        if socket.is_null() {
            return Err(Error::ENOTSOCK);
        }
        // SAFETY: forwarded from the caller.
        unsafe { poller_change(poller, socket_key(socket), None) }
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add_fd(
    poller: *mut c_void,
    fd: zmq_fd_t,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        drop(unsafe { poller_of(poller) }?);
        if fd < 0 {
            return Err(Error(libc::EBADF));
        }
        let item = Item {
            events,
            user_data,
            ..fd_key(fd)
        };
        // SAFETY: forwarded from the caller.
        unsafe { poller_add(poller, item) }
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify_fd(
    poller: *mut c_void,
    fd: zmq_fd_t,
    events: c_short,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        drop(unsafe { poller_of(poller) }?);
        if fd < 0 {
            return Err(Error(libc::EBADF));
        }
        // SAFETY: forwarded from the caller.
        unsafe { poller_change(poller, fd_key(fd), Some(events)) }
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove_fd(poller: *mut c_void, fd: zmq_fd_t) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        drop(unsafe { poller_of(poller) }?);
        if fd < 0 {
            return Err(Error(libc::EBADF));
        }
        // SAFETY: forwarded from the caller.
        unsafe { poller_change(poller, fd_key(fd), None) }
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait(
    poller: *mut c_void,
    event: *mut zmq_poller_event_t,
    timeout: c_long,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let rc = unsafe { zmq_poller_wait_all(poller, event, 1, timeout) };
    if rc < 0 {
        rc
    } else {
        0
    }
}

/// An event entry with nothing in it (what libzmq leaves in unused slots).
#[cfg(feature = "draft")]
const CLEARED: zmq_poller_event_t = zmq_poller_event_t {
    socket: std::ptr::null_mut(),
    fd: -1,
    user_data: std::ptr::null_mut(),
    events: 0,
};

/// Waits for events; fills up to `n_events` entries (in registration
/// order) and returns how many; the other entries are cleared. EAGAIN when
/// nothing was ready before the timeout; EFAULT when there is nothing to
/// wait for and no timeout.
#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait_all(
    poller: *mut c_void,
    events: *mut zmq_poller_event_t,
    n_events: c_int,
    timeout: c_long,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let (items, signaler) = {
            let p = unsafe { poller_of(poller) }?;
            // The signal of what is about to be looked at is taken back.
            if let Some(sig) = &p.signaler {
                sig.drain();
            }
            (p.items.clone(), p.signaler.clone())
        };
        if events.is_null() {
            return Err(Error::EFAULT);
        }
        if n_events < 0 {
            return Err(Error::EINVAL);
        }
        // SAFETY: the caller gives `n_events` entries.
        let out = unsafe { std::slice::from_raw_parts_mut(events, n_events as usize) };
        out.fill(CLEARED);
        let active: Vec<Item> = items.into_iter().filter(|i| i.events != 0).collect();
        if active.is_empty() || out.is_empty() {
            // Nothing can be reported: only the timeout can end the wait.
            if timeout < 0 {
                return Err(Error::EFAULT);
            }
            core::sleep(timeout, None)?;
            return Err(Error::EAGAIN);
        }
        let mut revents = vec![0; active.len()];
        // SAFETY: the poller's sockets were checked when added and are
        // checked again by `poll`.
        let ready = unsafe {
            poll(
                &active,
                &mut revents,
                timeout,
                std::ptr::null(),
                signaler.as_ref(),
            )
        }?;
        if ready == 0 {
            return Err(Error::EAGAIN);
        }
        let mut n = 0;
        for (item, rev) in active.iter().zip(revents) {
            if rev == 0 || n == out.len() {
                continue;
            }
            out[n] = zmq_poller_event_t {
                socket: item.socket,
                fd: if item.socket.is_null() { item.fd } else { -1 },
                user_data: item.user_data,
                events: rev,
            };
            n += 1;
        }
        Ok(n as c_int)
    })
}

/// A poller that holds a thread-safe socket has an fd of its own, readable
/// when a command came to one of them (then `zmq_poller_wait` tells what
/// is ready, and takes the signal back); one of classic sockets only has
/// none (EINVAL), as in libzmq.
#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_fd(poller: *mut c_void, fd: *mut zmq_fd_t) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let p = unsafe { poller_of(poller) }?;
        let sig = p.signaler.as_ref().ok_or(Error::EINVAL)?;
        // SAFETY: forwarded from the caller.
        *unsafe { deref_mut(fd) }? = sig.fd();
        Ok(0)
    })
}
