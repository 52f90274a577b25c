//! Records read back from the chain store (heights, hashes, blocks, certificates, the
//! signer's last-signed record): a corrupt disk must give an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ledger::records::decode_height("fuzz height", data);
    let _ = ledger::records::decode_hash("fuzz hash", data);
    let _ = ledger::records::decode_stored_block(1, data);
    let _ = ledger::records::decode_stored_certificate(1, data);
    let _ = ledger::records::decode_signer_state(data);
});
