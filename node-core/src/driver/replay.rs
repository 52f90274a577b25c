//! Restarting: the signer guard restored from the store and the WAL, and the height in
//! progress replayed from the WAL so the core is where it was when the process stopped.

use super::{Driver, DriverError, Effect};
use crate::wal::WalLog;
use crate::wal_record::WalEntry;
use consensus::Input;
use ledger::store::Backend;

impl<B: Backend, W: WalLog> Driver<B, W> {
    /// First call after opening: restores the signer guard and, if the WAL holds the
    /// height in progress, replays it; otherwise waits for the next slot's deadline.
    pub fn start(&mut self, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        let next = self.chain.tip().height + 1;
        let entries: Vec<WalEntry> = self.wal.read_all()?.into_iter().filter(|e| e.height() == next).collect();
        // The store's record is written unsynced; the WAL, synced before each own message
        // leaves, holds what this validator signed at the height in progress.
        let me = self.me.as_ref().map(|k| k.public());
        let in_wal = me.and_then(|me| entries.iter().filter_map(|e| e.signed_by(&me)).max());
        self.consensus.restore_signer_state(self.chain.signed_step()?.max(in_wal));
        if entries.is_empty() {
            self.wal.truncate()?;
            return Ok(vec![Effect::StartAt { height: next, at_ms: self.chain.genesis.slot_deadline_ms(next) }]);
        }
        tracing::info!(height = next, entries = entries.len(), "replaying the consensus write-ahead log");
        self.replaying = true;
        let mut effects = Vec::new();
        let validators = self.chain.validators().clone();
        for entry in &entries {
            let input = match entry {
                WalEntry::Proposal { input: Input::Proposal { proposal, .. }, block } => {
                    // The flag logged with a proposal is not trusted: the block is checked again.
                    let valid = self.check(&proposal.proposal, block, now_ms).is_ok();
                    if valid {
                        self.blocks.insert(proposal.proposal.value, block.clone());
                    }
                    Input::Proposal { proposal: proposal.clone(), valid }
                }
                WalEntry::ProposeValue { value, block, .. } => {
                    self.blocks.insert(*value, block.clone());
                    entry.input(&validators)
                }
                WalEntry::StartHeight(h) => {
                    self.running = *h;
                    entry.input(&validators)
                }
                _ => entry.input(&validators),
            };
            let outputs = self.consensus.handle(input);
            self.process(outputs, now_ms, &mut effects)?;
        }
        self.replaying = false;
        Ok(effects)
    }
}
