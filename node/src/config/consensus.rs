//! `[consensus]` and `[mempool]`: round timeouts, how much a block and the pool may hold.

use super::{invalid, nonzero, ConfigError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ConsensusConfig {
    pub timeout_propose_ms: u64,
    pub timeout_prevote_ms: u64,
    pub timeout_precommit_ms: u64,
    pub timeout_increase_ms: u64,
    pub max_block_txs: usize,
    /// After a slot's deadline, how long its proposer waits for approved households that have
    /// not bid yet (0: not at all). With 0 ms slots this is what lets every home bid.
    pub bid_wait_ms: u64,
}

impl Default for ConsensusConfig {
    fn default() -> Self {
        ConsensusConfig {
            timeout_propose_ms: 1000,
            timeout_prevote_ms: 500,
            timeout_precommit_ms: 500,
            timeout_increase_ms: 500,
            max_block_txs: ledger::limits::MAX_BLOCK_TXS,
            bid_wait_ms: 200,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MempoolConfig {
    pub max_txs: usize,
    pub max_bytes: usize,
    pub max_per_account: usize,
    pub max_tx_bytes: usize,
}

impl Default for MempoolConfig {
    fn default() -> Self {
        MempoolConfig { max_txs: 200_000, max_bytes: 64 * 1024 * 1024, max_per_account: 64, max_tx_bytes: 4096 }
    }
}

impl ConsensusConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        nonzero("consensus.max_block_txs", self.max_block_txs)?;
        if self.max_block_txs > ledger::limits::MAX_BLOCK_TXS {
            // Every node refuses a block over the ledger's limit: a proposer that built one
            // would stall its rounds.
            return Err(invalid(
                "consensus.max_block_txs",
                &self.max_block_txs.to_string(),
                &format!("must be at most {} (the ledger's limit on transactions per block)", ledger::limits::MAX_BLOCK_TXS),
            ));
        }
        if self.bid_wait_ms >= self.timeout_propose_ms {
            return Err(invalid(
                "consensus.bid_wait_ms",
                &self.bid_wait_ms.to_string(),
                "must be below consensus.timeout_propose_ms (the other validators would time out the proposal first)",
            ));
        }
        Ok(())
    }

    pub(super) fn documented_toml(&self) -> String {
        format!(
            r#"[consensus]
# Round timeouts; each later round of a height waits `timeout_increase_ms` longer.
timeout_propose_ms = {}
timeout_prevote_ms = {}
timeout_precommit_ms = {}
timeout_increase_ms = {}
# Most transactions a proposer puts in one block.
max_block_txs = {}
# After a slot's deadline its proposer waits up to this long for approved households that have
# not bid yet (0: never waits); below timeout_propose_ms, or the round times out first.
bid_wait_ms = {}
"#,
            self.timeout_propose_ms, self.timeout_prevote_ms, self.timeout_precommit_ms, self.timeout_increase_ms,
            self.max_block_txs, self.bid_wait_ms,
        )
    }
}

impl MempoolConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        nonzero("mempool.max_txs", self.max_txs)?;
        nonzero("mempool.max_bytes", self.max_bytes)?;
        nonzero("mempool.max_per_account", self.max_per_account)?;
        nonzero("mempool.max_tx_bytes", self.max_tx_bytes)
    }

    pub(super) fn documented_toml(&self) -> String {
        format!(
            r#"[mempool]
# Most transactions held at once, total bytes, per sending account, and bytes per transaction.
max_txs = {}
max_bytes = {}
max_per_account = {}
max_tx_bytes = {}
"#,
            self.max_txs, self.max_bytes, self.max_per_account, self.max_tx_bytes,
        )
    }
}
