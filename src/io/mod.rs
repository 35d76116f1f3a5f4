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
pub(crate) mod spin;
pub mod thread;
pub mod udp;
pub mod zap;
