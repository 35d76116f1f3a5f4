//! A SOCKS5 client (RFC 1928, with RFC 1929 username/password), sans-IO:
//! the greeting, the optional authentication and the CONNECT request a tcp
//! connection makes through ZMQ_SOCKS_PROXY before its ZMTP greeting.
//! Names are sent to the proxy unresolved, as libzmq does.

use crate::error::{Error, Result};
use std::net::IpAddr;

#[derive(Debug, PartialEq, Eq)]
enum State {
    /// Greeting sent; waiting for the method choice (2 bytes).
    Choice,
    /// Username/password sent; waiting for its status (2 bytes).
    Auth,
    /// CONNECT sent; waiting for the reply.
    Reply,
    Done,
}

#[derive(Debug)]
pub struct Socks5 {
    state: State,
    out: Vec<u8>,
    input: Vec<u8>,
    basic_auth: bool,
    username: Vec<u8>,
    password: Vec<u8>,
    request: Vec<u8>,
}

/// The CONNECT request for "host:port" (host a literal or a name).
fn connect_request(target: &str) -> Result<Vec<u8>> {
    let (host, port) = target.rsplit_once(':').ok_or(Error::EINVAL)?;
    let port: u16 = port.parse().map_err(|_| Error::EINVAL)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut req = vec![5, 1, 0];
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => {
            req.push(1);
            req.extend_from_slice(&a.octets());
        }
        Ok(IpAddr::V6(a)) => {
            req.push(4);
            req.extend_from_slice(&a.octets());
        }
        Err(_) => {
            let name = host.as_bytes();
            if name.is_empty() || name.len() > 255 {
                return Err(Error::EINVAL);
            }
            req.push(3);
            req.push(name.len() as u8);
            req.extend_from_slice(name);
        }
    }
    req.extend_from_slice(&port.to_be_bytes());
    Ok(req)
}

impl Socks5 {
    /// A client for `target` ("host:port"); username/password
    /// authentication when a username is set.
    pub fn new(target: &str, username: &[u8], password: &[u8]) -> Result<Socks5> {
        let basic_auth = !username.is_empty();
        let method = if basic_auth { 2 } else { 0 };
        Ok(Socks5 {
            state: State::Choice,
            out: vec![5, 1, method],
            input: Vec::new(),
            basic_auth,
            username: username.to_vec(),
            password: password.to_vec(),
            request: connect_request(target)?,
        })
    }

    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Bytes to send now.
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    pub fn consumed(&mut self, n: usize) {
        self.out.drain(..n.min(self.out.len()));
    }

    /// Bytes read from the proxy. Err on a refusal or a malformed reply.
    /// Reads no byte beyond the reply, so what follows is ZMTP.
    pub fn feed(&mut self, data: &[u8]) -> Result<()> {
        self.input.extend_from_slice(data);
        loop {
            match self.state {
                State::Choice => {
                    let Some(choice) = self.take(2) else {
                        return Ok(());
                    };
                    let wanted = if self.basic_auth { 2 } else { 0 };
                    if choice[0] != 5 || choice[1] != wanted {
                        return Err(Error(libc::ECONNREFUSED));
                    }
                    if self.basic_auth {
                        let mut auth = vec![1, self.username.len().min(255) as u8];
                        auth.extend_from_slice(&self.username[..self.username.len().min(255)]);
                        auth.push(self.password.len().min(255) as u8);
                        auth.extend_from_slice(&self.password[..self.password.len().min(255)]);
                        self.out.extend_from_slice(&auth);
                        self.state = State::Auth;
                    } else {
                        self.out.extend_from_slice(&self.request);
                        self.state = State::Reply;
                    }
                }
                State::Auth => {
                    let Some(status) = self.take(2) else {
                        return Ok(());
                    };
                    if status[0] != 1 || status[1] != 0 {
                        return Err(Error(libc::ECONNREFUSED));
                    }
                    self.out.extend_from_slice(&self.request);
                    self.state = State::Reply;
                }
                State::Reply => {
                    if self.input.len() < 5 {
                        return Ok(());
                    }
                    if self.input[0] != 5 || self.input[1] != 0 {
                        return Err(Error(libc::ECONNREFUSED));
                    }
                    let addr_len = match self.input[3] {
                        1 => 4,
                        4 => 16,
                        3 => 1 + self.input[4] as usize,
                        _ => return Err(Error(libc::EPROTO)),
                    };
                    if self.take(4 + addr_len + 2).is_none() {
                        return Ok(());
                    }
                    self.state = State::Done;
                }
                State::Done => return Ok(()),
            }
        }
    }

    /// The proxy's bytes past the reply (the start of ZMTP), if any.
    pub fn leftover(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.input)
    }

    fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        if self.input.len() < n {
            return None;
        }
        Some(self.input.drain(..n).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_auth_connect_by_name() {
        let mut s = Socks5::new("example.org:5555", b"", b"").unwrap();
        assert_eq!(s.output(), &[5, 1, 0]);
        s.consumed(3);
        s.feed(&[5, 0]).unwrap();
        let mut want = vec![5, 1, 0, 3, 11];
        want.extend_from_slice(b"example.org");
        want.extend_from_slice(&5555u16.to_be_bytes());
        assert_eq!(s.output(), &want[..]);
        s.consumed(want.len());
        s.feed(&[5, 0, 0, 1, 127, 0, 0, 1, 0x15]).unwrap();
        assert!(!s.is_done());
        s.feed(&[0xb3, 0xff]).unwrap();
        assert!(s.is_done());
        assert_eq!(s.leftover(), vec![0xff]);
    }

    #[test]
    fn basic_auth_and_refusals() {
        let mut s = Socks5::new("[::1]:1", b"u", b"pw").unwrap();
        assert_eq!(s.output(), &[5, 1, 2]);
        s.consumed(3);
        s.feed(&[5, 2]).unwrap();
        assert_eq!(s.output(), &[1, 1, b'u', 2, b'p', b'w']);
        s.consumed(6);
        assert!(s.feed(&[1, 1]).is_err());
        let mut s = Socks5::new("127.0.0.1:1", b"", b"").unwrap();
        assert!(s.feed(&[5, 0xff]).is_err());
        assert!(Socks5::new("nocolon", b"", b"").is_err());
    }
}
