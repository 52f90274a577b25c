//! A bounded in-memory mirror of committed state entries, written through on every commit,
//! so the point reads a node repeats (admission of each transaction, mempool nonces after a
//! block, execution) skip RocksDB's memtable search.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::store::StateWrites;

/// Bytes of keys and values held before the cache starts over (a bound, not a target:
/// 14,000 households' accounts and bids take about 4 MiB).
pub const MAX_CACHE_BYTES: usize = 64 * 1024 * 1024;
/// What one entry costs beyond its key and value (map slot, vectors' headers).
const ENTRY_OVERHEAD: usize = 64;

/// Entries are `Some(value)` or `None` (known absent): both are answers a reader wants.
#[derive(Default)]
pub(crate) struct StateCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Vec<u8>, Option<Vec<u8>>, ahash::RandomState>,
    bytes: usize,
    /// Bumped by every commit: a reader that missed before a commit must not store what it
    /// read from the older state after the commit wrote through.
    generation: u64,
}

/// A cache miss: the generation to hand back to [`StateCache::fill`].
#[derive(Clone, Copy)]
pub(crate) struct Miss(u64);

impl StateCache {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing panics while the lock is held; a poisoned map is still a valid map.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Miss> {
        let inner = self.lock();
        inner.entries.get(key).cloned().ok_or(Miss(inner.generation))
    }

    /// Keeps a value a reader found in the store, unless a commit came in between. Keys a
    /// reader did not find are not kept: RPC clients choose what is looked up, and a flood of
    /// made-up addresses must not push the state out (absent answers come only from commits).
    pub(crate) fn fill(&self, miss: Miss, key: &[u8], value: &Option<Vec<u8>>) {
        let mut inner = self.lock();
        if inner.generation == miss.0 && value.is_some() {
            inner.insert(key.to_vec(), value.clone());
        }
    }

    /// After a commit reached the store: its state writes become the cached answers.
    pub(crate) fn write_through(&self, writes: &StateWrites) {
        let mut inner = self.lock();
        inner.generation = inner.generation.wrapping_add(1);
        for (key, value) in writes {
            inner.insert(key.clone(), value.clone());
        }
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

impl Inner {
    fn insert(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        let cost = entry_cost(&key, &value);
        if self.bytes.saturating_add(cost) > MAX_CACHE_BYTES {
            self.entries.clear();
            self.bytes = 0;
        }
        let old = self.entries.get(&key).map(|old| entry_cost(&key, old));
        self.bytes = self.bytes.saturating_sub(old.unwrap_or(0)) + cost;
        self.entries.insert(key, value);
    }
}

fn entry_cost(key: &[u8], value: &Option<Vec<u8>>) -> usize {
    key.len() + value.as_ref().map_or(0, Vec::len) + ENTRY_OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_missed_before_a_commit_does_not_cache_the_older_value() {
        let cache = StateCache::default();
        let Err(miss) = cache.get(b"acct") else { panic!("empty cache hit") };
        cache.write_through(&StateWrites::from([(b"acct".to_vec(), Some(b"new".to_vec()))]));
        cache.fill(miss, b"acct", &Some(b"old".to_vec()));
        assert_eq!(cache.get(b"acct").ok(), Some(Some(b"new".to_vec())));
    }

    #[test]
    fn a_key_a_reader_did_not_find_is_not_kept() {
        let cache = StateCache::default();
        let Err(miss) = cache.get(b"made-up") else { panic!("empty cache hit") };
        cache.fill(miss, b"made-up", &None);
        assert!(cache.get(b"made-up").is_err());
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn deletions_are_cached_as_absent_and_rewrites_keep_the_byte_count() {
        let cache = StateCache::default();
        let writes = StateWrites::from([(b"k".to_vec(), Some(vec![0; 10]))]);
        cache.write_through(&writes);
        cache.write_through(&writes);
        assert_eq!(cache.bytes(), 1 + 10 + ENTRY_OVERHEAD);
        cache.write_through(&StateWrites::from([(b"k".to_vec(), None)]));
        assert_eq!(cache.get(b"k").ok(), Some(None));
        assert_eq!(cache.bytes(), 1 + ENTRY_OVERHEAD);
    }

    #[test]
    fn past_the_byte_bound_the_cache_starts_over() {
        let cache = StateCache::default();
        let big = MAX_CACHE_BYTES / 3;
        for key in [b"a", b"b", b"c"] {
            cache.write_through(&StateWrites::from([(key.to_vec(), Some(vec![0; big]))]));
        }
        assert!(cache.bytes() <= MAX_CACHE_BYTES);
        assert!(cache.get(b"a").is_err(), "the oldest entries went when the bound was reached");
        assert!(cache.get(b"c").is_ok());
    }
}
