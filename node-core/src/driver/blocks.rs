//! Blocks through the driver: the proposal this node builds, a decided block committed, and
//! a block from sync checked and committed.

use super::{Committed, Driver, DriverError, Effect, EVIDENCE_WINDOW, PROPOSAL_OVERHEAD_BYTES};
use crate::chain::ChainError;
use crate::mempool::Hash;
use crate::wal::WalLog;
use ledger::store::Backend;
use ledger::tx::VerifiedTx;
use ledger::wire::{Block, CommitCertificate};
use prost::Message as _;

impl<B: Backend, W: WalLog> Driver<B, W> {
    pub(super) fn build_proposal(&mut self, now_ms: u64) -> (Hash, Vec<u8>) {
        let height = self.chain.tip().height + 1;
        let cert_bytes = self.chain.last_commit().map_or(0, |c| c.encoded_len());
        let budget = self.max_message_bytes.saturating_sub(PROPOSAL_OVERHEAD_BYTES + cert_bytes);
        let reaped = self.mempool.reap(height, self.max_block_txs, budget);
        let verified: Vec<VerifiedTx> = reaped.iter().map(|t| VerifiedTx { hash: t.hash, tx: t.tx.clone(), bytes: t.bytes.clone() }).collect();
        let txs: Vec<Vec<u8>> = reaped.into_iter().map(|t| t.bytes.clone()).collect();
        let proposer = self.me.as_ref().map(|k| k.public()).unwrap_or([0; 32]);
        let block = self.chain.build_block(proposer, now_ms, txs);
        let hash = block.hash();
        self.checked.insert(hash, verified);
        (hash, block.encode_to_vec())
    }

    pub(super) fn commit(&mut self, block: Block, cert: CommitCertificate, round: u32, synced: bool, now_ms: u64) -> Result<Committed, DriverError> {
        let hash = block.hash();
        let checked = self.checked.remove(&hash);
        let (outcome, txs) = self.chain.execute_and_commit(&block, &cert, checked)?;
        self.checked.clear();
        self.pending_decision = None;
        self.wal.truncate()?;
        self.blocks.clear();
        self.proposed.retain(|(h, _), _| *h > block.height());
        let oldest = block.height().saturating_sub(EVIDENCE_WINDOW);
        self.reported.retain(|(_, h, _)| *h >= oldest);
        let height = self.chain.tip().height;
        let included: Vec<(Hash, [u8; 32])> = txs.iter().map(|t| (t.hash, t.tx.sender)).collect();
        let state = self.chain.state();
        let evicted = self.mempool.after_block(&included, height + 1, |addr| {
            market_runtime::account(state, addr).map(|a| a.nonce).unwrap_or(0)
        });
        // An unreadable record would refuse every admin tx anyway; the pool keeps its last rule.
        if let Ok(admin) = market_runtime::administrator(state) {
            self.mempool.set_administrators(&admin.members);
        }
        let time_ms = block.header.as_ref().map_or(now_ms, |h| h.time_ms);
        let latency_ms = now_ms.saturating_sub(time_ms) as f64;
        Ok(Committed { block, outcome, txs, round, latency_ms, synced, evicted })
    }

    /// A block and certificate from block sync for the next height: verified, committed,
    /// and consensus moves on to the height after it.
    pub fn apply_synced(&mut self, block: Block, cert: CommitCertificate, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        let height = block.height();
        let next = self.chain.tip().height.saturating_add(1);
        if height < next {
            // Committed here meanwhile (consensus was faster than the response).
            return Ok(Vec::new());
        }
        if height > next {
            return Err(ChainError::BadBlock { height, why: format!("a sync response must continue at height {next}") }.into());
        }
        self.chain.verify_synced(&block, &cert)?;
        let round = cert.round;
        let committed = self.commit(block, cert, round, true, now_ms)?;
        let next = height.saturating_add(1);
        Ok(vec![Effect::Committed(Box::new(committed)), Effect::StartAt { height: next, at_ms: self.chain.genesis.slot_deadline_ms(next) }])
    }
}
