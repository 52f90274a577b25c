//! Re-dial schedule for persistent peers: exponential back-off, reset on success.

use std::time::{Duration, Instant};

/// When to dial one persistent peer next; pure, the caller supplies the clock.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    current: Duration,
    next_at: Instant,
    failures: u32,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration, now: Instant) -> Self {
        let initial = initial.max(Duration::from_millis(1));
        Backoff { initial, max: max.max(initial), current: initial, next_at: now, failures: 0 }
    }

    pub fn due(&self, now: Instant) -> bool {
        now >= self.next_at
    }

    /// Records a failed dial (or a lost connection) and returns the wait before the next one.
    pub fn failed(&mut self, now: Instant) -> Duration {
        let wait = self.current;
        self.next_at = now + wait;
        self.current = (self.current * 2).min(self.max);
        self.failures = self.failures.saturating_add(1);
        wait
    }

    /// Postpones the next attempt while a dial is in flight, so it is not repeated every tick.
    pub fn dialling(&mut self, now: Instant) {
        self.next_at = now + self.max;
    }

    pub fn connected(&mut self) {
        self.current = self.initial;
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_until_the_cap_and_reset_after_a_connection() {
        let now = Instant::now();
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(350), now);
        assert!(b.due(now));
        assert_eq!(b.failed(now), Duration::from_millis(100));
        assert!(!b.due(now + Duration::from_millis(99)));
        assert!(b.due(now + Duration::from_millis(100)));
        assert_eq!(b.failed(now), Duration::from_millis(200));
        assert_eq!(b.failed(now), Duration::from_millis(350));
        assert_eq!(b.failed(now), Duration::from_millis(350));
        assert_eq!(b.failures(), 4);
        b.connected();
        assert_eq!(b.failed(now), Duration::from_millis(100));
    }
}
