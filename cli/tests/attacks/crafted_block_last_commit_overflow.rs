//! Scenario (issue 11's first attack): a block whose `last_commit.height` is u64::MAX, so that
//! `height + 1` overflows in the block check (release builds have overflow checks on). It
//! reaches the validators as a proposal for tip+1 (and tip+2) signed by the hostile peer's own
//! key, and, separately, as the block a sync peer serves to a validator that lagged.

use crate::harness::craft::{self, Rng};
use crate::harness::{Reason, Rejections, Scenario, ScenarioSpec, VALIDATORS};
use crate::step;
use node::network::{Channel, SyncResponse};
use std::time::Duration;

/// The reason label the nodes give (any until the lead names them; then "invalid-block").
const REASON: Reason = Reason::Any;

#[test]
fn crafted_block_last_commit_overflow_in_a_gossiped_proposal() {
    let s = Scenario::start(ScenarioSpec { name: "crafted_block_last_commit_overflow (proposal)", port_block: 1, hostile_peers: 1 });
    let chain = s.chain_id();
    let mut sent = 0;
    s.run_for(Duration::from_secs(8), |s, tick| {
        if tick % 5 != 0 {
            return;
        }
        let peer = &s.peers[0];
        let (tip, hash, _) = s.tip();
        for height in [tip + 1, tip + 2] {
            let cert = craft::certificate(u64::MAX, hash);
            let block = craft::block(&chain, height, hash, node::service::now_ms(), peer.key.public(), Some(cert));
            peer.publish(Channel::Consensus, craft::proposal_message(&peer.key, &chain, (tick / 5) as u32 % 3, &block));
            sent += 1;
        }
    });
    step!("sent {sent} overflowing proposals");
    s.finish(&[Rejections { channel: "consensus", reason: REASON, min_nodes: VALIDATORS }]);
}

#[test]
fn crafted_block_last_commit_overflow_served_through_sync() {
    let mut s = Scenario::start(ScenarioSpec { name: "crafted_block_last_commit_overflow (sync)", port_block: 11, hostile_peers: 1 });
    let chain = s.chain_id();
    let proposer = s.validator_address(1);
    let mut rng = Rng::new(11);
    let salt = rng.next();
    // Every sync request gets the overflowing block at the height asked for, and a claim of
    // being far ahead, so that the requester comes back to this peer first.
    s.peers[0].answer_sync(Box::new(move |req: &node::network::SyncRequest| {
        let prev = ledger::hash::sha256(&salt.to_be_bytes());
        let block = craft::block(&chain, req.from_height.max(2), prev, node::service::now_ms(), proposer, Some(craft::certificate(u64::MAX, prev)));
        let cert = craft::certificate(block.height(), block.hash());
        Some(SyncResponse { latest_height: req.from_height.saturating_add(1000), blocks: vec![craft::synced(&block, &cert)] })
    }));
    step!("stopping validator 3 for 4 slots");
    s.stop_node(3);
    s.run_for(Duration::from_secs(4), |_, _| {});
    s.restart_node(3);
    step!("validator 3 restarted; it syncs from its peers, the hostile one among them");
    s.run_for(Duration::from_secs(10), |_, _| {});
    let stats = s.peers[0].stats();
    step!("hostile peer: {} sync requests, {} answered with the overflowing block", stats.sync_requests, stats.sync_lies);
    s.verdict.check(stats.sync_lies > 0, || "set-up: no node asked the hostile peer for blocks".into());
    s.finish(&[Rejections { channel: "sync", reason: REASON, min_nodes: 1 }]);
}
