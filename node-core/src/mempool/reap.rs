//! Choosing a block's transactions: class order, runnable nonces only, within a byte budget.

use super::{Address, Mempool, PoolTx};

/// Bytes a transaction adds to an encoded block beyond its envelope: the field tag and the
/// length varint (3 bytes cover envelopes up to 2 MiB; the ledger caps them at 4 KiB).
pub const TX_FRAMING_BYTES: usize = 4;

impl Mempool {
    /// The transactions for the block of `slot`: at most `max_txs`, whose envelopes with
    /// their framing take at most `max_bytes`. Accounts with an important transaction come
    /// first (class, then address, so every node orders alike); within an account, in nonce
    /// order, stopping at a later slot's bid or at a transaction that no longer fits. A nonce
    /// gap is not skipped over: the transactions after it go into the block and fail there
    /// with a named reason, so a bid whose predecessor was lost is refused on chain rather
    /// than evicted unseen (admission bounds how far ahead a nonce may be).
    pub fn reap(&self, slot: u64, max_txs: usize, max_bytes: usize) -> Vec<&PoolTx> {
        let mut accounts: Vec<(usize, &Address)> = self
            .by_account
            .iter()
            .map(|(account, nonces)| (nonces.values().filter_map(|h| self.txs.get(h)).map(|e| e.class).min().unwrap_or(usize::MAX), account))
            .collect();
        accounts.sort_unstable();
        let mut out = Vec::new();
        let mut bytes = 0usize;
        for (_, account) in accounts {
            for hash in self.by_account[account].values() {
                if out.len() >= max_txs {
                    return out;
                }
                let Some(entry) = self.txs.get(hash) else { break };
                let size = entry.tx.bytes.len().saturating_add(TX_FRAMING_BYTES);
                let later_bid = entry.tx.bid_slot().is_some_and(|s| s > slot);
                if later_bid || bytes.saturating_add(size) > max_bytes {
                    // The account's later nonces cannot run before this one.
                    break;
                }
                bytes += size;
                out.push(&entry.tx);
            }
        }
        out
    }
}
