//! Scenario: every validator is honest and the network is clean; all decide every height
//! in round 0, and the certificates check.

use consensus::sim::{run, SimConfig};

#[test]
fn four_honest_validators_decide_every_height_in_round_zero() {
    let report = run(SimConfig::honest(4, 20, 1)).unwrap();
    assert!(report.is_safe(), "{:?}", report.violations);
    assert!(report.is_live());
    let consensus_decisions: Vec<_> = report.decisions.iter().filter(|d| !d.via_sync).collect();
    assert!(consensus_decisions.len() >= 4 * 20);
    assert!(consensus_decisions.iter().all(|d| d.round == 0));
}

#[test]
fn commit_latency_is_three_one_way_delays_on_a_jitter_free_network() {
    let report = run(SimConfig::honest(7, 10, 2)).unwrap();
    // Proposal, prevotes, precommits: three 50 ms hops from the start of a height.
    for d in report.decisions.iter().filter(|d| d.height > 1) {
        assert_eq!(d.decided_ms - d.started_ms, 150, "{d:?}");
    }
}
