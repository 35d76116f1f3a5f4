//! Waiting on several sockets and plain fds at once: the loop behind
//! `zmq_poll`, `zmq_ppoll`, `zmq_poller_wait*` and the proxy.
//!
//! It works on sockets the caller has already resolved (the C boundary
//! turns handles into `&mut Socket`, each distinct socket once, and items
//! name them by index, so a socket listed twice is still borrowed once).
//! A socket is polled through its mailbox fd (readable when commands wait)
//! and ZMQ_EVENTS: the first pass looks without waiting; later passes wait
//! on the fds, then ask each socket again, until something is ready or the
//! timeout ends. Plain fds are polled as they are.

use crate::constants::{ZMQ_POLLERR, ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLPRI};
use crate::error::Result;
use crate::io::signaler::wait_fds;
use crate::io::spin;
use crate::socket::Socket;
use libc::{c_int, c_short, pollfd};
use std::time::{Duration, Instant};

/// What one item watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The socket at this index of the sockets passed to `poll`.
    Socket(usize),
    /// A plain file descriptor.
    Fd(c_int),
}

/// One thing to poll and the ZMQ_POLL* events wanted of it.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub source: Source,
    pub events: c_short,
}

fn to_poll_events(ev: c_short) -> c_short {
    let ev = ev as c_int;
    let mut out = 0;
    if ev & ZMQ_POLLIN != 0 {
        out |= libc::POLLIN;
    }
    if ev & ZMQ_POLLOUT != 0 {
        out |= libc::POLLOUT;
    }
    if ev & ZMQ_POLLPRI != 0 {
        out |= libc::POLLPRI;
    }
    out
}

fn from_poll_events(rev: c_short) -> c_short {
    let mut out = 0;
    if rev & libc::POLLIN != 0 {
        out |= ZMQ_POLLIN;
    }
    if rev & libc::POLLOUT != 0 {
        out |= ZMQ_POLLOUT;
    }
    if rev & libc::POLLPRI != 0 {
        out |= ZMQ_POLLPRI;
    }
    if rev & !(libc::POLLIN | libc::POLLOUT | libc::POLLPRI) != 0 {
        out |= ZMQ_POLLERR;
    }
    out as c_short
}

/// Polls `items`, writing each one's ready events into `revents`; returns
/// how many are ready. `timeout_ms` < 0 waits without limit. `sigmask`, when
/// given, is in force while the thread waits (`zmq_ppoll`). An item whose
/// socket index is out of range is an error of the caller (EINVAL).
pub fn poll(
    sockets: &mut [&mut Socket],
    items: &[Item],
    revents: &mut [c_short],
    timeout_ms: i64,
    sigmask: Option<&libc::sigset_t>,
) -> Result<usize> {
    let mut fds = Vec::with_capacity(items.len());
    for item in items {
        fds.push(match item.source {
            Source::Fd(fd) => pollfd {
                fd,
                events: to_poll_events(item.events),
                revents: 0,
            },
            Source::Socket(i) => pollfd {
                fd: sockets.get(i).ok_or(crate::error::Error::EINVAL)?.fd(),
                events: if item.events != 0 { libc::POLLIN } else { 0 },
                revents: 0,
            },
        });
    }
    let deadline =
        (timeout_ms > 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
    // After a first look finds nothing, the thread may yield for a while
    // before it sleeps in ppoll, as a blocking receive does (`io::spin`):
    // when its recent waits were short, the reply of a round trip usually
    // comes sooner than a sleeping thread wakes. Not for zmq_ppoll with a
    // signal mask, whose mask must be in force whenever it waits.
    let start = Instant::now();
    let spin_until = (timeout_ms != 0 && sigmask.is_none()).then(|| start + spin::budget());
    let has_fds = items.iter().any(|i| matches!(i.source, Source::Fd(_)));
    let mut first = true;
    loop {
        let spinning = !first && spin_until.is_some_and(|t| Instant::now() < t);
        let wait: Option<Duration> = if first || spinning {
            Some(Duration::ZERO)
        } else {
            deadline.map(|d| d.saturating_duration_since(Instant::now()))
        };
        if spinning {
            std::thread::yield_now();
        }
        // Sockets' readiness comes from their state, not their fds: a spin
        // over sockets alone needs no system call.
        if !spinning || has_fds {
            wait_fds(&mut fds, wait, sigmask)?;
        }
        let mut ready = 0;
        for ((item, fd), rev) in items.iter().zip(&fds).zip(revents.iter_mut()) {
            let ev = match item.source {
                Source::Fd(_) => from_poll_events(fd.revents),
                Source::Socket(i) => {
                    let s = sockets.get_mut(i).ok_or(crate::error::Error::EINVAL)?;
                    (s.events()? as c_short) & item.events & (ZMQ_POLLIN | ZMQ_POLLOUT) as c_short
                }
            };
            *rev = ev;
            if ev != 0 {
                ready += 1;
            }
        }
        if ready > 0 || timeout_ms == 0 {
            if !first {
                spin::record(Some(start.elapsed()));
            }
            return Ok(ready);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            spin::record(None);
            return Ok(0);
        }
        first = false;
    }
}

/// Sleeps for `timeout_ms` (without limit when negative) with nothing to
/// watch, as `zmq_poll` does with no items.
pub fn sleep(timeout_ms: i64, sigmask: Option<&libc::sigset_t>) -> Result<()> {
    poll(&mut [], &[], &mut [], timeout_ms, sigmask).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_translate_both_ways() {
        let all = (ZMQ_POLLIN | ZMQ_POLLOUT | ZMQ_POLLPRI) as c_short;
        assert_eq!(
            to_poll_events(all),
            libc::POLLIN | libc::POLLOUT | libc::POLLPRI
        );
        assert_eq!(from_poll_events(libc::POLLIN), ZMQ_POLLIN as c_short);
        assert_eq!(from_poll_events(libc::POLLHUP), ZMQ_POLLERR as c_short);
    }

    #[test]
    fn plain_fds_and_timeouts() {
        let mut p = [0 as c_int; 2];
        // SAFETY: a two-int array for pipe(2).
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        let items = [Item {
            source: Source::Fd(p[0]),
            events: ZMQ_POLLIN as c_short,
        }];
        let mut rev = [0; 1];
        assert_eq!(poll(&mut [], &items, &mut rev, 0, None).unwrap(), 0);
        assert_eq!(poll(&mut [], &items, &mut rev, 5, None).unwrap(), 0);
        // SAFETY: writes one byte from a live buffer to our pipe.
        assert_eq!(unsafe { libc::write(p[1], b"x".as_ptr().cast(), 1) }, 1);
        assert_eq!(poll(&mut [], &items, &mut rev, -1, None).unwrap(), 1);
        assert_eq!(rev[0], ZMQ_POLLIN as c_short);
        let bad = [Item {
            source: Source::Socket(0),
            events: ZMQ_POLLIN as c_short,
        }];
        assert!(poll(&mut [], &bad, &mut rev, 0, None).is_err());
        // SAFETY: our own fds, closed once.
        unsafe {
            libc::close(p[0]);
            libc::close(p[1]);
        }
    }
}
