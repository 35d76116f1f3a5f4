//! zmqrs: libzmq rewritten in Rust, behind libzmq's own C ABI.
//!
//! The C API lives in `ffi` (one file per API family); everything under it
//! is safe Rust that returns `error::Result`. `docs/ARCHITECTURE.md` draws
//! the layers; `docs/STATUS.md` says what works and which test proves it.

pub mod clock;
pub mod command;
pub mod constants;
pub mod ctx;
pub mod error;
pub mod ffi;
pub mod io;
pub mod keys;
pub mod monitor;
pub mod msg;
pub mod pipe;
pub mod poll;
pub mod proxy;
pub mod socket;
pub mod timers;
pub mod transport;
pub mod z85;
pub mod zmtp;
