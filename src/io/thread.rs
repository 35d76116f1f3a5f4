//! I/O threads (ZMQ_IO_THREADS). Each runs a loop on its own mailbox; the
//! engines of tcp and ipc connections will live here. Thread name, priority,
//! scheduling policy and CPU affinity come from the context options.

use super::mailbox::Mailbox;
use crate::command::Command;
use crate::ctx::CtxOptions;
use crate::error::{Error, Result};
use std::sync::Arc;
use std::thread::JoinHandle;

pub struct IoThread {
    mailbox: Arc<Mailbox>,
    handle: JoinHandle<()>,
}

/// Applies the context's scheduling options to the calling thread; failures
/// (e.g. no permission for a real-time policy) are ignored, as in libzmq.
fn apply_sched(opts: &CtxOptions) {
    if opts.thread_sched_policy >= 0 || opts.thread_priority >= 0 {
        // SAFETY: plain pthread calls on the current thread with valid
        // pointers.
        unsafe {
            let mut policy = 0;
            let mut param: libc::sched_param = std::mem::zeroed();
            libc::pthread_getschedparam(libc::pthread_self(), &mut policy, &mut param);
            if opts.thread_sched_policy >= 0 {
                policy = opts.thread_sched_policy;
            }
            if opts.thread_priority >= 0 {
                param.sched_priority = opts.thread_priority;
            }
            libc::pthread_setschedparam(libc::pthread_self(), policy, &param);
        }
    }
    if !opts.thread_affinity_cpus.is_empty() {
        // SAFETY: a zeroed cpu_set_t filled with CPU_SET, applied to the
        // current thread.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            for &cpu in &opts.thread_affinity_cpus {
                if (cpu as usize) < libc::CPU_SETSIZE as usize {
                    libc::CPU_SET(cpu as usize, &mut set);
                }
            }
            libc::pthread_setaffinity_np(
                libc::pthread_self(),
                std::mem::size_of::<libc::cpu_set_t>(),
                &set,
            );
        }
    }
}

impl IoThread {
    pub fn start(index: i32, opts: &CtxOptions) -> Result<IoThread> {
        let mailbox = Arc::new(Mailbox::new()?);
        let mb = Arc::clone(&mailbox);
        let prefix = String::from_utf8_lossy(&opts.thread_name_prefix).into_owned();
        let name = if prefix.is_empty() {
            format!("ZMQbg/IO/{index}")
        } else {
            format!("{prefix}/ZMQbg/IO/{index}")
        };
        let opts = opts.clone();
        let handle = std::thread::Builder::new()
            .name(name.chars().take(15).collect())
            .spawn(move || {
                apply_sched(&opts);
                loop {
                    match mb.recv(-1) {
                        Ok(Some(Command::Stop)) => return,
                        Ok(_) => {}
                        Err(_) => {}
                    }
                }
            })
            .map_err(|e| Error(e.raw_os_error().unwrap_or(libc::EAGAIN)))?;
        Ok(IoThread { mailbox, handle })
    }

    pub fn stop(self) {
        self.mailbox.send(Command::Stop);
        let _ = self.handle.join();
    }
}
