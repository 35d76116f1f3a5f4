//! Mailbox: how threads send commands to a socket (or an I/O thread).
//!
//! Many senders, one receiver. Commands are rare next to messages (a wake-up
//! only when a reader had gone to sleep, HWM credit every few hundred
//! messages, attach and terminate), so a mutex-guarded queue is enough; the
//! hot path only ever reads the `pending` flag. The signaler is raised on the
//! empty to non-empty edge (outside the lock) and taken back when the
//! receiver finds the queue empty, one signal for one edge, which gives
//! ZMQ_FD libzmq's edge-triggered meaning.
//!
//! The signal is a syscall on each side, so an edge raises it only when
//! somebody may be waiting on the fd: the receiver asleep in `recv` (or
//! about to be), or anyone who asked for the fd (`fd()`: ZMQ_FD, zmq_poll,
//! an I/O thread's poller), after which every edge raises it. A receiver
//! that yields in `recv` sees the `pending` flag instead.

use super::signaler::Signaler;
use super::spin;
use crate::command::Command;
use crate::error::Result;
use crate::pipe::PipeEvents;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

#[derive(Debug, Default)]
struct Queue {
    cmds: VecDeque<Command>,
    /// The current edge raised the signal (which the receiver takes back
    /// when it finds the queue empty).
    signalled: bool,
}

#[derive(Debug)]
pub struct Mailbox {
    queue: Mutex<Queue>,
    /// True from the first queued command until the receiver finds the
    /// queue empty.
    pending: AtomicBool,
    /// The receiver is asleep on the fd in `recv`, or about to be.
    sleeping: AtomicBool,
    /// Somebody asked for the fd and may wait on it: every edge raises it.
    exported: AtomicBool,
    /// The receiver has taken commands it has not finished handling.
    handling: AtomicBool,
    signaler: Signaler,
    /// Threads waiting in `wait_change` (thread-safe sockets only), and
    /// where they wait: a classic socket never has any, and its senders
    /// then skip the notification.
    waiters: AtomicUsize,
    changed: Condvar,
    /// Signalers of pollers that hold this (thread-safe) socket
    /// (`zmq_poller_fd`): each command raises them.
    watchers: Mutex<Vec<Arc<Signaler>>>,
    watched: AtomicBool,
    /// Counts each command sent, and each time the socket handled commands
    /// (`bump`): what may unblock a thread waiting on a thread-safe socket
    /// with its lock released, and what tells a throttled send whether
    /// anything came since it last looked. Changed only under the queue's
    /// lock; read without it.
    generation: AtomicU64,
    /// Another thread wrote to the wire for the receiver (a session's
    /// direct write, `SessionEvents`): the receiver's next wait may be for
    /// the answer, as if it had written itself (`spin::sent`).
    wrote_for: AtomicBool,
}

impl Mailbox {
    pub fn new() -> Result<Mailbox> {
        Ok(Mailbox {
            queue: Mutex::new(Queue::default()),
            pending: AtomicBool::new(false),
            sleeping: AtomicBool::new(false),
            exported: AtomicBool::new(false),
            handling: AtomicBool::new(false),
            signaler: Signaler::new()?,
            waiters: AtomicUsize::new(0),
            changed: Condvar::new(),
            watchers: Mutex::new(Vec::new()),
            watched: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            wrote_for: AtomicBool::new(false),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `cmd`; the first command after the receiver found the queue
    /// empty raises the signal, after the lock is released (a receiver
    /// woken by it would otherwise find the lock still held and sleep on
    /// it once more).
    pub fn send(&self, cmd: Command) {
        let raise = {
            let mut q = self.lock();
            q.cmds.push_back(cmd);
            self.generation.fetch_add(1, Ordering::Release);
            // SeqCst against `recv`, which sets `sleeping` and then reads
            // `pending`: one of the two sees the other's store.
            let edge = !self.pending.swap(true, Ordering::SeqCst);
            let raise = edge
                && (self.exported.load(Ordering::Relaxed) || self.sleeping.load(Ordering::SeqCst));
            q.signalled |= raise;
            raise
        };
        if raise {
            self.signaler.send();
        }
        if self.waiters.load(Ordering::SeqCst) > 0 {
            self.changed.notify_all();
        }
        if self.watched.load(Ordering::SeqCst) {
            for w in self.watchers().iter() {
                w.send();
            }
        }
    }

    fn watchers(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Signaler>>> {
        self.watchers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A poller's signaler to raise with each command from now on, and
    /// once now: the socket may be ready already (a spurious wake-up at
    /// most).
    pub fn watch(&self, signaler: &Arc<Signaler>) {
        let mut w = self.watchers();
        if !w.iter().any(|x| Arc::ptr_eq(x, signaler)) {
            w.push(Arc::clone(signaler));
        }
        self.watched.store(true, Ordering::SeqCst);
        signaler.send();
    }

    /// The poller no longer holds this socket.
    pub fn unwatch(&self, signaler: &Arc<Signaler>) {
        let mut w = self.watchers();
        w.retain(|x| !Arc::ptr_eq(x, signaler));
        self.watched.store(!w.is_empty(), Ordering::SeqCst);
    }

    /// The count of what may unblock a waiter of a thread-safe socket
    /// (see `wait_change`), and of commands sent.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The socket handled commands (or went away): threads waiting for a
    /// change look again.
    pub fn bump(&self) {
        {
            let _q = self.lock();
            self.generation.fetch_add(1, Ordering::Release);
        }
        // A waiter counted itself before it looked at the generation under
        // the lock: it either sees this change or is notified of it.
        if self.waiters.load(Ordering::SeqCst) > 0 {
            self.changed.notify_all();
        }
    }

    /// Waits, without taking any command, until the generation differs
    /// from `seen` or `deadline` passes (None: no limit). Several threads
    /// may wait at once: a thread-safe socket's callers wait here with the
    /// socket's lock released, then take the lock and look again.
    pub fn wait_change(&self, seen: u64, deadline: Option<Instant>) {
        self.waiters.fetch_add(1, Ordering::SeqCst);
        let mut q = self.lock();
        while self.generation.load(Ordering::Acquire) == seen {
            match deadline {
                None => q = self.changed.wait(q).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        break;
                    }
                    q = self
                        .changed
                        .wait_timeout(q, d - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
        drop(q);
        self.waiters.fetch_sub(1, Ordering::SeqCst);
    }

    /// Cheap check for the hot path: may a command be waiting?
    #[inline]
    pub fn has_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// The receiver takes commands to handle (`true`, before it takes
    /// them) or is done with them (`false`).
    pub fn handling(&self, on: bool) {
        self.handling.store(on, Ordering::SeqCst);
    }

    /// Another thread wrote to the wire for the receiver (see `wrote_for`).
    pub fn wrote_for_receiver(&self) {
        self.wrote_for.store(true, Ordering::Relaxed);
    }

    /// Whether another thread wrote for the receiver since the last call.
    pub fn take_wrote_for(&self) -> bool {
        self.wrote_for.load(Ordering::Relaxed) && self.wrote_for.swap(false, Ordering::Relaxed)
    }

    /// No command sent so far is waiting or being handled: whatever a
    /// sender did before (an unbind, a close) has taken effect.
    pub fn quiet(&self) -> bool {
        !self.pending.load(Ordering::SeqCst) && !self.handling.load(Ordering::SeqCst)
    }

    /// Every waiting command, moved into `out` (empty on entry) under one
    /// lock; false when there were none, which resets the signaler as
    /// `try_recv` finding the queue empty does.
    pub fn try_recv_all(&self, out: &mut VecDeque<Command>) -> bool {
        let mut q = self.lock();
        if q.cmds.is_empty() {
            self.found_empty(q);
            return false;
        }
        std::mem::swap(out, &mut q.cmds);
        true
    }

    /// The waiting commands `hold` does not hold back, moved into `out` in
    /// order; those it holds stay queued, in order, and the mailbox stays
    /// signalled for them (its fd readable) as if none had been taken.
    pub fn try_recv_except(&self, out: &mut Vec<Command>, hold: impl Fn(&Command) -> bool) {
        let mut q = self.lock();
        if q.cmds.iter().all(&hold) {
            if q.cmds.is_empty() {
                self.found_empty(q);
            }
            return;
        }
        let mut kept = VecDeque::with_capacity(q.cmds.len());
        for cmd in q.cmds.drain(..) {
            if hold(&cmd) {
                kept.push_back(cmd);
            } else {
                out.push(cmd);
            }
        }
        q.cmds = kept;
        if q.cmds.is_empty() {
            self.found_empty(q);
        }
    }

    /// The next command, without waiting. Finding the queue empty takes
    /// the signal back: at most one was raised since the last time, by the
    /// sender that found `pending` false (waited for if still on its way).
    pub fn try_recv(&self) -> Option<Command> {
        let mut q = self.lock();
        let cmd = q.cmds.pop_front();
        if cmd.is_none() {
            self.found_empty(q);
        }
        cmd
    }

    /// The receiver found the queue empty (`q` is its lock): it takes back
    /// the signal of the edge since last time, if the edge raised one.
    fn found_empty(&self, mut q: std::sync::MutexGuard<'_, Queue>) {
        self.pending.store(false, Ordering::SeqCst);
        let owed = std::mem::take(&mut q.signalled);
        drop(q);
        if owed {
            self.signaler.consume();
        }
    }

    /// The next command, waiting up to `timeout_ms` (-1: no limit; the
    /// wait may run over by up to `spin::SPIN`). None on timeout; EINTR
    /// when a signal interrupted the sleep (one that comes while the
    /// thread yields is not seen, as one just before poll(2) would not
    /// be). The thread spins before it sleeps when its recent waits were
    /// short (`spin`).
    pub fn recv(&self, timeout_ms: i32) -> Result<Option<Command>> {
        if let Some(cmd) = self.try_recv() {
            return Ok(Some(cmd));
        }
        if timeout_ms == 0 {
            return Ok(None);
        }
        // try_recv found the queue empty and reset `pending`: seeing it
        // set again means a command has come.
        let start = Instant::now();
        let spin = spin::budget();
        while start.elapsed() < spin {
            std::thread::yield_now();
            if self.has_pending() {
                spin::record(Some(start.elapsed()));
                return Ok(self.try_recv());
            }
        }
        let woken = if self.sleep() {
            Ok(true)
        } else {
            self.signaler.wait(timeout_ms)
        };
        self.woke();
        woken?;
        let cmd = self.try_recv();
        spin::record(cmd.is_some().then(|| start.elapsed()));
        Ok(cmd)
    }

    /// The receiver is about to sleep on the fd: from now on edges raise
    /// it. True when a command is pending already (then do not sleep).
    pub fn sleep(&self) -> bool {
        // SeqCst against `send`, which sets `pending` and then reads this.
        self.sleeping.store(true, Ordering::SeqCst);
        self.pending.load(Ordering::SeqCst)
    }

    /// The receiver is awake again (after `sleep`).
    pub fn woke(&self) {
        self.sleeping.store(false, Ordering::SeqCst);
    }

    /// The fd for a receiver that polls it itself and says when it sleeps
    /// on it (`sleep`/`woke`): unlike `fd()`, edges keep raising it only
    /// while it sleeps.
    pub fn own_fd(&self) -> std::os::fd::RawFd {
        self.signaler.fd()
    }

    /// The fd that becomes readable when a command arrives (ZMQ_FD). From
    /// the first call on, every edge raises it; an edge already pending
    /// without its signal gets it now.
    pub fn fd(&self) -> std::os::fd::RawFd {
        if !self.exported.swap(true, Ordering::SeqCst) {
            let raise = {
                let mut q = self.lock();
                let raise = self.pending.load(Ordering::SeqCst) && !q.signalled;
                q.signalled |= raise;
                raise
            };
            if raise {
                self.signaler.send();
            }
        }
        self.signaler.fd()
    }
}

/// A socket's or a session's pipe ends report to its mailbox: each event
/// becomes the command the owner's thread handles.
impl PipeEvents for Mailbox {
    fn activate_read(&self, key: u64) {
        self.send(Command::ActivateRead(key));
    }
    fn activate_write(&self, key: u64, msgs_read: u64) {
        self.send(Command::ActivateWrite(key, msgs_read));
    }
    fn hwm(&self, key: u64, inhwm: i32, outhwm: i32, boosts: Option<(u64, u64)>) {
        self.send(Command::PipeHwm {
            key,
            inhwm,
            outhwm,
            boosts,
        });
    }
    fn pipe_term(&self, key: u64) {
        self.send(Command::PipeTerm(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The queue is empty, and finding it so left no signal in the fd.
    fn ends_quiet(mb: &Mailbox) {
        assert!(mb.try_recv().is_none());
        assert!(
            !mb.signaler.wait(0).expect("poll"),
            "a signal was left over"
        );
    }

    /// Senders racing a receiver that waits on the fd: every command
    /// arrives and the receiver never sleeps with one queued (the lost
    /// wake-up a coalescing eventfd read caused). Ends with the fd quiet.
    #[test]
    fn racing_senders_lose_no_wakeup() {
        const SENDERS: u64 = 4;
        const EACH: u64 = 20_000;
        let mb = Arc::new(Mailbox::new().expect("mailbox"));
        let threads: Vec<_> = (0..SENDERS)
            .map(|_| {
                let mb = Arc::clone(&mb);
                std::thread::spawn(move || {
                    for i in 0..EACH {
                        mb.send(Command::ActivateRead(i));
                        if i % 64 == 0 {
                            std::thread::yield_now();
                        }
                    }
                })
            })
            .collect();
        let mut got = 0;
        while got < SENDERS * EACH {
            // A generous timeout: hitting it means a wake-up was lost.
            match mb.recv(5_000).expect("recv") {
                Some(_) => got += 1,
                None => panic!("receiver slept with {got} of {} received", SENDERS * EACH),
            }
        }
        for t in threads {
            t.join().expect("sender");
        }
        ends_quiet(&mb);
    }

    /// An edge while the receiver is awake and nobody asked for the fd
    /// raises no signal (no syscall either side); a receiver asleep in
    /// `recv` is woken.
    #[test]
    fn only_sleepers_and_fd_holders_are_signalled() {
        let mb = Arc::new(Mailbox::new().expect("mailbox"));
        mb.send(Command::ActivateRead(1));
        assert!(!mb.signaler.wait(0).expect("poll"), "raised for nobody");
        assert!(mb.try_recv().is_some());
        assert!(mb.try_recv().is_none());
        let sender = {
            let mb = Arc::clone(&mb);
            std::thread::spawn(move || {
                // Long past any spin: the receiver is asleep on the fd by then.
                std::thread::sleep(std::time::Duration::from_millis(50));
                mb.send(Command::ActivateRead(2));
            })
        };
        assert!(mb.recv(5_000).expect("recv").is_some(), "sleeper not woken");
        sender.join().expect("sender");
        ends_quiet(&mb);
    }

    /// Asking for the fd with an edge pending raises it (a ZMQ_FD holder
    /// would otherwise wait for a signal nobody sent); afterwards every
    /// edge does, and finding the queue empty takes it back.
    #[test]
    fn asking_for_the_fd_raises_a_pending_edge() {
        let mb = Mailbox::new().expect("mailbox");
        mb.send(Command::ActivateRead(1));
        assert!(!mb.signaler.wait(0).expect("poll"));
        mb.fd();
        assert!(
            mb.signaler.wait(0).expect("poll"),
            "pending edge not raised"
        );
        assert!(mb.try_recv().is_some());
        ends_quiet(&mb);
        mb.send(Command::ActivateRead(2));
        assert!(
            mb.signaler.wait(0).expect("poll"),
            "edge after fd() not raised"
        );
        assert!(mb.try_recv().is_some());
        ends_quiet(&mb);
    }
}
