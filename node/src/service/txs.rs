//! Transactions through the node: admission of what RPC, the household agent and the node
//! itself submit, batching for gossip and re-gossip, and gossiped batches checked off the loop.

use super::*;

impl Node {
    /// A transaction this node signed itself goes the way of one from RPC: checked against
    /// the committed state, admitted, gossiped.
    pub(super) fn submit_own(&mut self, bytes: &[u8]) {
        let chain_id = self.driver.chain().chain_id().to_string();
        let admitted = ledger::tx::decode_tx(bytes, &chain_id).map_err(AdmissionError::from).and_then(|v| {
            let state = CommittedState(self.driver.chain().store().clone());
            admission::check_state(&state, &v.tx, self.max_nonce_ahead())?;
            self.admit(PoolTx { hash: v.hash, tx: v.tx, bytes: v.bytes })
        });
        if let Err(error) = admitted {
            tracing::warn!(%error, "own transaction refused");
        }
    }

    /// Admits a transaction into the mempool (already signature- and state-checked).
    pub(super) fn admit(&mut self, tx: PoolTx) -> Result<(), AdmissionError> {
        let hash = tx.hash;
        let bytes = tx.bytes.clone();
        let evicted = self.driver.mempool_mut().insert(tx)?;
        for old in evicted {
            self.submitted_at.remove(&old);
            self.shared.set_tx_status(old, TxStatus { status: TxState::Rejected, height: None, error: Some("evicted: the mempool was full and a transaction of a higher priority came".into()) });
        }
        self.outbox.push(bytes);
        self.shared.set_tx_status(hash, TxStatus { status: TxState::Pending, height: None, error: None });
        if self.outbox.len() >= TX_BATCH {
            self.flush_txs();
        } else {
            self.arm(Instant::now() + TX_FLUSH, TimerKind::FlushTxs);
        }
        Ok(())
    }

    pub(super) fn flush_txs(&mut self) {
        if !self.outbox.is_empty() {
            let batch = std::mem::take(&mut self.outbox);
            self.publish_txs(&batch);
        }
    }

    /// Gossip happens once, so a peer that was down or cut off when a bid travelled never
    /// hears of it; if that peer proposes the bid's slot, an acknowledged bid would miss it.
    /// Re-publishing the pending pool when a peer (re)connects closes that gap. The batches
    /// differ from the original ones, so gossipsub does not drop them as duplicates, and
    /// peers that already hold a transaction skip it.
    pub(super) fn regossip_pending(&mut self) {
        let pending: Vec<Vec<u8>> = self.driver.mempool().envelopes().map(<[u8]>::to_vec).collect();
        for chunk in pending.chunks(TX_BATCH) {
            self.publish_txs(chunk);
        }
    }

    /// A batch no connected peer took (just started, subscriptions not exchanged yet) would
    /// otherwise reach no one: the pending pool goes out again a little later. With no peer
    /// connected at all, the next connection re-gossips it.
    pub(super) fn publish_txs(&mut self, batch: &[Vec<u8>]) {
        if !self.network.publish(Channel::Txs, ledger::batch::encode_tx_batch(batch)) && !self.network.peers().is_empty() {
            self.arm(Instant::now() + REGOSSIP_DELAY, TimerKind::Regossip);
        }
    }

    /// Decodes a gossiped batch and hands what is new to the checker; `None` while it checks
    /// (the verdict follows in [`Node::on_tx_checked`]).
    pub(super) fn on_tx_gossip(&mut self, id: MessageId, source: PeerId, data: &[u8]) -> Option<Verdict> {
        let Ok(txs) = ledger::batch::decode_tx_batch(data) else { return Some(Verdict::Reject("malformed")) };
        let fresh: Vec<Vec<u8>> = txs.into_iter().filter(|t| !self.driver.mempool().contains(&ledger::hash::sha256(t))).map(<[u8]>::to_vec).collect();
        if fresh.is_empty() {
            return Some(Verdict::Accept);
        }
        match self.tx_gossip.check(id, source, fresh) {
            Ok(()) => None,
            Err(_) => Some(Verdict::Ignore("verifier-busy")),
        }
    }

    /// A gossiped batch's signatures have been checked: admit it and judge the message.
    pub(super) fn on_tx_checked(&mut self, checked: Checked) {
        self.tx_gossip.finished(&checked);
        let verdict = match checked.outcome {
            Err(_) => Verdict::Ignore("verifier-busy"),
            // Honest peers only forward transactions they verified.
            Ok(Err(_)) => Verdict::Reject("invalid-transaction"),
            Ok(Ok(verified)) => self.admit_gossiped(verified),
        };
        self.judge(Channel::Txs, &checked.id, &checked.source, verdict);
    }

    pub(super) fn admit_gossiped(&mut self, verified: Vec<ledger::tx::VerifiedTx>) -> Verdict {
        let state = CommittedState(self.driver.chain().store().clone());
        let max_ahead = self.max_nonce_ahead();
        let count = verified.len();
        let mut inadmissible = 0usize;
        for v in verified {
            if let Err(e) = admission::admit(&state, self.driver.mempool_mut(), v, max_ahead) {
                inadmissible += usize::from(e.is_senders_fault());
                tracing::trace!(error = %e, "gossiped transaction not admitted");
            }
        }
        // Honest peers forward only what they admitted; a few may fail here for reasons of
        // timing (a block this node committed first), but not most of a batch. Verifying
        // signatures costs CPU, so a peer that sends mostly junk is penalised.
        if inadmissible * 2 > count {
            return Verdict::Reject("inadmissible-transactions");
        }
        Verdict::Accept
    }

    /// Once a peer is connected, proposals wait only until the peers' re-gossip of their
    /// pending pools has arrived (driver/warm_up.rs).
    pub(super) fn on_first_peer(&mut self) {
        if !self.warm_up_started {
            self.warm_up_started = true;
            let settle_ms = (REGOSSIP_DELAY + WARM_UP_MARGIN).as_millis() as u64;
            self.driver.hold_proposals_until(now_ms().saturating_add(settle_ms));
        }
    }

    pub(super) fn max_nonce_ahead(&self) -> u64 {
        self.driver.mempool().limits().max_per_account as u64
    }
}
