//! Transaction batches from gossip and `POST /txs/batch`: decoding must never panic, and
//! what it accepts must encode back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(txs) = ledger::batch::decode_tx_batch(data) {
        assert!(txs.len() <= ledger::limits::MAX_TX_BATCH_TXS);
        assert_eq!(ledger::batch::encode_tx_batch(&txs), data);
        let _ = ledger::tx::verify_batch(&txs, "fuzz-chain");
    }
});
