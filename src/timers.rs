//! The timer set behind `zmq_timers_*`: timers with an id, an interval and a
//! payload, fired in due order. No clock inside: callers pass `now` in
//! milliseconds, which keeps this testable.

/// One timer; `T` is what the caller wants back when it fires.
#[derive(Debug, Clone)]
struct Timer<T> {
    id: i32,
    interval: u64,
    due: u64,
    /// Order of (re)scheduling, so timers due at the same time fire in the
    /// order they were scheduled.
    seq: u64,
    payload: T,
}

#[derive(Debug)]
pub struct Timers<T> {
    timers: Vec<Timer<T>>,
    next_id: i32,
    next_seq: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            timers: Vec::new(),
            next_id: 0,
            next_seq: 0,
        }
    }
}

impl<T: Clone> Timers<T> {
    pub fn new() -> Self {
        Self::default()
    }

    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Adds a timer firing every `interval` ms; returns its id (from 1).
    pub fn add(&mut self, interval: u64, payload: T, now: u64) -> i32 {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        let id = self.next_id;
        let seq = self.seq();
        self.timers.push(Timer {
            id,
            interval,
            due: now.saturating_add(interval),
            seq,
            payload,
        });
        id
    }

    fn find(&mut self, id: i32) -> Option<&mut Timer<T>> {
        self.timers.iter_mut().find(|t| t.id == id)
    }

    /// Removes a timer; false when there is no such timer.
    pub fn cancel(&mut self, id: i32) -> bool {
        let before = self.timers.len();
        self.timers.retain(|t| t.id != id);
        self.timers.len() != before
    }

    /// Changes the interval and restarts the timer from `now`.
    pub fn set_interval(&mut self, id: i32, interval: u64, now: u64) -> bool {
        let seq = self.seq();
        match self.find(id) {
            Some(t) => {
                t.interval = interval;
                t.due = now.saturating_add(interval);
                t.seq = seq;
                true
            }
            None => false,
        }
    }

    /// Restarts the timer's interval from `now`.
    pub fn reset(&mut self, id: i32, now: u64) -> bool {
        let seq = self.seq();
        match self.find(id) {
            Some(t) => {
                t.due = now.saturating_add(t.interval);
                t.seq = seq;
                true
            }
            None => false,
        }
    }

    /// Milliseconds until the next timer is due (0 if overdue), or None when
    /// there is no timer.
    pub fn timeout(&self, now: u64) -> Option<u64> {
        self.timers.iter().map(|t| t.due.saturating_sub(now)).min()
    }

    /// The ids of the timers due at `now`, in firing order.
    pub fn due(&self, now: u64) -> Vec<i32> {
        let mut due: Vec<&Timer<T>> = self.timers.iter().filter(|t| t.due <= now).collect();
        due.sort_by_key(|t| (t.due, t.seq));
        due.into_iter().map(|t| t.id).collect()
    }

    /// Fires one timer if it still exists and is due: reschedules it and
    /// returns its payload.
    pub fn fire(&mut self, id: i32, now: u64) -> Option<T> {
        let seq = self.seq();
        let t = self.find(id)?;
        if t.due > now {
            return None;
        }
        t.due = now.saturating_add(t.interval);
        t.seq = seq;
        Some(t.payload.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fire_in_due_order_and_reschedule() {
        let mut t = Timers::new();
        let a = t.add(20, 'a', 0);
        let b = t.add(10, 'b', 0);
        assert_eq!((a, b), (1, 2));
        assert_eq!(t.timeout(0), Some(10));
        assert!(t.due(9).is_empty());
        assert_eq!(t.due(25), vec![b, a]);
        assert_eq!(t.fire(b, 25), Some('b'));
        assert_eq!(t.fire(a, 25), Some('a'));
        assert_eq!(t.timeout(25), Some(10));
        assert_eq!(t.fire(a, 25), None);
    }

    #[test]
    fn cancel_reset_set_interval() {
        let mut t = Timers::new();
        let a = t.add(10, (), 0);
        assert!(t.reset(a, 5));
        assert_eq!(t.timeout(5), Some(10));
        assert!(t.set_interval(a, 100, 5));
        assert_eq!(t.timeout(5), Some(100));
        assert!(t.cancel(a));
        assert!(!t.cancel(a));
        assert!(!t.reset(a, 0));
        assert_eq!(t.timeout(0), None);
    }
}
