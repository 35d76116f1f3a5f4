//! Mailbox: how threads send commands to a socket (or an I/O thread).
//!
//! Many senders, one receiver. Commands are rare next to messages (a wake-up
//! only when a reader had gone to sleep, HWM credit every few hundred
//! messages, attach and terminate), so a mutex-guarded queue is enough; the
//! hot path only ever reads the `pending` flag. The signaler is raised on the
//! empty to non-empty edge and reset when the receiver finds the queue
//! empty, which gives ZMQ_FD libzmq's edge-triggered meaning.

use super::signaler::Signaler;
use crate::command::Command;
use crate::error::Result;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

#[derive(Debug)]
pub struct Mailbox {
    queue: Mutex<VecDeque<Command>>,
    /// True from the first queued command until the receiver finds the
    /// queue empty.
    pending: AtomicBool,
    signaler: Signaler,
}

impl Mailbox {
    pub fn new() -> Result<Mailbox> {
        Ok(Mailbox {
            queue: Mutex::new(VecDeque::new()),
            pending: AtomicBool::new(false),
            signaler: Signaler::new()?,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Command>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn send(&self, cmd: Command) {
        let mut q = self.lock();
        q.push_back(cmd);
        if !self.pending.swap(true, Ordering::AcqRel) {
            self.signaler.send();
        }
    }

    /// Cheap check for the hot path: may a command be waiting?
    #[inline]
    pub fn has_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Every waiting command, moved into `out` (empty on entry) under one
    /// lock; false when there were none, which resets the signaler as
    /// `try_recv` finding the queue empty does.
    pub fn try_recv_all(&self, out: &mut VecDeque<Command>) -> bool {
        let mut q = self.lock();
        if q.is_empty() {
            if self.pending.swap(false, Ordering::AcqRel) {
                self.signaler.reset();
            }
            return false;
        }
        std::mem::swap(out, &mut *q);
        true
    }

    /// The next command, without waiting. Finding the queue empty resets the
    /// signaler.
    pub fn try_recv(&self) -> Option<Command> {
        let mut q = self.lock();
        let cmd = q.pop_front();
        if cmd.is_none() && self.pending.swap(false, Ordering::AcqRel) {
            self.signaler.reset();
        }
        cmd
    }

    /// The next command, waiting up to `timeout_ms` (-1: no limit). None on
    /// timeout; EINTR when a signal interrupted the wait.
    pub fn recv(&self, timeout_ms: i32) -> Result<Option<Command>> {
        if let Some(cmd) = self.try_recv() {
            return Ok(Some(cmd));
        }
        if timeout_ms == 0 {
            return Ok(None);
        }
        self.signaler.wait(timeout_ms)?;
        Ok(self.try_recv())
    }

    /// The fd that becomes readable when a command arrives (ZMQ_FD).
    pub fn fd(&self) -> std::os::fd::RawFd {
        self.signaler.fd()
    }
}
