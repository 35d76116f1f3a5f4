//! Commands: what threads tell each other through mailboxes. Each names its
//! target pipe end by key (see `pipe::Pipe::key`).

use crate::pipe::Pipe;

#[derive(Debug)]
pub enum Command {
    /// The pipe's reader had gone to sleep and there is something to read.
    ActivateRead(u64),
    /// The pipe's reader has read this many messages: HWM credit for the
    /// writer.
    ActivateWrite(u64, u64),
    /// New HWMs for the pipe: the owner's (in, out) HWMs, with the peer's
    /// boosts when they become known (inproc connect before bind).
    PipeHwm {
        key: u64,
        inhwm: i32,
        outhwm: i32,
        boosts: Option<(u64, u64)>,
    },
    /// The other end of the pipe is gone: stop writing; read what is left
    /// up to the delimiter.
    PipeTerm(u64),
    /// A new pipe for this socket (inproc connect/bind).
    Bind(Box<Pipe>),
    /// Work for an I/O thread (listeners, connections).
    Io(Box<crate::io::thread::IoCommand>),
    /// The context is terminating: blocking calls fail with ETERM.
    Stop,
    /// A socket's note to itself that a tcp or ipc bind or connect handed
    /// work to an I/O thread. Nothing to do on receipt, but as with libzmq
    /// (whose socket takes ownership of the new listener or session by a
    /// command to itself), ZMQ_FD turns readable after such a call.
    Launched,
}
