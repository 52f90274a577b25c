//! Per-peer message rate limit over one-second windows.

use libp2p::PeerId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Counts each peer's messages in the current one-second window; pure apart from the
/// `Instant` the caller passes in.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: u32,
    windows: HashMap<PeerId, (Instant, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Over the limit in this window: the message is dropped without forwarding.
    Throttle,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> Self {
        RateLimiter { per_second: per_second.max(1), windows: HashMap::new() }
    }

    pub fn check(&mut self, peer: PeerId, now: Instant) -> Verdict {
        let (start, count) = self.windows.entry(peer).or_insert((now, 0));
        if now.duration_since(*start) >= Duration::from_secs(1) {
            *start = now;
            *count = 0;
        }
        *count += 1;
        if *count > self.per_second {
            Verdict::Throttle
        } else {
            Verdict::Allow
        }
    }

    pub fn forget(&mut self, peer: &PeerId) {
        self.windows.remove(peer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_over_its_budget_is_throttled_until_the_next_window() {
        let peer = PeerId::random();
        let other = PeerId::random();
        let mut limiter = RateLimiter::new(3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(peer, t0), Verdict::Allow);
        }
        assert_eq!(limiter.check(peer, t0), Verdict::Throttle);
        assert_eq!(limiter.check(other, t0), Verdict::Allow);
        assert_eq!(limiter.check(peer, t0 + Duration::from_secs(1)), Verdict::Allow);
    }
}
