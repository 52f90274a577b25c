//! Scenario: the administrator schedules protocol 1 with the real `ScheduleUpgrade`
//! transaction while validators crash and restart; every block from the scheduled height on
//! carries version 1, none before it, and the nodes agree on every block (the checker).

use simulator::{run, Crash, SimConfig, UpgradeSchedule};

const UPGRADE_HEIGHT: u64 = 14;

#[test]
fn every_node_takes_a_scheduled_upgrade_at_its_height() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(4, 3, 20, seed);
        config.links.jitter_ms = 20;
        config.upgrades = vec![UpgradeSchedule { at_ms: 1_500, version: 1, height: UPGRADE_HEIGHT }];
        // A validator loses power across the upgrade height and replays its WAL after it.
        config.crashes = vec![Crash { node: 2, at_ms: 12_500, torn_wal_bytes: 0, down_ms: 3_000 }];
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 20, "{report}");
        for (&height, &version) in &report.protocol_versions {
            let expected = u32::from(height >= UPGRADE_HEIGHT);
            assert_eq!(version, expected, "seed {seed}: block {height} carries protocol {version}");
        }
        assert!(report.protocol_versions.contains_key(&UPGRADE_HEIGHT), "seed {seed}: no block at the upgrade height");
    }
}
