//! Scenario: the hostile peer signs prevotes, precommits and proposals with its own key (no
//! validator's) for the current height over many rounds; the proposals carry 1 MiB blocks.
//! They must be rejected in gossip validation, leave consensus alone, and stay out of the
//! validators' WAL (data/cs.wal, bounded by the watch's `MAX_WAL_BYTES`).

use crate::harness::craft::{self, Rng};
use crate::harness::{Reason, Rejections, Scenario, ScenarioSpec, VALIDATORS};
use crate::step;
use consensus::VoteType;
use node::consensus_wire::GossipMessage;
use node::network::Channel;
use std::time::Duration;

/// The reason label the nodes give (any until the lead names them; then "not-a-validator").
const REASON: Reason = Reason::Is("not-a-validator");
const VOTES_PER_TICK: u32 = 100;
const BLOCK_BYTES: usize = 1024 * 1024;

#[test]
fn non_validator_votes_and_proposals() {
    let s = Scenario::start(ScenarioSpec { name: "non_validator_votes_and_proposals", port_block: 4, hostile_peers: 1 });
    let chain = s.chain_id();
    let mut rng = Rng::new(4);
    let (mut votes, mut proposals) = (0u64, 0u64);
    s.run_for(Duration::from_secs(8), |s, tick| {
        let peer = &s.peers[0];
        let (tip, _, _) = s.tip();
        let height = tip + 1;
        let round_base = (tick as u32 % 50) * VOTES_PER_TICK;
        for r in 0..VOTES_PER_TICK {
            let value = Some(rng.array32());
            let vote_type = if r % 2 == 0 { VoteType::Prevote } else { VoteType::Precommit };
            peer.publish(Channel::Consensus, craft::vote_message(&peer.key, &chain, vote_type, height, round_base + r, value));
            votes += 1;
        }
        // Two 1 MiB proposals per tick: 20 MiB/s that an unchecked WAL would write.
        for r in 0..2 {
            let block = rng.bytes(BLOCK_BYTES);
            let value = ledger::hash::sha256(&block);
            let proposal = craft::signed_proposal(&peer.key, &chain, height, (tick as u32) * 2 + r, value);
            peer.publish(Channel::Consensus, GossipMessage::Proposal(proposal, block).encode());
            proposals += 1;
        }
    });
    step!("sent {votes} votes and {proposals} proposals signed by a non-validator");
    s.finish(&[Rejections { channel: "consensus", reason: REASON, min_nodes: VALIDATORS }]);
}
