//! Links between simulated nodes: each send is delivered once, twice or never, after a delay
//! drawn from the link's model, unless a partition separates the two ends.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::config::{LinkConfig, Partition};

pub struct Network {
    links: LinkConfig,
    partitions: Vec<Partition>,
}

impl Network {
    pub fn new(links: LinkConfig, partitions: Vec<Partition>) -> Self {
        Self { links, partitions }
    }

    pub fn connected(&self, a: usize, b: usize, now_ms: u64) -> bool {
        !self.partitions.iter().any(|p| p.separates(a, b, now_ms))
    }

    /// The delays after which a message sent now from `from` reaches `to`: none if it is lost
    /// or cut off, two if it is duplicated.
    pub fn deliveries(&self, rng: &mut ChaCha8Rng, from: usize, to: usize, now_ms: u64) -> Vec<u64> {
        if !self.connected(from, to, now_ms) || rng.gen_bool(self.links.loss.clamp(0.0, 1.0)) {
            return Vec::new();
        }
        let copies = if rng.gen_bool(self.links.duplicate.clamp(0.0, 1.0)) { 2 } else { 1 };
        (0..copies).map(|_| self.delay(rng, from, to)).collect()
    }

    /// One way, without loss (requests and responses of block sync ride on reliable streams).
    pub fn delay(&self, rng: &mut ChaCha8Rng, from: usize, to: usize) -> u64 {
        let jitter = if self.links.jitter_ms > 0 { rng.gen_range(0..=self.links.jitter_ms) } else { 0 };
        self.links.latency(from, to).saturating_add(jitter).max(1)
    }
}
