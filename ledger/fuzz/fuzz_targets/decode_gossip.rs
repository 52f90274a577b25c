//! Consensus gossip as the node receives it (`ConsensusGossip` of gossip.proto, decoded by
//! `node_core::consensus_wire::GossipMessage` over `ledger::gossip`): decoding must never
//! panic, and what it accepts must encode back to the same bytes (one message, one encoding).
#![no_main]

use libfuzzer_sys::fuzz_target;
use node_core::consensus_wire::GossipMessage;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = GossipMessage::decode(data) {
        assert_eq!(message.encode(), data);
    }
});
