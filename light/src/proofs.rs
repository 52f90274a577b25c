//! State values proven against a verified header: the node's proofs for the state after height H, checked against header H+1's state root.

use market_runtime::keys;
use market_runtime::keys::{ACCOUNT_PREFIX, BID_PREFIX};

use crate::error::LightError;
use crate::source::{ProvenBatch, Source};
use crate::verifier::Verifier;

/// Most keys in one proof request; the node refuses more (docs/interfaces.md).
pub const MAX_KEYS_PER_REQUEST: usize = 1024;

/// Values proven against the state after `height`, in the order of the keys asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proven {
    pub height: u64,
    pub values: Vec<Option<Vec<u8>>>,
}

/// The node's answer for some keys, not checked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claimed {
    pub keys: Vec<Vec<u8>>,
    pub batch: ProvenBatch,
}

impl Claimed {
    /// What the node claims `keys[index]` holds, before any check: only to decide what to ask next.
    pub fn claimed_value(&self, index: usize) -> Option<&[u8]> {
        self.batch.entries.get(index).and_then(|entry| entry.value.as_deref())
    }
}

/// Asks the node for `keys` (at most [`MAX_KEYS_PER_REQUEST`]); [`check`] decides what it proves.
pub(crate) fn ask<S: Source>(source: &mut S, keys: Vec<Vec<u8>>) -> Result<Claimed, LightError> {
    debug_assert!(keys.len() <= MAX_KEYS_PER_REQUEST, "callers chunk their keys");
    let batch = source.prove(&keys).map_err(|e| LightError::source(format!("proofs of {} keys", keys.len()), e))?;
    Ok(Claimed { keys, batch })
}

/// Checks every value and proof of a claim against the state root of the header after the
/// state's height, which it verifies first.
pub(crate) fn check<S: Source>(verifier: &mut Verifier, source: &mut S, claimed: Claimed) -> Result<Proven, LightError> {
    let Claimed { keys, batch } = claimed;
    if batch.entries.len() != keys.len() {
        return Err(LightError::WrongProofCount { asked: keys.len(), got: batch.entries.len() });
    }
    let height = batch.height;
    let header_height = height.checked_add(1).ok_or(LightError::HeightExhausted { height })?;
    let root = verifier.verify(source, header_height)?.state_root();
    let mut values = Vec::with_capacity(keys.len());
    for (index, (entry, key)) in batch.entries.into_iter().zip(&keys).enumerate() {
        if &entry.key != key {
            return Err(LightError::WrongProofKey { index, asked: display_key(key), got: display_key(&entry.key) });
        }
        entry
            .proof
            .verify(&root, key, entry.value.as_deref())
            .map_err(|source| LightError::Proof { height, key: display_key(key), source })?;
        values.push(entry.value);
    }
    Ok(Proven { height, values })
}

/// A state key as an operator reads it: `acct/<address hex>`, `bid/<slot>/<address hex>`,
/// `stl/<slot>`, else the key with its unprintable bytes in hex.
pub(crate) fn display_key(key: &[u8]) -> String {
    let slot = |bytes: &[u8]| <[u8; 8]>::try_from(bytes).map(u64::from_be_bytes).ok();
    if let Some(address) = key.strip_prefix(ACCOUNT_PREFIX).filter(|a| a.len() == 32) {
        return format!("acct/{}", hex::encode(address));
    }
    if let Some(rest) = key.strip_prefix(BID_PREFIX).filter(|r| r.len() == 8 + 1 + 32) {
        if let Some(slot) = slot(&rest[..8]) {
            return format!("bid/{slot}/{}", hex::encode(&rest[9..]));
        }
    }
    if let Some(slot) = key.strip_prefix(b"stl/".as_slice()).and_then(slot) {
        return format!("stl/{slot}");
    }
    keys::display(key)
}
