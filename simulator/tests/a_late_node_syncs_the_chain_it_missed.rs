//! A validator that is down for the first eight seconds joins a chain that went on without it
//! (three of four hold more than two thirds) and fetches the blocks it missed by sync,
//! checking each certificate, until it runs consensus with the others.

use simulator::{run, Crash, SimConfig};

#[test]
fn a_validator_down_from_the_start_syncs_the_blocks_it_missed() {
    let mut config = SimConfig::honest(4, 4, 15, 3);
    config.crashes.push(Crash { node: 3, at_ms: 0, down_ms: 8_000, torn_wal_bytes: 0 });
    let report = run(&config);
    assert!(report.passed(), "{report}");
    assert!(report.first_commit_ms.iter().any(|(h, at)| *h >= 5 && *at < 8_000), "the others went on: {report}");
    assert!(report.min_honest_height >= 15, "the late node caught up: {report}");
}
