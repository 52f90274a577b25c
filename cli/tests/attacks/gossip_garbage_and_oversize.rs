//! Scenario: on every topic (txs, consensus, evidence), random bytes of every length, valid
//! messages cut short, and messages at and past the 4 MiB gossip limit. All are rejected (the
//! counter rises per channel), nothing crashes, and the chain goes on.

use crate::harness::bids::bid_tx;
use crate::harness::craft::{self, Rng};
use crate::harness::{Reason, Rejections, Scenario, ScenarioSpec, VALIDATORS};
use crate::step;
use consensus::VoteType;
use ledger::sign::Keypair;
use market_runtime::Side;
use node::network::Channel;
use std::time::Duration;

const REASON: Reason = Reason::Any;
/// The nodes' gossip limit (config `p2p.max_message_bytes` default).
const GOSSIP_LIMIT: usize = 4 * 1024 * 1024;

/// Valid messages of each channel, to be cut short.
fn truncatable(key: &Keypair, chain: &str, height: u64) -> Vec<(Channel, Vec<u8>)> {
    let bid = bid_tx(key, chain, 1, height + 1, Side::Buy, 100);
    let txs = ledger::batch::encode_tx_batch(&[bid.clone(), bid]);
    let vote = craft::vote_message(key, chain, VoteType::Prevote, height, 0, Some([7; 32]));
    let block = craft::block(chain, height, [1; 32], node::service::now_ms(), key.public(), Some(craft::certificate(height - 1, [1; 32])));
    let proposal = craft::proposal_message(key, chain, 0, &block);
    let evidence = craft::self_evidence(key, chain, height, 0);
    vec![(Channel::Txs, txs), (Channel::Consensus, vote), (Channel::Consensus, proposal), (Channel::Evidence, evidence)]
}

#[test]
fn gossip_garbage_and_oversize() {
    // One hostile peer per channel: peer scoring graylists a sender after a few rejections,
    // and gossipsub then drops its messages before validation, on every channel.
    let s = Scenario::start(ScenarioSpec { name: "gossip_garbage_and_oversize", port_block: 7, hostile_peers: 3 });
    let chain = s.chain_id();
    let mut rng = Rng::new(7);
    let channels = [Channel::Txs, Channel::Consensus, Channel::Evidence];
    let mut sent = 0u64;
    s.run_for(Duration::from_secs(8), |s, tick| {
        let (tip, _, _) = s.tip();
        for (i, channel) in channels.into_iter().enumerate() {
            for _ in 0..20 {
                let len = [0, 1, 2, 5, 77, 145, 300, 4096, 65_536][rng.below(9) as usize];
                s.peers[i].publish(channel, rng.bytes(len));
                sent += 1;
            }
        }
        for (channel, msg) in truncatable(&s.peers[0].key, &chain, tip.max(2) + 1) {
            let i = channels.iter().position(|c| *c == channel).unwrap_or(0);
            for cut in [1, msg.len() / 2, msg.len() - 1] {
                s.peers[i].publish(channel, msg[..cut].to_vec());
                sent += 1;
            }
        }
        // Every second: one message just under the limit and one past it on each channel.
        if tick % 10 == 5 {
            for (i, channel) in channels.into_iter().enumerate() {
                s.peers[i].publish(channel, rng.bytes(GOSSIP_LIMIT - 1024));
                s.peers[i].publish(channel, rng.bytes(GOSSIP_LIMIT + 1024));
                sent += 2;
            }
        }
    });
    step!("sent {sent} garbage, truncated and oversize messages");
    s.finish(&[
        Rejections { channel: "txs", reason: REASON, min_nodes: VALIDATORS },
        Rejections { channel: "consensus", reason: REASON, min_nodes: VALIDATORS },
        Rejections { channel: "evidence", reason: REASON, min_nodes: VALIDATORS },
    ]);
}
