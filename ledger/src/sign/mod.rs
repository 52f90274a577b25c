//! Domain-separated ed25519 signing: `sha256(domain tag || chain_id || payload)` is what is signed.

mod batch;
mod domain;
mod key_cache;
mod keypair;
mod verify;

pub use batch::{verify_batch, BatchError, BatchItem};
pub use domain::{signing_digest, Domain};
pub use keypair::{Keypair, KeyFileError};

use ed25519_dalek::{Signature, VerifyingKey};
use thiserror::Error;

use crate::hash::{to_hex, Address};

/// Length of an ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// Why a public key or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    #[error("public key must be 32 bytes, got {0}")]
    PublicKeyLength(usize),
    #[error("public key {0} is not a valid ed25519 point")]
    PublicKeyInvalid(String),
    /// Small-order keys make signatures that verify for many messages; keys with a torsion
    /// component or a non-canonical encoding are never made by an honest signer. Refused
    /// once, when the key is parsed (see `verify`).
    #[error("public key {0} is not the canonical encoding of a point of prime order (weak key)")]
    PublicKeyWeak(String),
    #[error("signature must be 64 bytes, got {0}")]
    SignatureLength(usize),
    #[error("signature by {signer} does not verify for domain {domain:?}")]
    BadSignature { signer: String, domain: Domain },
}

/// Parses a 32-byte public key from the wire, refusing invalid and weak keys.
pub fn parse_public_key(bytes: &[u8]) -> Result<VerifyingKey, SignError> {
    let array: Address = bytes
        .try_into()
        .map_err(|_| SignError::PublicKeyLength(bytes.len()))?;
    if let Some(key) = key_cache::get(&array) {
        return Ok(key);
    }
    let key = VerifyingKey::from_bytes(&array)
        .map_err(|_| SignError::PublicKeyInvalid(to_hex(&array)))?;
    if !verify::key_is_acceptable(&array, &key) {
        return Err(SignError::PublicKeyWeak(to_hex(&array)));
    }
    key_cache::insert(array, key);
    Ok(key)
}

/// Parses a 64-byte signature from the wire.
pub fn parse_signature(bytes: &[u8]) -> Result<Signature, SignError> {
    let array: [u8; SIGNATURE_LEN] = bytes
        .try_into()
        .map_err(|_| SignError::SignatureLength(bytes.len()))?;
    Ok(Signature::from_bytes(&array))
}

/// Verifies one signature over `payload` in `domain` on `chain_id`.
pub fn verify(
    key: &VerifyingKey,
    domain: Domain,
    chain_id: &str,
    payload: &[u8],
    signature: &Signature,
) -> Result<(), SignError> {
    let digest = signing_digest(domain, chain_id, payload);
    verify_digest(key, domain, &digest, signature)
}

/// Verifies one signature over an already computed signing digest, by the rule
/// [`verify_batch`] applies too (see `verify`). `key` must come from [`parse_public_key`].
pub fn verify_digest(
    key: &VerifyingKey,
    domain: Domain,
    digest: &[u8; 32],
    signature: &Signature,
) -> Result<(), SignError> {
    match verify::prepare(key, digest, signature) {
        Some(prepared) if verify::verify_one(&prepared) => Ok(()),
        _ => Err(bad_signature(key, domain)),
    }
}

fn bad_signature(key: &VerifyingKey, domain: Domain) -> SignError {
    SignError::BadSignature { signer: to_hex(key.as_bytes()), domain }
}
