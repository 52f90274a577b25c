//! Scenario: twins (two honest copies of one key) over a bounded enumeration of partitions
//! and leaders for n = 4. Twins behave as one equivocating validator; the other three must
//! never disagree and must decide once the partition heals.

use consensus::sim::{run, Behaviour, Partition, SimConfig};

/// Every way to put the five nodes (four validators plus the twin copy, node 4) into two
/// groups; the mask's bit i puts node i in group 1. Masks with node 0 in group 0 cover
/// each split once.
fn two_way_splits() -> impl Iterator<Item = Vec<u8>> {
    (0u8..16).map(|mask| (0..5).map(|node| if node == 0 { 0 } else { (mask >> (node - 1)) & 1 }).collect())
}

#[test]
fn twins_never_split_the_honest_validators_over_all_partitions_and_leaders() {
    let mut runs = 0;
    // The twinned validator decides which validator is Byzantine; the first height the
    // partition covers decides who leads under it: together they enumerate leaders.
    for twinned in 0..4 {
        for groups in two_way_splits() {
            for (from_ms, until_ms) in [(0, 4_000), (160, 2_500)] {
                let mut config = SimConfig::honest(4, 6, runs);
                config.network.jitter_ms = 10;
                config.byzantine = vec![(twinned, Behaviour::Twin)];
                config.partitions = vec![Partition { from_ms, until_ms, groups: groups.clone() }];
                let report = run(config).unwrap();
                assert!(report.is_safe(), "twin {twinned} groups {groups:?}: {:?}", report.violations);
                assert!(report.is_live(), "twin {twinned} groups {groups:?}: {:?}", report.final_states);
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 4 * 16 * 2);
}
