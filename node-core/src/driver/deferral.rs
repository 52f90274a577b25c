//! When a validator builds its proposal: not before its pool can hold what the slot needs.
//!
//! A slot's bids can go in one block only, so a block built without them loses them all.
//! - **A cold pool.** A validator that has just (re)started holds no one's pending
//!   transactions: its peers re-gossip their pools only once they see it connect. Until then
//!   it defers its proposal; if the round times out first, the next proposer (whose pool is
//!   warm) builds the block.
//! - **A slot still filling.** Past the slot's deadline, the proposer waits up to
//!   `bid_wait_ms` for approved households that have not bid yet. With 1 s slots the bids are
//!   in before the deadline and nothing waits; with 0 ms slots (replaying days in seconds)
//!   this is what lets each slot close once every home has bid, instead of at once.

use super::{Driver, DriverError, Effect, WalEntry};
use consensus::Input;
use crate::wal::WalLog;
use ledger::store::Backend;

/// While the pool is cold, how often a deferred proposal looks again (the hold's end may move
/// when peers connect).
const COLD_RETRY_MS: u64 = 250;
/// While the slot fills, how often the proposer counts its bids again.
const FILLING_RETRY_MS: u64 = 5;

impl<B: Backend, W: WalLog> Driver<B, W> {
    /// No proposal is built before unix time `at_ms` (the service calls it at start with
    /// `u64::MAX`, then with a time once peers are connected). The default is no hold.
    pub fn hold_proposals_until(&mut self, at_ms: u64) {
        self.warm_at_ms = at_ms;
    }

    /// The core asks for a value: build it now, or defer it.
    pub(super) fn on_get_value(&mut self, height: u64, round: u32, now_ms: u64, effects: &mut Vec<Effect>) -> Result<Vec<consensus::Output>, DriverError> {
        // A replayed height re-proposes from the WAL; holding would only lose the round.
        if !self.replaying {
            if let Some(at_ms) = self.next_look(height, now_ms) {
                self.deferred_proposal = Some((height, round));
                effects.push(Effect::ProposeAt { height, round, at_ms });
                return Ok(Vec::new());
            }
        }
        self.propose_now(height, round, now_ms)
    }

    /// The time set by `ProposeAt` has come: propose if the core still waits for this value.
    pub fn propose_deferred(&mut self, height: u64, round: u32, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        let mut effects = Vec::new();
        if self.deferred_proposal != Some((height, round)) || height != self.running || round != self.consensus.round() {
            return Ok(effects);
        }
        self.deferred_proposal = None;
        let outputs = self.on_get_value(height, round, now_ms, &mut effects)?;
        self.process(outputs, now_ms, &mut effects)?;
        Ok(effects)
    }

    /// When to look again, or `None` to propose now.
    fn next_look(&mut self, height: u64, now_ms: u64) -> Option<u64> {
        if now_ms < self.warm_at_ms {
            if self.deferred_proposal.is_none() {
                tracing::info!(height, "proposal deferred: peers have not re-sent their pending transactions since this node started");
            }
            return Some(self.warm_at_ms.min(now_ms.saturating_add(COLD_RETRY_MS)));
        }
        let wait_ends = self.height_started_ms.saturating_add(self.bid_wait_ms);
        if now_ms >= wait_ends || self.mempool.bids_of_next_slot() >= self.bidders(height) {
            return None;
        }
        Some(wait_ends.min(now_ms.saturating_add(FILLING_RETRY_MS)))
    }

    /// Approved households that may bid in `height`'s slot (0 while the market is closed),
    /// read from state once per height.
    fn bidders(&mut self, height: u64) -> usize {
        if let Some((h, n)) = self.bidders {
            if h == height {
                return n;
            }
        }
        let state = self.chain.state();
        let n = if market_runtime::query::market_open(state) {
            market_runtime::query::households(state)
                .map(|all| all.iter().filter(|h| h.status == market_runtime::HouseholdStatus::Approved).count())
                .unwrap_or_else(|error| {
                    tracing::error!(%error, "the registry cannot be read; the proposer does not wait for bids");
                    0
                })
        } else {
            0
        };
        self.bidders = Some((height, n));
        n
    }

    fn propose_now(&mut self, height: u64, round: u32, now_ms: u64) -> Result<Vec<consensus::Output>, DriverError> {
        let (value, block) = self.build_proposal(now_ms);
        self.blocks.insert(value, block.clone());
        self.log(&WalEntry::ProposeValue { height, round, value, block })?;
        Ok(self.consensus.handle(Input::ProposeValue { height, round, value }))
    }
}
