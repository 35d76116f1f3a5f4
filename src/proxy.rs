//! `zmq_proxy` / `zmq_proxy_steerable`: shuttle whole messages between a
//! frontend and a backend socket, copying each part to an optional capture
//! socket, steered by an optional control socket (PAUSE, RESUME, TERMINATE,
//! STATISTICS).
//!
//! It works on resolved sockets: the C boundary passes each distinct socket
//! once, and `Roles` names them by index, because frontend and backend may
//! be one socket.

use crate::constants::{ZMQ_DONTWAIT, ZMQ_POLLIN, ZMQ_REP, ZMQ_SNDMORE};
use crate::error::{Error, Result};
use crate::msg::Msg;
use crate::poll::{poll, Item, Source};
use crate::socket::Socket;

/// Which of the sockets passed to `run` plays which part.
#[derive(Debug, Clone, Copy)]
pub struct Roles {
    pub frontend: usize,
    pub backend: usize,
    pub capture: Option<usize>,
    pub control: Option<usize>,
}

/// Message and byte counts of one socket, as STATISTICS reports them.
#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    msg_in: u64,
    bytes_in: u64,
    msg_out: u64,
    bytes_out: u64,
}

/// The socket at `i` (EINVAL when the caller's roles name none).
fn at<'s>(sockets: &'s mut [&mut Socket], i: usize) -> Result<&'s mut Socket> {
    sockets.get_mut(i).map(|s| &mut **s).ok_or(Error::EINVAL)
}

/// Moves one whole message from `from` to `to`, copying to `capture`;
/// counts it in `stats_from` (in) and `stats_to` (out).
fn forward(
    sockets: &mut [&mut Socket],
    from: usize,
    to: usize,
    capture: Option<usize>,
    stats_from: &mut Stats,
    stats_to: &mut Stats,
) -> Result<()> {
    loop {
        let mut msg = at(sockets, from)?.recv(ZMQ_DONTWAIT)?;
        let more = msg.more();
        let size = msg.size() as u64;
        let flags = if more { ZMQ_SNDMORE } else { 0 };
        if let Some(c) = capture {
            let mut copy = msg.share();
            at(sockets, c)?.send(&mut copy, flags)?;
        }
        at(sockets, to)?.send(&mut msg, flags)?;
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

fn read_control(s: &mut Socket) -> Result<Control> {
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

fn send_statistics(s: &mut Socket, front: &Stats, back: &Stats) -> Result<()> {
    let values = [
        front.msg_in,
        front.bytes_in,
        front.msg_out,
        front.bytes_out,
        back.msg_in,
        back.bytes_in,
        back.msg_out,
        back.bytes_out,
    ];
    for (i, v) in values.iter().enumerate() {
        let mut m = Msg::from_slice(&v.to_ne_bytes())?;
        s.send(&mut m, if i + 1 < values.len() { ZMQ_SNDMORE } else { 0 })?;
    }
    Ok(())
}

/// Runs the proxy until the context terminates (ETERM) or TERMINATE.
pub fn run(sockets: &mut [&mut Socket], roles: Roles) -> Result<()> {
    let Roles {
        frontend,
        backend,
        capture,
        control,
    } = roles;
    let item = |i| Item {
        source: Source::Socket(i),
        events: ZMQ_POLLIN as libc::c_short,
    };
    let mut items = vec![item(frontend)];
    if backend != frontend {
        items.push(item(backend));
    }
    if let Some(c) = control {
        items.push(item(c));
    }
    let mut front_stats = Stats::default();
    let mut back_stats = Stats::default();
    let mut paused = false;
    let mut revents = vec![0; items.len()];
    loop {
        poll(sockets, &items, &mut revents, -1, None)?;
        let ready = |s: usize| {
            items
                .iter()
                .zip(&revents)
                .any(|(i, &r)| i.source == Source::Socket(s) && r != 0)
        };
        if let Some(c) = control.filter(|&c| ready(c)) {
            match read_control(at(sockets, c)?) {
                Ok(Control::Pause) => paused = true,
                Ok(Control::Resume) => paused = false,
                Ok(Control::Terminate) => return Ok(()),
                Ok(Control::Statistics) => {
                    send_statistics(at(sockets, c)?, &front_stats, &back_stats)?
                }
                Ok(Control::Unknown) | Err(Error::EAGAIN) => {}
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
            let r = if from == to {
                // One socket both ways: what it reads and what it sends are
                // both its own counts.
                let mut one = Stats::default();
                let mut other = Stats::default();
                let r = forward(sockets, from, to, capture, &mut one, &mut other);
                sf.msg_in += one.msg_in;
                sf.bytes_in += one.bytes_in;
                sf.msg_out += other.msg_out;
                sf.bytes_out += other.bytes_out;
                r
            } else {
                forward(sockets, from, to, capture, sf, st)
            };
            match r {
                Ok(()) | Err(Error::EAGAIN) => {}
                Err(e) => return Err(e),
            }
        }
    }
}
