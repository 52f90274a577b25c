//! Transactions waiting for a block: bounded by count, bytes and per account, free of
//! duplicates, in three priority classes so spam cannot crowd out what the market needs.
//!
//! **Classes.** 0: the administrator's transactions and evidence; 1: bids for the next
//! slot (the one the next block clears); 2: everything else (transfers, registrations,
//! later bids). **Eviction** when the pool is full: a transaction may push out the most
//! recently admitted transaction of a strictly lower class (with that account's later
//! nonces, which could not run without it); if there is none, it is refused. So a flood of
//! class-2 transactions can fill the pool but never keep out a bid of the slot or an
//! administrator's approval. **Reaping** takes, per account, only the run of nonces that
//! starts at the account's committed nonce (a gap waits in the pool instead of filling
//! blocks with transactions that would fail), within a byte budget so the proposal always
//! fits one gossip message. Pure: no I/O, no clock.

mod reap;
#[cfg(test)]
mod tests;

use market_runtime::{Tx, TxBody};
use std::collections::{BTreeMap, HashMap};

pub use reap::TX_FRAMING_BYTES;

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
    #[error("the mempool is full ({count} transactions, {bytes} bytes) of transactions of the same or a higher priority")]
    Full { count: usize, bytes: usize },
    #[error("account {} already has {count} pending transactions (limit {max})", hex::encode(.account))]
    AccountFull { account: Address, count: usize, max: usize },
    #[error("transaction is {len} bytes, the limit is {max}")]
    TooLarge { len: usize, max: usize },
    #[error("bid for slot {slot} is stale: slot {next_slot} is the earliest still open")]
    StaleSlot { slot: u64, next_slot: u64 },
}

/// Priority class: lower is more important.
type Class = usize;
const CLASSES: usize = 3;

#[derive(Debug)]
struct Entry {
    tx: PoolTx,
    class: Class,
    seq: u64,
}

#[derive(Debug)]
pub struct Mempool {
    limits: Limits,
    /// The administrator's members (`market_runtime::Administrator`), whose transactions come
    /// first: the genesis key until `set_administrators` follows the committed state.
    admins: Vec<Address>,
    txs: HashMap<Hash, Entry>,
    /// In address order, so that what iterates it (reaping, re-gossip) is the same on every node and every run.
    by_account: BTreeMap<Address, BTreeMap<u64, Hash>>,
    /// Per class, admission order -> hash: the newest of the lowest class is evicted first.
    by_class: [BTreeMap<u64, Hash>; CLASSES],
    bytes: usize,
    seq: u64,
    /// Earliest slot still open for bids: the next block's slot.
    next_slot: u64,
}

impl Mempool {
    /// `admin` is the network administrator, whose transactions come first.
    pub fn new(limits: Limits, next_slot: u64, admin: Address) -> Self {
        Mempool {
            limits,
            admins: vec![admin],
            txs: HashMap::new(),
            by_account: BTreeMap::new(),
            by_class: Default::default(),
            bytes: 0,
            seq: 0,
            next_slot,
        }
    }

    /// Follows a rotated or k-of-n administrator: its members' later transactions come first
    /// (those already pooled keep their class). At most `MAX_ADMIN_MEMBERS` keys are kept.
    pub fn set_administrators(&mut self, members: &[Address]) {
        self.admins = members.iter().take(market_runtime::MAX_ADMIN_MEMBERS).copied().collect();
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn len(&self) -> usize {
        self.txs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.txs.is_empty()
    }

    /// Bids for the next slot held (class 1), for a proposer waiting for its slot to fill.
    pub fn bids_of_next_slot(&self) -> usize {
        self.by_class[1].len()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The signed envelopes of every pending transaction, by account and nonce.
    pub fn envelopes(&self) -> impl Iterator<Item = &[u8]> {
        // By account and nonce: a peer admits them in the order their nonces allow.
        self.by_account.values().flat_map(|nonces| nonces.values()).filter_map(|h| self.txs.get(h)).map(|e| e.tx.bytes.as_slice())
    }

    pub fn contains(&self, hash: &Hash) -> bool {
        self.txs.contains_key(hash)
    }

    pub fn get(&self, hash: &Hash) -> Option<&PoolTx> {
        self.txs.get(hash).map(|e| &e.tx)
    }

    /// The nonce `account`'s next transaction needs: after its pending ones, or `committed`
    /// (its next nonce in the committed state) when it has none waiting.
    pub fn next_nonce(&self, account: &Address, committed: u64) -> u64 {
        let pending = self.by_account.get(account).and_then(|a| a.keys().next_back()).map(|n| n.saturating_add(1));
        pending.map_or(committed, |p| p.max(committed))
    }

    fn class_of(&self, tx: &PoolTx) -> Class {
        match tx.tx.body {
            TxBody::Evidence { .. } => 0,
            _ if self.admins.contains(&tx.tx.sender) => 0,
            TxBody::Bid { slot, .. } if slot == self.next_slot => 1,
            _ => 2,
        }
    }

    /// Admits a transaction the caller has already checked against committed state; when
    /// the pool is full it may evict lower-class transactions (their hashes are returned).
    pub fn insert(&mut self, tx: PoolTx) -> Result<Vec<Hash>, MempoolError> {
        let len = tx.bytes.len();
        if len > self.limits.max_tx_bytes {
            return Err(MempoolError::TooLarge { len, max: self.limits.max_tx_bytes });
        }
        if self.txs.contains_key(&tx.hash) {
            return Err(MempoolError::Duplicate(tx.hash));
        }
        if let Some(slot) = tx.bid_slot() {
            if slot < self.next_slot {
                return Err(MempoolError::StaleSlot { slot, next_slot: self.next_slot });
            }
        }
        let pending = self.by_account.get(&tx.tx.sender);
        if pending.is_some_and(|a| a.contains_key(&tx.tx.nonce)) {
            // Same sender and nonce, different bytes: the first one wins, like a replay.
            return Err(MempoolError::Duplicate(tx.hash));
        }
        let count = pending.map_or(0, BTreeMap::len);
        if count >= self.limits.max_per_account {
            return Err(MempoolError::AccountFull { account: tx.tx.sender, count, max: self.limits.max_per_account });
        }
        let class = self.class_of(&tx);
        let evicted = self.make_room(class, len)?;
        self.seq += 1;
        self.by_account.entry(tx.tx.sender).or_default().insert(tx.tx.nonce, tx.hash);
        self.by_class[class].insert(self.seq, tx.hash);
        self.bytes += len;
        self.txs.insert(tx.hash, Entry { tx, class, seq: self.seq });
        debug_assert!(self.txs.len() <= self.limits.max_txs && self.bytes <= self.limits.max_bytes);
        Ok(evicted)
    }

    fn is_full_for(&self, len: usize) -> bool {
        self.txs.len() >= self.limits.max_txs || self.bytes.saturating_add(len) > self.limits.max_bytes
    }

    /// Evicts lower-class transactions until `len` more bytes fit, or refuses without
    /// evicting anything when they cannot.
    fn make_room(&mut self, class: Class, len: usize) -> Result<Vec<Hash>, MempoolError> {
        if !self.is_full_for(len) {
            return Ok(Vec::new());
        }
        let freeable: usize = self.by_class[class + 1..].iter().flat_map(|c| c.values()).filter_map(|h| self.txs.get(h)).map(|e| e.tx.bytes.len()).sum();
        let lower: usize = self.by_class[class + 1..].iter().map(BTreeMap::len).sum();
        let fits_after = self.bytes.saturating_sub(freeable).saturating_add(len) <= self.limits.max_bytes
            && (self.txs.len() - lower) < self.limits.max_txs;
        if !fits_after {
            return Err(MempoolError::Full { count: self.txs.len(), bytes: self.bytes });
        }
        let mut evicted = Vec::new();
        while self.is_full_for(len) {
            let Some(victim) = self.by_class[class + 1..].iter().rev().find_map(|c| c.values().next_back().copied()) else { break };
            evicted.extend(self.remove_with_successors(&victim));
        }
        Ok(evicted)
    }

    /// Removes a transaction and its account's later nonces.
    fn remove_with_successors(&mut self, hash: &Hash) -> Vec<Hash> {
        let Some(entry) = self.txs.get(hash) else { return Vec::new() };
        let (sender, nonce) = (entry.tx.tx.sender, entry.tx.tx.nonce);
        let later: Vec<Hash> = self.by_account.get(&sender).map(|a| a.range(nonce..).map(|(_, h)| *h).collect()).unwrap_or_default();
        for h in &later {
            self.remove(h);
        }
        later
    }

    pub fn remove(&mut self, hash: &Hash) -> Option<PoolTx> {
        let entry = self.txs.remove(hash)?;
        self.bytes -= entry.tx.bytes.len();
        self.by_class[entry.class].remove(&entry.seq);
        if let Some(account) = self.by_account.get_mut(&entry.tx.tx.sender) {
            account.remove(&entry.tx.tx.nonce);
            if account.is_empty() {
                self.by_account.remove(&entry.tx.tx.sender);
            }
        }
        Some(entry.tx)
    }

    /// After a block: drops what it included, nonces it used up, and bids for slots it
    /// closed; bids of the new next slot move up to class 1. `included` is every transaction
    /// of the block with its sender; `nonce_of` gives an account's next nonce in the new
    /// state, and is asked only for those senders: no other account's nonce moved. Returns
    /// the evicted hashes.
    pub fn after_block(&mut self, included: &[(Hash, Address)], next_slot: u64, nonce_of: impl Fn(&Address) -> u64) -> Vec<Hash> {
        for (hash, _) in included {
            self.remove(hash);
        }
        self.next_slot = next_slot;
        let mut evicted: Vec<Hash> = Vec::new();
        let senders: std::collections::BTreeSet<&Address> = included.iter().map(|(_, sender)| sender).collect();
        for sender in senders {
            if let Some(nonces) = self.by_account.get(sender) {
                evicted.extend(nonces.range(..nonce_of(sender)).map(|(_, hash)| *hash));
            }
        }
        evicted.extend(self.txs.iter().filter(|(_, e)| e.tx.bid_slot().is_some_and(|s| s < next_slot)).map(|(hash, _)| *hash));
        evicted.sort_unstable();
        evicted.dedup();
        for hash in &evicted {
            self.remove(hash);
        }
        self.promote_bids_of_next_slot();
        evicted
    }

    fn promote_bids_of_next_slot(&mut self) {
        let due: Vec<(u64, Hash)> = self.by_class[2]
            .iter()
            .filter(|(_, h)| self.txs.get(*h).and_then(|e| e.tx.bid_slot()) == Some(self.next_slot))
            .map(|(s, h)| (*s, *h))
            .collect();
        for (seq, hash) in due {
            self.by_class[2].remove(&seq);
            self.by_class[1].insert(seq, hash);
            if let Some(e) = self.txs.get_mut(&hash) {
                e.class = 1;
            }
        }
    }
}
