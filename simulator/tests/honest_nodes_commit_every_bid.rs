//! Four honest nodes on 50 ms links, eight households bidding every slot: every height is
//! committed by every node with the same block and state root, and every acknowledged bid
//! is settled in its slot's block.

use simulator::{run, SimConfig};

#[test]
fn honest_nodes_commit_every_height_and_settle_every_acknowledged_bid() {
    let report = run(&SimConfig::honest(4, 8, 10, 1));
    assert!(report.passed(), "{report}");
    assert!(report.min_honest_height >= 10, "{report}");
    assert_eq!(report.bids_acked, 80, "{report}");
    assert_eq!(report.bids_settled, 80, "{report}");
}
