//! The authenticated state tree: a fixed binary Merkle tree over 65,536 buckets of hashed keys.
//!
//! A key lives in the bucket named by the first 16 bits of sha256(key). A bucket's hash
//! is sha256(0x00 || its entries sorted by key hash, each key hash || value hash); an
//! inner node's is sha256(0x01 || left || right). Updating k keys rehashes at most k
//! buckets and their paths to the root (16 levels, shared near the top): the cost
//! follows the changes, not the size of the state. Entries are kept in memory (64
//! bytes per key), rebuilt from the state column family when a node starts.

use sha2::{Digest, Sha256};

use crate::hash::{sha256, sha256_concat, Hash};

use super::proof::Proof;

/// log2 of the number of buckets: the depth of the tree.
pub const DEPTH: usize = 16;
/// The number of buckets (leaves of the tree).
pub const BUCKETS: usize = 1 << DEPTH;

/// One state entry as the tree sees it.
pub type Entry = (Hash, Hash);

/// The bucket a key hash falls in.
pub fn bucket_of(key_hash: &Hash) -> usize {
    (usize::from(key_hash[0]) << 8) | usize::from(key_hash[1])
}

/// The hash of a bucket's entries (which must be sorted by key hash).
pub fn bucket_hash(entries: &[Entry]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    for (key_hash, value_hash) in entries {
        hasher.update(key_hash);
        hasher.update(value_hash);
    }
    hasher.finalize().into()
}

/// The hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    sha256_concat(&[&[0x01], left, right])
}

/// The tree: bucket contents plus every node hash, in heap order (node 1 is the root,
/// node i has children 2i and 2i+1, bucket b is node BUCKETS + b).
#[derive(Clone)]
pub struct StateTree {
    buckets: Vec<Vec<Entry>>,
    nodes: Vec<Hash>,
    dirty: Vec<usize>,
    len: usize,
}

impl Default for StateTree {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for StateTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StateTree({} entries, {} dirty buckets)", self.len, self.dirty.len())
    }
}

impl StateTree {
    /// The tree of the empty state.
    pub fn new() -> Self {
        // Every node of one level of the empty tree has the same hash: DEPTH + 1 hashes
        // fill the whole array.
        let mut nodes = vec![[0u8; 32]; 2 * BUCKETS];
        let mut empty = bucket_hash(&[]);
        let mut width = BUCKETS;
        while width >= 1 {
            nodes[width..2 * width].fill(empty);
            empty = node_hash(&empty, &empty);
            width /= 2;
        }
        Self { buckets: vec![Vec::new(); BUCKETS], nodes, dirty: Vec::new(), len: 0 }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the state is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sets `key` to `value` (`None` removes it). Returns the previous value hash, so a
    /// failed commit can be undone. The root is brought up to date by [`StateTree::root`].
    pub fn set(&mut self, key: &[u8], value: Option<&[u8]>) -> Option<Hash> {
        self.set_hashed(sha256(key), value.map(sha256))
    }

    /// [`StateTree::set`] with the key and value already hashed.
    pub fn set_hashed(&mut self, key_hash: Hash, value_hash: Option<Hash>) -> Option<Hash> {
        let index = bucket_of(&key_hash);
        let bucket = &mut self.buckets[index];
        let position = bucket.binary_search_by(|(k, _)| k.cmp(&key_hash));
        let previous = match (position, value_hash) {
            (Ok(at), Some(value_hash)) => Some(std::mem::replace(&mut bucket[at].1, value_hash)),
            (Ok(at), None) => {
                self.len -= 1;
                Some(bucket.remove(at).1)
            }
            (Err(at), Some(value_hash)) => {
                self.len += 1;
                bucket.insert(at, (key_hash, value_hash));
                None
            }
            (Err(_), None) => None,
        };
        if previous != value_hash {
            self.dirty.push(index);
        }
        previous
    }

    /// The root, after rehashing the buckets changed since the last call and their
    /// paths to the root, level by level so that shared ancestors are hashed once.
    pub fn root(&mut self) -> Hash {
        if self.dirty.is_empty() {
            return self.nodes[1];
        }
        let mut level: Vec<usize> = std::mem::take(&mut self.dirty);
        level.sort_unstable();
        level.dedup();
        for bucket in &level {
            self.nodes[BUCKETS + bucket] = bucket_hash(&self.buckets[*bucket]);
        }
        let mut nodes: Vec<usize> = level.iter().map(|b| BUCKETS + b).collect();
        while nodes.first().is_some_and(|n| *n > 1) {
            let mut parents: Vec<usize> = nodes.iter().map(|n| n / 2).collect();
            parents.dedup();
            for parent in &parents {
                self.nodes[*parent] = node_hash(&self.nodes[2 * parent], &self.nodes[2 * parent + 1]);
            }
            nodes = parents;
        }
        self.nodes[1]
    }

    /// Whether changes are waiting for [`StateTree::root`].
    pub fn is_dirty(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// A proof for `key` against the current root ([`StateTree::root`] must have been
    /// called since the last change; a dirty tree proves against its last root only
    /// for untouched buckets, so the root is recomputed first).
    pub fn prove(&mut self, key: &[u8]) -> Proof {
        self.root();
        let bucket = bucket_of(&sha256(key));
        let mut siblings = Vec::with_capacity(DEPTH);
        let mut node = BUCKETS + bucket;
        while node > 1 {
            siblings.push(self.nodes[node ^ 1]);
            node /= 2;
        }
        Proof { entries: self.buckets[bucket].clone(), siblings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tree_root_equals_the_root_hashed_level_by_level() {
        let mut level = vec![bucket_hash(&[]); BUCKETS];
        while level.len() > 1 {
            level = level.chunks(2).map(|pair| node_hash(&pair[0], &pair[1])).collect();
        }
        assert_eq!(StateTree::new().root(), level[0]);
    }
}
