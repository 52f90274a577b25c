//! Loading the application genesis into an empty store.

use super::admin::Administrator;
use super::codec;
use super::error::GenesisError;
use super::keys;
use super::params::{AppGenesis, MAX_TOTAL_POWER, MAX_VALIDATORS};
use super::store::StateStore;
use super::registration::validate_spec;
use super::types::{Account, Address, Household, HouseholdStatus};

pub fn init_genesis(store: &mut impl StateStore, genesis: &AppGenesis) -> Result<(), GenesisError> {
    let existing = store.scan_prefix(b"").len();
    if existing > 0 {
        return Err(GenesisError::StoreNotEmpty { entries: existing });
    }
    let p = &genesis.params;
    p.check()?;
    if genesis.validators.len() > MAX_VALIDATORS {
        return Err(GenesisError::TooManyValidators { count: genesis.validators.len(), max: MAX_VALIDATORS });
    }
    let total_power: u128 = genesis.validators.iter().map(|v| u128::from(v.power)).sum();
    if total_power > u128::from(MAX_TOTAL_POWER) {
        return Err(GenesisError::TotalPowerAboveCap { total: total_power, max: MAX_TOTAL_POWER });
    }
    let administrator = genesis_administrator(genesis)?;
    check_unique("balances", genesis.balances.iter().map(|b| b.address))?;
    check_unique("households", genesis.households.iter().map(|h| h.address))?;
    check_unique("validators", genesis.validators.iter().map(|v| v.address))?;
    for h in &genesis.households {
        validate_spec(&h.spec).map_err(|reason| GenesisError::InvalidHousehold { address: h.address, reason })?;
        if p.topology.as_ref().is_some_and(|t| t.feeder_index(&h.spec.lot).is_none()) {
            return Err(GenesisError::LotNotAFeeder { address: h.address, lot: h.spec.lot.clone() });
        }
    }

    store.put(keys::ADMIN, administrator.encode());
    store.put(keys::GRID, genesis.grid_account.to_vec());
    store.put(keys::PARAMS, codec::encode_params(p));
    store.put(keys::OPEN, vec![genesis.market_open as u8]);
    for b in &genesis.balances {
        let acct = Account { balance: b.amount, reserved: 0, nonce: 0 };
        store.put(&keys::account(&b.address), codec::encode_account(&acct));
    }
    for h in &genesis.households {
        let hh = Household { address: h.address, spec: h.spec.clone(), status: HouseholdStatus::Approved };
        store.put(&keys::household(&h.address), codec::encode_household(&hh));
    }
    for v in &genesis.validators {
        if v.power > 0 {
            store.put(&keys::validator(&v.address), codec::encode_u64(v.power));
        }
    }
    Ok(())
}

fn check_unique(list: &'static str, addrs: impl Iterator<Item = Address>) -> Result<(), GenesisError> {
    let mut seen: Vec<Address> = addrs.collect();
    seen.sort_unstable();
    match seen.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(GenesisError::Duplicate { list, address: w[0] }),
        None => Ok(()),
    }
}

/// The administrator a genesis names: `administrator` alone, or `administrator_set` with
/// `administrator` (which must be a member) moved to the front as the lead.
fn genesis_administrator(genesis: &AppGenesis) -> Result<Administrator, GenesisError> {
    let Some(set) = &genesis.administrator_set else { return Ok(Administrator::single(genesis.administrator)) };
    // Bounds first, so the reordering below never copies an oversized list.
    Administrator::new(set.threshold, &set.members)?;
    let lead = genesis.administrator;
    if !set.members.contains(&lead) {
        return Err(GenesisError::AdministratorNotAMember { administrator: lead });
    }
    let members: Vec<Address> = std::iter::once(lead).chain(set.members.iter().copied().filter(|m| *m != lead)).collect();
    Ok(Administrator::new(set.threshold, &members)?)
}
