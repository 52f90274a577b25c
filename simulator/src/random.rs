//! Random scenarios for seed sweeps: every seed draws validators, households, Byzantine
//! validators within the f < n/3 bound, links, clock skew, partitions, power losses and the
//! consensus timeouts.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use consensus::Params;

use crate::config::{Behaviour, Crash, LinkConfig, Partition, SimConfig};

const BEHAVIOURS: [Behaviour; 5] = [Behaviour::Silent, Behaviour::Equivocator, Behaviour::Amnesia, Behaviour::InvalidVoter, Behaviour::Twin];

/// The scenario of `seed`: `validators` nodes, `heights` heights, faults on.
pub fn scenario(seed: u64, validators: usize, heights: u64, planted_bug: bool) -> SimConfig {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x51de_5eed_0f0f_0f0f);
    let mut config = SimConfig::honest(validators, rng.gen_range(0..=8), heights, seed);
    config.planted_bug_skip_wal_sync = planted_bug;
    config.links = LinkConfig {
        latency_ms: rng.gen_range(1..=100),
        jitter_ms: rng.gen_range(0..=50),
        loss: if rng.gen_bool(0.5) { rng.gen_range(0.0..0.05) } else { 0.0 },
        duplicate: if rng.gen_bool(0.3) { rng.gen_range(0.0..0.05) } else { 0.0 },
        matrix: None,
    };
    config.max_clock_skew_ms = rng.gen_range(0..=200);
    let span = heights.saturating_mul(config.slot_ms);

    let mut order: Vec<usize> = (0..validators).collect();
    order.shuffle(&mut rng);
    let faulty = (validators.saturating_sub(1)) / 3;
    let byzantine = rng.gen_range(0..=faulty);
    for &v in order.iter().take(byzantine) {
        let behaviour = *BEHAVIOURS.choose(&mut rng).unwrap_or(&Behaviour::Silent);
        config.byzantine.push((v, behaviour));
        if behaviour == Behaviour::Amnesia {
            config.crashes.push(crash(&mut rng, v, span));
        }
    }
    // Honest validators lose power too (a crash is not a fault in the f < n/3 sense: the
    // node comes back with its disk).
    for _ in 0..rng.gen_range(0..=2) {
        let v = order[rng.gen_range(0..validators)];
        if config.behaviour_of(v).is_none() {
            config.crashes.push(crash(&mut rng, v, span));
        }
    }
    if rng.gen_bool(0.3) {
        let from_ms = rng.gen_range(0..span.max(1));
        let groups = (0..validators).map(|_| rng.gen_range(0..2u8)).collect();
        config.partitions.push(Partition { from_ms, until_ms: from_ms + rng.gen_range(500..=5_000), groups });
    }
    config.params = timeouts(&mut rng);
    config.max_time_ms = config.heal_time_ms().max(span).saturating_add(120_000);
    config
}

/// Timeouts from short (rounds fail while links misbehave, which is where locks matter) to
/// the defaults; they grow with the round until lost messages, re-sent every
/// `rebroadcast_ms`, arrive within them.
fn timeouts(rng: &mut ChaCha8Rng) -> Params {
    let step = rng.gen_range(50..=500);
    Params {
        timeout_propose_ms: rng.gen_range(100..=1_000),
        timeout_propose_delta_ms: step,
        timeout_prevote_ms: rng.gen_range(50..=500),
        timeout_prevote_delta_ms: step,
        timeout_precommit_ms: rng.gen_range(50..=500),
        timeout_precommit_delta_ms: step,
        rebroadcast_ms: rng.gen_range(100..=2_000),
        ..Params::default()
    }
}

fn crash(rng: &mut ChaCha8Rng, node: usize, span: u64) -> Crash {
    Crash { node, at_ms: rng.gen_range(0..span.max(1)), down_ms: rng.gen_range(100..=3_000), torn_wal_bytes: rng.gen_range(0..=40) }
}
