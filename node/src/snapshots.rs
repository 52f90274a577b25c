//! The state-sync snapshots this node serves: after every `snapshot_interval`-th commit, a
//! RocksDB checkpoint of the store under `data/snapshots/<height>`, the newest
//! `snapshot_keep` kept. A checkpoint is hard links to immutable table files, so making one
//! costs little time and, until the live files are compacted away, little disk.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ledger::store::{ChainStore, RocksBackend, StoreError};

pub struct Snapshots {
    dir: PathBuf,
    interval: u64,
    keep: usize,
    /// One snapshot at a time: a slow disk must not pile them up.
    busy: Arc<AtomicBool>,
}

impl Snapshots {
    pub fn new(data_dir: &Path, config: &crate::config::StateSyncConfig) -> Self {
        Snapshots { dir: snapshot_dir(data_dir), interval: config.snapshot_interval, keep: config.snapshot_keep, busy: Arc::default() }
    }

    /// After the commit of `height`: makes a snapshot on a blocking thread when one is due.
    pub fn after_commit(&self, height: u64, store: &Arc<ChainStore<RocksBackend>>) {
        if self.interval == 0 || height % self.interval != 0 || self.busy.swap(true, Ordering::AcqRel) {
            return;
        }
        let (dir, keep, busy, store) = (self.dir.clone(), self.keep, self.busy.clone(), store.clone());
        tokio::task::spawn_blocking(move || {
            match make(&dir, &store, keep) {
                Ok(height) => tracing::info!(height, dir = %dir.display(), "state-sync snapshot made"),
                Err(e) => tracing::warn!(error = %e, "state-sync snapshot failed; the next interval tries again"),
            }
            busy.store(false, Ordering::Release);
        });
    }
}

/// Where a node's snapshots live.
pub fn snapshot_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("snapshots")
}

/// The heights of the snapshots in `dir`, ascending.
pub fn heights(dir: &Path) -> Vec<u64> {
    let mut heights: Vec<u64> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect())
        .unwrap_or_default();
    heights.sort_unstable();
    heights
}

/// Checkpoints `store` into `dir/<height>` and removes all but the newest `keep`.
fn make(dir: &Path, store: &ChainStore<RocksBackend>, keep: usize) -> Result<u64, SnapshotError> {
    let making = dir.join("making");
    let _ = std::fs::remove_dir_all(&making);
    std::fs::create_dir_all(dir).map_err(|source| SnapshotError::Io { path: dir.to_path_buf(), source })?;
    let height = store.checkpoint(&making)?;
    let target = dir.join(height.to_string());
    if target.exists() {
        let _ = std::fs::remove_dir_all(&making);
        return Ok(height);
    }
    std::fs::rename(&making, &target).map_err(|source| SnapshotError::Io { path: target.clone(), source })?;
    let all = heights(dir);
    for old in &all[..all.len().saturating_sub(keep)] {
        let _ = std::fs::remove_dir_all(dir.join(old.to_string()));
    }
    Ok(height)
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}
