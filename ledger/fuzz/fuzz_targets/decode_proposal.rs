//! Proposal envelopes from gossip (they carry a whole block): decoding must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(proposal) = ledger::consensus_msg::decode_proposal(data, "fuzz-chain") {
        assert_eq!(proposal.block.height(), proposal.height);
    }
});
