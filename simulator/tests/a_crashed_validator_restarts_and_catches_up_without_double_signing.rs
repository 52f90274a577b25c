//! A validator loses power in the middle of a run (its unsynced writes gone, a torn record at
//! the end of its WAL), restarts from its disk, replays the WAL and catches up by sync: no
//! double signing, every node on the same blocks and state roots.

use simulator::{run, Crash, SimConfig};

#[test]
fn a_validator_that_loses_power_restarts_replays_its_wal_and_catches_up() {
    for seed in 0..8 {
        let mut config = SimConfig::honest(4, 4, 12, seed);
        config.crashes.push(Crash { node: (seed % 4) as usize, at_ms: 3_000 + seed * 250, down_ms: 2_500, torn_wal_bytes: 7 });
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 12, "the restarted node caught up: {report}");
    }
}
