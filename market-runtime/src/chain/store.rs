//! The key-value store the runtime writes through, and its in-memory implementation.

use std::collections::BTreeMap;

/// The runtime's only view of state. The ledger implements it over RocksDB with an overlay.
pub trait StateStore {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
    fn put(&mut self, key: &[u8], value: Vec<u8>);
    fn delete(&mut self, key: &[u8]);
    /// All entries whose key starts with `prefix`, in ascending key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)>;

    /// Replaces the value under `key` (or `None` if absent) by what `f` returns. The default
    /// is a `get` then a `put`; a store that can do it in one lookup, reusing the old buffer,
    /// should (settling a slot rewrites one account per household).
    fn update(&mut self, key: &[u8], f: &mut dyn FnMut(Option<Vec<u8>>) -> Vec<u8>) {
        let new = f(self.get(key));
        self.put(key, new);
    }
}

/// An ordered in-memory store, for simulations and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemStore {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl MemStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &Vec<u8>)> {
        self.entries.iter()
    }
}

impl StateStore for MemStore {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.entries.get(key).cloned()
    }

    fn put(&mut self, key: &[u8], value: Vec<u8>) {
        if let Some(slot) = self.entries.get_mut(key) {
            *slot = value;
        } else {
            self.entries.insert(key.to_vec(), value);
        }
    }

    fn delete(&mut self, key: &[u8]) {
        self.entries.remove(key);
    }

    fn update(&mut self, key: &[u8], f: &mut dyn FnMut(Option<Vec<u8>>) -> Vec<u8>) {
        match self.entries.get_mut(key) {
            Some(value) => *value = f(Some(std::mem::take(value))),
            None => {
                let value = f(None);
                self.entries.insert(key.to_vec(), value);
            }
        }
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.entries
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl<S: StateStore + ?Sized> StateStore for &mut S {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        (**self).get(key)
    }
    fn put(&mut self, key: &[u8], value: Vec<u8>) {
        (**self).put(key, value)
    }
    fn delete(&mut self, key: &[u8]) {
        (**self).delete(key)
    }
    fn scan_prefix(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        (**self).scan_prefix(prefix)
    }
    fn update(&mut self, key: &[u8], f: &mut dyn FnMut(Option<Vec<u8>>) -> Vec<u8>) {
        (**self).update(key, f)
    }
}
