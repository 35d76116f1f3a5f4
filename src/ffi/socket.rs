//! Socket functions of `zmq.h`: creation and closing, options, endpoints,
//! send and receive, monitoring, and the handle resolution the poll and
//! proxy functions share (`sockets_of`), and the draft socket functions
//! (`zmq_join`, `zmq_leave`, `zmq_connect_peer`, `zmq_disconnect_peer`).

use super::caller::{self, OptionValue};
use super::ctx::ctx_of;
use super::handle::Pool;
use super::msg::msg_mut;
use super::types::zmq_msg_t;
use super::{boundary, c_str, deref_mut};
use crate::constants::ZMQ_DONTWAIT;
use crate::constants::ZMQ_SNDMORE;
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::socket::{options, Socket};
use libc::{c_char, c_int, c_void, iovec, size_t};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What a socket handle holds: the socket, and for a thread-safe type
/// (CLIENT, SERVER) the lock that serialises its calls. A classic socket is
/// used by one thread at a time, as libzmq's contract says, and never takes
/// the lock (`zmq_close` takes the socket out).
pub(crate) struct SocketSlot {
    socket: UnsafeCell<Option<Box<Socket>>>,
    lock: Mutex<()>,
    thread_safe: AtomicBool,
}

impl SocketSlot {
    fn new() -> SocketSlot {
        SocketSlot {
            socket: UnsafeCell::new(None),
            lock: Mutex::new(()),
            thread_safe: AtomicBool::new(false),
        }
    }

    fn lock(&'static self) -> MutexGuard<'static, ()> {
        self.lock.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// SAFETY: a classic socket is used by one application thread at a time
// (libzmq's rule); a thread-safe one only under the slot's lock; other
// threads reach either only through its mailbox.
unsafe impl Sync for SocketSlot {}

pub(crate) static SOCKETS: Pool<SocketSlot> = Pool::new(0x50c4_e7ab);

/// A socket borrowed for one call: for a thread-safe socket, with its lock
/// held (released only while a blocking send or receive waits).
pub(crate) struct SocketRef {
    slot: &'static SocketSlot,
    guard: Option<MutexGuard<'static, ()>>,
    socket: *mut Socket,
}

/// After any call on a thread-safe socket, threads waiting on it look
/// again: a connect, an option or a message sent by this thread may be
/// what they wait for. The call runs under the lock, which is released
/// after this. (Pollers holding the socket hear of commands only.)
impl Drop for SocketRef {
    fn drop(&mut self) {
        if self.guard.is_some() {
            if let Ok(s) = Self::resolve(self.slot) {
                // SAFETY: resolved under the lock we still hold.
                unsafe { (*s).mailbox.bump() };
            }
        }
    }
}

impl std::ops::Deref for SocketRef {
    type Target = Socket;
    fn deref(&self) -> &Socket {
        // SAFETY: resolved live when this was made (and again after every
        // wait); the caller's contract, or the lock we hold, keeps other
        // threads off it.
        unsafe { &*self.socket }
    }
}

impl std::ops::DerefMut for SocketRef {
    fn deref_mut(&mut self) -> &mut Socket {
        // SAFETY: as in `deref`.
        unsafe { &mut *self.socket }
    }
}

impl SocketRef {
    /// The socket in the slot now (ENOTSOCK once closed).
    fn resolve(slot: &'static SocketSlot) -> Result<*mut Socket> {
        // SAFETY: the caller's contract or the slot's lock (held by our
        // caller for a thread-safe socket) keeps other threads off it.
        unsafe { (*slot.socket.get()).as_deref_mut() }
            .map(|s| s as *mut Socket)
            .ok_or(Error::ENOTSOCK)
    }

    /// A send or a receive (`op`, given the flags to use). A classic
    /// socket blocks inside it. A thread-safe one never blocks under its
    /// lock: an attempt that would block releases the lock and waits until
    /// the socket's mailbox says something changed (a command came, or
    /// another thread handled commands), then tries again, until the
    /// timeout (`timeout_of`: SNDTIMEO or RCVTIMEO) runs out. So several
    /// threads may wait at once, and others use the socket meanwhile.
    fn transfer<T>(
        &mut self,
        flags: c_int,
        timeout_of: impl Fn(&Socket) -> i32,
        mut op: impl FnMut(&mut Socket, c_int) -> Result<T>,
    ) -> Result<T> {
        if self.guard.is_none() {
            return op(self, flags);
        }
        let wait_ms = if flags & ZMQ_DONTWAIT != 0 {
            0
        } else {
            timeout_of(self)
        };
        let deadline =
            (wait_ms > 0).then(|| Instant::now() + Duration::from_millis(wait_ms as u64));
        let mine = Arc::clone(&self.mailbox);
        loop {
            self.socket = Self::resolve(self.slot)?;
            // A slot closed and reused meanwhile holds another socket.
            // SAFETY: just resolved under the lock.
            if !Arc::ptr_eq(&mine, unsafe { &(*self.socket).mailbox }) {
                return Err(Error::ENOTSOCK);
            }
            let s: &mut Socket = self;
            let seen = s.mailbox.generation();
            let before = s.handled_commands();
            let r = op(s, flags | ZMQ_DONTWAIT);
            if s.handled_commands() != before {
                s.mailbox.bump();
            }
            match r {
                Err(Error::EAGAIN) if wait_ms != 0 => {}
                other => return other,
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Error::EAGAIN);
            }
            // A send looks at its commands only now and then (see
            // `Socket::send`); one about to wait must look now: they may
            // be what it would wait for.
            if s.mailbox.has_pending() {
                s.poll_commands()?;
                s.mailbox.bump();
                continue;
            }
            let mailbox = Arc::clone(&s.mailbox);
            self.guard = None;
            mailbox.wait_change(seen, deadline);
            self.guard = Some(self.slot.lock());
        }
    }

    pub(crate) fn send(&mut self, msg: &mut Msg, flags: c_int) -> Result<()> {
        self.transfer(flags, |s| s.options.sndtimeo, |s, f| s.send(msg, f))
    }

    pub(crate) fn recv(&mut self, flags: c_int) -> Result<Msg> {
        self.transfer(flags, |s| s.options.rcvtimeo, |s, f| s.recv(f))
    }

    pub(crate) fn recv_into(&mut self, flags: c_int, out: &mut Msg) -> Result<()> {
        self.transfer(flags, |s| s.options.rcvtimeo, |s, f| s.recv_into(f, out))
    }
}

/// The socket behind a handle: ENOTSOCK for NULL, closed or non-socket
/// handles. A thread-safe socket is locked until the result is dropped.
///
/// # Safety
/// `p` must be NULL or a handle this library returned, and a classic
/// socket must not be in use by another thread.
#[inline(always)]
pub(crate) unsafe fn socket_of(p: *mut c_void) -> Result<SocketRef> {
    // SAFETY: forwarded from the caller.
    let slot = &unsafe { SOCKETS.get(p) }.ok_or(Error::ENOTSOCK)?.value;
    let guard = slot
        .thread_safe
        .load(Ordering::Acquire)
        .then(|| slot.lock());
    let socket = SocketRef::resolve(slot)?;
    Ok(SocketRef {
        slot,
        guard,
        socket,
    })
}

/// The sockets behind `handles`, each distinct handle resolved once (so
/// one socket is borrowed once however often it is named), and for each
/// handle the index of its socket.
///
/// # Safety
/// As `socket_of`, for every handle.
pub(crate) unsafe fn sockets_of(handles: &[*mut c_void]) -> Result<(Vec<SocketRef>, Vec<usize>)> {
    // Locked in address order, so two threads polling the same
    // thread-safe sockets cannot each hold the lock the other waits for.
    let mut distinct: Vec<*mut c_void> = handles.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let index = handles
        .iter()
        .map(|h| distinct.binary_search(h).unwrap_or(0))
        .collect();
    let mut sockets = Vec::with_capacity(distinct.len());
    for h in distinct {
        // SAFETY: forwarded from the caller; distinct handles are distinct
        // sockets, so no socket is borrowed twice.
        sockets.push(unsafe { socket_of(h) }?);
    }
    Ok((sockets, index))
}

/// Reads a C string argument as UTF-8 (EINVAL otherwise, EFAULT for NULL).
///
/// # Safety
/// A non-NULL `p` must be NUL-terminated.
unsafe fn str_arg<'a>(p: *const c_char) -> Result<&'a str> {
    // SAFETY: forwarded from the caller.
    unsafe { c_str(p) }?.to_str().map_err(|_| Error::EINVAL)
}

/// The caller's buffer as a slice (EFAULT for NULL with a length).
///
/// # Safety
/// A non-NULL `p` must point to `len` readable bytes.
unsafe fn bytes<'a>(p: *const c_void, len: size_t) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::EFAULT);
    }
    // SAFETY: per the contract.
    Ok(unsafe { std::slice::from_raw_parts(p as *const u8, len) })
}

/// A message size as libzmq returns it from send/recv.
fn size_rc(n: usize) -> c_int {
    n.min(c_int::MAX as usize) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket(ctx_: *mut c_void, type_: c_int) -> *mut c_void {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let ctx = unsafe { ctx_of(ctx_) }?;
        let socket = Box::new(ctx.create_socket(type_)?);
        let slot = SOCKETS.take(SocketSlot::new, |_| {});
        // Under the lock: a thread still waiting on the socket this slot
        // held before may look at it.
        let guard = slot.value.lock();
        slot.value
            .thread_safe
            .store(socket.is_thread_safe(), Ordering::Release);
        // SAFETY: the lock keeps that waiter off; nobody else has the
        // handle yet.
        unsafe { *slot.value.socket.get() = Some(socket) };
        drop(guard);
        Ok(slot.as_ptr())
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_close(s_: *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let slot = unsafe { SOCKETS.get(s_) }.ok_or(Error::ENOTSOCK)?;
        let guard = (slot.value.thread_safe.load(Ordering::Acquire)).then(|| slot.value.lock());
        // SAFETY: the owning thread closes a classic socket; a thread-safe
        // one is closed under its lock.
        let socket = unsafe { (*slot.value.socket.get()).take() }.ok_or(Error::ENOTSOCK)?;
        SOCKETS.release(slot);
        drop(guard);
        let mailbox = Arc::clone(&socket.mailbox);
        socket.close();
        // Threads still waiting in a send or receive look again and find
        // the socket gone.
        mailbox.bump();
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_setsockopt(
    s_: *mut c_void,
    option_: c_int,
    optval_: *const c_void,
    optvallen_: size_t,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: the caller gives `optvallen_` bytes; lengths past the
        // trusted ones are checked.
        let value =
            unsafe { caller::option_value(optval_, optvallen_, || options::long_value(option_)) }?;
        s.setsockopt(option_, value.as_ref().map(OptionValue::as_slice))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_getsockopt(
    s_: *mut c_void,
    option_: c_int,
    optval_: *mut c_void,
    optvallen_: *mut size_t,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let len = unsafe { deref_mut(optvallen_) }?;
        // SAFETY: the caller gives `*len` writable bytes; lengths past the
        // trusted ones are checked.
        *len = unsafe { caller::fill_out(optval_, *len, |out| s.getsockopt(option_, out)) }?;
        Ok(0)
    })
}

/// The four endpoint functions: find the socket, read the address, act.
///
/// # Safety
/// As `socket_of` and `str_arg`.
unsafe fn endpoint_call(
    s_: *mut c_void,
    addr_: *const c_char,
    act: fn(&mut Socket, &str) -> Result<()>,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let addr = unsafe { str_arg(addr_) }.map_err(|_| Error::EINVAL)?;
        act(&mut s, addr)?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_bind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s_, addr_, Socket::bind) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s_, addr_, Socket::connect) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s_, addr_, Socket::term_endpoint) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { endpoint_call(s_, addr_, Socket::term_endpoint) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send(
    s_: *mut c_void,
    buf_: *const c_void,
    len_: size_t,
    flags_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: the caller gives `len_` bytes.
        let mut msg = Msg::from_slice(unsafe { bytes(buf_, len_) }?)?;
        s.send(&mut msg, flags_)?;
        Ok(size_rc(len_))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send_const(
    s_: *mut c_void,
    buf_: *const c_void,
    len_: size_t,
    flags_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        if buf_.is_null() && len_ != 0 {
            return Err(Error::EFAULT);
        }
        // SAFETY: zmq_send_const's contract: the buffer outlives the message.
        let mut msg = unsafe { Msg::from_static_ptr(buf_ as *const u8, len_) };
        s.send(&mut msg, flags_)?;
        Ok(size_rc(len_))
    })
}

/// Receives into the caller's buffer; returns the full message size (the
/// copy is cut to `len_`).
#[no_mangle]
pub unsafe extern "C" fn zmq_recv(
    s_: *mut c_void,
    buf_: *mut c_void,
    len_: size_t,
    flags_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        if buf_.is_null() && len_ != 0 {
            return Err(Error::EFAULT);
        }
        let msg = s.recv(flags_)?;
        let data = msg.data();
        let n = data.len().min(len_);
        if n > 0 {
            // SAFETY: the caller gives `len_ >= n` writable bytes.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), buf_ as *mut u8, n) };
        }
        Ok(size_rc(data.len()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendmsg(
    s_: *mut c_void,
    msg_: *mut zmq_msg_t,
    flags_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let msg = unsafe { msg_mut(msg_) }?;
        let size = msg.size();
        s.send(msg, flags_)?;
        Ok(size_rc(size))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recvmsg(
    s_: *mut c_void,
    msg_: *mut zmq_msg_t,
    flags_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let msg = unsafe { msg_mut(msg_) }?;
        s.recv_into(flags_, msg)?;
        Ok(size_rc(msg.size()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_send(
    msg_: *mut zmq_msg_t,
    s_: *mut c_void,
    flags_: c_int,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_sendmsg(s_, msg_, flags_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_recv(
    msg_: *mut zmq_msg_t,
    s_: *mut c_void,
    flags_: c_int,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { zmq_recvmsg(s_, msg_, flags_) }
}

/// Sends `count_` buffers as one message (parts but the last carry MORE when
/// `flags_` has ZMQ_SNDMORE, as in libzmq); returns the last part's size.
#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(
    s_: *mut c_void,
    iov_: *mut iovec,
    count_: size_t,
    flags_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        if count_ == 0 || iov_.is_null() {
            return Err(Error::EINVAL);
        }
        // SAFETY: the caller gives `count_` iovecs.
        let iov = unsafe { std::slice::from_raw_parts(iov_, count_) };
        let mut rc = 0;
        for (i, v) in iov.iter().enumerate() {
            let flags = if i + 1 == count_ {
                flags_ & !ZMQ_SNDMORE
            } else {
                flags_
            };
            // SAFETY: each iovec names `iov_len` readable bytes.
            let mut msg = Msg::from_slice(unsafe { bytes(v.iov_base, v.iov_len) }?)?;
            s.send(&mut msg, flags)?;
            rc = size_rc(v.iov_len);
        }
        Ok(rc)
    })
}

/// Receives up to `*count_` parts into malloc'd buffers (the caller frees
/// them); sets `*count_` and returns the number of parts.
#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(
    s_: *mut c_void,
    iov_: *mut iovec,
    count_: *mut size_t,
    flags_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let count = unsafe { deref_mut(count_) }.map_err(|_| Error::EINVAL)?;
        if *count == 0 || iov_.is_null() {
            return Err(Error::EINVAL);
        }
        // SAFETY: the caller gives `*count` iovecs.
        let iov = unsafe { std::slice::from_raw_parts_mut(iov_, *count) };
        let max = *count;
        *count = 0;
        let mut more = true;
        while more && *count < max {
            let msg = s.recv(flags_)?;
            let data = msg.data();
            // SAFETY: malloc of at least one byte; the caller frees it.
            let buf = unsafe { libc::malloc(data.len().max(1)) };
            if buf.is_null() {
                return Err(Error::ENOMEM);
            }
            // SAFETY: `buf` has room for `data`.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), buf as *mut u8, data.len()) };
            iov[*count] = iovec {
                iov_base: buf,
                iov_len: data.len(),
            };
            more = msg.more();
            *count += 1;
        }
        Ok(*count as c_int)
    })
}

/// Starts (or with a NULL address stops) monitoring: events in libzmq's
/// version 1 format on a PAIR socket bound at `addr_`.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor(
    s_: *mut c_void,
    addr_: *const c_char,
    events_: c_int,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        let addr = if addr_.is_null() {
            None
        } else {
            // SAFETY: forwarded from the caller.
            Some(unsafe { str_arg(addr_) }?)
        };
        s.monitor(addr, events_ as u32 as u64, 1, crate::constants::ZMQ_PAIR)?;
        Ok(0)
    })
}

/// zmq_join (DISH): EINVAL for a group over 255 octets or one joined
/// already, ENOTSUP on other socket types.
#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_join(s_: *mut c_void, group_: *const c_char) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let group = unsafe { c_str(group_) }?;
        s.join(group.to_bytes())?;
        Ok(0)
    })
}

/// zmq_leave (DISH): EINVAL for a group not joined.
#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_leave(s_: *mut c_void, group_: *const c_char) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let group = unsafe { c_str(group_) }?;
        s.leave(group.to_bytes())?;
        Ok(0)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_connect_peer(s_: *mut c_void, addr_: *const c_char) -> u32 {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        // SAFETY: forwarded from the caller.
        let addr = unsafe { str_arg(addr_) }?;
        s.connect_peer(addr)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect_peer(s_: *mut c_void, routing_id_: u32) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { socket_of(s_) }?.disconnect_peer(routing_id_)?;
        Ok(0)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_get_peer_state(
    socket: *mut c_void,
    routing_id: *const c_void,
    routing_id_size: size_t,
) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(socket) }?;
        // SAFETY: the caller gives `routing_id_size` bytes.
        let id = unsafe { bytes(routing_id, routing_id_size) }?;
        s.peer_state(id)
    })
}

/// Monitoring with a chosen event format (1 or 2) and monitor socket type
/// (PAIR, PUB or PUSH).
#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_versioned(
    s_: *mut c_void,
    addr_: *const c_char,
    events_: u64,
    event_version_: c_int,
    type_: c_int,
) -> c_int {
    use crate::constants::{ZMQ_PAIR, ZMQ_PUB, ZMQ_PUSH};
    boundary(|| {
        // SAFETY: forwarded from the caller.
        let mut s = unsafe { socket_of(s_) }?;
        if !(event_version_ == 1 || event_version_ == 2)
            || !matches!(type_, ZMQ_PAIR | ZMQ_PUB | ZMQ_PUSH)
        {
            return Err(Error::EINVAL);
        }
        let addr = if addr_.is_null() {
            None
        } else {
            // SAFETY: forwarded from the caller.
            Some(unsafe { str_arg(addr_) }?)
        };
        s.monitor(addr, events_, event_version_, type_)?;
        Ok(0)
    })
}

#[cfg(feature = "draft")]
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_pipes_stats(s: *mut c_void) -> c_int {
    boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { socket_of(s) }?.pipes_stats()?;
        Ok(0)
    })
}
