//! Commit certificates: the precommit every signer signed, and checking a certificate against a validator set.

use std::collections::BTreeSet;

use prost::Message;
use thiserror::Error;

use crate::canonical::check_canonical;
use crate::error::{check_len, WireError};
use crate::hash::{to_hex, Address, Hash};
use crate::limits::{MAX_CERT_BYTES, MAX_CERT_SIGNATURES};
use crate::prescan::count_field;
use crate::sign::{parse_public_key, parse_signature, signing_digest, verify_batch, BatchItem, Domain};
use crate::wire::{CommitCertificate, CommitSignature, Vote, VoteType};

/// Why a commit certificate does not commit its block.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CertError {
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error("certificate is for height {got}, expected {expected}")]
    WrongHeight { expected: u64, got: u64 },
    #[error("certificate is for block {got}, expected {expected}")]
    WrongBlock { expected: String, got: String },
    #[error("signer {0} is not in the validator set")]
    UnknownSigner(String),
    #[error("signer {0} appears twice")]
    DuplicateSigner(String),
    #[error("signers hold {got} of {total} voting power; more than two thirds is needed")]
    InsufficientPower { got: u128, total: u128 },
}

/// The payload of the precommit for `block_hash`: what every certificate signer signed
/// (in the PRECOMMIT domain). The voter is not part of it, so one payload serves all.
pub fn precommit_payload(chain_id: &str, height: u64, round: u32, block_hash: &Hash) -> Vec<u8> {
    Vote {
        chain_id: chain_id.to_string(),
        vote_type: VoteType::Precommit as i32,
        height,
        round,
        block_hash: block_hash.to_vec(),
    }
    .encode_to_vec()
}

/// Builds a certificate from precommit signatures (validator id, 64-byte signature).
pub fn certificate(height: u64, round: u32, block_hash: &Hash, signatures: Vec<(Address, Vec<u8>)>) -> CommitCertificate {
    CommitCertificate {
        height,
        round,
        block_hash: block_hash.to_vec(),
        signatures: signatures
            .into_iter()
            .map(|(validator, signature)| CommitSignature { validator: validator.to_vec(), signature })
            .collect(),
    }
}

/// Decodes a certificate, refusing oversize ones and too many signatures before decoding,
/// and non-canonical encodings after.
pub fn decode_certificate(bytes: &[u8]) -> Result<CommitCertificate, WireError> {
    check_len("certificate", bytes, MAX_CERT_BYTES)?;
    let count = count_field("certificate", bytes, 4)?;
    if count > MAX_CERT_SIGNATURES {
        return Err(WireError::TooMany { what: "certificate", items: "signatures", count, max: MAX_CERT_SIGNATURES });
    }
    let cert = CommitCertificate::decode(bytes).map_err(|e| WireError::malformed("certificate", e))?;
    check_canonical("certificate", bytes, &cert)?;
    Ok(cert)
}

/// Checks that `cert` commits block `block_hash` at `height`: every signer is a
/// distinct member of `validators`, every signature verifies (in one batch), and the
/// signers hold more than two thirds of the power. Returns the signers' power.
pub fn verify_certificate(
    cert: &CommitCertificate,
    chain_id: &str,
    height: u64,
    block_hash: &Hash,
    validators: &[(Address, u64)],
) -> Result<u128, CertError> {
    if cert.height != height {
        return Err(CertError::WrongHeight { expected: height, got: cert.height });
    }
    if cert.block_hash.as_slice() != block_hash.as_slice() {
        return Err(CertError::WrongBlock { expected: to_hex(block_hash), got: to_hex(&cert.block_hash) });
    }
    if cert.signatures.len() > MAX_CERT_SIGNATURES {
        return Err(WireError::TooMany {
            what: "certificate",
            items: "signatures",
            count: cert.signatures.len(),
            max: MAX_CERT_SIGNATURES,
        }
        .into());
    }
    let payload = precommit_payload(chain_id, cert.height, cert.round, block_hash);
    let digest = signing_digest(Domain::Precommit, chain_id, &payload);
    let total: u128 = validators.iter().map(|(_, power)| u128::from(*power)).sum();
    let mut seen = BTreeSet::new();
    let mut power: u128 = 0;
    let mut items = Vec::with_capacity(cert.signatures.len());
    for entry in &cert.signatures {
        let key = parse_public_key(&entry.validator).map_err(WireError::from)?;
        let id = key.to_bytes();
        let member = validators
            .iter()
            .find(|(v, _)| *v == id)
            .ok_or_else(|| CertError::UnknownSigner(to_hex(&id)))?;
        if !seen.insert(id) {
            return Err(CertError::DuplicateSigner(to_hex(&id)));
        }
        power += u128::from(member.1);
        let signature = parse_signature(&entry.signature).map_err(WireError::from)?;
        items.push(BatchItem { key, domain: Domain::Precommit, digest, signature });
    }
    // More than two thirds, in integers: 3 * power > 2 * total.
    if power * 3 <= total * 2 {
        return Err(CertError::InsufficientPower { got: power, total });
    }
    verify_batch(&items).map_err(WireError::from)?;
    Ok(power)
}
