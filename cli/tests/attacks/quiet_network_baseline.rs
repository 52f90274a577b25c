//! Scenario: no attack. The control for every other scenario: a quiet network under the same
//! harness commits every slot, settles every bid, and stays inside the watch's bounds; it
//! prints each node's memory, home and WAL maxima, against which those bounds are set.

use crate::harness::{Scenario, ScenarioSpec};
use std::time::Duration;

#[test]
fn quiet_network_baseline() {
    let s = Scenario::start(ScenarioSpec { name: "quiet_network_baseline", port_block: 0, hostile_peers: 1 });
    s.run_for(Duration::from_secs(10), |_, _| {});
    s.finish(&[]);
}
