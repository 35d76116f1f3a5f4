//! When a thread that ran out of work spins before it sleeps.
//!
//! Waking a sleeping thread costs both sides tens of microseconds of CPU
//! on the machines we measure on (a system call for the waker, a context
//! switch and often an inter-processor interrupt for the sleeper), and it
//! puts the wake-up latency on the path of every round trip. Spinning
//! (polling without sleeping, yielding the CPU in between) avoids both when
//! the next work comes within the spin, and wastes the whole spin when it
//! does not. So a thread spins only while its recent waits were short:
//! each wait, from the moment the thread found nothing to do to the moment
//! work came, is recorded as short or long, and the thread spins when at
//! least half of its last eight were short. Short is within `SHORT` for a
//! sleeping thread, and within its spin for a spinning one.
//!
//! A thread that sleeps sees the wake-up latency of every thread before it
//! in the chain as part of its own waits, so a busy ping-pong whose threads
//! all sleep would never see a short wait and never start spinning. For
//! that, every thread spins anyway during a short trial window that recurs
//! on the machine's monotonic clock, the same instants for every thread of
//! every process on the machine: traffic that keeps its threads busy finds
//! its waits short within the window and keeps spinning after it; traffic
//! with long gaps pays one spin per wait in the window and no more.
//!
//! The slack a spinning thread gets (a wait its spin caught counts as
//! short, up to `SPIN` instead of `SHORT`) is only for waits that follow a
//! send of the same thread: a round trip's threads wait for the answer to
//! what they sent, and sleeping there puts a wake-up on the round trip's
//! path. A thread that only receives (a PULL at a steady 20,000 messages/s,
//! its I/O thread) gains nothing by catching the next message at the end
//! of a 50 us spin that a sleep and a wake-up would have cost less than.

use std::cell::Cell;
use std::time::Duration;

/// How long a spinning thread polls before it sleeps.
pub(crate) const SPIN: Duration = Duration::from_micros(50);

/// A wait up to this long counts as short: about where spinning through
/// it costs no more CPU than the sleep and wake-up it saves (a hand-off
/// between sleeping threads costs 30-40 us of CPU on the bench machine).
/// 30 us kept a busy tcp ping-pong's threads asleep, 40 us made a
/// PUSH/PULL at 20,000 messages/s spin (docs/PERFORMANCE.md). A spinning
/// thread keeps spinning while its spins catch the work (`SPIN`).
const SHORT: Duration = Duration::from_micros(35);

/// The trial window: `2^TRIAL_SHIFT` ns (about 1 ms) out of every
/// `TRIAL_EVERY` such slices (about 67 ms).
const TRIAL_SHIFT: u32 = 20;
const TRIAL_EVERY: u64 = 64;

/// One thread's record of its recent waits, newest in bit 0 (1: short).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spinner {
    history: u8,
}

impl Spinner {
    /// A new thread starts as if its waits had been short: a round trip
    /// that begins at once finds it spinning.
    pub(crate) const fn new() -> Spinner {
        Spinner { history: 0xff }
    }

    /// How long to spin in a wait that begins at `mono_ns` on the
    /// monotonic clock.
    pub(crate) fn budget(&self, mono_ns: u64) -> Duration {
        if self.history.count_ones() >= 4 || in_trial(mono_ns) {
            SPIN
        } else {
            Duration::ZERO
        }
    }

    /// A wait ended after `gap`: with work, or (`None`) without any;
    /// `after_send`: the thread sent something since its previous wait. A
    /// spinning thread counts a wait after a send that its spin caught as
    /// short; otherwise only a wait within `SHORT` is (the slack keeps a
    /// busy round trip's threads spinning through the jitter of a shared
    /// machine).
    pub(crate) fn record(&mut self, gap: Option<Duration>, after_send: bool) {
        let limit = if after_send && self.history.count_ones() >= 4 {
            SPIN
        } else {
            SHORT
        };
        let short = gap.is_some_and(|g| g <= limit);
        self.history = (self.history << 1) | short as u8;
    }
}

fn in_trial(mono_ns: u64) -> bool {
    (mono_ns >> TRIAL_SHIFT) % TRIAL_EVERY == 0
}

thread_local! {
    static THIS_THREAD: Cell<Spinner> = const { Cell::new(Spinner::new()) };
    /// The thread sent something since its last wait ended.
    static SENT: Cell<bool> = const { Cell::new(false) };
}

/// The calling thread sends: a message from the application, or octets to
/// the wire. Its next wait may be for the answer.
#[inline]
pub(crate) fn sent() {
    SENT.with(|s| s.set(true));
}

/// How long the calling thread should spin in the wait it begins now.
pub(crate) fn budget() -> Duration {
    THIS_THREAD.with(|s| s.get().budget(crate::clock::machine_ns()))
}

/// The calling thread's wait ended after `gap` with work, or without any
/// (`None`: a timeout).
pub(crate) fn record(gap: Option<Duration>) {
    let after_send = SENT.with(|s| s.replace(false));
    THIS_THREAD.with(|s| {
        let mut sp = s.get();
        sp.record(gap, after_send);
        s.set(sp);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A nanosecond instant outside the trial window.
    const QUIET: u64 = 5 << TRIAL_SHIFT;

    #[test]
    fn short_waits_keep_a_thread_spinning_long_ones_stop_it() {
        let mut s = Spinner::new();
        assert_eq!(s.budget(QUIET), SPIN, "a new thread spins");
        for _ in 0..4 {
            s.record(Some(Duration::from_millis(1)), true);
        }
        assert_eq!(s.budget(QUIET), SPIN, "half of the last eight short");
        s.record(Some(Duration::from_micros(200)), true);
        assert_eq!(s.budget(QUIET), Duration::ZERO, "mostly long: sleep");
        s.record(None, true);
        assert_eq!(s.budget(QUIET), Duration::ZERO, "a timeout is long");
        for _ in 0..3 {
            s.record(Some(Duration::from_micros(10)), false);
        }
        assert_eq!(s.budget(QUIET), Duration::ZERO, "three of eight short");
        s.record(Some(SHORT), false);
        assert_eq!(s.budget(QUIET), SPIN, "four of eight short");
    }

    #[test]
    fn spinning_threads_count_what_the_spin_caught() {
        let caught = SHORT + (SPIN - SHORT) / 2;
        let mut s = Spinner::new();
        for _ in 0..8 {
            s.record(Some(caught), true);
        }
        assert_eq!(s.budget(QUIET), SPIN, "caught by the spin: short");
        for _ in 0..5 {
            s.record(None, true);
        }
        assert_eq!(s.budget(QUIET), Duration::ZERO);
        for _ in 0..8 {
            s.record(Some(caught), true);
        }
        assert_eq!(
            s.budget(QUIET),
            Duration::ZERO,
            "asleep, the same wait is long"
        );
    }

    #[test]
    fn only_waits_after_a_send_get_the_spins_slack() {
        let caught = SHORT + (SPIN - SHORT) / 2;
        let mut s = Spinner::new();
        for _ in 0..5 {
            s.record(Some(caught), false);
        }
        assert_eq!(
            s.budget(QUIET),
            Duration::ZERO,
            "a receiver the spin catches late stops spinning"
        );
        let mut s = Spinner::new();
        for _ in 0..8 {
            s.record(Some(SHORT), false);
        }
        assert_eq!(s.budget(QUIET), SPIN, "a short wait is short either way");
    }

    #[test]
    fn sent_marks_the_next_wait_only() {
        let caught = SHORT + (SPIN - SHORT) / 2;
        for _ in 0..8 {
            sent();
            record(Some(caught));
        }
        assert_eq!(THIS_THREAD.with(|s| s.get().history), 0xff);
        sent();
        record(Some(caught));
        record(Some(caught));
        assert_eq!(THIS_THREAD.with(|s| s.get().history), 0xfe);
    }

    #[test]
    fn a_sleeping_thread_spins_in_the_trial_window() {
        let mut s = Spinner::new();
        for _ in 0..8 {
            s.record(None, false);
        }
        assert_eq!(s.budget(QUIET), Duration::ZERO);
        let window = TRIAL_EVERY << TRIAL_SHIFT;
        assert_eq!(s.budget(3 * window), SPIN, "start of the window");
        assert_eq!(s.budget(3 * window + (1 << TRIAL_SHIFT) - 1), SPIN);
        assert_eq!(s.budget(3 * window + (1 << TRIAL_SHIFT)), Duration::ZERO);
    }

    #[test]
    fn each_thread_keeps_its_own_record() {
        for _ in 0..8 {
            record(None);
        }
        let other = std::thread::spawn(|| THIS_THREAD.with(|s| s.get().history))
            .join()
            .expect("thread");
        assert_eq!(other, 0xff);
        assert_eq!(THIS_THREAD.with(|s| s.get().history), 0);
    }
}
