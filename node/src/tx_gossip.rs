//! Transactions gossiped by peers, checked off the consensus loop. The loop decodes a batch and
//! drops what its mempool already holds; the signatures of the rest are checked on blocking
//! threads (at full load they were a third of a node's CPU, spent where votes wait); the
//! verified transactions come back to the loop for admission, and only then is the gossip
//! message judged, so peer scoring still sees junk.

use crate::verifier::{Verifier, VerifierError};
use ledger::tx::{IndexedTxError, VerifiedTx};
use libp2p::gossipsub::MessageId;
use libp2p::PeerId;
use tokio::sync::mpsc;

/// Batches being checked at once; beyond it a batch is ignored (not forwarded, no penalty):
/// honest load keeps one or two in flight.
const MAX_JOBS: usize = 16;
/// Bytes of transactions being checked at once.
const MAX_BYTES: usize = 16 << 20;

/// A batch whose check has finished.
pub struct Checked {
    pub id: MessageId,
    pub source: PeerId,
    bytes: usize,
    pub outcome: Result<Result<Vec<VerifiedTx>, IndexedTxError>, VerifierError>,
}

pub struct TxGossip {
    verifier: Verifier,
    done: mpsc::Sender<Checked>,
    in_flight_jobs: usize,
    in_flight_bytes: usize,
    chain_id: String,
}

impl TxGossip {
    /// The checker and the receiver its results arrive on (to poll in the node's loop).
    pub fn new(chain_id: String) -> (TxGossip, mpsc::Receiver<Checked>) {
        // Every job holds a place, so a result never waits for room.
        let (done, results) = mpsc::channel(MAX_JOBS);
        (TxGossip { verifier: Verifier::new(MAX_JOBS), done, in_flight_jobs: 0, in_flight_bytes: 0, chain_id }, results)
    }

    /// Starts checking `txs` (already decoded from one gossip message, none of them in the
    /// mempool). `Err(Busy)` when the bounds are reached: the caller ignores the message.
    pub fn check(&mut self, id: MessageId, source: PeerId, txs: Vec<Vec<u8>>) -> Result<(), VerifierError> {
        let bytes: usize = txs.iter().map(Vec::len).sum();
        if self.in_flight_jobs >= MAX_JOBS || self.in_flight_bytes.saturating_add(bytes) > MAX_BYTES {
            return Err(VerifierError::Busy { limit: MAX_JOBS });
        }
        self.in_flight_jobs += 1;
        self.in_flight_bytes += bytes;
        let (verifier, done, chain_id) = (self.verifier.clone(), self.done.clone(), self.chain_id.clone());
        tokio::spawn(async move {
            let outcome = verifier.run(move || ledger::tx::verify_batch(&txs, &chain_id)).await;
            // The receiver lives as long as the loop; when it is gone the node is stopping.
            let _ = done.send(Checked { id, source, bytes, outcome }).await;
        });
        Ok(())
    }

    /// Releases the place of a finished check (call for every `Checked` received).
    pub fn finished(&mut self, checked: &Checked) {
        debug_assert!(self.in_flight_jobs > 0 && self.in_flight_bytes >= checked.bytes, "a check finished that was never started");
        self.in_flight_jobs = self.in_flight_jobs.saturating_sub(1);
        self.in_flight_bytes = self.in_flight_bytes.saturating_sub(checked.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use market_runtime::{Side, Tx, TxBody};

    fn bid(seed: u8, nonce: u64) -> Vec<u8> {
        let key = ledger::sign::Keypair::from_seed(&[seed; 32]);
        let tx = Tx { sender: key.public(), nonce, body: TxBody::Bid { slot: 3, side: Side::Buy, quantity_wh: 100, meter: None, limit_price: None } };
        ledger::tx::encode_tx(&key, "test-chain", &tx).unwrap()
    }

    fn message(n: u8) -> (MessageId, PeerId) {
        (MessageId::new(&[n]), PeerId::random())
    }

    #[tokio::test]
    async fn a_batch_comes_back_verified_and_a_forged_one_names_its_bad_transaction() {
        let (mut gossip, mut results) = TxGossip::new("test-chain".into());
        let (id, peer) = message(1);
        gossip.check(id.clone(), peer, vec![bid(1, 1), bid(2, 1)]).unwrap();
        let checked = results.recv().await.unwrap();
        gossip.finished(&checked);
        assert_eq!(checked.id, id);
        assert_eq!(checked.outcome.unwrap().unwrap().len(), 2);

        let mut forged = bid(3, 1);
        let last = forged.len() - 1;
        forged[last] ^= 1;
        let (id, peer) = message(2);
        gossip.check(id, peer, vec![bid(1, 2), forged]).unwrap();
        let checked = results.recv().await.unwrap();
        gossip.finished(&checked);
        assert_eq!(checked.outcome.unwrap().unwrap_err().index, 1);
        assert_eq!((gossip.in_flight_jobs, gossip.in_flight_bytes), (0, 0));
    }

    #[tokio::test]
    async fn batches_past_the_byte_bound_are_refused_until_the_checks_finish() {
        let (mut gossip, mut results) = TxGossip::new("test-chain".into());
        let big = vec![vec![0u8; MAX_BYTES / 2]];
        let (id, peer) = message(1);
        gossip.check(id.clone(), peer, big.clone()).unwrap();
        gossip.check(id.clone(), peer, big.clone()).unwrap();
        assert_eq!(gossip.check(id.clone(), peer, vec![bid(1, 1)]), Err(VerifierError::Busy { limit: MAX_JOBS }));
        for _ in 0..2 {
            let checked = results.recv().await.unwrap();
            gossip.finished(&checked);
            assert!(checked.outcome.unwrap().is_err(), "zeros are not a transaction");
        }
        assert!(gossip.check(id, peer, vec![bid(1, 1)]).is_ok(), "room again once the checks are done");
    }
}
