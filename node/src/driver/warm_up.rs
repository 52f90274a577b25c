//! A validator that has just (re)started holds no one's pending transactions: its peers
//! re-gossip their pools only once they see it connect. Proposing at once would build a block
//! without the bids of its slot, and a slot's bids can go in no other block, so every bid of
//! that slot would be lost. Until its pool is warm a validator therefore defers its proposal;
//! if the round times out first, the next proposer (whose pool is warm) builds the block.

use super::{Driver, DriverError, Effect, WalEntry};
use consensus::Input;

impl Driver {
    /// No proposal is built before unix time `at_ms` (the service calls it at start with
    /// `u64::MAX`, then with a time once peers are connected). The default is no hold.
    pub fn hold_proposals_until(&mut self, at_ms: u64) {
        self.warm_at_ms = at_ms;
    }

    /// The core asks for a value: build it now, or when the pool is warm.
    pub(super) fn on_get_value(&mut self, height: u64, round: u32, now_ms: u64, effects: &mut Vec<Effect>) -> Result<Vec<consensus::Output>, DriverError> {
        // A replayed height re-proposes from the WAL; holding would only lose the round.
        if now_ms < self.warm_at_ms && !self.replaying {
            tracing::info!(height, round, "proposal deferred: peers have not re-sent their pending transactions since this node started");
            self.deferred_proposal = Some((height, round));
            effects.push(Effect::ProposeAt { height, round, at_ms: self.warm_at_ms.min(now_ms.saturating_add(RETRY_MS)) });
            return Ok(Vec::new());
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

    fn propose_now(&mut self, height: u64, round: u32, now_ms: u64) -> Result<Vec<consensus::Output>, DriverError> {
        let (value, block) = self.build_proposal(now_ms);
        self.blocks.insert(value, block.clone());
        self.log(&WalEntry::ProposeValue { height, round, value, block })?;
        Ok(self.consensus.handle(Input::ProposeValue { height, round, value }))
    }
}

/// While the pool is cold, how often a deferred proposal looks again (the hold's end may move
/// when peers connect).
const RETRY_MS: u64 = 250;
