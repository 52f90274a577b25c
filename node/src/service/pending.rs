//! The mempool across a stop: acknowledged transactions that no block holds yet are written
//! to the home when the node stops (Ctrl-C, SIGTERM, or an upgrade stop, when every validator
//! stops at once and gossip keeps no copy), and admitted again, each re-checked, at the next
//! start. A SIGKILL or a power cut still loses them; peers' copies then remain the only ones.

use super::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file under the data directory.
pub fn pending_file(data_dir: &Path) -> PathBuf {
    data_dir.join("pending-txs")
}

#[derive(Debug, thiserror::Error)]
pub enum PendingError {
    #[error("cannot read or write {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} holds more than the {limit} bytes a full mempool writes (read {bytes})")]
    TooLarge { path: String, bytes: u64, limit: u64 },
    #[error("{path} is malformed at byte {offset}: {why}")]
    Malformed { path: String, offset: usize, why: &'static str },
}

/// `len (u32 LE) ‖ envelope` for each transaction.
pub fn encode<'a>(envelopes: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for e in envelopes {
        // The mempool admits nothing over MAX_TX_BYTES, far below u32::MAX.
        out.extend_from_slice(&(e.len() as u32).to_le_bytes());
        out.extend_from_slice(e);
    }
    out
}

/// The envelopes of a pending file; each at most [`ledger::limits::MAX_TX_BYTES`].
pub fn decode(bytes: &[u8]) -> Result<Vec<&[u8]>, (usize, &'static str)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let head = bytes.get(at..at.saturating_add(4)).ok_or((at, "a length is cut short"))?;
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        if len == 0 || len > ledger::limits::MAX_TX_BYTES {
            return Err((at, "a transaction length is 0 or over the transaction limit"));
        }
        let start = at + 4;
        let end = start.checked_add(len).ok_or((at, "a length overflows"))?;
        out.push(bytes.get(start..end).ok_or((at, "a transaction is cut short"))?);
        at = end;
    }
    Ok(out)
}

/// Writes the file atomically (a temporary file, synced, then renamed); no pool, no file.
pub fn save(path: &Path, bytes: &[u8]) -> Result<(), PendingError> {
    let io = |source| PendingError::Io { path: path.display().to_string(), source };
    if bytes.is_empty() {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        };
    }
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Reads the file if there is one, at most `limit` bytes; it is removed once read.
pub fn take(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, PendingError> {
    use std::io::Read;
    let io = |source| PendingError::Io { path: path.display().to_string(), source };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    // One byte past the limit tells an oversized file without reading more of it.
    let mut data = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut data).map_err(io)?;
    let bytes = data.len() as u64;
    if bytes > limit {
        // Not ours (a full pool never writes more): set aside, not read again.
        let _ = std::fs::rename(path, path.with_extension("refused"));
        return Err(PendingError::TooLarge { path: path.display().to_string(), bytes, limit });
    }
    std::fs::remove_file(path).map_err(io)?;
    Ok(Some(data))
}

impl Node {
    /// Writes the pool's transactions for the next start (see the module comment).
    pub(super) fn save_pending(&self) {
        let Some(path) = &self.pending_file else { return };
        let bytes = encode(self.driver.mempool().envelopes());
        let count = self.driver.mempool().len();
        match save(path, &bytes) {
            Ok(()) if count > 0 => tracing::info!(transactions = count, file = %path.display(), "pending transactions kept for the next start"),
            Ok(()) => {}
            Err(error) => tracing::error!(%error, "pending transactions could not be kept; peers' copies remain"),
        }
    }

    /// Admits again what the last stop kept: each signature and each against the state now.
    pub(super) fn restore_pending(&mut self, limit: u64) {
        let Some(path) = self.pending_file.clone() else { return };
        let data = match take(&path, limit) {
            Ok(Some(data)) => data,
            Ok(None) => return,
            Err(error) => return tracing::error!(%error, "pending transactions of the last stop not restored"),
        };
        let envelopes = match decode(&data) {
            Ok(e) => e,
            Err((offset, why)) => {
                let error = PendingError::Malformed { path: path.display().to_string(), offset, why };
                return tracing::error!(%error, "pending transactions of the last stop not restored");
            }
        };
        let (mut admitted, mut refused) = (0usize, 0usize);
        let chain_id = self.driver.chain().chain_id().to_string();
        let state = CommittedState(self.driver.chain().store().clone());
        for e in envelopes {
            let result = ledger::tx::decode_tx(e, &chain_id).map_err(AdmissionError::from).and_then(|v| {
                admission::check_state(&state, &v.tx, self.max_nonce_ahead())?;
                self.admit(PoolTx { hash: v.hash, tx: v.tx, bytes: v.bytes })
            });
            // Those a block took before the stop are refused as used nonces: that is expected.
            if result.is_ok() { admitted += 1 } else { refused += 1 }
        }
        tracing::info!(admitted, refused, "pending transactions of the last stop restored");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_file_round_trips_and_refuses_bad_framing() {
        let txs: Vec<Vec<u8>> = vec![vec![1; 10], vec![2; ledger::limits::MAX_TX_BYTES]];
        let bytes = encode(txs.iter().map(Vec::as_slice));
        let back = decode(&bytes).unwrap();
        assert_eq!(back, vec![&txs[0][..], &txs[1][..]]);
        assert!(decode(&bytes[..bytes.len() - 1]).is_err(), "cut short");
        assert!(decode(&bytes[..2]).is_err(), "a cut length");
        assert!(decode(&[0, 0, 0, 0]).is_err(), "an empty transaction");
        assert!(decode(&u32::MAX.to_le_bytes()).is_err(), "a length over the limit");
        assert_eq!(decode(&[]).unwrap().len(), 0);
    }

    #[test]
    fn a_pending_file_is_read_once_and_an_oversized_one_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = pending_file(dir.path());
        save(&path, b"abc").unwrap();
        assert_eq!(take(&path, 3).unwrap().as_deref(), Some(&b"abc"[..]));
        assert_eq!(take(&path, 3).unwrap(), None, "removed once read");
        save(&path, b"abcd").unwrap();
        assert!(matches!(take(&path, 3), Err(PendingError::TooLarge { bytes: 4, limit: 3, .. })));
        assert!(!path.exists());
        save(&path, b"").unwrap();
        assert!(!path.exists(), "an empty pool writes no file");
    }
}
