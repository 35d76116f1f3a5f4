//! The raw wire of STREAM sockets: no ZMTP, every read is one message and
//! every message is written as it is. An empty message from the socket asks
//! to close the connection.

use crate::msg::Msg;
use crate::zmtp::Event;
use std::collections::VecDeque;
use std::io::IoSlice;

/// Bytes read at most per message.
const READ_SIZE: usize = 8192;

#[derive(Debug)]
pub struct RawWire {
    buf: Vec<u8>,
    events: VecDeque<Event>,
    out: VecDeque<Msg>,
    /// Bytes of `out[0]` already written.
    offset: usize,
    /// Bytes of `out` not yet written.
    pending: usize,
}

impl RawWire {
    /// A raw connection: "handshake" done at once (the socket learns of the
    /// peer right away).
    pub fn new() -> RawWire {
        let mut events = VecDeque::new();
        events.push_back(Event::HandshakeSucceeded {
            peer_socket_type: crate::constants::ZMQ_STREAM,
            peer_routing_id: Vec::new(),
            properties: Vec::new(),
            version: (0, 0),
        });
        RawWire {
            buf: vec![0; READ_SIZE],
            events,
            out: VecDeque::new(),
            offset: 0,
            pending: 0,
        }
    }

    pub fn read_buffer(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    pub fn advance(&mut self, n: usize) {
        if let Some(data) = self.buf.get(..n) {
            if let Ok(m) = Msg::from_slice(data) {
                self.events.push_back(Event::Message(m));
            }
        }
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    pub fn send(&mut self, msg: Msg) {
        if msg.size() > 0 {
            self.pending += msg.size();
            self.out.push_back(msg);
        }
    }

    /// The pending output, at most `limit` octets of it, as slices for
    /// `writev` in the caller's array; returns how many were filled.
    pub fn output_upto<'a>(&'a self, out: &mut [IoSlice<'a>], mut limit: usize) -> usize {
        let mut n = 0;
        for (slot, m) in out.iter_mut().zip(&self.out) {
            if limit == 0 {
                break;
            }
            let data = m.data();
            let from = if n == 0 {
                self.offset.min(data.len())
            } else {
                0
            };
            let part = &data[from..data.len().min(from.saturating_add(limit))];
            *slot = IoSlice::new(part);
            limit -= part.len();
            n += 1;
        }
        n
    }

    pub fn consumed(&mut self, mut n: usize) {
        self.pending = self.pending.saturating_sub(n);
        while n > 0 {
            let Some(front) = self.out.front() else {
                return;
            };
            let left = front.size() - self.offset;
            if n >= left {
                n -= left;
                self.out.pop_front();
                self.offset = 0;
            } else {
                self.offset += n;
                n = 0;
            }
        }
    }

    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    /// Bytes of output pending.
    pub fn output_len(&self) -> usize {
        self.pending
    }
}

impl Default for RawWire {
    fn default() -> Self {
        RawWire::new()
    }
}
