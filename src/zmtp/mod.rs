//! TEMPORARY stand-in (being written): the sans-IO ZMTP connection.
use crate::msg::Msg;
use std::io::IoSlice;

pub struct Config {
    pub socket_type: i32,
    pub routing_id: Vec<u8>,
    pub as_server: bool,
    pub metadata: Vec<(Vec<u8>, Vec<u8>)>,
    pub maxmsgsize: i64,
    pub recv_routing_id: bool,
}

#[derive(Debug)]
pub struct ProtocolError;
impl ProtocolError {
    pub fn code(&self) -> i32 {
        0
    }
}

pub enum Event {
    HandshakeSucceeded {
        peer_socket_type: i32,
        peer_routing_id: Vec<u8>,
        properties: Vec<(String, Vec<u8>)>,
        version: (u8, u8),
    },
    Message(Msg),
    Subscribe(Vec<u8>),
    Cancel(Vec<u8>),
    Ping {
        ttl_ds: u16,
        context: Vec<u8>,
    },
    Pong {
        context: Vec<u8>,
    },
    Error(Vec<u8>),
}

pub struct Connection {
    buf: Vec<u8>,
}

impl Connection {
    pub fn new(_cfg: Config) -> Connection {
        Connection { buf: vec![0; 8192] }
    }
    pub fn read_buffer(&mut self) -> &mut [u8] {
        &mut self.buf
    }
    pub fn advance(&mut self, _n: usize) -> Result<(), ProtocolError> {
        Err(ProtocolError)
    }
    pub fn poll_event(&mut self) -> Option<Event> {
        None
    }
    pub fn send(&mut self, _msg: Msg) {}
    pub fn send_ping(&mut self, _ttl_ds: u16, _context: &[u8]) {}
    pub fn send_pong(&mut self, _context: &[u8]) {}
    pub fn output(&self) -> Vec<IoSlice<'_>> {
        Vec::new()
    }
    pub fn consumed(&mut self, _n: usize) {}
    pub fn has_output(&self) -> bool {
        false
    }
    pub fn is_handshake_done(&self) -> bool {
        false
    }
}
