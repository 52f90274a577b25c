//! The chain store's engine on disk: RocksDB, one column family per [`Column`].

use std::path::{Path, PathBuf};

use rocksdb::{ColumnFamily, ColumnFamilyDescriptor, Direction, IteratorMode, Options, WriteBatch, WriteOptions, DB};

use super::backend::{Backend, Column};
use super::StoreError;

/// Disk the write-ahead logs may take before the oldest is freed by flushing (see `open`).
const MAX_TOTAL_WAL_BYTES: u64 = 256 * 1024 * 1024;

pub struct RocksBackend {
    db: DB,
    path: PathBuf,
}

impl RocksBackend {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        // One large write per block: a bigger memtable means fewer flushes in a run.
        options.set_write_buffer_size(64 * 1024 * 1024);
        // A write-ahead log file is kept until every column family it holds writes of has been
        // flushed, and the small ones (meta, index, signer) fill their memtables only after
        // weeks: measured, 74 logs of 80 MB (5.9 GB) piled up over 14,000 blocks of 623 bids.
        // Past this total, RocksDB flushes the families that hold the oldest log.
        options.set_max_total_wal_size(MAX_TOTAL_WAL_BYTES);
        let descriptors = Column::ALL.iter().map(|c| ColumnFamilyDescriptor::new(c.name(), Options::default()));
        let db = DB::open_cf_descriptors(&options, path, descriptors)
            .map_err(|source| StoreError::Rocks { path: path.to_path_buf(), source })?;
        Ok(Self { db, path: path.to_path_buf() })
    }

    /// Opens a database (a snapshot) for reading only: nothing is written, not even the format mark.
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let names = Column::ALL.iter().map(|c| c.name());
        let db = DB::open_cf_for_read_only(&Options::default(), path, names, false)
            .map_err(|source| StoreError::Rocks { path: path.to_path_buf(), source })?;
        Ok(Self { db, path: path.to_path_buf() })
    }

    /// A consistent copy of the whole database in `dir` (which must not exist), made of hard
    /// links to the immutable table files: cheap in time and disk until the files diverge.
    pub fn checkpoint(&self, dir: &Path) -> Result<(), StoreError> {
        let checkpoint = rocksdb::checkpoint::Checkpoint::new(&self.db).map_err(|e| self.rocks(e))?;
        checkpoint.create_checkpoint(dir).map_err(|e| self.rocks(e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn cf(&self, column: Column) -> Result<&ColumnFamily, StoreError> {
        self.db.cf_handle(column.name()).ok_or(StoreError::MissingColumnFamily(column.name()))
    }

    fn rocks(&self, source: rocksdb::Error) -> StoreError {
        StoreError::Rocks { path: self.path.clone(), source }
    }
}

impl Backend for RocksBackend {
    type Batch = WriteBatch;

    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.db.get_cf(self.cf(column)?, key).map_err(|e| self.rocks(e))
    }

    fn new_batch(&self) -> WriteBatch {
        WriteBatch::default()
    }

    fn batch_put(&self, batch: &mut WriteBatch, column: Column, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        batch.put_cf(self.cf(column)?, key, value);
        Ok(())
    }

    fn batch_delete(&self, batch: &mut WriteBatch, column: Column, key: &[u8]) -> Result<(), StoreError> {
        batch.delete_cf(self.cf(column)?, key);
        Ok(())
    }

    fn batch_bytes(batch: &WriteBatch) -> usize {
        batch.size_in_bytes()
    }

    fn write(&self, batch: WriteBatch, synced: bool) -> Result<(), StoreError> {
        let mut options = WriteOptions::default();
        options.set_sync(synced);
        self.db.write_opt(batch, &options).map_err(|e| self.rocks(e))
    }

    fn for_each_from(&self, column: Column, start: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<(), StoreError> {
        let iter = self.db.iterator_cf(self.cf(column)?, IteratorMode::From(start, Direction::Forward));
        for item in iter {
            let (key, value) = item.map_err(|e| self.rocks(e))?;
            if !visit(&key, &value) {
                break;
            }
        }
        Ok(())
    }

    fn compact_below(&self, column: Column, end: &[u8]) {
        if let Ok(cf) = self.cf(column) {
            self.db.compact_range_cf(cf, None::<&[u8]>, Some(end));
        }
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}
