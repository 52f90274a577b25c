//! Transactions entering this node's mempool through the driver, which holds both the
//! committed state the checks read and the pool: the one admission path (`crate::admission`).

use super::Driver;
use crate::admission::{self, AdmissionError};
use crate::mempool::Hash;
use crate::wal::WalLog;
use ledger::store::Backend;
use ledger::tx::VerifiedTx;

impl<B: Backend, W: WalLog> Driver<B, W> {
    /// Admits a verified transaction against the committed state; returns what the pool
    /// evicted to make room.
    pub fn admit(&mut self, verified: VerifiedTx, max_nonce_ahead: u64) -> Result<Vec<Hash>, AdmissionError> {
        admission::admit(self.chain.state(), &mut self.mempool, verified, max_nonce_ahead)
    }

    /// Decodes and verifies an envelope for this chain, then admits it.
    pub fn admit_bytes(&mut self, bytes: &[u8], max_nonce_ahead: u64) -> Result<(Hash, Vec<Hash>), AdmissionError> {
        let verified = ledger::tx::decode_tx(bytes, self.chain.chain_id())?;
        let hash = verified.hash;
        Ok((hash, self.admit(verified, max_nonce_ahead)?))
    }
}
