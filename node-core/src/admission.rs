//! The one path a transaction takes into the mempool, whoever brings it (RPC, gossip, the
//! household agent, this validator's own evidence): envelope and signature, the state
//! checks, the nonce rule, then the mempool's limits and classes.

use crate::mempool::{Hash, Mempool, MempoolError, PoolTx};
use ledger::tx::VerifiedTx;
use ledger::WireError;
use market_runtime::{StateStore, Tx, TxError};

/// Why a transaction was not admitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdmissionError {
    #[error("invalid transaction: {0}")]
    Wire(#[from] WireError),
    #[error("rejected: {0}")]
    State(#[from] TxError),
    #[error("mempool: {0}")]
    Mempool(#[from] MempoolError),
}

impl AdmissionError {
    /// Whether the transaction could never have been admitted by an honest peer, whatever
    /// state that peer was in: only a bad encoding or signature. State checks depend on how
    /// far each node is (a node that restarted and is catching up refuses bids an honest
    /// peer admitted), so they never count against the forwarder.
    pub fn is_senders_fault(&self) -> bool {
        matches!(self, AdmissionError::Wire(_))
    }

    /// A short kebab-case name for RPC error codes and metric labels.
    pub fn code(&self) -> &'static str {
        match self {
            AdmissionError::Wire(_) => "invalid-transaction",
            AdmissionError::State(_) => "rejected",
            AdmissionError::Mempool(_) => "mempool",
        }
    }
}

/// The state checks of admission against the committed state (`check_tx_admission`): a
/// nonce ahead of the account's passes when it is at most `max_nonce_ahead` ahead (the ones
/// before it may be pending) and the transaction passes every check that does not depend on
/// the missing nonces.
pub fn check_state(state: &impl StateStore, tx: &Tx, max_nonce_ahead: u64) -> Result<(), AdmissionError> {
    Ok(market_runtime::check_tx_admission(state, tx, max_nonce_ahead)?)
}

/// Admits one already-verified transaction: state checks, then the mempool. Returns the
/// hashes the mempool evicted to make room.
pub fn admit(state: &impl StateStore, pool: &mut Mempool, verified: VerifiedTx, max_nonce_ahead: u64) -> Result<Vec<Hash>, AdmissionError> {
    if pool.contains(&verified.hash) {
        return Err(MempoolError::Duplicate(verified.hash).into());
    }
    check_state(state, &verified.tx, max_nonce_ahead)?;
    Ok(pool.insert(PoolTx { hash: verified.hash, tx: verified.tx, bytes: verified.bytes })?)
}
