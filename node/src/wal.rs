//! The consensus write-ahead log in a file (`node_core::wal::WalLog`; record format and the
//! torn-tail rule in `node_core::wal_record`). The log holds one height: it is truncated
//! when a block commits.

use node_core::wal_record::{read_log, WalContents};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub use node_core::wal::{WalError, WalLog};
pub use node_core::wal_record::WalEntry;

pub struct Wal {
    path: PathBuf,
    file: File,
    /// Appended since the last sync.
    dirty: bool,
}

impl Wal {
    pub fn open(path: &Path) -> Result<Wal, WalError> {
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(|source| WalError::Io { path: path.into(), source })?;
        Ok(Wal { path: path.into(), file, dirty: false })
    }

    fn io(&self, source: std::io::Error) -> WalError {
        WalError::Io { path: self.path.clone(), source }
    }

    /// Size of the log in bytes (for status and tests).
    pub fn len(&self) -> u64 {
        self.file.metadata().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl WalLog for Wal {
    /// Appends one entry. Not synced yet: [`Wal::sync`] runs before anything that depends on
    /// the entry leaves the node, so one fsync covers every input logged since the last one.
    fn append(&mut self, entry: &WalEntry) -> Result<(), WalError> {
        self.file.write_all(&entry.encode()).map_err(|e| self.io(e))?;
        self.dirty = true;
        Ok(())
    }

    /// Makes every appended entry durable (fdatasync); a no-op when nothing was appended.
    fn sync(&mut self) -> Result<(), WalError> {
        if self.dirty {
            self.file.sync_data().map_err(|e| self.io(e))?;
            self.dirty = false;
        }
        Ok(())
    }

    /// Every entry, in order. A torn tail (the process died mid-write) is cut off the file,
    /// so later appends do not follow it; corruption anywhere else is an error.
    fn read_all(&mut self) -> Result<Vec<WalEntry>, WalError> {
        let mut bytes = Vec::new();
        File::open(&self.path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| self.io(e))?;
        let WalContents { entries, torn_bytes } =
            read_log(&bytes).map_err(|source| WalError::Corrupt { path: self.path.clone(), source })?;
        if torn_bytes > 0 {
            tracing::warn!(path = %self.path.display(), torn_bytes, "write-ahead log ends in a torn record (a crash mid-write); dropping it");
            let keep = (bytes.len() - torn_bytes) as u64;
            self.file.set_len(keep).map_err(|e| self.io(e))?;
            self.file.sync_data().map_err(|e| self.io(e))?;
        }
        Ok(entries)
    }

    /// Empties the log once its height is committed.
    fn truncate(&mut self) -> Result<(), WalError> {
        self.file.set_len(0).map_err(|e| self.io(e))?;
        self.dirty = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consensus::{Input, SignedVote, Timeout, TimeoutStep, Vote, VoteType};

    fn entries() -> Vec<WalEntry> {
        let vote = SignedVote {
            vote: Vote { vote_type: VoteType::Prevote, height: 5, round: 1, value: Some([4; 32]), validator: [9; 32] },
            signature: vec![1; 64],
        };
        vec![WalEntry::StartHeight(5), WalEntry::Vote(Input::Vote(vote)), WalEntry::Timeout(Timeout { height: 5, round: 1, step: TimeoutStep::Prevote })]
    }

    #[test]
    fn entries_survive_a_reopen_and_appends_after_a_torn_tail_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cs.wal");
        {
            let mut wal = Wal::open(&path).unwrap();
            for e in &entries()[..2] {
                wal.append(e).unwrap();
            }
            wal.sync().unwrap();
        }
        OpenOptions::new().append(true).open(&path).unwrap().write_all(&[0, 0, 0, 50, 1, 2]).unwrap();
        let mut wal = Wal::open(&path).unwrap();
        assert_eq!(wal.read_all().unwrap(), entries()[..2].to_vec());
        wal.append(&entries()[2]).unwrap();
        let mut reopened = Wal::open(&path).unwrap();
        assert_eq!(reopened.read_all().unwrap(), entries());
    }

    #[test]
    fn a_corrupt_record_in_the_middle_stops_the_replay_with_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cs.wal");
        let mut wal = Wal::open(&path).unwrap();
        for e in &entries() {
            wal.append(e).unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        let first = entries()[0].encode().len();
        bytes[first + 10] ^= 0x40;
        std::fs::write(&path, &bytes).unwrap();
        let err = Wal::open(&path).unwrap().read_all().unwrap_err();
        assert!(err.to_string().contains(&format!("offset {first}")), "{err}");
    }
}
