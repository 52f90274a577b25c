//! The simulator replays exactly: the same seed gives the same trace hash, event count
//! and decisions; different seeds give different traces.

use consensus::sim::{random_scenario, run};

#[test]
fn the_same_seed_replays_the_same_trace() {
    for seed in [0u64, 7, 229, 4242, 99_999] {
        let a = run(random_scenario(seed, false)).unwrap();
        let b = run(random_scenario(seed, false)).unwrap();
        assert_eq!(a.trace_hash, b.trace_hash, "seed {seed}");
        assert_eq!(a.events, b.events);
        assert_eq!(a.decisions, b.decisions);
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let hashes: std::collections::BTreeSet<u64> = (0..50u64).map(|s| run(random_scenario(s, false)).unwrap().trace_hash).collect();
    assert_eq!(hashes.len(), 50);
}
