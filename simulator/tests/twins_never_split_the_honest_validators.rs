//! Scenario: twins, two honest nodes running one validator key, over a bounded enumeration of
//! partitions and leaders for n = 4. The twins act as one equivocating validator; the other
//! three never disagree and commit every height once the partition heals.

use simulator::{run, Behaviour, Partition, SimConfig};

/// Every way to put the five nodes (four validators and the twin copy, node 4) into two
/// groups; bit i of the mask puts node i + 1 in group 1 (node 0 stays in group 0, so each
/// split comes once).
fn two_way_splits() -> impl Iterator<Item = Vec<u8>> {
    (0u8..16).map(|mask| (0..5).map(|node| if node == 0 { 0 } else { (mask >> (node - 1)) & 1 }).collect())
}

#[test]
fn twins_never_split_the_honest_validators_over_all_partitions_and_leaders() {
    let mut runs = 0;
    let mut caught = 0;
    // The twinned validator decides who is Byzantine; the height the partition starts in
    // decides who leads under it: together they enumerate leaders.
    for twinned in 0..4 {
        for groups in two_way_splits() {
            for (from_ms, until_ms) in [(1_000, 4_000), (2_160, 3_500)] {
                let mut config = SimConfig::honest(4, 0, 6, runs);
                config.links.jitter_ms = 10;
                config.byzantine = vec![(twinned, Behaviour::Twin)];
                config.partitions = vec![Partition { from_ms, until_ms, groups: groups.clone() }];
                let report = run(&config);
                assert!(report.passed(), "twin {twinned} groups {groups:?}: {report}");
                assert!(report.min_honest_height >= 6, "twin {twinned} groups {groups:?}: {report}");
                caught += u64::from(report.evidence_committed > 0);
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 4 * 16 * 2);
    // The copies do sign conflicting messages when cut apart: the runs are not vacuous.
    assert!(caught > 0, "no run had the twins' double signing reported and punished");
}
