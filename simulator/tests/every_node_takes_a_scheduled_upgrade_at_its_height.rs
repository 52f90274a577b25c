//! Scenario: the administrator schedules protocol 1, then protocol 2, with the real
//! `ScheduleUpgrade` transaction while validators crash and restart and their clocks disagree;
//! every block from each scheduled height on carries that version, none before it, block time
//! strictly increases from protocol 2 on (clocks up to 2 s apart make skewed proposers meet the
//! rule), and the nodes agree on every block (the checker).

use simulator::{run, Crash, SimConfig, UpgradeSchedule};

const FIRST: u64 = 14;
const SECOND: u64 = 34;

#[test]
fn every_node_takes_a_scheduled_upgrade_at_its_height() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(4, 3, 40, seed);
        config.links.jitter_ms = 20;
        config.max_clock_skew_ms = 2_000;
        config.upgrades = vec![
            UpgradeSchedule { at_ms: 1_500, version: 1, height: FIRST },
            UpgradeSchedule { at_ms: 20_000, version: 2, height: SECOND },
        ];
        // A validator loses power across the first upgrade height and replays its WAL after it.
        config.crashes = vec![Crash { node: 2, at_ms: 12_500, torn_wal_bytes: 0, down_ms: 3_000 }];
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 40, "{report}");
        for (&height, header) in &report.headers {
            let version = header.protocol_version;
            let expected = u32::from(height >= FIRST) + u32::from(height >= SECOND);
            assert_eq!(version, expected, "seed {seed}: block {height} carries protocol {version}");
        }
        for height in [FIRST, SECOND] {
            assert!(report.headers.contains_key(&height), "seed {seed}: no block at upgrade height {height}");
        }
        let times: Vec<(u64, u64)> = report.headers.range(SECOND - 1..).map(|(&h, f)| (h, f.time_ms)).collect();
        for pair in times.windows(2) {
            assert!(pair[1].1 > pair[0].1, "seed {seed}: block {} at {} ms is not later than block {} at {} ms", pair[1].0, pair[1].1, pair[0].0, pair[0].1);
        }
    }
}
