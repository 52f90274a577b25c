//! The households of the simulated community: each sends a signed bid for every slot to one
//! node, as a meter would through RPC, and remembers what was acknowledged.

use std::collections::BTreeMap;

use ledger::hash::Hash;
use ledger::sign::Keypair;
use market_runtime::{Side, Tx, TxBody};

use crate::node::{SimDriver, MAX_NONCE_AHEAD};
use crate::setup::{has_pv, CHAIN_ID};

pub struct Households {
    keys: Vec<Keypair>,
    /// Acknowledged bids: hash, the slot they are for.
    pub acked: BTreeMap<Hash, u64>,
    /// Bids a node refused, counted by reason (a household learns it at once).
    pub refused: BTreeMap<String, u64>,
}

impl Households {
    pub fn new(keys: Vec<Keypair>) -> Self {
        Self { keys, acked: BTreeMap::new(), refused: BTreeMap::new() }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Household `index` bids for `slot` through `driver`'s admission. The nonce is the one
    /// the node reports (committed nonce and what its pool holds), as a client reads it over
    /// RPC. Returns the envelope when the node acknowledged it.
    pub fn bid(&mut self, index: usize, slot: u64, driver: &mut SimDriver) -> Option<Vec<u8>> {
        let key = self.keys.get(index)?;
        let address = key.public();
        let committed = market_runtime::account(driver.chain().state(), &address).map(|a| a.nonce).unwrap_or(0);
        let nonce = driver.mempool().next_nonce(&address, committed);
        let side = if has_pv(index) { Side::Sell } else { Side::Buy };
        // Quantities vary by slot and home so that clearing has something to divide.
        let quantity_wh = 100 + (slot.wrapping_mul(31).wrapping_add(index as u64 * 17) % 2_000);
        let body = TxBody::Bid { slot, side, quantity_wh, meter: None, limit_price: None };
        let bytes = ledger::tx::encode_tx(key, CHAIN_ID, &Tx { sender: address, nonce, body }).ok()?;
        match driver.admit_bytes(&bytes, MAX_NONCE_AHEAD) {
            Ok((hash, _evicted)) => {
                self.acked.insert(hash, slot);
                Some(bytes)
            }
            Err(e) => {
                *self.refused.entry(e.to_string()).or_default() += 1;
                None
            }
        }
    }
}
