//! Batch verification of many signatures at once, falling back to one by one to name the bad one.

use ed25519_dalek::{Signature, VerifyingKey};
use thiserror::Error;

use super::domain::Domain;
use super::{bad_signature, verify, SignError};
use crate::hash::Hash;

/// One signature to check: the signer's key (from `parse_public_key`), the signing digest
/// and the signature.
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

/// Verifies every item, accepting exactly what `verify_digest` accepts item by item: the
/// same encoding checks and the same (cofactored) equation, combined with random
/// coefficients (see `verify`). The combination costs roughly a third of checking each
/// signature alone; when it fails, or an item fails the encoding checks, each item is
/// checked alone and the first bad one is named, so the verdict and the index never depend
/// on the rest of the batch or on the coefficients.
pub fn verify_batch(items: &[BatchItem]) -> Result<(), BatchError> {
    let prepared: Vec<Option<verify::Prepared>> =
        items.iter().map(|item| verify::prepare(&item.key, &item.digest, &item.signature)).collect();
    let all: Option<Vec<&verify::Prepared>> = prepared.iter().map(Option::as_ref).collect();
    if let Some(all) = all {
        if all.is_empty() || verify::verify_combined(&all) {
            return Ok(());
        }
    }
    for (index, (item, prepared)) in items.iter().zip(&prepared).enumerate() {
        if !prepared.as_ref().is_some_and(verify::verify_one) {
            return Err(BatchError { index, source: bad_signature(&item.key, item.domain) });
        }
    }
    // The combination of equations that each hold holds too: not reached, and were it
    // reached, every item verified alone, which is the rule.
    Ok(())
}
