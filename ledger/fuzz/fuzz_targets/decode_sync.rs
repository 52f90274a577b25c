//! Block-sync requests and responses from peers: decoding must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = ledger::sync::decode_sync_request(data) {
        assert!(request.from_height >= 1);
    }
    if let Ok(response) = ledger::sync::decode_sync_response(data, "fuzz-chain") {
        assert!(response.blocks.len() <= ledger::limits::MAX_SYNC_BLOCKS);
    }
});
