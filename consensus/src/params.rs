//! Protocol parameters: timeouts that grow with the round.

use crate::types::Round;

/// Timeouts in milliseconds; each step waits `base + delta * round`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    pub timeout_propose_ms: u64,
    pub timeout_propose_delta_ms: u64,
    pub timeout_prevote_ms: u64,
    pub timeout_prevote_delta_ms: u64,
    pub timeout_precommit_ms: u64,
    pub timeout_precommit_delta_ms: u64,
    /// How often a validator that is still in the same round re-sends its own proposal and
    /// votes, so that lost messages cannot stall a round forever.
    pub rebroadcast_ms: u64,
    /// Messages further than this many rounds ahead of ours are dropped (bounds memory).
    pub max_rounds_ahead: Round,
    /// Messages of the next height kept until it starts (bounds memory).
    pub max_buffered_next_height: usize,
    /// TEST-ONLY planted bug: forget the lock and the valid value (amnesia). It breaks safety
    /// on purpose so the whole-node simulator can prove it catches it
    /// (`simulator::SimConfig::planted_bug_ignore_locks`). Never set it in a node.
    pub planted_bug_ignore_locks: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            timeout_propose_ms: 1000,
            timeout_propose_delta_ms: 500,
            timeout_prevote_ms: 500,
            timeout_prevote_delta_ms: 250,
            timeout_precommit_ms: 500,
            timeout_precommit_delta_ms: 250,
            rebroadcast_ms: 2000,
            max_rounds_ahead: 1000,
            max_buffered_next_height: 100_000,
            planted_bug_ignore_locks: false,
        }
    }
}

impl Params {
    pub fn propose_timeout(&self, round: Round) -> u64 {
        grow(self.timeout_propose_ms, self.timeout_propose_delta_ms, round)
    }

    pub fn prevote_timeout(&self, round: Round) -> u64 {
        grow(self.timeout_prevote_ms, self.timeout_prevote_delta_ms, round)
    }

    pub fn precommit_timeout(&self, round: Round) -> u64 {
        grow(self.timeout_precommit_ms, self.timeout_precommit_delta_ms, round)
    }
}

fn grow(base: u64, delta: u64, round: Round) -> u64 {
    base.saturating_add(delta.saturating_mul(u64::from(round)))
}
