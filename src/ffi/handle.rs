//! Handles: the `void *` that C holds for a context, socket, poller, timer
//! set or atomic counter.
//!
//! A handle points at a `Slot`, whose first word is a tag naming the kind of
//! object and whether it is alive. Slots are never given back to the
//! allocator: a dead slot goes to its pool's free list and is reused by the
//! next object of the same kind. So a NULL, stale (already closed) or
//! wrong-kind handle is detected by reading the tag, and never reads freed
//! memory. (libzmq frees the object, so a stale handle there is a
//! use-after-free.)

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// One handle's storage; `value` is reset, not dropped, between uses.
#[repr(C)]
pub(crate) struct Slot<T: 'static> {
    tag: AtomicU32,
    pub(crate) value: T,
}

/// All slots of one kind of object, with their live tag.
pub(crate) struct Pool<T: 'static> {
    live_tag: u32,
    free: Mutex<Vec<&'static Slot<T>>>,
}

/// Tag of a slot whose object is gone.
const DEAD_TAG: u32 = 0xdead_5107;

impl<T: Sync> Pool<T> {
    pub(crate) const fn new(live_tag: u32) -> Self {
        Pool {
            live_tag,
            free: Mutex::new(Vec::new()),
        }
    }

    /// A live slot: a reused one reset by `reset`, or a new one from `make`.
    pub(crate) fn take(
        &self,
        make: impl FnOnce() -> T,
        reset: impl FnOnce(&T),
    ) -> &'static Slot<T> {
        let reused = self.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let slot = match reused {
            Some(slot) => {
                reset(&slot.value);
                slot
            }
            None => Box::leak(Box::new(Slot {
                tag: AtomicU32::new(DEAD_TAG),
                value: make(),
            })),
        };
        slot.tag.store(self.live_tag, Ordering::Release);
        slot
    }

    /// Marks `slot` dead and keeps it for reuse. Only one of several racing
    /// callers wins; the others get `false` (the handle was already dead).
    pub(crate) fn release(&self, slot: &'static Slot<T>) -> bool {
        let won = slot
            .tag
            .compare_exchange(self.live_tag, DEAD_TAG, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if won {
            self.free
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(slot);
        }
        won
    }

    /// The live slot behind a C handle, or `None` for NULL, dead or
    /// another kind's handle.
    ///
    /// # Safety
    /// `p` must be NULL or a pointer some `Pool` handed out (any kind): slots
    /// are never freed, so such a pointer is always readable.
    #[inline]
    pub(crate) unsafe fn get(&self, p: *const libc::c_void) -> Option<&'static Slot<T>> {
        if p.is_null() {
            return None;
        }
        // Every slot starts with its tag, so the tag can be read before we
        // know which kind of slot this is.
        // SAFETY: per the contract `p` points at a never-freed slot.
        let tag = unsafe { &*(p as *const AtomicU32) };
        if tag.load(Ordering::Acquire) != self.live_tag {
            return None;
        }
        // SAFETY: the tag says this slot belongs to this pool's kind.
        Some(unsafe { &*(p as *const Slot<T>) })
    }
}

impl<T> Slot<T> {
    pub(crate) fn as_ptr(&'static self) -> *mut libc::c_void {
        self as *const Slot<T> as *mut libc::c_void
    }
}
