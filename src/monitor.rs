//! Socket monitoring (`zmq_socket_monitor`, `_versioned`): events about a
//! socket's connections, sent as messages from an internal PAIR socket bound
//! to the address the application gave. Any thread (the socket's own, an
//! I/O thread) may emit; the monitor socket sits behind a mutex.

use crate::constants::*;
use crate::msg::Msg;
use crate::socket::Socket;
use std::sync::{Arc, Mutex};

/// One monitor: the PAIR socket, the events wanted, the format version.
pub struct Monitor {
    socket: Mutex<Option<Socket>>,
    events: u64,
    version: i32,
}

/// A socket's monitor slot, shared with its sessions: replaced or cleared
/// when the application starts or stops monitoring.
pub type MonitorSlot = Arc<Mutex<Option<Arc<Monitor>>>>;

impl Monitor {
    pub fn new(socket: Socket, events: u64, version: i32) -> Monitor {
        Monitor {
            socket: Mutex::new(Some(socket)),
            events,
            version,
        }
    }

    /// Sends one event unless it is not wanted; never blocks (an event the
    /// monitor's reader has no room for is dropped). Version 1 carries one
    /// endpoint: the local one for bind-side events, else the remote one.
    pub fn emit(&self, event: u64, values: &[u64], ep: &Endpoints<'_>) {
        let (local, remote) = (ep.local, ep.remote);
        if self.events & event == 0 {
            return;
        }
        let mut guard = self.socket.lock().unwrap_or_else(|e| e.into_inner());
        let Some(s) = guard.as_mut() else {
            return;
        };
        let mut parts: Vec<Msg> = Vec::new();
        if self.version == 1 {
            let mut head = Vec::with_capacity(6);
            head.extend_from_slice(&(event as u16).to_ne_bytes());
            head.extend_from_slice(&(values.first().copied().unwrap_or(0) as u32).to_ne_bytes());
            parts.extend(Msg::from_slice(&head));
            let one = if ep.bind { local } else { remote };
            parts.extend(Msg::from_slice(one.as_bytes()));
        } else {
            parts.extend(Msg::from_slice(&event.to_ne_bytes()));
            parts.extend(Msg::from_slice(&(values.len() as u64).to_ne_bytes()));
            for v in values {
                parts.extend(Msg::from_slice(&v.to_ne_bytes()));
            }
            parts.extend(Msg::from_slice(local.as_bytes()));
            parts.extend(Msg::from_slice(remote.as_bytes()));
        }
        let n = parts.len();
        for (i, mut m) in parts.into_iter().enumerate() {
            let more = if i + 1 < n { ZMQ_SNDMORE } else { 0 };
            if s.send(&mut m, more | ZMQ_DONTWAIT).is_err() {
                return;
            }
        }
    }

    pub fn wants(&self, event: u64) -> bool {
        self.events & event != 0
    }

    /// Sends MONITOR_STOPPED and closes the monitor socket.
    pub fn stop(&self) {
        self.emit(
            ZMQ_EVENT_MONITOR_STOPPED as u64,
            &[0],
            &Endpoints::bound(""),
        );
        let socket = self.socket.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(s) = socket {
            s.close();
        }
    }
}

/// The endpoints an event is about.
#[derive(Debug, Clone, Copy)]
pub struct Endpoints<'a> {
    pub local: &'a str,
    pub remote: &'a str,
    /// Bind side (listener, accepted connection) or connect side.
    pub bind: bool,
}

impl<'a> Endpoints<'a> {
    /// A listener's endpoint (no remote).
    pub fn bound(local: &'a str) -> Self {
        Endpoints {
            local,
            remote: "",
            bind: true,
        }
    }
}

/// Emits through a socket's monitor slot, if it has a monitor.
pub fn emit(slot: &MonitorSlot, event: i32, value: u64, ep: &Endpoints<'_>) {
    let m = slot.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(m) = m {
        m.emit(event as u32 as u64, &[value], ep);
    }
}
