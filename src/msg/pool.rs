//! Reference-counted message bodies of up to `POOLED_MAX` octets, drawn from
//! free lists shared by every thread.
//!
//! A message is typically allocated on one thread (the sender's
//! `zmq_msg_init_size` or `zmq_send`) and freed on another (the receiver's
//! `zmq_msg_close`). glibc then serves the two sides from one arena: each
//! free and each allocation takes the arena's lock, and with the two
//! threads on two cores they queue on it in the kernel (futex waits). Here
//! a freed body goes onto a lock-free free list of its size class and the
//! next allocation of that class takes it from there; the allocator is
//! only asked when the list is empty and told only when it is full, so
//! what the lists hold is bounded (`class_limit`).
//!
//! A forked child never touches the lists: another thread of the parent
//! may have been half-way through a push or pop when it forked, and that
//! slot would stay claimed in the child for ever. From the fork on, the
//! child's bodies come from the allocator and go back to it.

use crossbeam_queue::ArrayQueue;
use std::alloc::Layout;
use std::ptr::NonNull;
use std::sync::atomic::{fence, AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Capacity of the smallest class; each next class doubles it.
const SMALLEST: usize = 64;
/// Number of size classes: 64, 128, ..., 4096 octets.
const CLASSES: usize = 7;
/// Largest body kept in a pool; larger bodies use the allocator directly.
pub(crate) const POOLED_MAX: usize = SMALLEST << (CLASSES - 1);
/// What one class's free list may hold at most, in octets and in bodies.
const CLASS_BYTES: usize = 128 * 1024;
const CLASS_BODIES: usize = 128;

/// The header in front of a body's octets. The class is not stored: it
/// follows from the body's length.
#[repr(C, align(16))]
struct Header {
    refs: AtomicUsize,
    /// The free list the block goes back to; None for a block that goes
    /// back to the allocator (made in a forked child).
    home: Option<&'static FreeList>,
}

/// A free block on a free list: kept as a pointer, not an address, so
/// that it keeps its provenance (Miri checks this).
struct Free(NonNull<Header>);

// SAFETY: a free block belongs to nobody until it is popped, and then to
// the one thread that popped it.
unsafe impl Send for Free {}

type FreeList = ArrayQueue<Free>;

const HEADER: usize = std::mem::size_of::<Header>();

/// One free list per size class, each made on first use.
pub(crate) struct Pool {
    lists: [OnceLock<FreeList>; CLASSES],
}

impl Pool {
    pub(crate) const fn new() -> Pool {
        Pool {
            lists: [const { OnceLock::new() }; CLASSES],
        }
    }

    fn list(&self, class: usize) -> &FreeList {
        self.lists[class].get_or_init(|| ArrayQueue::new(class_limit(class)))
    }
}

/// The pool every message body comes from.
static GLOBAL: Pool = Pool::new();

/// Set in a forked child (see the module's text).
static FORKED: AtomicBool = AtomicBool::new(false);

extern "C" fn forked_child() {
    FORKED.store(true, Ordering::Relaxed);
}

extern "C" fn watch_forks() {
    // SAFETY: registers a handler that only stores to an atomic. If it
    // cannot be registered (ENOMEM), the lists stay in use after a fork,
    // as they would have without it.
    unsafe { libc::pthread_atfork(None, None, Some(forked_child)) };
}

/// Runs `watch_forks` when the library is loaded, before any body can be
/// made.
#[used]
#[link_section = ".init_array"]
static WATCH_FORKS: extern "C" fn() = watch_forks;

fn capacity(class: usize) -> usize {
    SMALLEST << class
}

fn class_limit(class: usize) -> usize {
    (CLASS_BYTES / capacity(class)).min(CLASS_BODIES)
}

fn layout(class: usize) -> Layout {
    // The sizes are small constants and the alignment a power of two.
    Layout::from_size_align(HEADER + capacity(class), std::mem::align_of::<Header>())
        .expect("pool layout")
}

fn class_of(len: usize) -> usize {
    debug_assert!(len > 0 && len <= POOLED_MAX);
    let rounded = len.max(SMALLEST).next_power_of_two();
    (rounded / SMALLEST).trailing_zeros() as usize
}

/// A handle to a pooled body: plain data, so that it can sit in the
/// message's union. Every handle in existence holds one reference; the
/// owner calls `release` exactly once per handle.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Pooled {
    header: NonNull<Header>,
    len: usize,
}

// SAFETY: the reference count is atomic and the octets are only written
// through `as_ptr` by the one holder of a fresh body (or, as libzmq allows,
// by an application that writes into a message it shares).
unsafe impl Send for Pooled {}
unsafe impl Sync for Pooled {}

impl Pooled {
    /// A body of `len` (1..=POOLED_MAX) octets from `pool`, contents
    /// unspecified until the caller writes them; None when the allocator
    /// has no memory.
    fn alloc_in(pool: &'static Pool, len: usize) -> Option<Pooled> {
        let class = class_of(len);
        let home = (!FORKED.load(Ordering::Relaxed)).then(|| pool.list(class));
        let header = match home.and_then(ArrayQueue::pop) {
            Some(Free(block)) => block.as_ptr(),
            None => {
                // SAFETY: the layout has a non-zero size.
                let raw = unsafe { std::alloc::alloc(layout(class)) } as *mut Header;
                if raw.is_null() {
                    return None;
                }
                raw
            }
        };
        // SAFETY: `header` is a block of this class's layout that nobody
        // else refers to (fresh, or taken off the free list).
        unsafe {
            header.write(Header {
                refs: AtomicUsize::new(1),
                home,
            })
        };
        Some(Pooled {
            header: NonNull::new(header)?,
            len,
        })
    }

    /// A zeroed body of `len` (1..=POOLED_MAX) octets.
    pub(crate) fn zeroed(len: usize) -> Option<Pooled> {
        Pooled::zeroed_in(&GLOBAL, len)
    }

    fn zeroed_in(pool: &'static Pool, len: usize) -> Option<Pooled> {
        let p = Pooled::alloc_in(pool, len)?;
        // SAFETY: the block has room for `len` octets after the header.
        unsafe { std::ptr::write_bytes(p.as_ptr(), 0, len) };
        Some(p)
    }

    /// A body holding a copy of `data` (1..=POOLED_MAX octets).
    pub(crate) fn copy_of(data: &[u8]) -> Option<Pooled> {
        Pooled::copy_in(&GLOBAL, data)
    }

    fn copy_in(pool: &'static Pool, data: &[u8]) -> Option<Pooled> {
        let p = Pooled::alloc_in(pool, data.len())?;
        // SAFETY: the block has room for `data.len()` octets after the
        // header, and a fresh block does not overlap `data`.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), p.as_ptr(), data.len()) };
        Some(p)
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The first octet of the body.
    #[inline]
    pub(crate) fn as_ptr(&self) -> *mut u8 {
        // SAFETY: the octets follow the header inside the same block.
        unsafe { (self.header.as_ptr() as *mut u8).add(HEADER) }
    }

    /// The body's octets.
    ///
    /// # Safety
    /// The handle must not have been released.
    #[inline]
    pub(crate) unsafe fn bytes(&self) -> &[u8] {
        // SAFETY: a live handle's block holds `len` initialised octets
        // (zeroed or copied in when it was made).
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.len) }
    }

    /// Another handle to the same body.
    ///
    /// # Safety
    /// The handle must not have been released.
    #[inline]
    pub(crate) unsafe fn share(&self) -> Pooled {
        // SAFETY: a live handle keeps the header alive. A new reference
        // only needs to be counted; ordering comes with the release.
        unsafe { self.header.as_ref() }
            .refs
            .fetch_add(1, Ordering::Relaxed);
        *self
    }

    /// Gives up this handle's reference; the last one returns the block to
    /// its free list (or to the allocator when the list is full).
    ///
    /// # Safety
    /// Called once per handle; the handle is not used afterwards.
    #[inline]
    pub(crate) unsafe fn release(self) {
        let header = self.header.as_ptr();
        // SAFETY: this handle's reference keeps the header alive until the
        // decrement; the last holder alone touches the block afterwards.
        let (last, home) = unsafe {
            let home = (*header).home;
            ((*header).refs.fetch_sub(1, Ordering::Release) == 1, home)
        };
        if !last {
            return;
        }
        // Every other holder's use of the body happens before its reuse.
        fence(Ordering::Acquire);
        let kept = match home {
            Some(list) if !FORKED.load(Ordering::Relaxed) => list.push(Free(self.header)).is_ok(),
            _ => false,
        };
        if !kept {
            // SAFETY: the block came from `alloc_in` with the layout of the
            // class of its length, and nobody refers to it any more.
            unsafe { std::alloc::dealloc(header as *mut u8, layout(class_of(self.len))) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_length() {
        assert_eq!(class_of(1), 0);
        assert_eq!(class_of(64), 0);
        assert_eq!(class_of(65), 1);
        assert_eq!(class_of(1024), 4);
        assert_eq!(class_of(1025), 5);
        assert_eq!(class_of(POOLED_MAX), CLASSES - 1);
        for len in 1..=POOLED_MAX {
            assert!(capacity(class_of(len)) >= len, "{len}");
        }
    }

    /// A pool of the test's own, so that tests running at the same time do
    /// not take each other's bodies. Handed back whole (its free blocks
    /// and itself) when the test ends, so that Miri's leak check passes.
    struct OwnPool(*mut Pool);

    fn own_pool() -> OwnPool {
        OwnPool(Box::into_raw(Box::new(Pool::new())))
    }

    impl OwnPool {
        fn get(&self) -> &'static Pool {
            // SAFETY: lives until this guard drops, after the test's bodies.
            unsafe { &*self.0 }
        }
    }

    impl Drop for OwnPool {
        fn drop(&mut self) {
            for (class, list) in self.get().lists.iter().enumerate() {
                while let Some(Free(block)) = list.get().and_then(ArrayQueue::pop) {
                    // SAFETY: a free block of this class, made by `alloc_in`.
                    unsafe { std::alloc::dealloc(block.as_ptr() as *mut u8, layout(class)) };
                }
            }
            // SAFETY: made by `own_pool` from a Box; the test that used it
            // has released every body, so nothing refers to it any more.
            drop(unsafe { Box::from_raw(self.0) });
        }
    }

    #[test]
    fn a_released_body_is_reused_and_cleared() {
        let pool = own_pool();
        let a = Pooled::copy_in(pool.get(), &[7u8; 3000]).unwrap();
        let addr = a.as_ptr();
        // SAFETY: each handle is released once and not used after.
        unsafe { a.release() };
        let b = Pooled::zeroed_in(pool.get(), 2500).unwrap();
        assert_eq!(b.as_ptr(), addr, "taken back off the free list");
        // SAFETY: `b` is live until released below.
        assert!(unsafe { b.bytes() }.iter().all(|&x| x == 0));
        assert_eq!(b.len(), 2500);
        unsafe { b.release() };
        assert_eq!(pool.get().list(class_of(2500)).len(), 1);
    }

    #[test]
    fn a_shared_body_lives_until_its_last_handle() {
        let pool = own_pool();
        let a = Pooled::copy_in(pool.get(), b"0123456789012345678901234567890123456789").unwrap();
        // SAFETY: both handles are live until each is released once.
        let b = unsafe { a.share() };
        unsafe { a.release() };
        assert_eq!(pool.get().list(0).len(), 0, "still held by the copy");
        assert_eq!(&unsafe { b.bytes() }[..10], b"0123456789");
        unsafe { b.release() };
        assert_eq!(pool.get().list(0).len(), 1);
    }

    #[test]
    fn a_full_free_list_gives_bodies_back_to_the_allocator() {
        let pool = own_pool();
        let class = class_of(2048);
        let bodies: Vec<Pooled> = (0..class_limit(class) + 8)
            .map(|_| Pooled::zeroed_in(pool.get(), 2048).unwrap())
            .collect();
        for b in bodies {
            // SAFETY: each handle is released once.
            unsafe { b.release() };
        }
        assert_eq!(pool.get().list(class).len(), class_limit(class));
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot fork")]
    fn a_forked_child_leaves_the_free_lists_alone() {
        let pool = own_pool();
        // SAFETY: each handle is released once.
        unsafe { Pooled::zeroed_in(pool.get(), 100).unwrap().release() };
        let list = pool.get().list(class_of(100));
        assert_eq!(list.len(), 1);
        // SAFETY: the child only makes and frees bodies, then _exits.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let ok = FORKED.load(Ordering::Relaxed) && {
                let p = Pooled::copy_in(pool.get(), &[5u8; 100]).unwrap();
                // SAFETY: live until released, once.
                let intact = unsafe { p.bytes() }.iter().all(|&x| x == 5);
                unsafe { p.release() };
                intact && list.len() == 1
            };
            // SAFETY: ends the child without running the test harness's
            // exit handlers.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: waits for our own child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "{status}"
        );
        assert!(
            !FORKED.load(Ordering::Relaxed),
            "the parent goes on pooling"
        );
    }

    #[test]
    fn bodies_freed_on_other_threads_come_back_intact() {
        let pool = own_pool();
        // Miri runs about a million times slower: a smaller count there.
        let n = if cfg!(miri) { 400 } else { 20_000u32 };
        let (tx, rx) = std::sync::mpsc::sync_channel::<Pooled>(64);
        let consumer = std::thread::spawn(move || {
            for i in 0..n {
                let p = rx.recv().unwrap();
                // SAFETY: each handle is released once, after its last use.
                let bytes = unsafe { p.bytes() };
                assert_eq!(bytes.len(), 100 + (i % 900) as usize);
                assert!(bytes.iter().all(|&x| x == i as u8));
                unsafe { p.release() };
            }
        });
        for i in 0..n {
            let len = 100 + (i % 900) as usize;
            tx.send(Pooled::copy_in(pool.get(), &vec![i as u8; len]).unwrap())
                .unwrap();
        }
        consumer.join().unwrap();
    }
}
