//! The simulated links: delay, jitter, loss, duplication and partitions, all drawn from the
//! run's seeded generator.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::config::{NetworkConfig, Partition};

pub(crate) struct Network {
    config: NetworkConfig,
    partitions: Vec<Partition>,
}

impl Network {
    pub(crate) fn new(config: NetworkConfig, partitions: Vec<Partition>) -> Self {
        Self { config, partitions }
    }

    fn cut(&self, from: usize, to: usize, now: u64) -> bool {
        self.partitions.iter().any(|p| {
            let group = |n: usize| p.groups.get(n).copied().unwrap_or(0);
            now >= p.from_ms && now < p.until_ms && group(from) != group(to)
        })
    }

    /// Arrival delays of one message sent now from `from` to `to`: none if it is lost or
    /// cut off, two if it is duplicated.
    pub(crate) fn delays(&self, from: usize, to: usize, now: u64, rng: &mut ChaCha8Rng) -> [Option<u64>; 2] {
        if self.cut(from, to, now) || (self.config.loss > 0.0 && rng.gen_bool(self.config.loss.min(1.0))) {
            return [None, None];
        }
        let first = Some(self.delay(rng));
        let duplicated = self.config.duplicate > 0.0 && rng.gen_bool(self.config.duplicate.min(1.0));
        [first, duplicated.then(|| self.delay(rng))]
    }

    fn delay(&self, rng: &mut ChaCha8Rng) -> u64 {
        let jitter = if self.config.jitter_ms > 0 { rng.gen_range(0..=self.config.jitter_ms) } else { 0 };
        self.config.latency_ms + jitter
    }
}
