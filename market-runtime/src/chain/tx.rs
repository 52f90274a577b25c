//! Transaction admission and application: registry, market open/close, bids, transfers,
//! validator updates and evidence. `check_tx` and execution share `plan`, so the mempool
//! admits exactly what a block would accept against the same state.

use super::codec::{self, BidRecord};
use super::error::TxError;
use super::keys;
use super::meter::{check_reading, LatestReading};
use super::params::{MarketParams, MAX_LOT_LEN, MAX_REASON_LEN, MAX_SIDE_WH};
use super::state::{self, Plan};
use super::store::StateStore;
use super::types::{Address, Household, HouseholdSpec, HouseholdStatus, MeterReading, Side, Tx, TxBody};
use super::validators;

const MS_PER_HOUR: u128 = 3_600_000;

/// Mempool admission: would `tx` be accepted against the committed `store`?
pub fn check_tx(store: &impl StateStore, tx: &Tx) -> Result<(), TxError> {
    plan(store, tx).map(|_| ())
}

/// Applies `tx` if it is valid; an invalid tx changes nothing.
pub fn apply_tx(store: &mut impl StateStore, tx: &Tx) -> Result<(), TxError> {
    let plan = plan(store, tx)?;
    plan.apply(store);
    Ok(())
}

fn plan(store: &impl StateStore, tx: &Tx) -> Result<Plan, TxError> {
    let mut plan = Plan::default();
    let sender = plan.account(store, &tx.sender)?;
    if sender.nonce != tx.nonce {
        return Err(TxError::BadNonce { sender: tx.sender, expected: sender.nonce, got: tx.nonce });
    }
    sender.nonce += 1;
    match &tx.body {
        TxBody::RegisterHousehold(spec) => register(store, &mut plan, tx.sender, spec)?,
        TxBody::ApproveHousehold { household } => decide(store, &mut plan, tx.sender, household, HouseholdStatus::Approved)?,
        TxBody::RejectHousehold { household, reason } => {
            if reason.len() > MAX_REASON_LEN {
                return Err(TxError::ReasonTooLong { len: reason.len(), max: MAX_REASON_LEN });
            }
            decide(store, &mut plan, tx.sender, household, HouseholdStatus::Rejected { reason: reason.clone() })?
        }
        TxBody::OpenMarket | TxBody::CloseMarket => {
            require_admin(store, &tx.sender)?;
            let open = matches!(tx.body, TxBody::OpenMarket);
            match (state::market_open(store), open) {
                (true, true) => return Err(TxError::MarketAlreadyOpen),
                (false, false) => return Err(TxError::MarketAlreadyClosed),
                _ => plan.put(keys::OPEN.to_vec(), vec![open as u8]),
            }
        }
        TxBody::Bid { slot, side, quantity_wh, meter } => {
            bid(store, &mut plan, tx.sender, *slot, *side, *quantity_wh, meter.as_ref())?
        }
        TxBody::Transfer { to, amount } => transfer(store, &mut plan, tx.sender, to, *amount)?,
        TxBody::ValidatorUpdate { validator, power } => {
            require_admin(store, &tx.sender)?;
            validators::plan_update(store, &mut plan, validator, *power)?
        }
        TxBody::Evidence { validator, height, round } => {
            validators::plan_evidence(store, &mut plan, &tx.sender, validator, *height, *round)?
        }
    }
    Ok(plan)
}

fn require_admin(store: &impl StateStore, sender: &Address) -> Result<(), TxError> {
    if state::administrator(store)? != *sender {
        return Err(TxError::NotAdministrator { sender: *sender });
    }
    Ok(())
}

/// Checks a household spec against the runtime's limits (also used for genesis households).
pub fn validate_spec(spec: &HouseholdSpec) -> Result<(), String> {
    if spec.lot.len() > MAX_LOT_LEN {
        return Err(format!("lot is {} bytes, the limit is {MAX_LOT_LEN}", spec.lot.len()));
    }
    if (spec.battery_wh == 0) != (spec.battery_w == 0) {
        return Err(format!(
            "battery capacity {} Wh and power {} W must both be 0 or both be positive",
            spec.battery_wh, spec.battery_w
        ));
    }
    if spec.pv_capacity_w == 0 && spec.import_limit_w == 0 {
        return Err("a household needs PV capacity or an import limit to trade".to_string());
    }
    Ok(())
}

fn register(store: &impl StateStore, plan: &mut Plan, sender: Address, spec: &HouseholdSpec) -> Result<(), TxError> {
    if state::household(store, &sender)?.is_some() {
        return Err(TxError::AlreadyRegistered { household: sender });
    }
    validate_spec(spec).map_err(|reason| TxError::InvalidSpec { reason })?;
    // The grid is the counterparty of every household; letting it bid would net it against itself.
    if sender == state::grid_account(store)? {
        return Err(TxError::InvalidSpec { reason: "the grid account cannot register as a household".to_string() });
    }
    let hh = Household { address: sender, spec: spec.clone(), status: HouseholdStatus::Pending };
    plan.put(keys::household(&sender), codec::encode_household(&hh));
    Ok(())
}

fn decide(
    store: &impl StateStore,
    plan: &mut Plan,
    sender: Address,
    household: &Address,
    status: HouseholdStatus,
) -> Result<(), TxError> {
    require_admin(store, &sender)?;
    let mut hh = state::household(store, household)?.ok_or(TxError::UnknownHousehold { household: *household })?;
    if hh.status != HouseholdStatus::Pending {
        return Err(TxError::NotPending { household: *household, status: hh.status.name().to_string() });
    }
    hh.status = status;
    plan.put(keys::household(household), codec::encode_household(&hh));
    Ok(())
}

/// The most a household may bid on `side` in one slot (Wh): PV plus battery discharge power
/// for sells (eq. 2 and 5), the import limit for buys (eq. 3), over the slot's length.
pub fn bid_limit_wh(spec: &HouseholdSpec, side: Side, params: &MarketParams) -> u64 {
    let power_w = match side {
        Side::Sell => spec.pv_capacity_w as u128 + spec.battery_w as u128,
        Side::Buy => spec.import_limit_w as u128,
    };
    u64::try_from(power_w * params.slot_ms as u128 / MS_PER_HOUR).unwrap_or(u64::MAX)
}

/// The micro-tokens a bid reserves: a buyer's worst case (all at Lb) or the grid's (all at Ls).
pub fn reservation(side: Side, quantity_wh: u64, params: &MarketParams) -> u64 {
    let price = match side {
        Side::Buy => params.grid_buy_price,
        Side::Sell => params.grid_sell_price,
    };
    u64::try_from((quantity_wh as u128 * price as u128).div_ceil(1000)).unwrap_or(u64::MAX)
}

fn bid(
    store: &impl StateStore,
    plan: &mut Plan,
    sender: Address,
    slot: u64,
    side: Side,
    quantity_wh: u64,
    meter: Option<&MeterReading>,
) -> Result<(), TxError> {
    let hh = state::household(store, &sender)?.ok_or(TxError::UnknownHousehold { household: sender })?;
    if hh.status != HouseholdStatus::Approved {
        return Err(TxError::NotApproved { household: sender, status: hh.status.name().to_string() });
    }
    if !state::market_open(store) {
        return Err(TxError::MarketClosed);
    }
    let params = state::params(store)?;
    if let Some(last_cleared) = state::last_cleared(store)? {
        if slot <= last_cleared {
            return Err(TxError::SlotCleared { slot, last_cleared });
        }
        let max_slot = last_cleared.saturating_add(1).saturating_add(params.max_future_slots);
        if slot > max_slot {
            return Err(TxError::SlotTooFarAhead { slot, max_slot });
        }
    }
    let bid_key = keys::bid(slot, &sender);
    if store.get(&bid_key).is_some() {
        return Err(TxError::DuplicateBid { household: sender, slot });
    }
    if quantity_wh == 0 {
        // A home its battery balanced exactly neither buys nor sells, but its meter still
        // reads: a 0 Wh bid carrying a reading records the reading and nothing else (no bid
        // record, no reservation, nothing to settle). Without a reading it means nothing.
        let Some(reading) = meter else { return Err(TxError::ZeroQuantity) };
        check_reading(reading, &hh.spec, &params)?;
        record_reading(store, plan, sender, slot, reading)?;
        return Ok(());
    }
    let limit_wh = bid_limit_wh(&hh.spec, side, &params);
    if quantity_wh > limit_wh {
        return Err(TxError::QuantityAboveLimit { side, quantity_wh, limit_wh });
    }
    if let Some(reading) = meter {
        check_reading(reading, &hh.spec, &params)?;
    }
    let totals_key = keys::side_totals(slot);
    let (mut sell_wh, mut buy_wh) = match store.get(&totals_key) {
        None => (0, 0),
        Some(raw) => decode_totals(&raw).ok_or_else(|| TxError::CorruptState { key: keys::display(&totals_key) })?,
    };
    let side_total = match side {
        Side::Sell => &mut sell_wh,
        Side::Buy => &mut buy_wh,
    };
    let total_wh = side_total.saturating_add(quantity_wh);
    if total_wh > MAX_SIDE_WH {
        return Err(TxError::SlotSideFull { slot, side, total_wh, limit_wh: MAX_SIDE_WH });
    }
    *side_total = total_wh;

    let needed = reservation(side, quantity_wh, &params);
    let payer = match side {
        Side::Buy => sender,
        Side::Sell => state::grid_account(store)?,
    };
    let acct = plan.account(store, &payer)?;
    let available = acct.available();
    if available < needed {
        return Err(match side {
            Side::Buy => TxError::InsufficientBalance { account: payer, needed, available },
            Side::Sell => TxError::GridCannotCover { needed, available },
        });
    }
    acct.reserved += needed;
    plan.put(totals_key, encode_totals(sell_wh, buy_wh));
    plan.put(bid_key, codec::encode_bid(&BidRecord { side, quantity_wh }));
    if let Some(reading) = meter {
        record_reading(store, plan, sender, slot, reading)?;
    }
    Ok(())
}

/// Bids may target future slots in any order; `meter/<addr>` keeps the reading of the latest slot.
fn record_reading(
    store: &impl StateStore,
    plan: &mut Plan,
    sender: Address,
    slot: u64,
    reading: &MeterReading,
) -> Result<(), TxError> {
    let newer = match state::meter_reading(store, &sender)? {
        Some(latest) => slot >= latest.slot,
        None => true,
    };
    if newer {
        plan.put(keys::meter(&sender), codec::encode_meter(&LatestReading { slot, reading: *reading }));
    }
    Ok(())
}

pub fn encode_totals(sell_wh: u64, buy_wh: u64) -> Vec<u8> {
    let mut out = sell_wh.to_le_bytes().to_vec();
    out.extend_from_slice(&buy_wh.to_le_bytes());
    out
}

fn decode_totals(raw: &[u8]) -> Option<(u64, u64)> {
    if raw.len() != 16 {
        return None;
    }
    Some((codec::decode_u64(&raw[..8])?, codec::decode_u64(&raw[8..])?))
}

fn transfer(store: &impl StateStore, plan: &mut Plan, sender: Address, to: &Address, amount: u64) -> Result<(), TxError> {
    if amount == 0 {
        return Err(TxError::ZeroAmount);
    }
    let from = plan.account(store, &sender)?;
    let available = from.available();
    if available < amount {
        return Err(TxError::InsufficientBalance { account: sender, needed: amount, available });
    }
    from.balance -= amount;
    let dest = plan.account(store, to)?;
    dest.balance = dest.balance.checked_add(amount).ok_or(TxError::BalanceOverflow { account: *to })?;
    Ok(())
}
