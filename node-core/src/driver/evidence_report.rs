//! Double votes this validator saw, reported once each as an evidence transaction.

use super::{Driver, Effect};
use crate::wal::WalLog;
use ledger::store::Backend;

impl<B: Backend, W: WalLog> Driver<B, W> {
    /// A validator reports a double vote once, as an evidence transaction; executing it slashes
    /// the signer. Returns false when the evidence does not prove a double vote (forged), on
    /// every node, so that none relays it.
    pub(super) fn report(&mut self, evidence: &consensus::Evidence, effects: &mut Vec<Effect>) -> bool {
        if let Err(error) = crate::evidence::verify(self.chain.chain_id(), evidence) {
            tracing::warn!(%error, "evidence does not prove a double vote; ignored");
            return false;
        }
        let key = (evidence.validator(), evidence.height(), evidence.round());
        let Some(me) = self.me.as_ref().filter(|k| self.chain.validators().index_of(&k.public()).is_some()) else {
            return true;
        };
        if self.reported.contains(&key) {
            return true;
        }
        let committed = market_runtime::account(self.chain.state(), &me.public()).map(|a| a.nonce).unwrap_or(0);
        let nonce = self.mempool.next_nonce(&me.public(), committed);
        match crate::evidence::evidence_tx(me, self.chain.chain_id(), nonce, evidence) {
            Ok(Some(tx)) => {
                self.reported.insert(key);
                tracing::warn!(validator = %hex::encode(key.0), height = key.1, round = key.2, nonce, "reporting the double vote in an evidence transaction");
                effects.push(Effect::SubmitTx(tx));
                true
            }
            Ok(None) => true,
            Err(error) => {
                tracing::warn!(%error, "evidence does not prove a double vote; ignored");
                false
            }
        }
    }
}
