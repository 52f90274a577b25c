//! Decoding what the chain store reads back from disk: heights, hashes, blocks, certificates
//! and the signer's record. Kept apart from the RocksDB store so the fuzzer reaches it.

use prost::Message;

use crate::canonical::check_canonical;
use crate::error::{check_len, WireError};
use crate::hash::Hash;
use crate::limits::{MAX_BLOCK_BYTES, MAX_BLOCK_TXS, MAX_CERT_BYTES, MAX_CERT_SIGNATURES};
use crate::prescan::count_field;
use crate::wire::{Block, CommitCertificate, SignerState};

/// Longest signer record: two varints, an enum and a 32-byte hash, with room to spare.
pub const MAX_SIGNER_STATE_BYTES: usize = 128;

/// A height stored as 8 bytes big-endian.
pub fn decode_height(what: &'static str, bytes: &[u8]) -> Result<u64, WireError> {
    let array: [u8; 8] = bytes
        .try_into()
        .map_err(|_| WireError::field(what, "height", format!("is {} bytes, expected 8", bytes.len())))?;
    Ok(u64::from_be_bytes(array))
}

/// A 32-byte hash.
pub fn decode_hash(what: &'static str, bytes: &[u8]) -> Result<Hash, WireError> {
    bytes
        .try_into()
        .map_err(|_| WireError::field(what, "hash", format!("is {} bytes, expected 32", bytes.len())))
}

/// The block stored under `height`: within the limits a received block has, canonical (the
/// store writes the reference encoding), and at the height it is stored under.
pub fn decode_stored_block(height: u64, bytes: &[u8]) -> Result<Block, WireError> {
    check_len("stored block", bytes, MAX_BLOCK_BYTES)?;
    let count = count_field("stored block", bytes, 2)?;
    if count > MAX_BLOCK_TXS {
        return Err(WireError::TooMany { what: "stored block", items: "transactions", count, max: MAX_BLOCK_TXS });
    }
    let block = Block::decode(bytes).map_err(|e| WireError::malformed("stored block", e))?;
    check_canonical("stored block", bytes, &block)?;
    if block.height() != height {
        return Err(WireError::field(
            "stored block",
            "header.height",
            format!("is {} but the block is stored under height {height}", block.height()),
        ));
    }
    Ok(block)
}

/// The certificate stored under `height`, checked like [`decode_stored_block`].
pub fn decode_stored_certificate(height: u64, bytes: &[u8]) -> Result<CommitCertificate, WireError> {
    check_len("stored certificate", bytes, MAX_CERT_BYTES)?;
    let count = count_field("stored certificate", bytes, 4)?;
    if count > MAX_CERT_SIGNATURES {
        return Err(WireError::TooMany {
            what: "stored certificate",
            items: "signatures",
            count,
            max: MAX_CERT_SIGNATURES,
        });
    }
    let cert = CommitCertificate::decode(bytes).map_err(|e| WireError::malformed("stored certificate", e))?;
    check_canonical("stored certificate", bytes, &cert)?;
    if cert.height != height {
        return Err(WireError::field(
            "stored certificate",
            "height",
            format!("is {} but the certificate is stored under height {height}", cert.height),
        ));
    }
    Ok(cert)
}

/// The validator's last-signed record.
pub fn decode_signer_state(bytes: &[u8]) -> Result<SignerState, WireError> {
    check_len("signer state", bytes, MAX_SIGNER_STATE_BYTES)?;
    let state = SignerState::decode(bytes).map_err(|e| WireError::malformed("signer state", e))?;
    check_canonical("signer state", bytes, &state)?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Header;

    #[test]
    fn height_of_seven_bytes_is_refused() {
        assert!(matches!(decode_height("latest height", &[0; 7]), Err(WireError::Field { field: "height", .. })));
        assert_eq!(decode_height("latest height", &u64::MAX.to_be_bytes()), Ok(u64::MAX));
    }

    #[test]
    fn block_stored_under_another_height_is_refused() {
        let block = Block { header: Some(Header { height: 5, ..Header::default() }), ..Block::default() };
        let bytes = block.encode_to_vec();
        assert_eq!(decode_stored_block(5, &bytes), Ok(block));
        assert!(matches!(decode_stored_block(6, &bytes), Err(WireError::Field { field: "header.height", .. })));
    }

    #[test]
    fn signer_state_with_a_junk_field_is_refused() {
        let mut bytes = SignerState { height: u64::MAX, round: u32::MAX, step: 3, payload_hash: vec![1; 32] }.encode_to_vec();
        assert!(decode_signer_state(&bytes).is_ok());
        bytes.extend_from_slice(&[0x78, 0x01]);
        assert!(matches!(decode_signer_state(&bytes), Err(WireError::NonCanonical { .. })));
    }
}
