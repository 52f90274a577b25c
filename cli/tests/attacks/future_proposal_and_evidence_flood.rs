//! Scenario: proposals for every height from tip+1 to tip+8 in many rounds, 512 KiB each,
//! signed by the hostile peer's key, and garbage with the proposal tag; with them, forged
//! evidence (random signatures over a real validator's votes) and evidence of the hostile key's
//! own double votes at ever new heights. Buffers of future proposals and of evidence must be
//! bounded: memory stays under the watch's `MAX_RSS_KIB`. Two hostile peers: one signs, one
//! sends what gossip validation can reject outright (peer scoring would silence a single one).

use crate::harness::craft::{self, Rng};
use crate::harness::{Reason, Rejections, Scenario, ScenarioSpec, VALIDATORS};
use crate::step;
use node::consensus_wire::GossipMessage;
use node::network::Channel;
use std::time::Duration;

const REASON: Reason = Reason::Any;
const BLOCK_BYTES: usize = 512 * 1024;
/// Proposal messages start with this key byte: field 2 (`proposal`) of `ConsensusGossip`,
/// length-delimited (ledger/proto/solartrade/v1/gossip.proto).
const TAG_PROPOSAL: u8 = 0x12;

#[test]
fn future_proposal_and_evidence_flood() {
    let s = Scenario::start(ScenarioSpec { name: "future_proposal_and_evidence_flood", port_block: 5, hostile_peers: 2 });
    let chain = s.chain_id();
    let victims: Vec<[u8; 32]> = (0..VALIDATORS).map(|i| s.validator_address(i)).collect();
    let mut rng = Rng::new(5);
    let (mut proposals, mut evidence) = (0u64, 0u64);
    s.run_for(Duration::from_secs(8), |s, tick| {
        // Peer 0 signs; peer 1 sends the garbage and forgeries, which get it graylisted, so
        // that peer 0's signed flood keeps reaching the validators' buffers.
        let (peer, forger) = (&s.peers[0], &s.peers[1]);
        let (tip, _, _) = s.tip();
        let round = tick as u32;
        for ahead in 1..=8 {
            let block = rng.bytes(BLOCK_BYTES);
            let proposal = craft::signed_proposal(&peer.key, &chain, tip + ahead, round, ledger::hash::sha256(&block));
            peer.publish(Channel::Consensus, GossipMessage::Proposal(proposal, block).encode());
            let mut garbage = vec![TAG_PROPOSAL];
            garbage.extend(rng.bytes(64 * 1024));
            forger.publish(Channel::Consensus, garbage);
            proposals += 2;
        }
        for v in &victims {
            forger.publish(Channel::Evidence, craft::forged_evidence(*v, tip + 1, round, &mut rng));
            evidence += 1;
        }
        for k in 0..20 {
            peer.publish(Channel::Evidence, craft::self_evidence(&peer.key, &chain, tip + 1 + tick * 20 + k, 0));
            evidence += 1;
        }
    });
    step!("sent {proposals} future and garbage proposals, {evidence} forged evidence messages");
    s.finish(&[
        Rejections { channel: "consensus", reason: REASON, min_nodes: VALIDATORS },
        Rejections { channel: "evidence", reason: REASON, min_nodes: VALIDATORS },
    ]);
}
