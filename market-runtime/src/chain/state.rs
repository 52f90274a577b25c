//! Typed reads of the stored state, and a write plan that check and execution share.

use super::admin::Administrator;
use super::codec;
use super::error::TxError;
use super::keys;
use super::meter::LatestReading;
use super::params::MarketParams;
use super::store::StateStore;
use super::types::{Account, Address, Household};

fn corrupt(key: &[u8]) -> TxError {
    TxError::CorruptState { key: keys::display(key) }
}

pub fn params(store: &impl StateStore) -> Result<MarketParams, TxError> {
    let raw = store.get(keys::PARAMS).ok_or_else(|| corrupt(keys::PARAMS))?;
    // Clearing relies on the genesis bounds (prices, feed-in <= retail, slot length): a stored
    // value outside them cannot have been written by genesis, and must not reach the arithmetic.
    codec::decode_params(&raw).filter(|p| p.check().is_ok()).ok_or_else(|| corrupt(keys::PARAMS))
}

pub fn address_at(store: &impl StateStore, key: &[u8]) -> Result<Address, TxError> {
    let raw = store.get(key).ok_or_else(|| corrupt(key))?;
    raw.as_slice().try_into().map_err(|_| corrupt(key))
}

pub fn administrator(store: &impl StateStore) -> Result<Administrator, TxError> {
    let raw = store.get(keys::ADMIN).ok_or_else(|| corrupt(keys::ADMIN))?;
    Administrator::decode(&raw).ok_or_else(|| corrupt(keys::ADMIN))
}

pub fn grid_account(store: &impl StateStore) -> Result<Address, TxError> {
    address_at(store, keys::GRID)
}

pub fn market_open(store: &impl StateStore) -> bool {
    store.get(keys::OPEN).is_some_and(|v| v.first() == Some(&1))
}

pub fn last_cleared(store: &impl StateStore) -> Result<Option<u64>, TxError> {
    match store.get(keys::CLEARED) {
        None => Ok(None),
        Some(raw) => codec::decode_u64(&raw).map(Some).ok_or_else(|| corrupt(keys::CLEARED)),
    }
}

/// An account that was never written reads as zero balance, nonce 0.
pub fn account(store: &impl StateStore, addr: &Address) -> Result<Account, TxError> {
    let key = keys::account(addr);
    match store.get(&key) {
        None => Ok(Account::default()),
        Some(raw) => codec::decode_account(&raw).ok_or_else(|| corrupt(&key)),
    }
}

pub fn household(store: &impl StateStore, addr: &Address) -> Result<Option<Household>, TxError> {
    let key = keys::household(addr);
    match store.get(&key) {
        None => Ok(None),
        Some(raw) => codec::decode_household(&raw).map(Some).ok_or_else(|| corrupt(&key)),
    }
}

pub fn meter_reading(store: &impl StateStore, addr: &Address) -> Result<Option<LatestReading>, TxError> {
    let key = keys::meter(addr);
    match store.get(&key) {
        None => Ok(None),
        Some(raw) => codec::decode_meter(&raw).map(Some).ok_or_else(|| corrupt(&key)),
    }
}

pub fn validator_power(store: &impl StateStore, addr: &Address) -> Result<Option<u64>, TxError> {
    let key = keys::validator(addr);
    match store.get(&key) {
        None => Ok(None),
        Some(raw) => codec::decode_validator(&raw).map(|(power, _)| Some(power)).ok_or_else(|| corrupt(&key)),
    }
}

/// The writes a transaction will make, computed against unchanged state, so that `check_tx`
/// (read-only) and execution run the very same checks. Accounts are cached so that a tx touching
/// one account twice (sender = grid, transfer to self) sees its own changes.
#[derive(Default)]
pub struct Plan {
    accounts: Vec<(Address, Account)>,
    writes: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

impl Plan {
    pub fn account<'a>(&'a mut self, store: &impl StateStore, addr: &Address) -> Result<&'a mut Account, TxError> {
        let pos = match self.accounts.iter().position(|(a, _)| a == addr) {
            Some(pos) => pos,
            None => {
                self.accounts.push((*addr, account(store, addr)?));
                self.accounts.len() - 1
            }
        };
        Ok(&mut self.accounts[pos].1)
    }

    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.push((key, Some(value)));
    }

    pub fn delete(&mut self, key: Vec<u8>) {
        self.writes.push((key, None));
    }

    pub fn apply(self, store: &mut impl StateStore) {
        for (addr, acct) in &self.accounts {
            store.put(&keys::account(addr), codec::encode_account(acct));
        }
        for (key, value) in self.writes {
            match value {
                Some(v) => store.put(&key, v),
                None => store.delete(&key),
            }
        }
    }
}
