//! Blocks from block sync and the disk: decoding and checking must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(block) = ledger::block::decode_block(data, "fuzz-chain") {
        assert!(block.txs.len() <= ledger::limits::MAX_BLOCK_TXS);
        let _ = ledger::tx::verify_batch(&block.txs, "fuzz-chain");
    }
});
