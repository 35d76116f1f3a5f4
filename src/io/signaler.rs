//! Signaler: an eventfd that one thread raises and another waits on. It is
//! the readable fd behind ZMQ_FD.

use crate::error::{Error, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

#[derive(Debug)]
pub struct Signaler {
    fd: OwnedFd,
    /// The process that made it: a child made by fork(2) shares the
    /// eventfd with its parent, which may take the signal first.
    pid: u32,
}

impl Signaler {
    pub fn new() -> Result<Signaler> {
        // SAFETY: plain syscall; the result is checked.
        // A semaphore: each read takes one signal, so two raised close
        // together (the second after the receiver took the first edge's
        // `pending`) are never taken by one read.
        let fd = unsafe {
            libc::eventfd(
                0,
                libc::EFD_NONBLOCK | libc::EFD_CLOEXEC | libc::EFD_SEMAPHORE,
            )
        };
        if fd < 0 {
            return Err(Error(errno::errno().0));
        }
        // SAFETY: a fresh fd we own.
        Ok(Signaler {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            pid: std::process::id(),
        })
    }

    /// Makes the fd readable. In a child made by fork(2) it does nothing:
    /// the eventfd is the parent's, which would find a signal nobody owes
    /// it (libzmq's signaler stands aside in a child as well).
    pub fn send(&self) {
        if std::process::id() != self.pid {
            return;
        }
        let one: u64 = 1;
        loop {
            // SAFETY: writes 8 bytes from a live u64.
            let rc = unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
            if rc == 8 || errno::errno().0 != libc::EINTR {
                return;
            }
        }
    }

    /// Takes the signal a sender owes, waiting for it if it has not landed
    /// yet (the sender raises it just after leaving the mailbox's lock).
    pub fn consume(&self) {
        // A child takes no signal: it would be one the parent owes itself.
        if std::process::id() != self.pid {
            return;
        }
        loop {
            let mut value: u64 = 0;
            // SAFETY: reads at most 8 bytes into a live u64.
            let rc = unsafe { libc::read(self.fd.as_raw_fd(), (&mut value as *mut u64).cast(), 8) };
            if rc == 8 {
                return;
            }
            match errno::errno().0 {
                libc::EINTR => {}
                libc::EAGAIN => {
                    let _ = self.wait(-1);
                }
                _ => return,
            }
        }
    }

    /// Waits until the fd is readable or `timeout_ms` passes (-1: no
    /// limit). Ok(true) when signalled, Ok(false) on timeout, EINTR when a
    /// signal interrupted the wait.
    pub fn wait(&self, timeout_ms: i32) -> Result<bool> {
        let mut pfd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
        if rc < 0 {
            return Err(Error(errno::errno().0));
        }
        Ok(rc > 0)
    }

    /// Takes every signal raised so far, without waiting: the fd is not
    /// readable afterwards until the next `send`.
    pub fn drain(&self) {
        loop {
            let mut value: u64 = 0;
            // SAFETY: reads at most 8 bytes into a live u64.
            let rc = unsafe { libc::read(self.fd.as_raw_fd(), (&mut value as *mut u64).cast(), 8) };
            if rc != 8 && errno::errno().0 != libc::EINTR {
                return;
            }
        }
    }

    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// Waits with ppoll(2) until one of `fds` is ready or `wait` has passed
/// (None: without limit), with `sigmask` in force meanwhile when given;
/// returns how many are ready. EINTR and the other errors of ppoll are
/// returned as they come.
pub(crate) fn wait_fds(
    fds: &mut [libc::pollfd],
    wait: Option<std::time::Duration>,
    sigmask: Option<&libc::sigset_t>,
) -> Result<usize> {
    let ts = wait.map(|w| libc::timespec {
        tv_sec: w.as_secs() as libc::time_t,
        tv_nsec: w.subsec_nanos() as libc::c_long,
    });
    let tsp = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    let mask = sigmask.map_or(std::ptr::null(), |m| m as *const libc::sigset_t);
    // SAFETY: `fds` is a live array of `fds.len()` pollfds; `tsp` and
    // `mask` are NULL or point to live values.
    let rc = unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, tsp, mask) };
    if rc < 0 {
        return Err(Error(errno::errno().0));
    }
    Ok(rc as usize)
}
