//! A proof that a key has (or has not) a given value in the state, checkable against a header's state root.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::hash::{sha256, to_hex, Hash};

use super::tree::{bucket_hash, bucket_of, node_hash, Entry, BUCKETS, DEPTH};

/// The key's whole bucket and the sibling hashes on its path to the root, from the
/// bucket up. About 64 bytes per key sharing the bucket plus 512 bytes of path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    #[serde(with = "entries_hex")]
    pub entries: Vec<Entry>,
    #[serde(with = "hashes_hex")]
    pub siblings: Vec<Hash>,
}

/// Why a proof does not prove what it was asked to.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProofError {
    #[error("proof has {got} sibling hashes, the tree has depth {expected}")]
    WrongDepth { expected: usize, got: usize },
    #[error("proof's bucket entries are not in strictly ascending key-hash order at entry {0}")]
    Unsorted(usize),
    #[error("proof's bucket holds entry {index} of another bucket ({bucket} instead of {expected})")]
    ForeignEntry { index: usize, bucket: usize, expected: usize },
    #[error("the key {key} has value hash {found} in the proof, not {claimed}")]
    ValueMismatch { key: String, found: String, claimed: String },
    #[error("the key {0} is absent from the proof's bucket but a value was claimed")]
    Absent(String),
    #[error("the key {0} is present in the proof's bucket but absence was claimed")]
    Present(String),
    #[error("the proof leads to root {computed}, not {root}")]
    RootMismatch { computed: String, root: String },
}

impl Proof {
    /// Checks that under `root`, `key` holds `value` (`None`: the key is absent).
    pub fn verify(&self, root: &Hash, key: &[u8], value: Option<&[u8]>) -> Result<(), ProofError> {
        if self.siblings.len() != DEPTH {
            return Err(ProofError::WrongDepth { expected: DEPTH, got: self.siblings.len() });
        }
        let key_hash = sha256(key);
        let bucket = bucket_of(&key_hash);
        for (index, (entry_key, _)) in self.entries.iter().enumerate() {
            if index > 0 && self.entries[index - 1].0 >= *entry_key {
                return Err(ProofError::Unsorted(index));
            }
            if bucket_of(entry_key) != bucket {
                return Err(ProofError::ForeignEntry { index, bucket: bucket_of(entry_key), expected: bucket });
            }
        }
        let found = self
            .entries
            .binary_search_by(|(k, _)| k.cmp(&key_hash))
            .ok()
            .map(|at| self.entries[at].1);
        match (found, value) {
            (Some(found), Some(value)) => {
                let claimed = sha256(value);
                if found != claimed {
                    return Err(ProofError::ValueMismatch {
                        key: to_hex(key),
                        found: to_hex(&found),
                        claimed: to_hex(&claimed),
                    });
                }
            }
            (None, Some(_)) => return Err(ProofError::Absent(to_hex(key))),
            (Some(_), None) => return Err(ProofError::Present(to_hex(key))),
            (None, None) => {}
        }
        let mut hash = bucket_hash(&self.entries);
        let mut node = BUCKETS + bucket;
        for sibling in &self.siblings {
            hash = if node & 1 == 0 { node_hash(&hash, sibling) } else { node_hash(sibling, &hash) };
            node /= 2;
        }
        if hash != *root {
            return Err(ProofError::RootMismatch { computed: to_hex(&hash), root: to_hex(root) });
        }
        Ok(())
    }
}

mod hashes_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::hash::Hash;

    pub fn serialize<S: Serializer>(hashes: &[Hash], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(hashes.iter().map(hex::encode))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Hash>, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        texts.iter().map(|text| parse::<D>(text)).collect()
    }

    pub fn parse<'de, D: Deserializer<'de>>(text: &str) -> Result<Hash, D::Error> {
        let bytes = hex::decode(text).map_err(serde::de::Error::custom)?;
        bytes
            .try_into()
            .map_err(|b: Vec<u8>| serde::de::Error::custom(format!("hash of {} bytes, expected 32", b.len())))
    }
}

mod entries_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::hashes_hex::parse;
    use super::Entry;

    pub fn serialize<S: Serializer>(entries: &[Entry], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(entries.iter().map(|(k, v)| [hex::encode(k), hex::encode(v)]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Entry>, D::Error> {
        let pairs = Vec::<[String; 2]>::deserialize(deserializer)?;
        pairs.iter().map(|[k, v]| Ok((parse::<D>(k)?, parse::<D>(v)?))).collect()
    }
}
