//! Monotonic time for the few places that need a clock (timers, stopwatch).

use std::sync::OnceLock;
use std::time::Instant;

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Microseconds since an arbitrary fixed point in this process.
pub fn now_us() -> u64 {
    epoch().elapsed().as_micros() as u64
}

/// Milliseconds since the same point.
pub fn now_ms() -> u64 {
    now_us() / 1000
}

/// Nanoseconds on the machine's monotonic clock: the same instant reads
/// the same in every process (unlike `now_us`, which counts from a point
/// in this one).
pub fn machine_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec we pass; CLOCK_MONOTONIC
    // always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec as u64)
}
