//! `zmq_proxy` / `zmq_proxy_steerable`: shuttle whole messages between a
//! frontend and a backend socket, copying each part to an optional capture
//! socket, steered by an optional control socket (PAUSE, RESUME, TERMINATE,
//! STATISTICS).
//!
//! Sockets are named by their C handles and borrowed afresh for each call,
//! because frontend and backend may be one socket.

use crate::error::{Error, Result};
use crate::ffi::constants::{ZMQ_DONTWAIT, ZMQ_POLLIN, ZMQ_REP, ZMQ_SNDMORE};
use crate::ffi::poll::{poll, Item};
use crate::ffi::socket::socket_of;
use crate::msg::Msg;
use libc::c_void;

/// Message and byte counts of one socket, as STATISTICS reports them.
#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    msg_in: u64,
    bytes_in: u64,
    msg_out: u64,
    bytes_out: u64,
}

/// Moves one whole message from `from` to `to`, copying to `capture`.
///
/// # Safety
/// Handles as in `run`.
unsafe fn forward(
    from: *mut c_void,
    to: *mut c_void,
    capture: *mut c_void,
    stats_from: &mut Stats,
    stats_to: &mut Stats,
) -> Result<()> {
    loop {
        // SAFETY: a live socket of this thread (checked by the caller).
        let mut msg = unsafe { socket_of(from) }?.recv(ZMQ_DONTWAIT)?;
        let more = msg.more();
        let size = msg.size() as u64;
        let flags = if more { ZMQ_SNDMORE } else { 0 };
        if !capture.is_null() {
            let mut copy = msg.share();
            // SAFETY: as above.
            unsafe { socket_of(capture) }?.send(&mut copy, flags)?;
        }
        // SAFETY: as above.
        unsafe { socket_of(to) }?.send(&mut msg, flags)?;
        // Counted per frame, as libzmq 4.3.5 does.
        stats_from.msg_in += 1;
        stats_to.msg_out += 1;
        stats_from.bytes_in += size;
        stats_to.bytes_out += size;
        if !more {
            return Ok(());
        }
    }
}

/// What the control socket asked for.
enum Control {
    Pause,
    Resume,
    Terminate,
    Statistics,
    Unknown,
}

/// # Safety
/// Handles as in `run`.
unsafe fn read_control(control: *mut c_void) -> Result<Control> {
    // SAFETY: as in `run`.
    let s = unsafe { socket_of(control) }?;
    let msg = s.recv(ZMQ_DONTWAIT)?;
    let cmd = match msg.data() {
        b"PAUSE" => Control::Pause,
        b"RESUME" => Control::Resume,
        b"TERMINATE" => Control::Terminate,
        b"STATISTICS" => Control::Statistics,
        _ => Control::Unknown,
    };
    // A REP control socket owes an answer to every command: STATISTICS has
    // its own, the others an empty message. Other control sockets (PAIR,
    // SUB) get none, as in libzmq after 4.3.5 (4.3.5 answered on any
    // socket, which a SUB cannot do).
    if !matches!(cmd, Control::Statistics) && s.socket_type == ZMQ_REP {
        s.send(&mut Msg::new(), 0)?;
    }
    Ok(cmd)
}

/// Runs the proxy until the context terminates (ETERM) or TERMINATE.
///
/// # Safety
/// Each non-NULL handle must be a handle this library returned, used by no
/// other thread while the proxy runs.
pub unsafe fn run(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> Result<()> {
    if frontend.is_null() || backend.is_null() {
        return Err(Error::EFAULT);
    }
    for s in [frontend, backend] {
        // SAFETY: forwarded from the caller.
        unsafe { socket_of(s) }?;
    }
    for s in [capture, control] {
        if !s.is_null() {
            // SAFETY: forwarded from the caller.
            unsafe { socket_of(s) }?;
        }
    }
    let item = |socket| Item {
        socket,
        fd: -1,
        events: ZMQ_POLLIN as libc::c_short,
        user_data: std::ptr::null_mut(),
    };
    let mut items = vec![item(frontend)];
    if backend != frontend {
        items.push(item(backend));
    }
    if !control.is_null() {
        items.push(item(control));
    }
    let mut front_stats = Stats::default();
    let mut back_stats = Stats::default();
    let mut paused = false;
    let mut revents = vec![0; items.len()];
    loop {
        // SAFETY: forwarded from the caller.
        unsafe { poll(&items, &mut revents, -1, std::ptr::null()) }?;
        let ready = |s: *mut c_void| {
            items
                .iter()
                .zip(&revents)
                .any(|(i, &r)| i.socket == s && r != 0)
        };
        if !control.is_null() && ready(control) {
            // SAFETY: forwarded from the caller.
            match unsafe { read_control(control) } {
                Ok(Control::Pause) => paused = true,
                Ok(Control::Resume) => paused = false,
                Ok(Control::Terminate) => return Ok(()),
                Ok(Control::Statistics) => {
                    let values = [
                        front_stats.msg_in,
                        front_stats.bytes_in,
                        front_stats.msg_out,
                        front_stats.bytes_out,
                        back_stats.msg_in,
                        back_stats.bytes_in,
                        back_stats.msg_out,
                        back_stats.bytes_out,
                    ];
                    // SAFETY: forwarded from the caller.
                    let s = unsafe { socket_of(control) }?;
                    for (i, v) in values.iter().enumerate() {
                        let mut m = Msg::from_slice(&v.to_ne_bytes())?;
                        s.send(&mut m, if i + 1 < values.len() { ZMQ_SNDMORE } else { 0 })?;
                    }
                }
                Ok(Control::Unknown) => {}
                Err(Error::EAGAIN) => {}
                Err(e) => return Err(e),
            }
        }
        if paused {
            continue;
        }
        let mut pairs = vec![(frontend, backend, true)];
        if backend != frontend {
            pairs.push((backend, frontend, false));
        }
        for (from, to, from_front) in pairs {
            if !ready(from) {
                continue;
            }
            let (sf, st) = if from_front {
                (&mut front_stats, &mut back_stats)
            } else {
                (&mut back_stats, &mut front_stats)
            };
            let mut one = Stats::default();
            let mut other = Stats::default();
            let r = if from == to {
                // SAFETY: forwarded from the caller.
                unsafe { forward(from, to, capture, &mut one, &mut other) }
            } else {
                // SAFETY: forwarded from the caller.
                unsafe { forward(from, to, capture, sf, st) }
            };
            if from == to {
                sf.msg_in += one.msg_in;
                sf.bytes_in += one.bytes_in;
                sf.msg_out += other.msg_out;
                sf.bytes_out += other.bytes_out;
            }
            match r {
                Ok(()) | Err(Error::EAGAIN) => {}
                Err(e) => return Err(e),
            }
        }
    }
}
