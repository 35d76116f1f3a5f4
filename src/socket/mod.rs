//! Sockets: the core shared by every pattern (`Socket`: options, pipes,
//! endpoints, blocking send/recv, commands, ZMQ_FD/ZMQ_EVENTS) and one small
//! file per pattern over the routing strategies in `route/`.
//!
//! A socket belongs to the application thread that uses it. Other threads
//! reach it only through its mailbox; the send/recv path touches nothing but
//! the socket's own pipes.

pub mod options;
pub mod route;

mod client_server;
use client_server::SinglePart;
mod dealer;
mod pair;
mod pubsub;
mod push_pull;
mod radio_dish;
mod rep;
mod req;
mod router;

use crate::command::Command;
use crate::constants::*;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::io::mailbox::Mailbox;
use crate::io::session::{ConnectAddr, Session, SessionOptions};
use crate::io::thread::{IoCommand, ListenerSpec};
use crate::io::udp::UdpSession;
use crate::monitor::{self, Monitor, MonitorSlot};
use crate::msg::{flags, Msg};
use crate::pipe::{Pipe, PipeIdx, Pipes};
use crate::transport::{self, address, TcpSettings};
use options::Options;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a pattern sees of its socket while it works.
pub(crate) struct Cx<'a> {
    pub pipes: &'a mut Pipes,
    pub options: &'a Options,
}

/// One socket pattern (PAIR, PUSH, ROUTER...). Each is a small state machine
/// over the shared strategies; the socket core does the rest.
pub(crate) trait Pattern: Send {
    /// A new pipe to a peer.
    fn attach(&mut self, idx: PipeIdx, cx: &mut Cx);
    /// Sends one part; on success `msg` is left empty.
    fn send(&mut self, msg: &mut Msg, cx: &mut Cx) -> Result<()>;
    /// Receives one part.
    fn recv(&mut self, cx: &mut Cx) -> Result<Msg>;
    fn has_in(&mut self, cx: &mut Cx) -> bool;
    fn has_out(&mut self, cx: &mut Cx) -> bool;
    fn read_activated(&mut self, idx: PipeIdx, cx: &mut Cx);
    fn write_activated(&mut self, idx: PipeIdx, cx: &mut Cx);
    /// The peer of pipe `idx` went away; the pipe may still hold messages.
    fn peer_gone(&mut self, _idx: PipeIdx, _cx: &mut Cx) {}
    /// Pipe `idx` is being removed: forget it.
    fn terminated(&mut self, idx: PipeIdx, cx: &mut Cx);
    /// STREAM: the routing id libzmq reports for ZMQ_ROUTING_ID after a
    /// connect (the one generated for that peer).
    fn own_routing_id(&self) -> Option<Vec<u8>> {
        None
    }
    /// zmq_socket_get_peer_state: ROUTER answers for a routing id.
    fn peer_state(&mut self, _routing_id: &[u8], _cx: &mut Cx) -> Result<i32> {
        Err(Error::ENOTSUP)
    }
    /// PEER: the routing id given to the pipe attached last.
    fn last_routing_id(&self) -> Option<u32> {
        None
    }
    /// PEER: ends the connection to the peer with this routing id.
    fn disconnect_peer(&mut self, _routing_id: u32, _cx: &mut Cx) -> Result<()> {
        Err(Error::ENOTSUP)
    }
    /// zmq_join (DISH).
    fn join(&mut self, _group: &[u8], _cx: &mut Cx) -> Result<()> {
        Err(Error::ENOTSUP)
    }
    /// zmq_leave (DISH).
    fn leave(&mut self, _group: &[u8], _cx: &mut Cx) -> Result<()> {
        Err(Error::ENOTSUP)
    }
    /// ZMQ_TOPICS_COUNT: the number of subscriptions (pub-sub only).
    fn topics_count(&self) -> Option<usize> {
        None
    }
    /// Pattern-level options (SUBSCRIBE...): None when not one of them.
    fn setsockopt(&mut self, _option: i32, _value: &[u8], _cx: &mut Cx) -> Option<Result<()>> {
        None
    }
}

/// How long a send goes without looking at the socket's commands (libzmq's
/// `max_command_delay`, 3M TSC ticks: about 1 ms).
const SEND_COMMAND_DELAY: Duration = Duration::from_millis(1);

/// Which socket types may connect to which (ZMTP's compatibility table).
pub fn compatible(ours: i32, theirs: i32) -> bool {
    matches!(
        (ours, theirs),
        (ZMQ_PAIR, ZMQ_PAIR)
            | (ZMQ_PUB | ZMQ_XPUB, ZMQ_SUB | ZMQ_XSUB)
            | (ZMQ_SUB | ZMQ_XSUB, ZMQ_PUB | ZMQ_XPUB)
            | (ZMQ_REQ, ZMQ_REP | ZMQ_ROUTER)
            | (ZMQ_REP, ZMQ_REQ | ZMQ_DEALER)
            | (ZMQ_DEALER, ZMQ_REP | ZMQ_DEALER | ZMQ_ROUTER)
            | (ZMQ_ROUTER, ZMQ_REQ | ZMQ_DEALER | ZMQ_ROUTER)
            | (ZMQ_PULL, ZMQ_PUSH)
            | (ZMQ_PUSH, ZMQ_PULL)
            | (ZMQ_CLIENT, ZMQ_SERVER)
            | (ZMQ_SERVER, ZMQ_CLIENT)
            | (ZMQ_SCATTER, ZMQ_GATHER)
            | (ZMQ_GATHER, ZMQ_SCATTER)
            | (ZMQ_CHANNEL, ZMQ_CHANNEL)
            | (ZMQ_PEER, ZMQ_PEER)
            | (ZMQ_RADIO, ZMQ_DISH)
            | (ZMQ_DISH, ZMQ_RADIO)
    )
}

/// The socket types libzmq makes thread-safe (of those built here).
pub fn thread_safe_type(socket_type: i32) -> bool {
    matches!(
        socket_type,
        ZMQ_CLIENT
            | ZMQ_SERVER
            | ZMQ_SCATTER
            | ZMQ_GATHER
            | ZMQ_CHANNEL
            | ZMQ_PEER
            | ZMQ_RADIO
            | ZMQ_DISH
    )
}

fn new_pattern(socket_type: i32) -> Result<Box<dyn Pattern>> {
    Ok(match socket_type {
        ZMQ_PAIR => Box::new(pair::Pair::default()),
        ZMQ_PUB => Box::new(pubsub::XPub::new(false)),
        ZMQ_XPUB => Box::new(pubsub::XPub::new(true)),
        ZMQ_SUB => Box::new(pubsub::XSub::new(false)),
        ZMQ_XSUB => Box::new(pubsub::XSub::new(true)),
        ZMQ_REQ => Box::new(req::Req::default()),
        ZMQ_REP => Box::new(rep::Rep::default()),
        ZMQ_DEALER => Box::new(dealer::Dealer::default()),
        ZMQ_ROUTER => Box::new(router::Router::new()),
        ZMQ_PULL => Box::new(push_pull::Pull::default()),
        ZMQ_PUSH => Box::new(push_pull::Push::default()),
        ZMQ_STREAM => Box::new(router::Router::new_raw()),
        ZMQ_CLIENT => Box::new(SinglePart::<dealer::Dealer>::default()),
        ZMQ_SERVER => Box::new(client_server::Server::new()),
        ZMQ_SCATTER => Box::new(SinglePart::<push_pull::Push>::default()),
        ZMQ_GATHER => Box::new(SinglePart::<push_pull::Pull>::default()),
        ZMQ_CHANNEL => Box::new(SinglePart::<pair::Pair>::default()),
        ZMQ_PEER => Box::new(client_server::Server::new()),
        ZMQ_RADIO => Box::new(radio_dish::Radio::default()),
        ZMQ_DISH => Box::new(radio_dish::Dish::default()),
        ZMQ_DGRAM => Box::new(radio_dish::Dgram::default()),
        _ => return Err(Error::EINVAL),
    })
}

/// A socket.
pub struct Socket {
    pub(crate) ctx: Arc<Ctx>,
    pub(crate) id: u64,
    pub(crate) socket_type: i32,
    pub(crate) options: Options,
    pub(crate) mailbox: Arc<Mailbox>,
    pipes: Pipes,
    pattern: Box<dyn Pattern>,
    /// The last part received had MORE set.
    rcvmore: bool,
    /// Commands handled so far: a thread-safe socket's caller that saw it
    /// move tells the threads waiting on the socket to look again.
    handled: u64,
    /// The context is terminating (ETERM from now on).
    ctx_terminated: bool,
    last_endpoint: String,
    /// inproc endpoints this socket bound.
    bound: Vec<String>,
    /// tcp/ipc endpoints this socket bound.
    listeners: Vec<BoundEndpoint>,
    /// tcp/ipc endpoints this socket connected to, and the I/O thread
    /// running each.
    connects: Vec<(String, Arc<Mailbox>)>,
    /// I/O threads that run something of this socket.
    io_used: Vec<Arc<Mailbox>>,
    pub(crate) monitor: MonitorSlot,
    /// A zmq_disconnect or zmq_unbind has been made with
    /// ZMQ_RECONNECT_STOP_AFTER_DISCONNECT set (the sessions read it).
    disconnected: Arc<AtomicBool>,
    /// When a send last looked at the mailbox (see `SEND_COMMAND_DELAY`).
    send_commands_seen: Instant,
    /// The mailbox's generation when a throttled send last looked at it.
    send_commands_generation: u64,
}

/// Milliseconds until `deadline` (-1 for none), for a blocking wait;
/// rounded up, so that a wait of less than a millisecond still waits (a
/// 1 ms RCVTIMEO must not turn into a non-blocking call).
fn remaining_ms(deadline: Option<Instant>) -> i32 {
    match deadline {
        None => -1,
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32
        }
    }
}

/// Splits "scheme://address" (EINVAL when malformed).
pub(crate) fn parse_endpoint(addr: &str) -> Result<(&str, &str)> {
    let (scheme, rest) = addr.split_once("://").ok_or(Error::EINVAL)?;
    if scheme.is_empty() {
        return Err(Error::EINVAL);
    }
    Ok((scheme, rest))
}

/// Whether tcp and ipc are switched on (off while the ZMTP engine is being
/// built).
const WIRE: bool = true;

/// Checks that the scheme is one this build speaks.
fn check_scheme(scheme: &str) -> Result<()> {
    match scheme {
        "inproc" => Ok(()),
        "tcp" | "ipc" | "udp" | "ws" | "wss" if WIRE => Ok(()),
        _ => Err(Error(libc::EPROTONOSUPPORT)),
    }
}

/// An endpoint this socket bound over tcp or ipc.
struct BoundEndpoint {
    /// As resolved (LAST_ENDPOINT): what names it for zmq_unbind.
    resolved: String,
    /// The listening fd, for the CLOSED event.
    fd: i32,
    io: Arc<Mailbox>,
    /// An ipc socket file (and temp dir for "ipc://*") to remove at the end.
    ipc_file: Option<std::path::PathBuf>,
    ipc_dir: Option<std::path::PathBuf>,
}

impl BoundEndpoint {
    fn remove_files(&self) {
        if let Some(f) = &self.ipc_file {
            let _ = std::fs::remove_file(f);
        }
        if let Some(d) = &self.ipc_dir {
            let _ = std::fs::remove_dir(d);
        }
    }
}

impl Socket {
    pub(crate) fn new(
        ctx: Arc<Ctx>,
        id: u64,
        socket_type: i32,
        mailbox: Arc<Mailbox>,
    ) -> Result<Socket> {
        let ctx_opts = ctx.options();
        Ok(Socket {
            ctx,
            id,
            socket_type,
            options: Options::with_ctx(socket_type, ctx_opts.ipv6, ctx_opts.blocky),
            mailbox,
            pipes: Pipes::default(),
            pattern: new_pattern(socket_type)?,
            rcvmore: false,
            handled: 0,
            ctx_terminated: false,
            last_endpoint: String::new(),
            bound: Vec::new(),
            listeners: Vec::new(),
            connects: Vec::new(),
            io_used: Vec::new(),
            monitor: MonitorSlot::default(),
            disconnected: Arc::default(),
            send_commands_seen: Instant::now() - SEND_COMMAND_DELAY,
            send_commands_generation: u64::MAX,
        })
    }

    fn cx(&mut self) -> (&mut dyn Pattern, Cx<'_>) {
        (
            &mut *self.pattern,
            Cx {
                pipes: &mut self.pipes,
                options: &self.options,
            },
        )
    }

    // ----- pipes and commands -----

    /// Adds a pipe to a peer.
    pub(crate) fn attach_pipe(&mut self, pipe: Pipe) {
        pipe.attach(&self.mailbox);
        let gone = pipe.is_peer_gone();
        let idx = self.pipes.insert(pipe);
        let (pattern, mut cx) = self.cx();
        pattern.attach(idx, &mut cx);
        if gone && self.pipes.try_get(idx).is_some() {
            self.peer_terminated(idx);
        }
        self.reap_dead();
    }

    /// The peer of pipe `idx` is gone: stop writing to it, and remove it now
    /// if nothing is left to read (otherwise its delimiter will).
    fn peer_terminated(&mut self, idx: PipeIdx) {
        self.pipes.get(idx).peer_terminated();
        let (pattern, mut cx) = self.cx();
        pattern.peer_gone(idx, &mut cx);
        self.pipes.check_read(idx);
        if self.pipes.get(idx).is_in_done() && !self.pipes.dead.contains(&idx) {
            self.pipes.dead.push(idx);
        }
    }

    /// Removes a pipe the peer or the delimiter ended.
    fn remove_pipe(&mut self, idx: PipeIdx) {
        let (pattern, mut cx) = self.cx();
        pattern.terminated(idx, &mut cx);
        self.pipes.remove(idx);
    }

    /// Ends a pipe from this side (close, unbind, disconnect).
    fn terminate_pipe(&mut self, idx: PipeIdx) {
        if let Some(p) = self.pipes.try_get(idx) {
            p.terminate();
        }
        self.remove_pipe(idx);
    }

    /// Removes the pipes whose delimiter was read.
    fn reap_dead(&mut self) {
        while let Some(idx) = self.pipes.dead.pop() {
            if self.pipes.try_get(idx).is_some() {
                self.remove_pipe(idx);
            }
        }
    }

    fn handle(&mut self, cmd: Command) {
        self.handled = self.handled.wrapping_add(1);
        match cmd {
            Command::ActivateRead(key) => {
                if let Some(idx) = self.pipes.by_key(key) {
                    if self.pipes.get(idx).activate_read() {
                        let (pattern, mut cx) = self.cx();
                        pattern.read_activated(idx, &mut cx);
                    }
                }
            }
            Command::ActivateWrite(key, n) => {
                if let Some(idx) = self.pipes.by_key(key) {
                    if self.pipes.get(idx).activate_write(n) {
                        let (pattern, mut cx) = self.cx();
                        pattern.write_activated(idx, &mut cx);
                    }
                }
            }
            Command::PipeHwm {
                key,
                inhwm,
                outhwm,
                boosts,
            } => {
                if let Some(idx) = self.pipes.by_key(key) {
                    let p = self.pipes.get(idx);
                    if let Some((i, o)) = boosts {
                        p.set_boosts(i, o);
                    }
                    p.apply_hwms(inhwm, outhwm);
                    // More room may mean the writer can go again.
                    if self.pipes.get(idx).activate_write_room() {
                        let (pattern, mut cx) = self.cx();
                        pattern.write_activated(idx, &mut cx);
                    }
                }
            }
            Command::PipeTerm(key) => {
                if let Some(idx) = self.pipes.by_key(key) {
                    self.peer_terminated(idx);
                }
            }
            Command::Bind(pipe) => self.attach_pipe(*pipe),
            Command::Stop => self.ctx_terminated = true,
            // I/O work is never addressed to a socket.
            Command::Io(_) | Command::Launched => {}
        }
        self.reap_dead();
    }

    /// Handles waiting commands; waits up to `timeout_ms` for the first one
    /// (0: none, -1: forever). ETERM once the context is terminating.
    fn process_commands(&mut self, timeout_ms: i32) -> Result<()> {
        if let Some(cmd) = self.mailbox.recv(timeout_ms)? {
            self.handle(cmd);
            while let Some(cmd) = self.mailbox.try_recv() {
                self.handle(cmd);
            }
        }
        if self.ctx_terminated {
            return Err(Error::ETERM);
        }
        Ok(())
    }

    /// The hot-path check: handle commands only when some are waiting
    /// (also for the C boundary's waits on thread-safe sockets).
    #[inline]
    pub(crate) fn poll_commands(&mut self) -> Result<()> {
        if self.mailbox.has_pending() {
            self.process_commands(0)?;
        }
        if self.ctx_terminated {
            return Err(Error::ETERM);
        }
        Ok(())
    }

    /// As `poll_commands`, but the peers' credit at most once per
    /// `SEND_COMMAND_DELAY`: libzmq's send looks at its commands only when
    /// about a millisecond has passed since it last did, so a sender that
    /// runs ahead of its peer meets its HWM (EAGAIN without ZMQ_DONTWAIT's
    /// wait) before the credit the peer returns in the meantime is seen.
    /// Programs count on meeting it (libzmq's test_hwm_pubsub, also on a
    /// loaded machine). Every other command is handled at once: a new
    /// subscription reaches a PUB's next send (libzmq's throttle holds
    /// those back too, for up to the same millisecond). A send that has
    /// to wait looks at everything at once. (The credit stays in the
    /// mailbox meanwhile, so ZMQ_FD stays readable for it, as on libzmq.)
    fn poll_commands_for_send(&mut self) -> Result<()> {
        if self.mailbox.has_pending() {
            let now = Instant::now();
            if now.duration_since(self.send_commands_seen) >= SEND_COMMAND_DELAY {
                self.send_commands_seen = now;
                self.process_commands(0)?;
            } else {
                // Held credit keeps the mailbox pending: look again only
                // when something came since the last look, not on every
                // send of a stream.
                let generation = self.mailbox.generation();
                if generation != self.send_commands_generation {
                    self.send_commands_generation = generation;
                    let mut now_cmds = Vec::new();
                    self.mailbox.try_recv_except(&mut now_cmds, |c| {
                        matches!(c, Command::ActivateWrite(..))
                    });
                    for cmd in now_cmds {
                        self.handle(cmd);
                    }
                }
            }
        }
        if self.ctx_terminated {
            return Err(Error::ETERM);
        }
        Ok(())
    }

    /// Retries `attempt` until it stops saying EAGAIN, waiting for commands
    /// in between, up to `timeout_ms` (-1: forever, 0: not at all).
    fn blocking<T>(
        &mut self,
        timeout_ms: i32,
        mut attempt: impl FnMut(&mut Socket) -> Result<T>,
    ) -> Result<T> {
        match attempt(self) {
            Err(Error::EAGAIN) if timeout_ms != 0 => {}
            other => return other,
        }
        let deadline =
            (timeout_ms > 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
        loop {
            let wait = remaining_ms(deadline);
            if deadline.is_some() && wait == 0 {
                return Err(Error::EAGAIN);
            }
            self.process_commands(wait)?;
            match attempt(self) {
                Err(Error::EAGAIN) => {}
                other => return other,
            }
        }
    }

    // ----- send / recv -----

    /// Sends one part (`ZMQ_SNDMORE` in `flags` for more to come). On
    /// success `msg` is left empty; on failure it is untouched.
    pub fn send(&mut self, msg: &mut Msg, flags: i32) -> Result<()> {
        crate::io::spin::sent();
        self.poll_commands_for_send()?;
        if flags & ZMQ_SNDMORE != 0 {
            msg.set_flags(flags::MORE);
        } else {
            msg.reset_flags(flags::MORE);
        }
        msg.reset_flags(flags::COMMAND);
        let timeout = if flags & ZMQ_DONTWAIT != 0 {
            0
        } else {
            self.options.sndtimeo
        };
        self.blocking(timeout, |s| {
            let (pattern, mut cx) = s.cx();
            let r = pattern.send(msg, &mut cx);
            s.reap_dead();
            r
        })
    }

    /// Receives one part.
    pub fn recv(&mut self, flags: i32) -> Result<Msg> {
        let mut msg = Msg::new();
        self.recv_into(flags, &mut msg)?;
        Ok(msg)
    }

    /// `recv` straight into `out` (what it held is dropped), saving the
    /// moves of a returned message on the way up; on failure `out` is
    /// untouched.
    pub fn recv_into(&mut self, flags: i32, out: &mut Msg) -> Result<()> {
        self.poll_commands()?;
        let timeout = if flags & ZMQ_DONTWAIT != 0 {
            0
        } else {
            self.options.rcvtimeo
        };
        self.blocking(timeout, |s| {
            let (pattern, mut cx) = s.cx();
            let r = pattern.recv(&mut cx);
            s.reap_dead();
            *out = r?;
            Ok(())
        })?;
        self.rcvmore = out.more();
        Ok(())
    }

    /// ZMQ_EVENTS: handles waiting commands, then reports POLLIN / POLLOUT.
    pub fn events(&mut self) -> Result<i32> {
        self.process_commands(0)?;
        let (pattern, mut cx) = self.cx();
        let mut ev = 0;
        if pattern.has_in(&mut cx) {
            ev |= ZMQ_POLLIN;
        }
        if pattern.has_out(&mut cx) {
            ev |= ZMQ_POLLOUT;
        }
        self.reap_dead();
        Ok(ev)
    }

    /// Whether any thread may use the socket (CLIENT, SERVER, SCATTER,
    /// GATHER, CHANNEL, PEER): the C boundary serialises its calls and waits
    /// with its lock released.
    pub fn is_thread_safe(&self) -> bool {
        thread_safe_type(self.socket_type)
    }

    /// Commands handled so far (see `handled`).
    pub fn handled_commands(&self) -> u64 {
        self.handled
    }

    pub fn fd(&self) -> i32 {
        self.mailbox.fd()
    }

    // ----- options -----

    /// `value` is None when the caller passed a NULL optval (which some
    /// options treat apart from an empty one).
    pub fn setsockopt(&mut self, option: i32, value: Option<&[u8]>) -> Result<()> {
        self.poll_commands()?;
        let (pattern, mut cx) = self.cx();
        if let Some(r) = pattern.setsockopt(option, value.unwrap_or(&[]), &mut cx) {
            return r;
        }
        self.options.set_maybe_null(option, value)?;
        if option == ZMQ_SNDHWM || option == ZMQ_RCVHWM {
            // Existing pipes take the new HWMs, and their peers hear of it.
            let (snd, rcv) = (self.options.sndhwm, self.options.rcvhwm);
            for idx in self.pipes.indices() {
                let p = self.pipes.get(idx);
                p.apply_hwms(rcv, snd);
                p.send_hwms_to_peer(snd, rcv);
                if p.activate_write_room() {
                    let (pattern, mut cx) = self.cx();
                    pattern.write_activated(idx, &mut cx);
                }
            }
        }
        Ok(())
    }

    /// Writes the option into `out`; returns the length to report.
    pub fn getsockopt(&mut self, option: i32, out: &mut [u8]) -> Result<usize> {
        if self.ctx_terminated {
            return Err(Error::ETERM);
        }
        // Socket-level ints take any buffer of at least an int: the rest is
        // zeroed, the length set to an int's (libzmq's rule for these).
        let loose_int = |out: &mut [u8], v: i32| options::put_bytes(out, &v.to_ne_bytes());
        let exact_int = options::put_int;
        match option {
            ZMQ_TYPE => exact_int(out, self.socket_type),
            ZMQ_RCVMORE => loose_int(out, self.rcvmore as i32),
            // A thread-safe socket has no fd (libzmq's rule): a poller
            // gives one instead (zmq_poller_fd).
            ZMQ_FD if self.is_thread_safe() => Err(Error::EINVAL),
            ZMQ_FD => loose_int(out, self.fd()),
            ZMQ_EVENTS => {
                let ev = self.events()?;
                loose_int(out, ev)
            }
            ZMQ_THREAD_SAFE => loose_int(out, self.is_thread_safe() as i32),
            ZMQ_TOPICS_COUNT => match self.pattern.topics_count() {
                Some(n) => exact_int(out, n as i32),
                None => Err(Error::EINVAL),
            },
            ZMQ_ROUTING_ID => match self.pattern.own_routing_id() {
                Some(id) => options::put_bytes(out, &id),
                None => self.options.get(option, out),
            },
            ZMQ_LAST_ENDPOINT => options::put_string(out, self.last_endpoint.as_bytes()),
            _ => self.options.get(option, out),
        }
    }

    // ----- endpoints -----

    pub fn bind(&mut self, addr: &str) -> Result<()> {
        self.poll_commands()?;
        let (scheme, name) = parse_endpoint(addr)?;
        check_scheme(scheme)?;
        if name.is_empty() {
            return Err(Error::EINVAL);
        }
        match scheme {
            "udp" => self.open_udp(addr, name, true),
            "inproc" => {
                let pending = self.ctx.register_endpoint(addr, self.endpoint_info())?;
                self.bound.push(addr.to_string());
                self.last_endpoint = addr.to_string();
                for pipe in pending {
                    self.attach_pipe(pipe);
                }
                Ok(())
            }
            _ => {
                let r = self.bind_wire(scheme, name);
                if let Err(e) = r {
                    if matches!(e.0, libc::EADDRINUSE | libc::EADDRNOTAVAIL | libc::EACCES) {
                        // The socket made for the bind was closed again.
                        monitor::emit(
                            &self.monitor,
                            ZMQ_EVENT_CLOSED,
                            0,
                            &monitor::Endpoints::bound(""),
                        );
                    }
                    monitor::emit(
                        &self.monitor,
                        ZMQ_EVENT_BIND_FAILED,
                        e.0 as u64,
                        &monitor::Endpoints::bound(name),
                    );
                }
                r
            }
        }
    }

    /// The socket-level settings of tcp/ipc connections.
    fn tcp_settings(&self) -> TcpSettings {
        let o = &self.options;
        TcpSettings {
            sndbuf: o.sndbuf,
            rcvbuf: o.rcvbuf,
            tos: o.tos,
            priority: o.priority,
            keepalive: o.tcp_keepalive,
            keepalive_cnt: o.tcp_keepalive_cnt,
            keepalive_idle: o.tcp_keepalive_idle,
            keepalive_intvl: o.tcp_keepalive_intvl,
            maxrt: o.tcp_maxrt,
            bindtodevice: o.bindtodevice.clone(),
            ipv6: o.ipv6,
            backlog: o.backlog,
        }
    }

    /// What the I/O thread's sessions need of this socket.
    fn session_options(&self, connect_routing_id: Option<Vec<u8>>) -> Arc<SessionOptions> {
        let o = &self.options;
        Arc::new(SessionOptions {
            socket_id: self.id,
            options: o.clone(),
            connect_routing_id,
            notify_connect: (o.raw_socket && o.stream_notify)
                || (o.socket_type == ZMQ_ROUTER && o.router_notify & ZMQ_NOTIFY_CONNECT != 0),
            notify_disconnect: (o.raw_socket && o.stream_notify)
                || (o.socket_type == ZMQ_ROUTER && o.router_notify & ZMQ_NOTIFY_DISCONNECT != 0),
            hello_msg: o.hello_msg.clone().filter(|_| o.can_send_hello_msg),
            disconnect_msg: o
                .disconnect_msg
                .clone()
                .filter(|_| o.can_recv_disconnect_msg),
            hiccup_msg: o.hiccup_msg.clone().filter(|_| o.can_recv_hiccup_msg),
            mechanism: self.mechanism_config(),
            ctx: Arc::downgrade(&self.ctx),
            socks: (!o.socks_proxy.is_empty()).then(|| crate::io::connecter::SocksProxy {
                proxy: String::from_utf8_lossy(&o.socks_proxy).into_owned(),
                username: o.socks_username.clone(),
                password: o.socks_password.clone(),
            }),
            tcp: self.tcp_settings(),
            filters: crate::transport::filter::AcceptFilters {
                tcp: o.tcp_accept_filters.clone(),
                ipc_uids: o.ipc_filter_uid.clone(),
                ipc_gids: o.ipc_filter_gid.clone(),
                ipc_pids: o.ipc_filter_pid.clone(),
            },
            socket_mailbox: Arc::clone(&self.mailbox),
            monitor: Arc::clone(&self.monitor),
            disconnected: Arc::clone(&self.disconnected),
            ws_listener: false,
            wss_server: None,
        })
    }

    /// The security mechanism the options ask for.
    fn mechanism_config(&self) -> crate::zmtp::MechanismConfig {
        use crate::zmtp::MechanismConfig;
        let o = &self.options;
        let key = |k: &Option<[u8; 32]>| k.unwrap_or([0; 32]);
        match o.mechanism {
            ZMQ_PLAIN => MechanismConfig::Plain {
                username: o.plain_username.clone(),
                password: o.plain_password.clone(),
                as_server: o.as_server,
            },
            ZMQ_CURVE => MechanismConfig::Curve {
                as_server: o.as_server,
                public_key: key(&o.curve_public_key),
                secret_key: key(&o.curve_secret_key),
                server_key: key(&o.curve_server_key),
            },
            _ => MechanismConfig::Null,
        }
    }

    fn io_thread(&mut self) -> Result<Arc<Mailbox>> {
        let io = self
            .ctx
            .io_mailbox()
            .ok_or(Error(crate::constants::EMTHREAD))?;
        if !self.io_used.iter().any(|m| Arc::ptr_eq(m, &io)) {
            self.io_used.push(Arc::clone(&io));
        }
        Ok(io)
    }

    fn bind_wire(&mut self, scheme: &str, name: &str) -> Result<()> {
        let settings = self.tcp_settings();
        let use_fd = self.options.use_fd;
        // wss://: the certificate and key must make a TLS server (libzmq
        // aborts on a bad one; here the bind fails with EINVAL).
        let wss = if scheme == "wss" {
            let o = &self.options;
            Some(
                crate::zmtp::wss::server_config(&o.wss_cert_pem, &o.wss_key_pem)
                    .ok_or(Error::EINVAL)?,
            )
        } else {
            None
        };
        let (listener, resolved, ipc_file, ipc_dir) = if scheme == "ws" || scheme == "wss" {
            let (host, path) = address::split_ws(name)?;
            let (l, local) = if use_fd >= 0 {
                transport::tcp_adopt(use_fd)?
            } else {
                transport::tcp_listen(
                    address::resolve_tcp_bind(host, self.options.ipv6)?,
                    &settings,
                )?
            };
            (
                l,
                address::ws_endpoint_string(scheme, &local, path),
                None,
                None,
            )
        } else if scheme == "tcp" {
            let sa = address::resolve_tcp_bind(name, self.options.ipv6)?;
            let (l, local) = if use_fd >= 0 {
                // ZMQ_USE_FD: the application made and bound the socket.
                transport::tcp_adopt(use_fd)?
            } else {
                transport::tcp_listen(sa, &settings)?
            };
            (l, address::tcp_endpoint_string(&local), None, None)
        } else if use_fd >= 0 {
            let (ipc, _) = address::resolve_ipc(name, false)?;
            (
                transport::ipc_adopt(use_fd)?,
                address::ipc_endpoint_string(&ipc),
                None,
                None,
            )
        } else {
            let (ipc, dir) = address::resolve_ipc(name, true)?;
            let l = transport::ipc_listen(&ipc, &settings)?;
            // As libzmq, only the socket file of "ipc://*" (and its temp
            // dir) is removed at the end; a named path stays.
            let file = match (&ipc, &dir) {
                (address::IpcAddr::Path(p), Some(_)) => Some(p.clone()),
                _ => None,
            };
            (l, address::ipc_endpoint_string(&ipc), file, dir)
        };
        let io = self.io_thread()?;
        let fd = match &listener {
            transport::Listener::Tcp(l) => std::os::fd::AsRawFd::as_raw_fd(l),
            transport::Listener::Unix(l) => std::os::fd::AsRawFd::as_raw_fd(l),
        };
        monitor::emit(
            &self.monitor,
            ZMQ_EVENT_LISTENING,
            fd as u64,
            &monitor::Endpoints::bound(&resolved),
        );
        let mut opts = self.session_options(None);
        if let Some(o) = Arc::get_mut(&mut opts) {
            o.ws_listener = scheme == "ws" || scheme == "wss";
            o.wss_server = wss;
        }
        io.send(Command::Io(Box::new(IoCommand::Listen(ListenerSpec {
            listener,
            endpoint: resolved.clone(),
            opts,
        }))));
        self.mailbox.send(Command::Launched);
        self.last_endpoint = resolved.clone();
        self.listeners.push(BoundEndpoint {
            fd,
            resolved,
            io,
            ipc_file,
            ipc_dir,
        });
        Ok(())
    }

    pub fn connect(&mut self, addr: &str) -> Result<()> {
        self.poll_commands()?;
        let (scheme, name) = parse_endpoint(addr)?;
        check_scheme(scheme)?;
        if name.is_empty() {
            return Err(Error::EINVAL);
        }
        if scheme == "udp" {
            return self.open_udp(addr, name, false);
        }
        let routing_id = self.options.connect_routing_id.take();
        if scheme == "inproc" {
            let mut pipe = self
                .ctx
                .connect_inproc(addr, self.endpoint_info(), routing_id)?;
            pipe.endpoint = addr.to_string();
            self.attach_pipe(pipe);
            self.last_endpoint = addr.to_string();
            return Ok(());
        }
        let target = if scheme == "tcp" {
            // Only the syntax is checked now; the name is resolved at each
            // connect attempt, in the I/O thread.
            address::check_tcp_connect_syntax(name)?;
            ConnectAddr::Tcp(name.to_string())
        } else if scheme == "ws" || scheme == "wss" {
            let (host, path) = address::split_ws(name)?;
            address::check_tcp_connect_syntax(host)?;
            let tls = if scheme == "wss" {
                let o = &self.options;
                let hostname = String::from_utf8_lossy(&o.wss_hostname).into_owned();
                let cfg = crate::zmtp::wss::client_config(
                    &o.wss_trust_pem,
                    o.wss_trust_system,
                    Some(hostname.as_str()),
                )
                .ok_or(Error::EINVAL)?;
                // SNI: ZMQ_WSS_HOSTNAME, else the address's host.
                let name = if hostname.is_empty() {
                    host.rsplit_once(':').map_or(host, |(h, _)| h).to_string()
                } else {
                    hostname
                };
                Some((cfg, name))
            } else {
                None
            };
            ConnectAddr::Ws {
                target: host.to_string(),
                host: host.to_string(),
                path: path.to_string(),
                tls,
            }
        } else {
            ConnectAddr::Ipc(address::resolve_ipc(name, false)?.0)
        };
        let io = self.io_thread()?;
        let opts = self.session_options(routing_id);
        // Unless the socket names its peers or waits for connections
        // (IMMEDIATE), the pipe exists now: messages queue while the
        // connection is being made.
        let session_end = if opts.delayed_pipe() {
            None
        } else {
            let (mut socket_end, session_end) = opts.pipe_pair();
            socket_end.endpoint = addr.to_string();
            socket_end.routing_id = opts.connect_routing_id.clone().unwrap_or_default();
            socket_end.identity_pending = opts.identity_in_band();
            self.attach_pipe(socket_end);
            Some(session_end)
        };
        let session = Session::new(opts, addr.to_string(), session_end, Some(target));
        self.ctx.session_started();
        io.send(Command::Io(Box::new(IoCommand::Connect(Box::new(session)))));
        self.mailbox.send(Command::Launched);
        self.connects.push((addr.to_string(), io));
        self.last_endpoint = addr.to_string();
        Ok(())
    }

    /// udp: DISH and DGRAM bind (receive), RADIO connects (sends); any
    /// other pairing is ENOCOMPATPROTO, as in libzmq. The datagram socket
    /// is opened here (so a bad address or a port in use fails the call)
    /// and its pipe made at once; LAST_ENDPOINT is the address without its
    /// scheme, as libzmq reports it.
    fn open_udp(&mut self, addr: &str, name: &str, bind: bool) -> Result<()> {
        let t = self.socket_type;
        let allowed = if bind {
            matches!(t, ZMQ_DISH | ZMQ_DGRAM)
        } else {
            t == ZMQ_RADIO
        };
        if !allowed {
            return Err(Error(ENOCOMPATPROTO));
        }
        let resolved = address::resolve_udp(name, bind, self.options.ipv6)?;
        let o = &self.options;
        let role = transport::udp::UdpRole {
            send: t != ZMQ_DISH,
            recv: t != ZMQ_RADIO,
            raw: t == ZMQ_DGRAM,
            multicast_loop: o.multicast_loop,
            multicast_hops: o.multicast_hops,
            device: o.bindtodevice.clone(),
        };
        let sock = transport::udp::open(&resolved, &role)?;
        let io = self.io_thread()?;
        let (mut socket_end, session_end) = self.session_options(None).pipe_pair();
        socket_end.endpoint = addr.to_string();
        self.attach_pipe(socket_end);
        let u = UdpSession::new(
            self.id,
            addr.to_string(),
            sock,
            session_end,
            role,
            resolved.target,
        );
        self.ctx.session_started();
        io.send(Command::Io(Box::new(IoCommand::Udp(Box::new(u)))));
        self.mailbox.send(Command::Launched);
        self.connects.push((addr.to_string(), io));
        self.last_endpoint = name.to_string();
        Ok(())
    }

    /// zmq_unbind and zmq_disconnect, which libzmq treats alike: an endpoint
    /// this socket bound is released (its connections stay); otherwise the
    /// connections this socket made to it are ended. ENOENT when neither.
    pub fn term_endpoint(&mut self, addr: &str) -> Result<()> {
        self.poll_commands()?;
        let (scheme, _) = parse_endpoint(addr)?;
        check_scheme(scheme)?;
        if let Some(pos) = self.bound.iter().position(|b| b == addr) {
            self.bound.swap_remove(pos);
            self.ctx.unregister_endpoint(addr, self.id);
            return Ok(());
        }
        let linger = self.options.linger;
        // A bound endpoint is named by its resolved form: "tcp://*:5555"
        // finds "tcp://0.0.0.0:5555"; a wildcard port names nothing.
        let wanted = match parse_endpoint(addr)? {
            ("tcp", name) => match address::resolve_tcp_bind(name, self.options.ipv6) {
                Ok(sa) if sa.port() != 0 => address::tcp_endpoint_string(&sa),
                _ => String::new(),
            },
            _ => addr.to_string(),
        };
        if let Some(pos) = self.listeners.iter().position(|b| b.resolved == wanted) {
            let b = self.listeners.swap_remove(pos);
            monitor::emit(
                &self.monitor,
                ZMQ_EVENT_CLOSED,
                b.fd as u64,
                &monitor::Endpoints::bound(&b.resolved),
            );
            b.io.send(Command::Io(Box::new(IoCommand::CloseEndpoint {
                socket_id: self.id,
                endpoint: b.resolved.clone(),
                linger,
            })));
            b.remove_files();
            self.note_disconnect();
            return Ok(());
        }
        let mut found = false;
        while let Some(pos) = self.connects.iter().position(|(a, _)| a == addr) {
            if !found && scheme != "inproc" {
                // Before the session hears of it: it decides on its last
                // retry by this flag.
                self.note_disconnect();
            }
            let (endpoint, io) = self.connects.swap_remove(pos);
            io.send(Command::Io(Box::new(IoCommand::CloseEndpoint {
                socket_id: self.id,
                endpoint,
                linger,
            })));
            found = true;
        }
        if self.terminate_endpoint_pipes(addr) == 0 && !found {
            return Err(Error(libc::ENOENT));
        }
        // (libzmq's inproc disconnect leaves the flag alone.)
        if scheme != "inproc" {
            self.note_disconnect();
        }
        Ok(())
    }

    /// libzmq's ZMQ_RECONNECT_STOP_AFTER_DISCONNECT is socket-wide: after
    /// any tcp or ipc endpoint is unbound or disconnected, refused ipc
    /// connects are not retried.
    fn note_disconnect(&self) {
        if self.options.reconnect_stop & ZMQ_RECONNECT_STOP_AFTER_DISCONNECT != 0 {
            self.disconnected.store(true, Ordering::Relaxed);
        }
    }

    fn terminate_endpoint_pipes(&mut self, addr: &str) -> usize {
        let doomed: Vec<PipeIdx> = self
            .pipes
            .indices()
            .into_iter()
            .filter(|&i| self.pipes.get(i).endpoint == addr)
            .collect();
        for &idx in &doomed {
            self.terminate_pipe(idx);
        }
        doomed.len()
    }

    /// What an inproc peer needs to know about this socket.
    fn endpoint_info(&self) -> crate::ctx::EndpointInfo {
        crate::ctx::EndpointInfo {
            socket_id: self.id,
            socket_type: self.socket_type,
            mailbox: Arc::clone(&self.mailbox),
            sndhwm: self.options.sndhwm.max(0) as u64,
            rcvhwm: self.options.rcvhwm.max(0) as u64,
            conflate: self.options.conflate,
            routing_id: self.options.routing_id.clone(),
            hello: self
                .options
                .hello_msg
                .clone()
                .filter(|_| self.options.can_send_hello_msg),
            disconnect: self
                .options
                .disconnect_msg
                .clone()
                .filter(|_| self.options.can_recv_disconnect_msg),
        }
    }

    /// zmq_close: ends every pipe (peers still read what was sent) and
    /// leaves the context.
    pub fn close(mut self) {
        // Take what is queued for us first (e.g. pipes bound to us).
        while let Some(cmd) = self.mailbox.try_recv() {
            self.handle(cmd);
        }
        for addr in std::mem::take(&mut self.bound) {
            self.ctx.unregister_endpoint(&addr, self.id);
        }
        // The I/O threads hear of it before the pipes end, so that sessions
        // know their LINGER when the delimiter comes. A forked child must not
        // touch the parent's I/O threads.
        if self.ctx.is_forked_child() {
            self.io_used.clear();
        }
        for io in std::mem::take(&mut self.io_used) {
            io.send(Command::Io(Box::new(IoCommand::SocketClosed {
                socket_id: self.id,
                linger: self.options.linger,
            })));
        }
        for b in std::mem::take(&mut self.listeners) {
            monitor::emit(
                &self.monitor,
                ZMQ_EVENT_CLOSED,
                b.fd as u64,
                &monitor::Endpoints::bound(&b.resolved),
            );
            b.remove_files();
        }
        self.ctx.connector_closed(self.id);
        for idx in self.pipes.indices() {
            self.terminate_pipe(idx);
        }
        let monitor = self
            .monitor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(m) = monitor {
            m.stop();
        }
        self.ctx.socket_closed(self.id);
    }

    /// zmq_connect_peer (PEER): connects and returns the routing id of the
    /// new peer's pipe (made at once: EFAULT under ZMQ_IMMEDIATE, as
    /// libzmq); ENOTSUP on other socket types.
    pub fn connect_peer(&mut self, addr: &str) -> Result<u32> {
        if self.socket_type != ZMQ_PEER {
            return Err(Error::ENOTSUP);
        }
        if self.options.immediate {
            return Err(Error::EFAULT);
        }
        self.connect(addr)?;
        self.pattern.last_routing_id().ok_or(Error::EFAULT)
    }

    /// zmq_disconnect_peer (PEER): ends the connection to a peer;
    /// EHOSTUNREACH when no peer has that id, ENOTSUP on other types.
    pub fn disconnect_peer(&mut self, routing_id: u32) -> Result<()> {
        if self.socket_type != ZMQ_PEER {
            return Err(Error::ENOTSUP);
        }
        self.poll_commands()?;
        let (pattern, mut cx) = self.cx();
        let r = pattern.disconnect_peer(routing_id, &mut cx);
        self.reap_dead();
        r
    }

    /// zmq_join (DISH): EINVAL for a group over 255 octets or one joined
    /// already; ENOTSUP on other types.
    pub fn join(&mut self, group: &[u8]) -> Result<()> {
        let (pattern, mut cx) = self.cx();
        pattern.join(group, &mut cx)
    }

    /// zmq_leave (DISH): EINVAL for a group not joined.
    pub fn leave(&mut self, group: &[u8]) -> Result<()> {
        let (pattern, mut cx) = self.cx();
        pattern.leave(group, &mut cx)
    }

    /// zmq_socket_get_peer_state (draft): ZMQ_POLLOUT when the peer with
    /// this routing id can take a message now; EHOSTUNREACH when unknown.
    pub fn peer_state(&mut self, routing_id: &[u8]) -> Result<i32> {
        self.poll_commands()?;
        let (pattern, mut cx) = self.cx();
        pattern.peer_state(routing_id, &mut cx)
    }

    /// zmq_socket_monitor_pipes_stats: one PIPES_STATS event per pipe with
    /// (messages queued out and unacknowledged, messages queued in).
    pub fn pipes_stats(&mut self) -> Result<()> {
        self.poll_commands()?;
        let m = self
            .monitor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let m = m
            .filter(|m| m.wants(ZMQ_EVENT_PIPES_STATS as u64))
            .ok_or(Error::EINVAL)?;
        if self.pipes.is_empty() {
            return Err(Error::EAGAIN);
        }
        for idx in self.pipes.indices() {
            let p = self.pipes.get(idx);
            let (local, remote) = &p.stats_endpoints;
            let ep = monitor::Endpoints {
                local,
                remote,
                bind: true,
            };
            m.emit(ZMQ_EVENT_PIPES_STATS as u64, &[p.queued_out(), 0], &ep);
        }
        Ok(())
    }

    /// zmq_socket_monitor(_versioned): events go to a PAIR socket bound at
    /// `addr` (inproc only); None stops monitoring.
    pub fn monitor(
        &mut self,
        addr: Option<&str>,
        events: u64,
        version: i32,
        monitor_type: i32,
    ) -> Result<()> {
        self.poll_commands()?;
        // Version 1 events fit in 16 bits (checked first, as libzmq).
        if version == 1 && events & !(ZMQ_EVENT_ALL_V1 as u64) != 0 {
            return Err(Error::EINVAL);
        }
        let old = self
            .monitor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(m) = old {
            m.stop();
        }
        let Some(addr) = addr else {
            return Ok(());
        };
        let (scheme, _) = parse_endpoint(addr)?;
        if scheme != "inproc" {
            return Err(Error(libc::EPROTONOSUPPORT));
        }
        let mut pair = self.ctx.create_socket(monitor_type)?;
        if let Err(e) = pair.bind(addr) {
            pair.close();
            return Err(e);
        }
        *self.monitor.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Arc::new(Monitor::new(pair, events, version)));
        Ok(())
    }
}
