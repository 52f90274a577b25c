//! Transaction envelopes from gossip and `POST /txs`: decoding must never panic, and
//! whatever it accepts must hash to the hash of the bytes it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(verified) = ledger::tx::decode_tx(data, "fuzz-chain") {
        assert_eq!(verified.bytes, data);
        assert_eq!(verified.hash, ledger::hash::sha256(data));
    }
    let _ = ledger::tx::verify_batch(&[data, data], "fuzz-chain");
});
