//! The link a relay emulates between two validators, each way: a one-way delay, uniform jitter
//! on top, and segment loss as TCP lives it. libp2p runs over TCP here, so a lost segment is
//! not a lost message: it is sent again after a retransmission timeout, and TCP delivers in
//! order, so everything behind it waits too (head-of-line blocking). That is the cost a
//! researcher sees on a real lossy WAN, and what `Link::due` charges.

use std::time::Duration;

/// What TCP sends in one segment on an Ethernet path (1500 bytes less IP and TCP headers
/// with timestamps), to turn a chunk's bytes into the segments that may each be lost.
const SEGMENT_BYTES: usize = 1448;
/// Linux's floor on the retransmission timeout (`TCP_RTO_MIN`).
const MIN_RTO: Duration = Duration::from_millis(200);
const PPM: u64 = 1_000_000;

pub use node::compose::WanLink as Link;

/// What a lost segment costs: RFC 6298's timeout for a steady round trip, `SRTT + 4 RTTVAR`,
/// with the jitter as the variation, and never below Linux's 200 ms.
pub fn rto(link: &Link) -> Duration {
    let rtt = Duration::from_millis(link.delay_ms.saturating_mul(2));
    let rttvar = Duration::from_millis(link.jitter_ms.saturating_mul(2));
    (rtt + rttvar.saturating_mul(4)).max(MIN_RTO)
}

/// How long after it arrived a chunk of `bytes` may leave: the delay, its jitter, a
/// retransmission timeout if any of its segments is lost, and not before `floor` (the
/// previous chunk's departure: TCP keeps order).
pub fn wait(link: &Link, bytes: usize, floor: Duration, rng: &mut SplitMix) -> Duration {
    let jitter = if link.jitter_ms == 0 { 0 } else { rng.below(link.jitter_ms.saturating_add(1)) };
    let segments = bytes.div_ceil(SEGMENT_BYTES).max(1);
    let lost = (0..segments).any(|_| rng.below(PPM) < u64::from(link.loss_ppm));
    let retransmit = if lost { rto(link) } else { Duration::ZERO };
    let wait = Duration::from_millis(link.delay_ms.saturating_add(jitter)) + retransmit;
    wait.max(floor)
}

/// SplitMix64: a seeded generator, so a relay's losses replay from its seed.
#[derive(Clone, Debug)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (the modulo bias is below 2^-40 for the n used here); 0 when n is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.next() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_link_waits_exactly_its_delay() {
        let link = Link { delay_ms: 50, ..Link::default() };
        let mut rng = SplitMix::new(1);
        for bytes in [1, 1448, 64 * 1024] {
            assert_eq!(wait(&link, bytes, Duration::ZERO, &mut rng), Duration::from_millis(50));
        }
    }

    #[test]
    fn jitter_stays_within_its_bound_and_order_is_kept() {
        let link = Link { delay_ms: 50, jitter_ms: 10, loss_ppm: 0 };
        let mut rng = SplitMix::new(7);
        let waits: Vec<Duration> = (0..1000).map(|_| wait(&link, 100, Duration::ZERO, &mut rng)).collect();
        assert!(waits.iter().all(|w| *w >= Duration::from_millis(50) && *w <= Duration::from_millis(60)));
        assert!(waits.iter().any(|w| *w != waits[0]), "jitter never varied");
        assert_eq!(wait(&link, 100, Duration::from_millis(500), &mut rng), Duration::from_millis(500), "a chunk never overtakes the one before");
    }

    #[test]
    fn one_percent_loss_retransmits_about_one_segment_in_a_hundred() {
        let link = Link { delay_ms: 50, jitter_ms: 0, loss_ppm: 10_000 };
        let mut rng = SplitMix::new(3);
        let n = 100_000;
        let retransmitted = (0..n).filter(|_| wait(&link, 100, Duration::ZERO, &mut rng) > Duration::from_millis(50)).count();
        assert!((800..1200).contains(&retransmitted), "{retransmitted} of {n} one-segment chunks retransmitted");
        assert_eq!(rto(&link), Duration::from_millis(200), "100 ms round trips time out at Linux's floor");
    }

    #[test]
    fn the_same_seed_loses_the_same_segments() {
        let link = Link { delay_ms: 10, jitter_ms: 5, loss_ppm: 50_000 };
        let run = |seed| {
            let mut rng = SplitMix::new(seed);
            (0..200).map(|i| wait(&link, i * 100, Duration::ZERO, &mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(run(9), run(9));
        assert_ne!(run(9), run(10));
    }
}
