//! The validator set of every past height, recorded at each height where it changes: what a node serves light clients, who check it against the header's validators_hash.
//!
//! Not part of the state root: the header binds each height's set by hash, so the record
//! needs no proof. Kept in the meta column under `valset/` + (u64::MAX - height) big-endian,
//! so one forward seek from a height finds the latest change at or below it.

use super::{Backend, ChainStore, StoreError, CF_META};
use crate::hash::Address;
use crate::limits::MAX_CERT_SIGNATURES;

const PREFIX: &[u8] = b"valset/";
/// One validator in a record: its id and its power (8 bytes big-endian), as `validators_hash` hashes it.
const ENTRY_BYTES: usize = 40;

/// A recorded set: the height from which it votes, and its validators with their power.
pub type SetRecord = (u64, Vec<(Address, u64)>);

fn key(height: u64) -> Vec<u8> {
    let mut key = PREFIX.to_vec();
    key.extend_from_slice(&(u64::MAX - height).to_be_bytes());
    key
}

impl<B: Backend> ChainStore<B> {
    /// Records that `set` votes from `height` on (until a later record), synced.
    pub fn record_validator_set(&self, height: u64, set: &[(Address, u64)]) -> Result<(), StoreError> {
        let mut value = Vec::with_capacity(set.len() * ENTRY_BYTES);
        for (id, power) in set {
            value.extend_from_slice(id);
            value.extend_from_slice(&power.to_be_bytes());
        }
        self.put(CF_META, &key(height), &value, true)
    }

    /// The set that voted on `height` and the height from which it did; `None` when nothing
    /// was recorded at or below `height` (a data directory older than the record).
    pub fn validator_set_at(&self, height: u64) -> Result<Option<SetRecord>, StoreError> {
        let mut found: Option<(Vec<u8>, Vec<u8>)> = None;
        self.db.for_each_from(CF_META, &key(height), &mut |k, v| {
            if k.starts_with(PREFIX) {
                found = Some((k.to_vec(), v.to_vec()));
            }
            false
        })?;
        let Some((k, v)) = found else { return Ok(None) };
        let corrupt = |reason: String| StoreError::Corrupt { what: format!("validator set record {}", hex::encode(&k)), reason };
        let from = k[PREFIX.len()..]
            .try_into()
            .map(|b: [u8; 8]| u64::MAX - u64::from_be_bytes(b))
            .map_err(|_| corrupt(format!("key of {} bytes", k.len())))?;
        if v.len() % ENTRY_BYTES != 0 || v.len() / ENTRY_BYTES > MAX_CERT_SIGNATURES {
            return Err(corrupt(format!("{} bytes is not a set of at most {MAX_CERT_SIGNATURES} validators", v.len())));
        }
        let set = v
            .chunks_exact(ENTRY_BYTES)
            .map(|entry| {
                let mut id = [0u8; 32];
                id.copy_from_slice(&entry[..32]);
                let mut power = [0u8; 8];
                power.copy_from_slice(&entry[32..]);
                (id, u64::from_be_bytes(power))
            })
            .collect();
        Ok(Some((from, set)))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{ChainStore, MemBackend};

    #[test]
    fn each_height_answers_the_latest_record_at_or_below_it() {
        let store = ChainStore::with_backend(MemBackend::new());
        assert_eq!(store.validator_set_at(5).expect("reads"), None);
        store.record_validator_set(1, &[([1; 32], 10)]).expect("writes");
        store.record_validator_set(7, &[([1; 32], 10), ([2; 32], 5)]).expect("writes");
        store.put(super::CF_META, b"zzz", b"after the records in key order", true).expect("writes");
        assert_eq!(store.validator_set_at(0).expect("reads"), None);
        assert_eq!(store.validator_set_at(1).expect("reads"), Some((1, vec![([1; 32], 10)])));
        assert_eq!(store.validator_set_at(6).expect("reads"), Some((1, vec![([1; 32], 10)])));
        assert_eq!(store.validator_set_at(7).expect("reads"), Some((7, vec![([1; 32], 10), ([2; 32], 5)])));
        assert_eq!(store.validator_set_at(u64::MAX).expect("reads").map(|(from, _)| from), Some(7));
    }
}
