//! A seed is a replayable run: the same seed gives the same trace hash, event for event;
//! another seed gives another trace.

use simulator::random::scenario;
use simulator::run;

#[test]
fn the_same_seed_replays_the_same_trace_and_another_seed_does_not() {
    for seed in [1u64, 42, 4_242] {
        let config = scenario(seed, 4, 8, false);
        let first = run(&config);
        let again = run(&config);
        assert_eq!(first.trace_hash, again.trace_hash, "seed {seed} did not replay: {first} / {again}");
        assert_eq!(first.events, again.events);
        assert_ne!(first.trace_hash, run(&scenario(seed + 1, 4, 8, false)).trace_hash);
    }
}
