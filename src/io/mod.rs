//! I/O: mailboxes and signalers (how threads wake each other), the I/O
//! threads that own every connection's fd, and what runs in them:
//! sessions (pipe to wire), engines (one live connection), connecters
//! (reaching the peer, reconnecting), the ZAP client, and udp endpoints.

pub mod connecter;
pub mod engine;
pub mod mailbox;
pub mod raw;
pub mod session;
pub mod signaler;
pub mod thread;
pub mod udp;
pub mod zap;

use std::time::Duration;

/// How long a thread that has run out of work (an application thread
/// whose socket's mailbox is empty, an I/O thread whose last poll found
/// nothing) keeps its CPU, yielding it to any other runnable thread, before
/// it goes to sleep. Waking a sleeping thread costs its waker tens of
/// microseconds on these virtual machines, paid at every hand-off of a
/// round trip and by every subscriber that drained its pipe; the answer or
/// the next batch usually comes sooner than this. Yielding rather than
/// busy-waiting lets the thread that will produce the work (the peer's I/O
/// thread, a publisher sharing the core) run first. The price is at most
/// this much CPU each time a thread runs out of work.
pub(crate) const SPIN: Duration = Duration::from_micros(50);
