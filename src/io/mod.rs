//! I/O: mailboxes and signalers (how threads wake each other) and the I/O
//! threads that will own every connection's fd.

pub mod mailbox;
pub mod raw;
pub mod session;
pub mod signaler;
pub mod thread;
