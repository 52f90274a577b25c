//! Transactions waiting for a block: bounded by count, bytes and per account, free of
//! duplicates, with stale bids evicted as slots close. Pure: no I/O, no clock.

use market_runtime::{Tx, TxBody};
use std::collections::{BTreeMap, HashMap};

pub type Hash = [u8; 32];
pub type Address = [u8; 32];

/// A transaction whose signature and chain id have been checked.
#[derive(Debug, Clone)]
pub struct PoolTx {
    pub hash: Hash,
    pub tx: Tx,
    /// The exact signed envelope, as it goes into a block.
    pub bytes: Vec<u8>,
}

impl PoolTx {
    fn bid_slot(&self) -> Option<u64> {
        match self.tx.body {
            TxBody::Bid { slot, .. } => Some(slot),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_txs: usize,
    pub max_bytes: usize,
    pub max_per_account: usize,
    pub max_tx_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    #[error("transaction {} is already in the mempool", hex::encode(.0))]
    Duplicate(Hash),
    #[error("the mempool is full ({count} transactions, {bytes} bytes)")]
    Full { count: usize, bytes: usize },
    #[error("account {} already has {count} pending transactions (limit {max})", hex::encode(.account))]
    AccountFull { account: Address, count: usize, max: usize },
    #[error("transaction is {len} bytes, the limit is {max}")]
    TooLarge { len: usize, max: usize },
    #[error("bid for slot {slot} is stale: slot {next_slot} is the earliest still open")]
    StaleSlot { slot: u64, next_slot: u64 },
}

#[derive(Debug)]
pub struct Mempool {
    limits: Limits,
    txs: HashMap<Hash, PoolTx>,
    by_account: HashMap<Address, BTreeMap<u64, Hash>>,
    bytes: usize,
    /// Earliest slot still open for bids: the next block's slot.
    next_slot: u64,
}

impl Mempool {
    pub fn new(limits: Limits, next_slot: u64) -> Self {
        Mempool { limits, txs: HashMap::new(), by_account: HashMap::new(), bytes: 0, next_slot }
    }

    pub fn len(&self) -> usize {
        self.txs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.txs.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The signed envelopes of every pending transaction, in no particular order.
    pub fn envelopes(&self) -> impl Iterator<Item = &[u8]> {
        self.txs.values().map(|t| t.bytes.as_slice())
    }

    pub fn contains(&self, hash: &Hash) -> bool {
        self.txs.contains_key(hash)
    }

    pub fn get(&self, hash: &Hash) -> Option<&PoolTx> {
        self.txs.get(hash)
    }

    /// The nonce `account`'s next transaction needs: after its pending ones, or `committed`
    /// (its next nonce in the committed state) when it has none waiting.
    pub fn next_nonce(&self, account: &Address, committed: u64) -> u64 {
        let pending = self.by_account.get(account).and_then(|a| a.keys().next_back()).map(|n| n + 1);
        pending.map_or(committed, |p| p.max(committed))
    }

    /// Admits a transaction the caller has already checked against committed state.
    pub fn insert(&mut self, tx: PoolTx) -> Result<(), MempoolError> {
        if tx.bytes.len() > self.limits.max_tx_bytes {
            return Err(MempoolError::TooLarge { len: tx.bytes.len(), max: self.limits.max_tx_bytes });
        }
        if self.txs.contains_key(&tx.hash) {
            return Err(MempoolError::Duplicate(tx.hash));
        }
        if let Some(slot) = tx.bid_slot() {
            if slot < self.next_slot {
                return Err(MempoolError::StaleSlot { slot, next_slot: self.next_slot });
            }
        }
        if self.txs.len() >= self.limits.max_txs || self.bytes + tx.bytes.len() > self.limits.max_bytes {
            return Err(MempoolError::Full { count: self.txs.len(), bytes: self.bytes });
        }
        let account = self.by_account.entry(tx.tx.sender).or_default();
        if account.len() >= self.limits.max_per_account {
            return Err(MempoolError::AccountFull { account: tx.tx.sender, count: account.len(), max: self.limits.max_per_account });
        }
        if account.contains_key(&tx.tx.nonce) {
            // Same sender and nonce, different bytes: the first one wins, like a replay.
            return Err(MempoolError::Duplicate(tx.hash));
        }
        account.insert(tx.tx.nonce, tx.hash);
        self.bytes += tx.bytes.len();
        self.txs.insert(tx.hash, tx);
        Ok(())
    }

    /// The transactions for the block of `slot`, at most `max`: everything except bids
    /// for later slots, ordered by sender then nonce so each account's nonces run in order.
    pub fn reap(&self, slot: u64, max: usize) -> Vec<&PoolTx> {
        let mut accounts: Vec<&Address> = self.by_account.keys().collect();
        accounts.sort();
        let mut out = Vec::new();
        for account in accounts {
            for hash in self.by_account[account].values() {
                if out.len() >= max {
                    return out;
                }
                let Some(tx) = self.txs.get(hash) else { continue };
                if tx.bid_slot().is_some_and(|s| s > slot) {
                    // A later bid must wait, and so must this account's higher nonces.
                    break;
                }
                out.push(tx);
            }
        }
        out
    }

    pub fn remove(&mut self, hash: &Hash) -> Option<PoolTx> {
        let tx = self.txs.remove(hash)?;
        self.bytes -= tx.bytes.len();
        if let Some(account) = self.by_account.get_mut(&tx.tx.sender) {
            account.remove(&tx.tx.nonce);
            if account.is_empty() {
                self.by_account.remove(&tx.tx.sender);
            }
        }
        Some(tx)
    }

    /// After a block: drops what it included, nonces it used up, and bids for slots it closed.
    /// `nonce_of` gives an account's next nonce in the new state. Returns the evicted hashes.
    pub fn after_block(&mut self, included: &[Hash], next_slot: u64, nonce_of: impl Fn(&Address) -> u64) -> Vec<Hash> {
        for hash in included {
            self.remove(hash);
        }
        self.next_slot = next_slot;
        let mut evicted = Vec::new();
        for (account, nonces) in &self.by_account {
            let next_nonce = nonce_of(account);
            for (nonce, hash) in nonces {
                let stale_slot = self.txs.get(hash).and_then(PoolTx::bid_slot).is_some_and(|s| s < next_slot);
                if *nonce < next_nonce || stale_slot {
                    evicted.push(*hash);
                }
            }
        }
        for hash in &evicted {
            self.remove(hash);
        }
        evicted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use market_runtime::Side;

    fn bid(sender: u8, nonce: u64, slot: u64) -> PoolTx {
        let tx = Tx { sender: [sender; 32], nonce, body: TxBody::Bid { slot, side: Side::Buy, quantity_wh: 100, meter: None } };
        let mut hash = [0u8; 32];
        hash[0] = sender;
        hash[1..9].copy_from_slice(&nonce.to_be_bytes());
        PoolTx { hash, tx, bytes: vec![0; 150] }
    }

    fn limits() -> Limits {
        Limits { max_txs: 4, max_bytes: 10_000, max_per_account: 2, max_tx_bytes: 1000 }
    }

    #[test]
    fn the_same_transaction_twice_is_refused_as_duplicate() {
        let mut pool = Mempool::new(limits(), 1);
        pool.insert(bid(1, 0, 1)).unwrap();
        assert!(matches!(pool.insert(bid(1, 0, 1)), Err(MempoolError::Duplicate(_))));
        assert_eq!(pool.len(), 1);
    }

    #[test]
    fn limits_on_count_account_and_size_hold() {
        let mut pool = Mempool::new(limits(), 1);
        pool.insert(bid(1, 0, 1)).unwrap();
        pool.insert(bid(1, 1, 2)).unwrap();
        assert!(matches!(pool.insert(bid(1, 2, 3)), Err(MempoolError::AccountFull { count: 2, max: 2, .. })));
        pool.insert(bid(2, 0, 1)).unwrap();
        pool.insert(bid(3, 0, 1)).unwrap();
        assert!(matches!(pool.insert(bid(4, 0, 1)), Err(MempoolError::Full { count: 4, .. })));
        let mut big = bid(5, 0, 1);
        big.bytes = vec![0; 1001];
        assert_eq!(pool.insert(big), Err(MempoolError::TooLarge { len: 1001, max: 1000 }));
        assert_eq!(pool.bytes(), 4 * 150);
    }

    #[test]
    fn reap_leaves_later_bids_and_orders_each_account_by_nonce() {
        let mut pool = Mempool::new(limits(), 1);
        pool.insert(bid(2, 1, 2)).unwrap();
        pool.insert(bid(2, 0, 1)).unwrap();
        pool.insert(bid(1, 0, 3)).unwrap();
        let reaped: Vec<(u8, u64)> = pool.reap(2, 10).iter().map(|t| (t.tx.sender[0], t.tx.nonce)).collect();
        assert_eq!(reaped, vec![(2, 0), (2, 1)]);
        assert_eq!(pool.reap(1, 10).len(), 1);
    }

    #[test]
    fn after_a_block_included_used_and_stale_transactions_leave() {
        let mut pool = Mempool::new(limits(), 1);
        pool.insert(bid(1, 0, 1)).unwrap();
        pool.insert(bid(2, 0, 1)).unwrap();
        pool.insert(bid(3, 5, 3)).unwrap();
        let included = [bid(1, 0, 1).hash];
        let evicted = pool.after_block(&included, 2, |a| if a[0] == 3 { 6 } else { 0 });
        assert_eq!(evicted.len(), 2, "bid of the closed slot 1 and the used nonce 5");
        assert!(pool.is_empty());
        assert_eq!(pool.bytes(), 0);
        assert!(matches!(pool.insert(bid(4, 0, 1)), Err(MempoolError::StaleSlot { slot: 1, next_slot: 2 })));
    }
}
