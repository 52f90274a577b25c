//! Blocks and commit certificates (block sync, disk): decoding and checking must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(block) = ledger::block::decode_block(data, "fuzz-chain") {
        assert!(block.txs.len() <= ledger::limits::MAX_BLOCK_TXS);
        let _ = ledger::tx::verify_batch(&block.txs, "fuzz-chain");
    }
    if let Ok(cert) = ledger::certificate::decode_certificate(data) {
        let validators = [([7u8; 32], 1u64)];
        let hash = [0u8; 32];
        let _ = ledger::certificate::verify_certificate(&cert, "fuzz-chain", cert.height, &hash, &validators);
    }
});
