//! Commit certificates (inside blocks, sync responses and on disk): decoding and checking
//! against a validator set must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = ledger::certificate::decode_certificate(data) {
        assert!(cert.signatures.len() <= ledger::limits::MAX_CERT_SIGNATURES);
        let validators = [([7u8; 32], 1u64), ([9u8; 32], u64::MAX)];
        let hash = [0u8; 32];
        let _ = ledger::certificate::verify_certificate(&cert, "fuzz-chain", cert.height, &hash, &validators);
    }
});
