//! Vote envelopes from gossip: decoding must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(vote) = ledger::consensus_msg::decode_vote(data, "fuzz-chain") {
        assert_eq!(vote.bytes, data);
    }
});
