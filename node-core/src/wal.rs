//! The consensus write-ahead log as the driver sees it: append, the sync that must precede
//! any message that depends on the log, read back after a restart, truncate on commit. A
//! file on real nodes (`node::wal`), memory with crash semantics in the simulator.

use crate::wal_record::{read_log, WalContents, WalCorrupt, WalEntry};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug, thiserror::Error)]
pub enum WalError {
    #[error("write-ahead log {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("write-ahead log {path} is corrupt: {source}; the node will not guess what it signed: move the file aside only if this validator's key signs nowhere else")]
    Corrupt { path: PathBuf, source: WalCorrupt },
}

impl WalError {
    /// Whether the disk (or the quota) is full: the node must stop, not retry in a loop.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, WalError::Io { source, .. } if source.kind() == std::io::ErrorKind::StorageFull)
    }
}

/// A log of one height's consensus inputs. An appended entry is durable only after
/// [`WalLog::sync`]; `read_all` drops a torn tail (a crash mid-write) and refuses corruption
/// anywhere else.
pub trait WalLog: Send {
    fn append(&mut self, entry: &WalEntry) -> Result<(), WalError>;
    fn sync(&mut self) -> Result<(), WalError>;
    fn read_all(&mut self) -> Result<Vec<WalEntry>, WalError>;
    fn truncate(&mut self) -> Result<(), WalError>;
}

/// The log in memory: the bytes a file would hold, and how many of them are synced. Clones
/// are handles on one log (as file handles are), so a simulated disk outlives its node.
#[derive(Debug, Default, Clone)]
pub struct MemWal {
    inner: Arc<Mutex<Bytes>>,
}

#[derive(Debug, Default)]
struct Bytes {
    bytes: Vec<u8>,
    synced: usize,
}

impl MemWal {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Bytes> {
        // Nothing panics while the lock is held; poisoned bytes are still the bytes.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The machine lost power: bytes appended since the last sync are gone, except the first
    /// `torn_bytes` of them (a write cut in the middle, as a disk may leave it).
    pub fn power_loss(&self, torn_bytes: usize) {
        let mut log = self.lock();
        let keep = log.synced.saturating_add(torn_bytes).min(log.bytes.len());
        log.bytes.truncate(keep);
        log.synced = keep;
    }

    /// Flips one bit of the log at `offset` (a disk that returns corrupt data).
    pub fn corrupt(&self, offset: usize) {
        if let Some(byte) = self.lock().bytes.get_mut(offset) {
            *byte ^= 0x40;
        }
    }

    pub fn len(&self) -> usize {
        self.lock().bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes appended and not yet synced.
    pub fn unsynced_bytes(&self) -> usize {
        let log = self.lock();
        log.bytes.len().saturating_sub(log.synced)
    }
}

impl WalLog for MemWal {
    fn append(&mut self, entry: &WalEntry) -> Result<(), WalError> {
        self.lock().bytes.extend_from_slice(&entry.encode());
        Ok(())
    }

    fn sync(&mut self) -> Result<(), WalError> {
        let mut log = self.lock();
        log.synced = log.bytes.len();
        Ok(())
    }

    fn read_all(&mut self) -> Result<Vec<WalEntry>, WalError> {
        let mut log = self.lock();
        let WalContents { entries, torn_bytes } =
            read_log(&log.bytes).map_err(|source| WalError::Corrupt { path: PathBuf::from("memory"), source })?;
        let keep = log.bytes.len().saturating_sub(torn_bytes);
        log.bytes.truncate(keep);
        log.synced = log.synced.min(keep);
        Ok(entries)
    }

    fn truncate(&mut self) -> Result<(), WalError> {
        let mut log = self.lock();
        log.bytes.clear();
        log.synced = 0;
        Ok(())
    }
}
