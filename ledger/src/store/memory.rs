//! An in-memory engine with the crash semantics of a disk: what was written but not synced is
//! lost by [`MemBackend::power_loss`], so the simulator can test what a node's fsyncs promise.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard};

use super::backend::{Backend, Column};
use super::StoreError;

type Columns = [BTreeMap<Vec<u8>, Vec<u8>>; 6];
type Op = (Column, Vec<u8>, Option<Vec<u8>>);

#[derive(Default)]
struct Inner {
    /// What a reader sees: everything written.
    live: Columns,
    /// What a power loss keeps: everything up to the last synced write.
    durable: Columns,
    /// Unsynced writes since the last synced one, in order.
    unsynced: Vec<Op>,
}

/// An engine in memory. Clones share nothing; the simulator keeps one per node and calls
/// [`MemBackend::power_loss`] when that node crashes.
#[derive(Default)]
pub struct MemBackend {
    inner: Mutex<Inner>,
}

fn apply(columns: &mut Columns, op: &Op) {
    let (column, key, value) = op;
    match value {
        Some(value) => columns[column.index()].insert(key.clone(), value.clone()),
        None => columns[column.index()].remove(key),
    };
}

impl MemBackend {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing panics while the lock is held; a poisoned map is still a valid map.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The machine lost power: writes not yet synced are gone.
    pub fn power_loss(&self) {
        let mut inner = self.lock();
        inner.unsynced.clear();
        inner.live = inner.durable.clone();
    }

    /// How many writes a power loss would drop now.
    pub fn unsynced_writes(&self) -> usize {
        self.lock().unsynced.len()
    }
}

impl Backend for MemBackend {
    type Batch = Vec<Op>;

    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock().live[column.index()].get(key).cloned())
    }

    fn new_batch(&self) -> Self::Batch {
        Vec::new()
    }

    fn batch_put(&self, batch: &mut Self::Batch, column: Column, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        batch.push((column, key.to_vec(), Some(value.to_vec())));
        Ok(())
    }

    fn batch_delete(&self, batch: &mut Self::Batch, column: Column, key: &[u8]) -> Result<(), StoreError> {
        batch.push((column, key.to_vec(), None));
        Ok(())
    }

    fn batch_bytes(batch: &Self::Batch) -> usize {
        batch.iter().map(|(_, k, v)| k.len() + v.as_ref().map_or(0, Vec::len)).sum()
    }

    fn write(&self, batch: Self::Batch, synced: bool) -> Result<(), StoreError> {
        let mut inner = self.lock();
        for op in &batch {
            apply(&mut inner.live, op);
        }
        if synced {
            let Inner { durable, unsynced, .. } = &mut *inner;
            for op in unsynced.drain(..).chain(batch) {
                apply(durable, &op);
            }
        } else {
            inner.unsynced.extend(batch);
        }
        Ok(())
    }

    fn for_each_from(&self, column: Column, start: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<(), StoreError> {
        let inner = self.lock();
        for (key, value) in inner.live[column.index()].range::<[u8], _>((Bound::Included(start), Bound::Unbounded)) {
            if !visit(key, value) {
                break;
            }
        }
        Ok(())
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(backend: &MemBackend, key: &[u8], synced: bool) {
        let mut batch = backend.new_batch();
        backend.batch_put(&mut batch, Column::Meta, key, b"v").expect("put");
        backend.write(batch, synced).expect("write");
    }

    #[test]
    fn a_power_loss_drops_unsynced_writes_and_keeps_synced_ones() {
        let backend = MemBackend::new();
        put(&backend, b"a", false);
        put(&backend, b"b", true);
        put(&backend, b"c", false);
        assert_eq!(backend.unsynced_writes(), 1);
        backend.power_loss();
        assert!(backend.get(Column::Meta, b"a").expect("get").is_some(), "a synced write makes earlier ones durable");
        assert!(backend.get(Column::Meta, b"b").expect("get").is_some());
        assert!(backend.get(Column::Meta, b"c").expect("get").is_none());
    }
}
