//! The message: what lives inside the caller's 64-byte `zmq_msg_t`.
//!
//! A message is a small header (kind, flags, routing id, group, metadata) and
//! a body that is one of:
//! - inline bytes, up to `MAX_INLINE` (no allocation for small messages);
//! - a shared, reference-counted buffer (`bytes::Bytes`): `zmq_msg_copy`
//!   shares it, and a user's `zmq_free_fn` runs once, when the last copy goes;
//! - a constant: caller-owned bytes that are never freed (`zmq_send_const`).
//!
//! The first byte is the kind. Zero (what `zmq_msg_close` leaves, and what
//! zeroed memory holds) means "not a message", which is how a closed or
//! uninitialised `zmq_msg_t` is detected (EFAULT), as libzmq does.
//!
//! This file knows nothing of sockets or the wire.

use crate::error::{Error, Result};
use bytes::Bytes;
use std::ffi::{CStr, CString};
use std::mem::ManuallyDrop;
use std::sync::Arc;

mod pool;
use pool::{Pooled, POOLED_MAX};

/// Longest body kept inside the message itself.
pub(crate) const MAX_INLINE: usize = 32;
/// Longest group name (ZMQ_GROUP_MAX_LENGTH).
pub(crate) const MAX_GROUP: usize = 255;
/// Longest group kept inside the message (plus its NUL).
const GROUP_INLINE: usize = 15;

// Kinds. Not small integers, so that stray bytes are unlikely to pass.
const KIND_INVALID: u8 = 0;
const KIND_INLINE: u8 = 0xa1;
const KIND_SHARED: u8 = 0xa2;
const KIND_CONST: u8 = 0xa3;
/// End of a pipe's stream; never seen by applications.
const KIND_DELIMITER: u8 = 0xa4;
/// The body is a `Pooled` block (MAX_INLINE < size <= POOLED_MAX).
const KIND_POOLED: u8 = 0xa5;

/// Flag bits (only MORE is visible through the C API).
pub(crate) mod flags {
    /// More parts of this message follow.
    pub(crate) const MORE: u8 = 1;
    /// A ZMTP command frame rather than a message part.
    #[allow(dead_code)]
    pub(crate) const COMMAND: u8 = 2;
    /// The body is shared with at least one copy (`zmq_msg_get(ZMQ_SHARED)`).
    pub(crate) const SHARED: u8 = 4;
    /// The peer's routing id, sent in-band by a session to a ROUTER whose
    /// pipe existed before the handshake told the name.
    pub(crate) const ROUTING_ID: u8 = 8;
    /// DISH -> RADIO: the sender joins the message's group (no body).
    pub(crate) const JOIN: u8 = 16;
    /// DISH -> RADIO: the sender leaves the message's group (no body).
    pub(crate) const LEAVE: u8 = 32;
}

/// Properties of the connection a message came in on (`zmq_msg_gets`).
#[derive(Debug, Default)]
pub struct Metadata {
    properties: Vec<(String, CString)>,
    /// The fd of the connection (ZMQ_SRCFD), -1 when unknown.
    src_fd: i32,
}

impl Metadata {
    pub fn new(properties: Vec<(String, CString)>, src_fd: i32) -> Self {
        Metadata { properties, src_fd }
    }

    /// Looks a property up by name, exactly as spelled (as libzmq does).
    pub fn get(&self, name: &str) -> Option<&CStr> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_c_str())
    }

    pub fn src_fd(&self) -> i32 {
        self.src_fd
    }
}

/// How many references to its metadata a connection takes at a time.
const STAMP_BATCH: usize = 256;

/// A connection's metadata, put on each message it receives.
///
/// Every message holds a reference to the metadata, and the receiving
/// application drops it on its own thread. Counting each new reference
/// where the application is counting the old ones down would move the
/// counter's cache line between the two cores at every message, so the
/// connection takes references `STAMP_BATCH` at a time, in one go while the
/// line is at hand, and gives each message one of those.
pub(crate) struct MetadataStamp {
    metadata: Arc<Metadata>,
    /// References taken and not yet given to a message.
    prepaid: usize,
}

impl MetadataStamp {
    pub(crate) fn new(metadata: Metadata) -> MetadataStamp {
        MetadataStamp {
            metadata: Arc::new(metadata),
            prepaid: 0,
        }
    }

    /// Another reference, for a message.
    #[inline]
    pub(crate) fn stamp(&mut self) -> Arc<Metadata> {
        let ptr = Arc::as_ptr(&self.metadata);
        if self.prepaid == 0 {
            for _ in 0..STAMP_BATCH {
                // SAFETY: `ptr` comes from a live Arc (ours).
                unsafe { Arc::increment_strong_count(ptr) };
            }
            self.prepaid = STAMP_BATCH;
        }
        self.prepaid -= 1;
        // SAFETY: one of the references counted above, handed out once.
        unsafe { Arc::from_raw(ptr) }
    }
}

impl Drop for MetadataStamp {
    fn drop(&mut self) {
        let ptr = Arc::as_ptr(&self.metadata);
        for _ in 0..self.prepaid {
            // SAFETY: the references counted by `stamp` and never handed
            // out; `self.metadata` keeps the count above zero meanwhile.
            unsafe { Arc::decrement_strong_count(ptr) };
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
struct ConstBody {
    ptr: *const u8,
    len: usize,
}

#[repr(C)]
union Body {
    inline: [u8; MAX_INLINE],
    pooled: Pooled,
    shared: ManuallyDrop<Bytes>,
    constant: ConstBody,
}

#[repr(C)]
union Group {
    /// NUL-terminated, up to GROUP_INLINE bytes.
    inline: [u8; GROUP_INLINE + 1],
    /// NUL-terminated, for longer names.
    long: ManuallyDrop<Arc<[u8]>>,
}

/// A message, laid out to fill a `zmq_msg_t` exactly.
#[repr(C, align(8))]
pub struct Msg {
    kind: u8,
    flags: u8,
    /// Body length when the kind is KIND_INLINE.
    inline_len: u8,
    /// True when `group` holds `long`.
    group_long: bool,
    routing_id: u32,
    metadata: Option<Arc<Metadata>>,
    group: Group,
    body: Body,
}

/// Size of the caller's `zmq_msg_t`, which holds one `Msg`.
pub const MSG_T_SIZE: usize = 64;

const _: () = {
    assert!(std::mem::size_of::<Msg>() == MSG_T_SIZE);
    assert!(std::mem::align_of::<Msg>() == 8);
    assert!(std::mem::size_of::<Bytes>() == MAX_INLINE);
};

// SAFETY: a shared body is `Bytes` (Send + Sync), a pooled one a `Pooled`
// (atomically counted, Send + Sync); a constant body is bytes the
// application promised to keep alive and unchanged, which libzmq also hands
// between threads.
unsafe impl Send for Msg {}

/// A user buffer given to `zmq_msg_init_data`, freed by the user's function
/// once the last `Bytes` referring to it is dropped.
struct UserBuffer {
    ptr: *mut u8,
    len: usize,
    free: unsafe extern "C" fn(*mut libc::c_void, *mut libc::c_void),
    hint: *mut libc::c_void,
}

// SAFETY: libzmq's contract: the buffer belongs to the message from
// `zmq_msg_init_data` on, and the free function may run on any thread.
unsafe impl Send for UserBuffer {}

impl AsRef<[u8]> for UserBuffer {
    fn as_ref(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: the user gave us `len` readable bytes at `ptr`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl Drop for UserBuffer {
    fn drop(&mut self) {
        // SAFETY: the user's free function for the user's buffer, called once.
        unsafe { (self.free)(self.ptr.cast(), self.hint) }
    }
}

/// `size` zeroed bytes from the allocator's zeroing call (calloc), which
/// skips the memset for memory fresh from the kernel: a large message the
/// application is about to fill is not written twice. ENOMEM when the
/// allocation fails (libzmq's `zmq_msg_init_size` answers so).
fn zeroed_vec(size: usize) -> Result<Vec<u8>> {
    if size == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(size).map_err(|_| Error::ENOMEM)?;
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(Error::ENOMEM);
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout of
    // `size` u8s, all initialised (zeroed).
    Ok(unsafe { Vec::from_raw_parts(ptr, size, size) })
}

impl Msg {
    /// An empty message.
    #[inline]
    pub fn new() -> Msg {
        Msg::fresh(
            KIND_INLINE,
            0,
            0,
            Body {
                inline: [0; MAX_INLINE],
            },
        )
    }

    /// A message of `kind` over `body`, with no group, routing id or
    /// metadata; built in one piece (see `inline_from`).
    #[inline]
    fn fresh(kind: u8, inline_len: u8, flags: u8, body: Body) -> Msg {
        Msg {
            kind,
            flags,
            inline_len,
            group_long: false,
            routing_id: 0,
            metadata: None,
            group: Group {
                inline: [0; GROUP_INLINE + 1],
            },
            body,
        }
    }

    /// A message of `size` bytes; the content is zeroed.
    pub fn with_size(size: usize) -> Result<Msg> {
        if size <= MAX_INLINE {
            return Ok(Msg::inline_from(&[0; MAX_INLINE], size, 0));
        }
        if size <= POOLED_MAX {
            return Pooled::zeroed(size)
                .map(Msg::from_pooled)
                .ok_or(Error::ENOMEM);
        }
        let mut m = Msg::new();
        m.set_shared(Bytes::from(zeroed_vec(size)?));
        Ok(m)
    }

    /// A message of the first `len` (at most `MAX_INLINE`) octets of
    /// `window`, which is copied whole (what lies past `len` is never
    /// read), with `flags`. Made in one piece: a message built field by
    /// field and then moved stalls the move on the partial stores.
    #[inline]
    pub fn inline_from(window: &[u8; MAX_INLINE], len: usize, flags: u8) -> Msg {
        debug_assert!(len <= MAX_INLINE);
        let len = len.min(MAX_INLINE) as u8;
        Msg::fresh(KIND_INLINE, len, flags, Body { inline: *window })
    }

    /// A message holding a copy of `data`.
    pub fn from_slice(data: &[u8]) -> Result<Msg> {
        if data.len() <= MAX_INLINE {
            let mut m = Msg::new();
            m.inline_len = data.len() as u8;
            // SAFETY: inline is the active field of a fresh message.
            unsafe { m.body.inline[..data.len()].copy_from_slice(data) };
            Ok(m)
        } else if data.len() <= POOLED_MAX {
            Pooled::copy_of(data)
                .map(Msg::from_pooled)
                .ok_or(Error::ENOMEM)
        } else {
            let mut v = Vec::new();
            v.try_reserve_exact(data.len()).map_err(|_| Error::ENOMEM)?;
            v.extend_from_slice(data);
            Ok(Msg::from_bytes(Bytes::from(v)))
        }
    }

    /// A message over a fresh pooled body, made in one piece.
    #[inline]
    fn from_pooled(pooled: Pooled) -> Msg {
        Msg::fresh(KIND_POOLED, 0, 0, Body { pooled })
    }

    /// A message sharing `bytes` (no copy).
    pub fn from_bytes(bytes: Bytes) -> Msg {
        let mut m = Msg::new();
        m.set_shared(bytes);
        m
    }

    /// A message over the caller's buffer (`zmq_msg_init_data`): with a free
    /// function it is owned and freed once; without, it is a constant.
    ///
    /// # Safety
    /// `data` must point to `len` bytes that stay valid (and, when `free` is
    /// set, until `free` is called).
    pub unsafe fn from_user_buffer(
        data: *mut u8,
        len: usize,
        free: Option<unsafe extern "C" fn(*mut libc::c_void, *mut libc::c_void)>,
        hint: *mut libc::c_void,
    ) -> Msg {
        match free {
            Some(free) => Msg::from_bytes(Bytes::from_owner(UserBuffer {
                ptr: data,
                len,
                free,
                hint,
            })),
            // SAFETY: forwarded from the caller.
            None => unsafe { Msg::from_static_ptr(data, len) },
        }
    }

    /// A constant message over bytes that outlive it (`zmq_send_const`).
    ///
    /// # Safety
    /// `data` must point to `len` bytes valid and unchanged while any message
    /// referring to them exists.
    pub unsafe fn from_static_ptr(data: *const u8, len: usize) -> Msg {
        let mut m = Msg::new();
        m.kind = KIND_CONST;
        m.body = Body {
            constant: ConstBody { ptr: data, len },
        };
        m
    }

    /// The marker a pipe end writes last, when it goes away.
    pub(crate) fn delimiter() -> Msg {
        let mut m = Msg::new();
        m.kind = KIND_DELIMITER;
        m
    }

    #[inline]
    pub(crate) fn is_delimiter(&self) -> bool {
        self.kind == KIND_DELIMITER
    }

    fn set_shared(&mut self, bytes: Bytes) {
        debug_assert_eq!(self.kind, KIND_INLINE);
        self.kind = KIND_SHARED;
        self.body = Body {
            shared: ManuallyDrop::new(bytes),
        };
    }

    /// Whether `raw` holds a live message (not closed, not uninitialised).
    ///
    /// # Safety
    /// `raw` must point to 64 readable bytes.
    #[inline]
    pub unsafe fn is_valid_at(raw: *const Msg) -> bool {
        // SAFETY: the kind is the first byte and any byte value is readable.
        let kind = unsafe { *(raw as *const u8) };
        matches!(kind, KIND_INLINE | KIND_SHARED | KIND_POOLED | KIND_CONST)
    }

    #[inline]
    pub fn size(&self) -> usize {
        match self.kind {
            // SAFETY: the kind says which union field is active.
            KIND_SHARED => unsafe { self.body.shared.len() },
            KIND_POOLED => unsafe { self.body.pooled.len() },
            KIND_CONST => unsafe { self.body.constant.len },
            _ => self.inline_len as usize,
        }
    }

    #[inline]
    pub fn data(&self) -> &[u8] {
        match self.kind {
            // SAFETY: the kind says which union field is active; a constant
            // body is valid per `from_static_ptr`'s contract.
            KIND_SHARED => unsafe { &self.body.shared[..] },
            KIND_POOLED => unsafe { self.body.pooled.bytes() },
            KIND_CONST => unsafe {
                let c = self.body.constant;
                if c.len == 0 {
                    &[]
                } else {
                    std::slice::from_raw_parts(c.ptr, c.len)
                }
            },
            _ => unsafe { &self.body.inline[..self.inline_len as usize] },
        }
    }

    /// The body's address, writable as libzmq allows (`zmq_msg_data`).
    #[inline]
    pub fn data_ptr(&mut self) -> *mut u8 {
        match self.kind {
            // SAFETY: the kind says which union field is active.
            KIND_SHARED => unsafe { self.body.shared.as_ptr() as *mut u8 },
            KIND_POOLED => unsafe { self.body.pooled.as_ptr() },
            KIND_CONST => unsafe { self.body.constant.ptr as *mut u8 },
            _ => unsafe { self.body.inline.as_mut_ptr() },
        }
    }

    #[inline]
    pub fn flags(&self) -> u8 {
        self.flags
    }

    #[inline]
    pub fn set_flags(&mut self, f: u8) {
        self.flags |= f;
    }

    #[inline]
    pub fn reset_flags(&mut self, f: u8) {
        self.flags &= !f;
    }

    #[inline]
    pub fn more(&self) -> bool {
        self.flags & flags::MORE != 0
    }

    /// `zmq_msg_get(ZMQ_SHARED)`: constants are always shared.
    pub fn is_shared(&self) -> bool {
        self.kind == KIND_CONST || self.flags & flags::SHARED != 0
    }

    pub fn routing_id(&self) -> u32 {
        self.routing_id
    }

    /// Clears the routing id (a SERVER's reply, before it enters a pipe that
    /// may be inproc).
    pub fn reset_routing_id(&mut self) {
        self.routing_id = 0;
    }

    /// Sets the routing id; zero is not a routing id (EINVAL).
    pub fn set_routing_id(&mut self, id: u32) -> Result<()> {
        if id == 0 {
            return Err(Error::EINVAL);
        }
        self.routing_id = id;
        Ok(())
    }

    /// A DISH's JOIN (`join`) or LEAVE of `group`, as it travels to a
    /// RADIO: an empty message with the group set and the flag.
    pub(crate) fn membership(join: bool, group: &[u8]) -> Result<Msg> {
        if group.len() > MAX_GROUP {
            return Err(Error::EINVAL);
        }
        let mut m = Msg::new();
        m.set_group(group)?;
        m.set_flags(if join { flags::JOIN } else { flags::LEAVE });
        Ok(m)
    }

    /// The group name, NUL-terminated ("" when none).
    pub fn group(&self) -> &CStr {
        // SAFETY: `group_long` says which field is active; both are stored
        // NUL-terminated with no interior NUL.
        let bytes: &[u8] = unsafe {
            if self.group_long {
                &self.group.long[..]
            } else {
                &self.group.inline[..]
            }
        };
        CStr::from_bytes_until_nul(bytes).unwrap_or_default()
    }

    /// Sets the group name. As libzmq does, a name longer than MAX_GROUP
    /// is cut to MAX_GROUP bytes rather than refused.
    pub fn set_group(&mut self, name: &[u8]) -> Result<()> {
        let name = &name[..name.len().min(MAX_GROUP)];
        if name.contains(&0) {
            return Err(Error::EINVAL);
        }
        self.drop_group();
        if name.len() <= GROUP_INLINE {
            let mut inline = [0u8; GROUP_INLINE + 1];
            inline[..name.len()].copy_from_slice(name);
            self.group = Group { inline };
        } else {
            let mut v = Vec::with_capacity(name.len() + 1);
            v.extend_from_slice(name);
            v.push(0);
            self.group = Group {
                long: ManuallyDrop::new(Arc::from(v)),
            };
            self.group_long = true;
        }
        Ok(())
    }

    fn drop_group(&mut self) {
        if self.group_long {
            // SAFETY: `group_long` says `long` is active; it is dropped once
            // and the flag cleared.
            unsafe { ManuallyDrop::drop(&mut self.group.long) };
            self.group_long = false;
            self.group = Group {
                inline: [0; GROUP_INLINE + 1],
            };
        }
    }

    pub fn metadata(&self) -> Option<&Arc<Metadata>> {
        self.metadata.as_ref()
    }

    pub fn set_metadata(&mut self, m: Option<Arc<Metadata>>) {
        self.metadata = m;
    }

    /// A copy sharing the body (`zmq_msg_copy`): both are marked shared
    /// unless the body is inline, which is duplicated as libzmq does.
    pub fn share(&mut self) -> Msg {
        let body = match self.kind {
            KIND_SHARED => {
                self.flags |= flags::SHARED;
                // SAFETY: the kind says `shared` is active.
                Body {
                    shared: ManuallyDrop::new(unsafe { (*self.body.shared).clone() }),
                }
            }
            KIND_POOLED => {
                self.flags |= flags::SHARED;
                // SAFETY: the kind says `pooled` is active and live.
                Body {
                    pooled: unsafe { self.body.pooled.share() },
                }
            }
            // SAFETY: inline and constant bodies are plain bytes.
            KIND_CONST => Body {
                constant: unsafe { self.body.constant },
            },
            _ => Body {
                inline: unsafe { self.body.inline },
            },
        };
        let group = if self.group_long {
            // SAFETY: `group_long` says `long` is active.
            Group {
                long: ManuallyDrop::new(unsafe { Arc::clone(&self.group.long) }),
            }
        } else {
            // SAFETY: the inline group is plain bytes.
            Group {
                inline: unsafe { self.group.inline },
            }
        };
        Msg {
            kind: self.kind,
            flags: self.flags,
            inline_len: self.inline_len,
            group_long: self.group_long,
            routing_id: self.routing_id,
            metadata: self.metadata.clone(),
            group,
            body,
        }
    }

    /// Releases the content and leaves the message invalid (kind 0): what
    /// `zmq_msg_close` does. Closing twice is harmless.
    pub fn close(&mut self) {
        match self.kind {
            // SAFETY: the kind says which field is active; the kind is
            // cleared right after so it is never released twice.
            KIND_SHARED => unsafe { ManuallyDrop::drop(&mut self.body.shared) },
            KIND_POOLED => unsafe { self.body.pooled.release() },
            _ => {}
        }
        self.drop_group();
        self.metadata = None;
        self.kind = KIND_INVALID;
    }

    /// Takes the message out, leaving an empty one in its place.
    #[inline]
    pub fn take(&mut self) -> Msg {
        std::mem::take(self)
    }
}

impl Default for Msg {
    fn default() -> Self {
        Msg::new()
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        self.close();
    }
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Msg")
            .field("size", &self.size())
            .field("flags", &self.flags)
            .field("routing_id", &self.routing_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn small_messages_are_inline() {
        let m = Msg::from_slice(b"hello").unwrap();
        assert_eq!(m.data(), b"hello");
        assert_eq!(m.size(), 5);
        assert!(!m.is_shared());
    }

    #[test]
    fn large_copy_shares_the_body() {
        // Pooled bodies and allocator-backed ones alike.
        for size in [1000, POOLED_MAX, POOLED_MAX + 1] {
            let mut a = Msg::from_slice(&vec![7u8; size]).unwrap();
            let b = a.share();
            assert_eq!(a.data().as_ptr(), b.data().as_ptr());
            assert!(a.is_shared() && b.is_shared());
            drop(a);
            assert_eq!(b.data(), &vec![7u8; size][..], "outlives the original");
        }
    }

    #[test]
    fn with_size_is_zeroed_and_writable() {
        for size in [
            0,
            1,
            MAX_INLINE,
            MAX_INLINE + 1,
            POOLED_MAX,
            POOLED_MAX + 1,
            1 << 20,
        ] {
            let mut m = Msg::with_size(size).unwrap();
            assert_eq!(m.size(), size);
            assert!(m.data().iter().all(|&b| b == 0));
            if size > 0 {
                // SAFETY: the body has `size` writable bytes.
                unsafe { *m.data_ptr().add(size - 1) = 9 };
                assert_eq!(m.data()[size - 1], 9);
            }
        }
    }

    static FREED: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn count_free(_d: *mut libc::c_void, hint: *mut libc::c_void) {
        assert_eq!(hint as usize, 42);
        FREED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn user_buffer_freed_once_after_last_copy() {
        let mut buf = vec![1u8; 100];
        // SAFETY: `buf` outlives every message below.
        let mut a =
            unsafe { Msg::from_user_buffer(buf.as_mut_ptr(), 100, Some(count_free), 42 as *mut _) };
        let b = a.share();
        let c = a.share();
        drop(a);
        drop(c);
        assert_eq!(FREED.load(Ordering::SeqCst), 0);
        assert_eq!(b.data(), &buf[..]);
        drop(b);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn groups_short_and_long() {
        let mut m = Msg::new();
        assert_eq!(m.group().to_bytes(), b"");
        m.set_group(b"abc").unwrap();
        assert_eq!(m.group().to_bytes(), b"abc");
        let long = vec![b'x'; MAX_GROUP];
        m.set_group(&long).unwrap();
        let c = m.share();
        assert_eq!(c.group().to_bytes(), &long[..]);
        m.set_group(&[b'y'; MAX_GROUP + 1]).unwrap();
        assert_eq!(m.group().to_bytes(), &[b'y'; MAX_GROUP][..]);
        m.set_group(b"0123456789abcde").unwrap();
        assert_eq!(m.group().to_bytes(), b"0123456789abcde");
    }

    #[test]
    fn stamped_metadata_is_counted_exactly() {
        let mut stamp = MetadataStamp::new(Metadata::new(Vec::new(), 7));
        let weak = Arc::downgrade(&stamp.metadata);
        let held: Vec<Arc<Metadata>> = (0..STAMP_BATCH + 3).map(|_| stamp.stamp()).collect();
        assert!(held.iter().all(|m| m.src_fd() == 7));
        // Ours, the messages', and what is prepaid for the next ones.
        assert_eq!(weak.strong_count(), 1 + held.len() + (STAMP_BATCH - 3));
        drop(stamp);
        assert_eq!(
            weak.strong_count(),
            held.len(),
            "the prepaid ones are given back"
        );
        drop(held);
        assert_eq!(weak.strong_count(), 0, "freed with the last message");
    }

    #[test]
    fn closed_message_is_invalid() {
        let mut m = Msg::new();
        // SAFETY: `m` is 64 readable bytes.
        assert!(unsafe { Msg::is_valid_at(&m) });
        m.close();
        assert!(!unsafe { Msg::is_valid_at(&m) });
        m.close();
    }

    #[test]
    fn routing_id_zero_is_rejected() {
        let mut m = Msg::new();
        assert_eq!(m.set_routing_id(0), Err(Error::EINVAL));
        m.set_routing_id(5).unwrap();
        assert_eq!(m.routing_id(), 5);
    }
}
