//! The context: its options (`zmq_ctx_set` / `zmq_ctx_get`) and its
//! lifecycle (`zmq_ctx_shutdown`, `zmq_ctx_term`). It will own the I/O
//! threads, the socket registry and the inproc endpoints; it knows nothing of
//! the wire format.

use crate::error::{Error, Result};
use crate::ffi::constants::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Largest socket count a context can be asked for (ZMQ_SOCKET_LIMIT). Our
/// poller (epoll) has no fd ceiling of its own, as with libzmq on Linux.
pub(crate) const SOCKET_LIMIT: i32 = 65535;

/// Longest thread name prefix, from the kernel's 16-byte thread names.
const MAX_THREAD_NAME_PREFIX: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtxOptions {
    pub io_threads: i32,
    pub max_sockets: i32,
    pub max_msgsz: i32,
    pub ipv6: bool,
    pub blocky: bool,
    pub zero_copy_recv: bool,
    pub thread_priority: i32,
    pub thread_sched_policy: i32,
    pub thread_affinity_cpus: BTreeSet<i32>,
    pub thread_name_prefix: Vec<u8>,
}

impl Default for CtxOptions {
    fn default() -> Self {
        CtxOptions {
            io_threads: ZMQ_IO_THREADS_DFLT,
            max_sockets: ZMQ_MAX_SOCKETS_DFLT,
            max_msgsz: i32::MAX,
            ipv6: false,
            blocky: true,
            zero_copy_recv: true,
            thread_priority: ZMQ_THREAD_PRIORITY_DFLT,
            thread_sched_policy: ZMQ_THREAD_SCHED_POLICY_DFLT,
            thread_affinity_cpus: BTreeSet::new(),
            thread_name_prefix: Vec::new(),
        }
    }
}

fn int_of(value: &[u8]) -> Option<i32> {
    Some(i32::from_ne_bytes(value.try_into().ok()?))
}

impl CtxOptions {
    /// `zmq_ctx_set_ext`: `value` is the option's raw bytes (an int for
    /// every option but a string THREAD_NAME_PREFIX).
    pub fn set(&mut self, option: i32, value: &[u8]) -> Result<()> {
        let int = int_of(value);
        // Most options take an int >= 0.
        let non_negative = int.filter(|v| *v >= 0);
        match (option, non_negative) {
            (ZMQ_MAX_SOCKETS, Some(v)) if v >= 1 => self.max_sockets = v,
            (ZMQ_IO_THREADS, Some(v)) => self.io_threads = v,
            (ZMQ_IPV6, Some(v)) => self.ipv6 = v != 0,
            (ZMQ_BLOCKY, Some(v)) => self.blocky = v != 0,
            (ZMQ_MAX_MSGSZ, Some(v)) => self.max_msgsz = v,
            (ZMQ_ZERO_COPY_RECV, Some(v)) => self.zero_copy_recv = v != 0,
            (ZMQ_THREAD_SCHED_POLICY, Some(v)) => self.thread_sched_policy = v,
            (ZMQ_THREAD_PRIORITY, Some(v)) => self.thread_priority = v,
            (ZMQ_THREAD_AFFINITY_CPU_ADD, Some(v)) => {
                self.thread_affinity_cpus.insert(v);
            }
            (ZMQ_THREAD_AFFINITY_CPU_REMOVE, Some(v)) => {
                if !self.thread_affinity_cpus.remove(&v) {
                    return Err(Error::EINVAL);
                }
            }
            (ZMQ_THREAD_NAME_PREFIX, _) => match int {
                Some(v) => self.thread_name_prefix = v.to_string().into_bytes(),
                None if !value.is_empty() && value.len() <= MAX_THREAD_NAME_PREFIX => {
                    self.thread_name_prefix = value.to_vec()
                }
                None => return Err(Error::EINVAL),
            },
            _ => return Err(Error::EINVAL),
        }
        Ok(())
    }

    /// `zmq_ctx_get_ext`: writes the option into `out` and returns the
    /// number of bytes written. `out.len()` is the caller's buffer size,
    /// which must be an int's for int options.
    pub fn get(&self, option: i32, out: &mut [u8]) -> Result<usize> {
        let is_int = out.len() == std::mem::size_of::<i32>();
        let value = match option {
            ZMQ_MAX_SOCKETS => self.max_sockets,
            ZMQ_SOCKET_LIMIT => SOCKET_LIMIT,
            ZMQ_IO_THREADS => self.io_threads,
            ZMQ_IPV6 => self.ipv6 as i32,
            ZMQ_BLOCKY => self.blocky as i32,
            ZMQ_MAX_MSGSZ => self.max_msgsz,
            ZMQ_MSG_T_SIZE => std::mem::size_of::<crate::ffi::types::zmq_msg_t>() as i32,
            ZMQ_ZERO_COPY_RECV => self.zero_copy_recv as i32,
            ZMQ_THREAD_SCHED_POLICY => self.thread_sched_policy,
            ZMQ_THREAD_NAME_PREFIX if !is_int => {
                // As libzmq: the bytes without a NUL, when they fit.
                let p = &self.thread_name_prefix;
                if out.len() < p.len() {
                    return Err(Error::EINVAL);
                }
                out[..p.len()].copy_from_slice(p);
                return Ok(p.len());
            }
            ZMQ_THREAD_NAME_PREFIX => leading_int(&self.thread_name_prefix),
            // The affinity options are write-only, as in libzmq;
            // THREAD_PRIORITY (3) reads as SOCKET_LIMIT above.
            _ => return Err(Error::EINVAL),
        };
        if !is_int {
            return Err(Error::EINVAL);
        }
        out.copy_from_slice(&value.to_ne_bytes());
        Ok(out.len())
    }
}

/// The number a string starts with, as C's `atoi` reads it (0 when none).
fn leading_int(s: &[u8]) -> i32 {
    let text = std::str::from_utf8(s).unwrap_or("");
    let text = text.trim_start();
    let end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(text.len(), |(i, _)| i);
    text[..end]
        .parse::<i64>()
        .map_or(0, |v| v.clamp(i32::MIN as i64, i32::MAX as i64) as i32)
}

/// A context.
#[derive(Debug, Default)]
pub struct Ctx {
    options: Mutex<CtxOptions>,
    /// Set by `zmq_ctx_shutdown` / `zmq_ctx_term`: blocking calls fail with
    /// ETERM and no new socket can be made.
    terminating: AtomicBool,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx::default()
    }

    pub fn set_option(&self, option: i32, value: &[u8]) -> Result<()> {
        self.options
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set(option, value)
    }

    pub fn get_option(&self, option: i32, out: &mut [u8]) -> Result<usize> {
        self.options
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(option, out)
    }

    pub fn options(&self) -> CtxOptions {
        self.options
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn is_terminating(&self) -> bool {
        self.terminating.load(Ordering::Acquire)
    }

    /// `zmq_ctx_shutdown`: from now on blocking calls fail with ETERM.
    pub fn shutdown(&self) {
        self.terminating.store(true, Ordering::Release);
    }

    /// `zmq_ctx_term`: shuts down, then waits until every socket is closed.
    /// With no sockets (sockets arrive with the runtime) there is nothing to
    /// wait for.
    pub fn terminate(&self) -> Result<()> {
        self.shutdown();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get_int(o: &CtxOptions, opt: i32) -> Result<i32> {
        let mut b = [0u8; 4];
        o.get(opt, &mut b)?;
        Ok(i32::from_ne_bytes(b))
    }

    #[test]
    fn defaults_are_libzmqs() {
        let o = CtxOptions::default();
        assert_eq!(get_int(&o, ZMQ_IO_THREADS), Ok(1));
        assert_eq!(get_int(&o, ZMQ_MAX_SOCKETS), Ok(1023));
        assert_eq!(get_int(&o, ZMQ_SOCKET_LIMIT), Ok(65535));
        assert_eq!(get_int(&o, ZMQ_MAX_MSGSZ), Ok(i32::MAX));
        assert_eq!(get_int(&o, ZMQ_MSG_T_SIZE), Ok(64));
        assert_eq!(get_int(&o, ZMQ_BLOCKY), Ok(1));
        assert_eq!(get_int(&o, ZMQ_IPV6), Ok(0));
        assert_eq!(get_int(&o, ZMQ_ZERO_COPY_RECV), Ok(1));
        assert_eq!(get_int(&o, ZMQ_THREAD_SCHED_POLICY), Ok(-1));
        // THREAD_PRIORITY and SOCKET_LIMIT share the number 3: reading it
        // gives the socket limit, writing it sets the priority.
        assert_eq!(get_int(&o, ZMQ_THREAD_PRIORITY), Ok(65535));
    }

    #[test]
    fn validation() {
        let mut o = CtxOptions::default();
        assert_eq!(
            o.set(ZMQ_MAX_SOCKETS, &0i32.to_ne_bytes()),
            Err(Error::EINVAL)
        );
        assert_eq!(
            o.set(ZMQ_IO_THREADS, &(-1i32).to_ne_bytes()),
            Err(Error::EINVAL)
        );
        assert_eq!(o.set(ZMQ_IO_THREADS, &[1u8, 0]), Err(Error::EINVAL));
        assert_eq!(
            o.set(ZMQ_MSG_T_SIZE, &5i32.to_ne_bytes()),
            Err(Error::EINVAL)
        );
        o.set(ZMQ_SOCKET_LIMIT, &5i32.to_ne_bytes()).unwrap();
        assert_eq!(o.thread_priority, 5);
        assert_eq!(
            o.set(ZMQ_THREAD_AFFINITY_CPU_REMOVE, &3i32.to_ne_bytes()),
            Err(Error::EINVAL)
        );
        o.set(ZMQ_THREAD_AFFINITY_CPU_ADD, &3i32.to_ne_bytes())
            .unwrap();
        o.set(ZMQ_THREAD_AFFINITY_CPU_REMOVE, &3i32.to_ne_bytes())
            .unwrap();
        assert_eq!(o.set(12345, &1i32.to_ne_bytes()), Err(Error::EINVAL));
    }

    #[test]
    fn thread_name_prefix_int_and_string() {
        let mut o = CtxOptions::default();
        o.set(ZMQ_THREAD_NAME_PREFIX, &1234i32.to_ne_bytes())
            .unwrap();
        assert_eq!(get_int(&o, ZMQ_THREAD_NAME_PREFIX), Ok(1234));
        o.set(ZMQ_THREAD_NAME_PREFIX, b"MyApp").unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(o.get(ZMQ_THREAD_NAME_PREFIX, &mut buf), Ok(5));
        assert_eq!(&buf[..5], b"MyApp");
        assert_eq!(
            o.set(ZMQ_THREAD_NAME_PREFIX, &[b'x'; 17]),
            Err(Error::EINVAL)
        );
        assert_eq!(leading_int(b"12ab"), 12);
        assert_eq!(leading_int(b"ab"), 0);
    }
}
