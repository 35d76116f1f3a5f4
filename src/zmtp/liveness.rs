//! Handshake and heartbeat timing of one connection, sans-IO: the engine
//! tells it what happened and when (`now` comes from the caller, never from
//! a clock of its own), asks `poll_timeout` when it next needs attention and
//! calls `handle_timeout(now)` then, as quinn-proto's connection does. The
//! I/O thread only arms a timer for the instant it is given.
//!
//! libzmq's rules: the handshake must end within ZMQ_HANDSHAKE_IVL; after
//! it, a PING goes out every ZMQ_HEARTBEAT_IVL carrying ZMQ_HEARTBEAT_TTL,
//! and the connection is dead when nothing came from the peer for
//! ZMQ_HEARTBEAT_TIMEOUT (default: the interval) past the last interval, or
//! when the TTL of the peer's own last PING ran out.

use std::time::{Duration, Instant};

/// The options that time a connection (milliseconds as the socket options
/// give them; 0 or less: off).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// ZMQ_HANDSHAKE_IVL.
    pub handshake_ivl: i32,
    /// ZMQ_HEARTBEAT_IVL.
    pub heartbeat_ivl: i32,
    /// ZMQ_HEARTBEAT_TTL in deciseconds, as it goes in our PINGs.
    pub heartbeat_ttl_ds: u16,
    /// ZMQ_HEARTBEAT_TIMEOUT (negative: the interval).
    pub heartbeat_timeout: i32,
}

/// Everything off: no handshake limit, no heartbeats; the timeout, if
/// heartbeats are turned on, is the interval (the socket options' default).
impl Default for Timing {
    fn default() -> Timing {
        Timing {
            handshake_ivl: 0,
            heartbeat_ivl: 0,
            heartbeat_ttl_ds: 0,
            heartbeat_timeout: -1,
        }
    }
}

/// What a timeout asks of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeout {
    /// Send a PING with this TTL (deciseconds).
    SendPing { ttl_ds: u16 },
    /// The handshake did not end in time.
    HandshakeExpired,
    /// The peer went silent: its PING's TTL ran out, or nothing came for
    /// the heartbeat timeout.
    PeerSilent,
}

/// A socket option's milliseconds as a duration (negative: none).
pub fn ms(v: i32) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

/// The deadlines of one connection.
#[derive(Debug, Clone)]
pub struct Liveness {
    timing: Timing,
    handshake_deadline: Option<Instant>,
    /// Last time anything came from the peer.
    last_input: Instant,
    next_ping: Option<Instant>,
    /// Set by the TTL of the peer's last PING.
    ttl_deadline: Option<Instant>,
}

impl Liveness {
    /// A connection that starts its handshake at `now`.
    pub fn new(timing: Timing, now: Instant) -> Liveness {
        Liveness {
            timing,
            handshake_deadline: (timing.handshake_ivl > 0).then(|| now + ms(timing.handshake_ivl)),
            last_input: now,
            next_ping: None,
            ttl_deadline: None,
        }
    }

    /// Something came from the peer: it is alive.
    pub fn on_input(&mut self, now: Instant) {
        self.last_input = now;
        self.ttl_deadline = None;
    }

    /// The handshake ended: its deadline goes, heartbeats start.
    pub fn on_handshake(&mut self, now: Instant) {
        self.handshake_deadline = None;
        if self.timing.heartbeat_ivl > 0 {
            self.next_ping = Some(now + ms(self.timing.heartbeat_ivl));
        }
    }

    /// The peer sent a PING with this TTL: without more input by then, it
    /// is gone.
    pub fn on_ping(&mut self, ttl_ds: u16, now: Instant) {
        if ttl_ds > 0 {
            self.ttl_deadline = Some(now + Duration::from_millis(ttl_ds as u64 * 100));
        }
    }

    /// The earliest instant `handle_timeout` has something to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.handshake_deadline, self.ttl_deadline, self.next_ping]
            .into_iter()
            .flatten()
            .min()
    }

    /// What is due at `now`, most serious first: an expired handshake, a
    /// silent peer, a PING to send (after which the next is planned).
    pub fn handle_timeout(&mut self, now: Instant) -> Option<Timeout> {
        if self.handshake_deadline.is_some_and(|d| now >= d) {
            return Some(Timeout::HandshakeExpired);
        }
        if self.ttl_deadline.is_some_and(|d| now >= d) {
            return Some(Timeout::PeerSilent);
        }
        self.next_ping.filter(|&at| now >= at)?;
        let t = self.timing;
        self.next_ping = Some(now + ms(t.heartbeat_ivl));
        let timeout = if t.heartbeat_timeout >= 0 {
            t.heartbeat_timeout
        } else {
            t.heartbeat_ivl
        };
        if now.duration_since(self.last_input) > ms(timeout) + ms(t.heartbeat_ivl) {
            return Some(Timeout::PeerSilent);
        }
        Some(Timeout::SendPing {
            ttl_ds: t.heartbeat_ttl_ds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn timing(handshake: i32, ivl: i32, ttl_ds: u16, timeout: i32) -> Timing {
        Timing {
            handshake_ivl: handshake,
            heartbeat_ivl: ivl,
            heartbeat_ttl_ds: ttl_ds,
            heartbeat_timeout: timeout,
        }
    }

    #[test]
    fn handshake_must_end_in_time() {
        let t0 = Instant::now();
        let mut l = Liveness::new(timing(30_000, 0, 0, -1), t0);
        assert_eq!(l.poll_timeout(), Some(t0 + 30_000 * MS));
        assert_eq!(l.handle_timeout(t0 + 29_999 * MS), None);
        assert_eq!(
            l.handle_timeout(t0 + 30_000 * MS),
            Some(Timeout::HandshakeExpired)
        );
        // Once the handshake is done, no deadline is left.
        let mut l = Liveness::new(timing(30_000, 0, 0, -1), t0);
        l.on_handshake(t0 + MS);
        assert_eq!(l.poll_timeout(), None);
        assert_eq!(l.handle_timeout(t0 + 60_000 * MS), None);
        // HANDSHAKE_IVL 0: no limit.
        assert_eq!(Liveness::new(timing(0, 0, 0, -1), t0).poll_timeout(), None);
    }

    #[test]
    fn pings_go_out_every_interval_while_the_peer_talks() {
        let t0 = Instant::now();
        let mut l = Liveness::new(timing(0, 100, 20, -1), t0);
        assert_eq!(l.poll_timeout(), None, "no pings before the handshake");
        l.on_handshake(t0);
        let mut now = t0;
        for _ in 0..5 {
            now += 100 * MS;
            assert_eq!(l.poll_timeout(), Some(now));
            l.on_input(now);
            assert_eq!(
                l.handle_timeout(now),
                Some(Timeout::SendPing { ttl_ds: 20 })
            );
        }
        // Not yet due: nothing.
        assert_eq!(l.handle_timeout(now + 50 * MS), None);
    }

    #[test]
    fn a_silent_peer_times_out_after_timeout_plus_interval() {
        let t0 = Instant::now();
        // Timeout defaults to the interval: dead once silent for over 200 ms.
        let mut l = Liveness::new(timing(0, 100, 0, -1), t0);
        l.on_handshake(t0);
        assert_eq!(
            l.handle_timeout(t0 + 100 * MS),
            Some(Timeout::SendPing { ttl_ds: 0 })
        );
        assert_eq!(
            l.handle_timeout(t0 + 200 * MS),
            Some(Timeout::SendPing { ttl_ds: 0 })
        );
        assert_eq!(l.handle_timeout(t0 + 300 * MS), Some(Timeout::PeerSilent));
        // An explicit timeout replaces the interval in that sum.
        let mut l = Liveness::new(timing(0, 100, 0, 500), t0);
        l.on_handshake(t0);
        for k in 1..=6 {
            assert_eq!(
                l.handle_timeout(t0 + k * 100 * MS),
                Some(Timeout::SendPing { ttl_ds: 0 })
            );
        }
        assert_eq!(l.handle_timeout(t0 + 700 * MS), Some(Timeout::PeerSilent));
    }

    #[test]
    fn the_peers_ttl_ends_the_connection_unless_it_talks() {
        let t0 = Instant::now();
        let mut l = Liveness::new(timing(0, 0, 0, -1), t0);
        l.on_handshake(t0);
        l.on_ping(5, t0);
        assert_eq!(l.poll_timeout(), Some(t0 + 500 * MS));
        assert_eq!(l.handle_timeout(t0 + 499 * MS), None);
        assert_eq!(l.handle_timeout(t0 + 500 * MS), Some(Timeout::PeerSilent));
        // Input clears it.
        l.on_ping(5, t0);
        l.on_input(t0 + 100 * MS);
        assert_eq!(l.poll_timeout(), None);
        assert_eq!(l.handle_timeout(t0 + 600 * MS), None);
        // A TTL of 0 sets no deadline.
        l.on_ping(0, t0);
        assert_eq!(l.poll_timeout(), None);
    }
}
