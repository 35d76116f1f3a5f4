//! ypipe: a lock-free single-producer single-consumer queue with batching
//! and a sleep protocol, after libzmq's `ypipe.hpp`.
//!
//! Items live in a linked list of fixed-size chunks (no allocation per item;
//! a drained chunk is kept as a spare for the writer). The writer `write`s
//! items and makes them visible with `flush`, usually once per message.
//! Visibility and sleep share one atomic word `c`: the index up to which
//! items are flushed, or `ASLEEP` once the reader found the queue empty.
//! `flush` tells the writer whether the reader was asleep, which is the only
//! time the reader needs waking; a busy reader costs the writer nothing but
//! the compare-and-swap.
//!
//! Positions are item indices (u64, never wrapping in practice) rather than
//! pointers, which keeps the protocol easy to check.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Arc;

/// Items per chunk.
const N: usize = 256;
/// Value of `c` while the reader sleeps.
const ASLEEP: u64 = u64::MAX;

struct Chunk<T> {
    values: [UnsafeCell<MaybeUninit<T>>; N],
    next: AtomicPtr<Chunk<T>>,
}

impl<T> Chunk<T> {
    fn alloc() -> *mut Chunk<T> {
        Box::into_raw(Box::new(Chunk {
            values: [const { UnsafeCell::new(MaybeUninit::uninit()) }; N],
            next: AtomicPtr::new(ptr::null_mut()),
        }))
    }
}

/// A position in the chunk list.
struct Pos<T> {
    chunk: *mut Chunk<T>,
    /// Index within the chunk, 0..N.
    slot: usize,
    /// Global item index.
    idx: u64,
}

impl<T> Clone for Pos<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Pos<T> {}

/// Writer-only state.
struct WriterState<T> {
    /// Where the next item goes.
    end: Pos<T>,
    /// End of the last complete item (what `flush` publishes).
    f: Pos<T>,
    /// What the writer last published.
    w: u64,
}

/// Reader-only state.
struct ReaderState<T> {
    /// Next item to read.
    begin: Pos<T>,
    /// Items below this index are known to be readable.
    r: u64,
}

/// Keeps what one thread writes off the cache lines the other thread
/// writes (128 bytes: x86 fetches lines in pairs). Without it, the reader
/// advancing `begin` and the writer advancing `end` stall each other on
/// every message.
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Padded<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

struct Shared<T> {
    c: Padded<AtomicU64>,
    /// One drained chunk kept for the writer.
    spare: AtomicPtr<Chunk<T>>,
    writer: Padded<UnsafeCell<WriterState<T>>>,
    reader: Padded<UnsafeCell<ReaderState<T>>>,
}

// SAFETY: `writer` is touched only through the one `Writer`, `reader` only
// through the one `Reader`; the items cross threads under the `c`
// release/acquire protocol, so `T: Send` suffices.
unsafe impl<T: Send> Send for Shared<T> {}
unsafe impl<T: Send> Sync for Shared<T> {}

/// The producing half.
pub struct Writer<T> {
    shared: Arc<Shared<T>>,
}

/// The consuming half.
pub struct Reader<T> {
    shared: Arc<Shared<T>>,
}

// SAFETY: each half is used by one thread at a time (it is not Sync).
unsafe impl<T: Send> Send for Writer<T> {}
unsafe impl<T: Send> Send for Reader<T> {}

/// A new empty pipe. The reader starts awake.
pub fn ypipe<T>() -> (Writer<T>, Reader<T>) {
    let first = Chunk::alloc();
    let start = Pos {
        chunk: first,
        slot: 0,
        idx: 0,
    };
    let shared = Arc::new(Shared {
        c: Padded(AtomicU64::new(0)),
        spare: AtomicPtr::new(ptr::null_mut()),
        writer: Padded(UnsafeCell::new(WriterState {
            end: start,
            f: start,
            w: 0,
        })),
        reader: Padded(UnsafeCell::new(ReaderState { begin: start, r: 0 })),
    });
    (
        Writer {
            shared: Arc::clone(&shared),
        },
        Reader { shared },
    )
}

impl<T> Writer<T> {
    #[inline]
    fn state(&mut self) -> &mut WriterState<T> {
        // SAFETY: only this (unique, &mut) writer touches the writer state.
        unsafe { &mut *self.shared.writer.get() }
    }

    /// Queues an item. It stays invisible to the reader until a later
    /// complete write is flushed; `incomplete` marks a message part that
    /// more parts will follow.
    #[inline]
    pub fn write(&mut self, value: T, incomplete: bool) {
        let spare = &self.shared.spare;
        // SAFETY: only this (unique, &mut) writer touches the writer state.
        let st = unsafe { &mut *self.shared.writer.get() };
        // SAFETY: slot `end` belongs to the writer: the reader never reads at
        // or past `c`, which is at most `f <= end`.
        unsafe { (*(*st.end.chunk).values[st.end.slot].get()).write(value) };
        st.end.slot += 1;
        st.end.idx += 1;
        if st.end.slot == N {
            // SAFETY: `end.chunk` is a live chunk of this pipe.
            let cur = unsafe { &*st.end.chunk };
            let mut next = cur.next.load(Ordering::Acquire);
            if next.is_null() {
                next = spare.swap(ptr::null_mut(), Ordering::AcqRel);
                if next.is_null() {
                    next = Chunk::alloc();
                } else {
                    // SAFETY: the spare chunk is ours now.
                    unsafe { (*next).next.store(ptr::null_mut(), Ordering::Relaxed) };
                }
                cur.next.store(next, Ordering::Release);
            }
            st.end.chunk = next;
            st.end.slot = 0;
        }
        if !incomplete {
            st.f = st.end;
        }
    }

    /// Takes back the items written since the last complete item (a
    /// message whose last part never came), newest last.
    pub fn unwrite_incomplete(&mut self) -> Vec<T> {
        let st = self.state();
        let mut out = Vec::new();
        let mut p = st.f;
        while p.idx != st.end.idx {
            // SAFETY: items in [f, end) were written and never published.
            out.push(unsafe { (*(*p.chunk).values[p.slot].get()).assume_init_read() });
            p.slot += 1;
            p.idx += 1;
            if p.slot == N {
                // SAFETY: the writer linked this chunk when it filled the last.
                p.chunk = unsafe { (*p.chunk).next.load(Ordering::Acquire) };
                p.slot = 0;
            }
        }
        st.end = st.f;
        out
    }

    /// Publishes the complete items. Returns false when the reader was
    /// asleep: the caller must wake it.
    #[inline]
    pub fn flush(&mut self) -> bool {
        let shared = &*self.shared;
        // SAFETY: only this (unique, &mut) writer touches the writer state.
        let st = unsafe { &mut *shared.writer.get() };
        let f = st.f.idx;
        if st.w == f {
            return true;
        }
        let result = shared
            .c
            .compare_exchange(st.w, f, Ordering::Release, Ordering::Relaxed);
        st.w = f;
        match result {
            Ok(_) => true,
            Err(_) => {
                // The reader set ASLEEP: only it does, and it then waits for
                // us, so a plain store cannot race with it.
                shared.c.store(f, Ordering::Release);
                false
            }
        }
    }
}

impl<T> Reader<T> {
    /// Whether an item can be read. When not, the reader is marked asleep
    /// and the writer's next flush reports it.
    #[inline]
    pub fn check_read(&mut self) -> bool {
        let shared = &*self.shared;
        // SAFETY: only this (unique, &mut) reader touches the reader state.
        let st = unsafe { &mut *shared.reader.get() };
        if st.begin.idx != st.r {
            return true;
        }
        match shared
            .c
            .compare_exchange(st.begin.idx, ASLEEP, Ordering::Acquire, Ordering::Acquire)
        {
            Ok(_) => false,
            Err(ASLEEP) => false,
            Err(flushed) => {
                st.r = flushed;
                st.begin.idx != st.r
            }
        }
    }

    /// The next item without taking it, if one is readable (else the reader
    /// goes to sleep).
    #[inline]
    pub fn peek(&mut self) -> Option<&T> {
        if !self.check_read() {
            return None;
        }
        // SAFETY: as in `read`: `begin < r`, published; the reference lives
        // no longer than this `&mut self`, during which nobody takes it.
        let st = unsafe { &*self.shared.reader.get() };
        Some(unsafe { (*(*st.begin.chunk).values[st.begin.slot].get()).assume_init_ref() })
    }

    /// The next item, if one is readable (else the reader goes to sleep).
    #[inline]
    pub fn read(&mut self) -> Option<T> {
        if !self.check_read() {
            return None;
        }
        let spare = &self.shared.spare;
        // SAFETY: this borrows only the reader state, as `state()` does.
        let st = unsafe { &mut *self.shared.reader.get() };
        // SAFETY: `begin < r <= c`: written and published by the writer.
        let value = unsafe { (*(*st.begin.chunk).values[st.begin.slot].get()).assume_init_read() };
        st.begin.slot += 1;
        st.begin.idx += 1;
        if st.begin.slot == N {
            let old = st.begin.chunk;
            // SAFETY: the next item was published, so its chunk is linked.
            st.begin.chunk = unsafe { (*old).next.load(Ordering::Acquire) };
            st.begin.slot = 0;
            let prev = spare.swap(old, Ordering::AcqRel);
            if !prev.is_null() {
                // SAFETY: a spare chunk is owned by nobody else.
                drop(unsafe { Box::from_raw(prev) });
            }
        }
        Some(value)
    }

    /// Whether the reader is marked asleep (for tests and assertions).
    pub fn is_asleep(&self) -> bool {
        self.shared.c.load(Ordering::Acquire) == ASLEEP
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        let begin = self.reader.get_mut().begin;
        let end = self.writer.get_mut().end;
        // Drop every item still queued, published or not.
        let mut p = begin;
        while p.idx != end.idx {
            // SAFETY: [begin, end) holds initialised items; we are the last
            // owner.
            unsafe { (*(*p.chunk).values[p.slot].get()).assume_init_drop() };
            p.slot += 1;
            p.idx += 1;
            if p.slot == N {
                // SAFETY: linked by the writer.
                p.chunk = unsafe { (*p.chunk).next.load(Ordering::Relaxed) };
                p.slot = 0;
            }
        }
        // Free the chain from the reader's chunk (including chunks kept
        // ahead after an unwrite), and the spare.
        let mut c = begin.chunk;
        while !c.is_null() {
            // SAFETY: each chunk of the chain is freed once.
            let next = unsafe { (*c).next.load(Ordering::Relaxed) };
            drop(unsafe { Box::from_raw(c) });
            c = next;
        }
        let spare = *self.spare.get_mut();
        if !spare.is_null() {
            // SAFETY: the spare is not part of the chain.
            drop(unsafe { Box::from_raw(spare) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_awake_and_sleeps_when_empty() {
        let (mut w, mut r) = ypipe::<u32>();
        w.write(1, false);
        assert!(w.flush(), "reader starts awake");
        assert_eq!(r.read(), Some(1));
        assert_eq!(r.read(), None);
        assert!(r.is_asleep());
        w.write(2, false);
        assert!(!w.flush(), "the flush reports the sleeping reader");
        assert_eq!(r.read(), Some(2));
    }

    #[test]
    fn incomplete_items_stay_hidden() {
        let (mut w, mut r) = ypipe::<u32>();
        w.write(1, true);
        w.flush();
        assert_eq!(r.read(), None);
        w.write(2, false);
        w.flush();
        assert_eq!(r.read(), Some(1));
        assert_eq!(r.read(), Some(2));
    }

    #[test]
    fn unwrite_takes_back_the_incomplete_message() {
        let (mut w, mut r) = ypipe::<String>();
        w.write("a".into(), false);
        for i in 0..(N * 2 + 3) {
            w.write(i.to_string(), true);
        }
        let back = w.unwrite_incomplete();
        assert_eq!(back.len(), N * 2 + 3);
        assert_eq!(back[0], "0");
        w.write("b".into(), false);
        w.flush();
        assert_eq!(r.read().as_deref(), Some("a"));
        assert_eq!(r.read().as_deref(), Some("b"));
        assert_eq!(r.read(), None);
    }

    #[test]
    fn drops_what_is_left() {
        let item = Arc::new(());
        let (mut w, r) = ypipe();
        for _ in 0..(N * 3) {
            w.write(Arc::clone(&item), false);
        }
        w.write(Arc::clone(&item), true);
        w.flush();
        drop(w);
        drop(r);
        assert_eq!(Arc::strong_count(&item), 1);
    }

    #[test]
    fn threads_pass_a_million_items_in_order() {
        let (mut w, mut r) = ypipe::<u64>();
        // Miri runs about a million times slower: a smaller count there.
        let n = if cfg!(miri) { 2_000 } else { 1_000_000u64 };
        let t = std::thread::spawn(move || {
            for i in 0..n {
                w.write(i, false);
                w.flush();
            }
        });
        let mut next = 0;
        while next < n {
            match r.read() {
                Some(v) => {
                    assert_eq!(v, next);
                    next += 1;
                }
                None => std::hint::spin_loop(),
            }
        }
        t.join().unwrap();
    }
}
