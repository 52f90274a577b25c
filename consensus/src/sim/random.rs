//! Random scenarios for seed sweeps: every seed draws validators, faults within the
//! f < n/3 bound, network conditions, partitions, crashes and timeouts.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::params::Params;

use super::config::{Behaviour, Crash, NetworkConfig, Partition, SimConfig, ValidatorChange};

const BEHAVIOURS: [Behaviour; 5] =
    [Behaviour::Silent, Behaviour::Equivocator, Behaviour::Amnesia, Behaviour::InvalidVoter, Behaviour::Twin];

/// The scenario of `seed`; `planted_bug` makes every honest node ignore its lock.
pub fn random_scenario(seed: u64, planted_bug: bool) -> SimConfig {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_5eed_5eed_5eed);
    let n: usize = *[4usize, 4, 4, 5, 6, 7, 10].choose(&mut rng).unwrap_or(&4);
    let weighted = rng.gen_bool(0.3);
    let powers: Vec<u64> = (0..n).map(|_| if weighted { rng.gen_range(1..=10) } else { 1 }).collect();
    let total: u64 = powers.iter().sum();

    // Pick Byzantine validators while their power stays strictly below a third.
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    let wanted = rng.gen_range(0..=n);
    let mut byzantine = Vec::new();
    let mut faulty: u64 = 0;
    for v in order.iter().copied().take(wanted) {
        if 3 * (faulty + powers[v]) < total {
            faulty += powers[v];
            let behaviour = *BEHAVIOURS.choose(&mut rng).unwrap_or(&Behaviour::Silent);
            byzantine.push((v, behaviour));
        }
    }
    let twins = byzantine.iter().filter(|(_, b)| *b == Behaviour::Twin).count();
    let nodes = n + twins;

    let latency_ms = rng.gen_range(1..=100);
    let network = NetworkConfig {
        latency_ms,
        jitter_ms: rng.gen_range(0..=latency_ms),
        loss: if rng.gen_bool(0.5) { 0.0 } else { rng.gen_range(0.0..0.10) },
        duplicate: if rng.gen_bool(0.5) { 0.0 } else { rng.gen_range(0.0..0.1) },
    };

    let partitions = (0..rng.gen_range(0..=2))
        .map(|_| {
            let from_ms = rng.gen_range(0..5_000);
            let groups_count = rng.gen_range(2..=3u8);
            Partition {
                from_ms,
                until_ms: from_ms + rng.gen_range(500..10_000),
                groups: (0..nodes).map(|_| rng.gen_range(0..groups_count)).collect(),
            }
        })
        .collect();

    let honest: Vec<usize> = (0..n).filter(|v| !byzantine.iter().any(|(b, _)| b == v)).collect();
    let mut crashes = Vec::new();
    for _ in 0..rng.gen_range(0..=2) {
        if let Some(node) = honest.choose(&mut rng).copied() {
            crashes.push(Crash { node, at_ms: rng.gen_range(0..8_000), down_ms: rng.gen_range(200..5_000) });
        }
    }

    // Growing an honest validator's power keeps the faulty share below a third.
    let changes = if rng.gen_bool(0.2) {
        let mut grown = powers.clone();
        if let Some(v) = honest.choose(&mut rng) {
            grown[*v] += rng.gen_range(1..=5);
        }
        vec![ValidatorChange { height: rng.gen_range(2..=4), powers: grown }]
    } else {
        Vec::new()
    };

    // Timeouts start short (rounds fail while the network misbehaves) and grow with the
    // round until lost messages, re-sent every `rebroadcast_ms`, arrive within them.
    let step = rng.gen_range(50..=400);
    let params = Params {
        timeout_propose_ms: rng.gen_range(100..=800),
        timeout_propose_delta_ms: step,
        timeout_prevote_ms: rng.gen_range(50..=400),
        timeout_prevote_delta_ms: step,
        timeout_precommit_ms: rng.gen_range(50..=400),
        timeout_precommit_delta_ms: step,
        rebroadcast_ms: rng.gen_range(100..=400),
        planted_bug_ignore_locks: planted_bug,
        ..Params::default()
    };

    let mut config = SimConfig {
        seed,
        powers,
        changes,
        heights: rng.gen_range(3..=6),
        params,
        network,
        partitions,
        crashes,
        byzantine,
        sync_interval_ms: rng.gen_range(200..=1_000),
        max_time_ms: 0,
        log_events: false,
    };
    config.max_time_ms = config.heal_time_ms() + 600_000;
    config
}
