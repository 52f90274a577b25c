//! Batch verification of many signatures at once, falling back to one by one to name the bad one.

use ed25519_dalek::{Signature, VerifyingKey};
use thiserror::Error;

use super::domain::Domain;
use super::{verify_digest, SignError};
use crate::hash::Hash;

/// One signature to check: the signer's key, the signing digest and the signature.
#[derive(Debug, Clone)]
pub struct BatchItem {
    pub key: VerifyingKey,
    pub domain: Domain,
    pub digest: Hash,
    pub signature: Signature,
}

/// The first signature of a batch that does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("signature {index} of the batch is bad: {source}")]
pub struct BatchError {
    pub index: usize,
    pub source: SignError,
}

/// Verifies every item. The batch equation costs roughly half of checking each
/// signature alone; when it fails, each item is checked alone to find the culprit,
/// so a bad signature costs the sender's peers no more than single verification.
///
/// The batch coefficients come from a transcript of the inputs (ed25519-dalek), so
/// the outcome is the same on every node for the same items.
pub fn verify_batch(items: &[BatchItem]) -> Result<(), BatchError> {
    if items.is_empty() {
        return Ok(());
    }
    let messages: Vec<&[u8]> = items.iter().map(|item| item.digest.as_slice()).collect();
    let signatures: Vec<Signature> = items.iter().map(|item| item.signature).collect();
    let keys: Vec<VerifyingKey> = items.iter().map(|item| item.key).collect();
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        return Ok(());
    }
    for (index, item) in items.iter().enumerate() {
        verify_digest(&item.key, item.domain, &item.digest, &item.signature)
            .map_err(|source| BatchError { index, source })?;
    }
    // The batch equation failed yet every signature verifies alone: only possible for
    // adversarial keys or signatures with small-order components. Single strict
    // verification is the rule, so the batch is accepted.
    Ok(())
}
