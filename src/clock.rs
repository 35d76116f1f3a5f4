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
