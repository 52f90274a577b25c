//! Transaction admission and application: registry, admin actions (`admin_action`: approvals,
//! market open/close, validator updates, administrator rotation), bids, transfers, evidence and meter reports (`metering`). `check_tx`, `check_tx_admission` and execution share
//! `plan`, so the mempool admits exactly what a block would accept against the same state.

use super::admin_action::{self, AdminAction};
use super::codec::{self, BidRecord};
use super::error::TxError;
use super::keys;
use super::meter::{check_reading, LatestReading};
use super::metering;
use super::params::{MarketParams, MAX_SIDE_WH};
use super::registration;
use super::state::{self, Plan};
use super::store::StateStore;
use super::types::{Address, HouseholdSpec, HouseholdStatus, MeterReading, Side, Tx, TxBody};
use super::validators;

pub use super::registration::validate_spec;

const MS_PER_HOUR: u128 = 3_600_000;

/// Mempool admission: would `tx` be accepted against the committed `store`?
pub fn check_tx(store: &impl StateStore, tx: &Tx) -> Result<(), TxError> {
    plan(store, tx, NonceRule::Exact).map(|_| ())
}

/// Admission of a transaction that may come ahead of its sender's missing ones: every check of
/// `check_tx` runs against the committed state (signer and registry rules, slot bounds,
/// quantities, readings, the balance as committed), except that the nonce may be up to
/// `max_nonce_ahead` past the account's next. A lower nonce is a replay (`BadNonce`), a higher
/// one `NonceTooFarAhead`. With the nonce equal to the account's next this is `check_tx`.
pub fn check_tx_admission(store: &impl StateStore, tx: &Tx, max_nonce_ahead: u64) -> Result<(), TxError> {
    plan(store, tx, NonceRule::Ahead(max_nonce_ahead)).map(|_| ())
}

/// Applies `tx` if it is valid; an invalid tx changes nothing.
pub fn apply_tx(store: &mut impl StateStore, tx: &Tx) -> Result<(), TxError> {
    let plan = plan(store, tx, NonceRule::Exact)?;
    plan.apply(store);
    Ok(())
}

#[derive(Clone, Copy)]
enum NonceRule {
    /// Execution and `check_tx`: the nonce is the account's next.
    Exact,
    /// Admission: the nonce is the account's next or at most this many past it.
    Ahead(u64),
}

fn check_nonce(sender: Address, expected: u64, got: u64, rule: NonceRule) -> Result<(), TxError> {
    match rule {
        NonceRule::Ahead(max_ahead) if got > expected => {
            if got - expected > max_ahead {
                return Err(TxError::NonceTooFarAhead { sender, expected, got, max_ahead });
            }
            Ok(())
        }
        _ if got != expected => Err(TxError::BadNonce { sender, expected, got }),
        _ => Ok(()),
    }
}

fn plan(store: &impl StateStore, tx: &Tx, rule: NonceRule) -> Result<Plan, TxError> {
    let mut plan = Plan::default();
    let sender = plan.account(store, &tx.sender)?;
    check_nonce(tx.sender, sender.nonce, tx.nonce, rule)?;
    sender.nonce = tx.nonce.checked_add(1).ok_or(TxError::NonceExhausted { sender: tx.sender })?;
    match &tx.body {
        TxBody::RegisterHousehold(spec) => registration::register(store, &mut plan, tx.sender, spec)?,
        TxBody::ApproveHousehold { household } => admin_action::plan(store, &mut plan, tx.sender, AdminAction::ApproveHousehold { household })?,
        TxBody::RejectHousehold { household, reason } => {
            admin_action::plan(store, &mut plan, tx.sender, AdminAction::RejectHousehold { household, reason })?
        }
        TxBody::OpenMarket => admin_action::plan(store, &mut plan, tx.sender, AdminAction::OpenMarket)?,
        TxBody::CloseMarket => admin_action::plan(store, &mut plan, tx.sender, AdminAction::CloseMarket)?,
        TxBody::ScheduleUpgrade { version, height } => {
            admin_action::plan(store, &mut plan, tx.sender, AdminAction::ScheduleUpgrade { version: *version, height: *height })?
        }
        TxBody::SetAdministrator { threshold, members } => {
            admin_action::plan(store, &mut plan, tx.sender, AdminAction::SetAdministrator { threshold: *threshold, members })?
        }
        TxBody::Bid { slot, side, quantity_wh, meter, limit_price } => {
            let order = Order { slot: *slot, side: *side, quantity_wh: *quantity_wh, limit_price: *limit_price };
            bid(store, &mut plan, tx.sender, order, meter.as_ref())?
        }
        TxBody::Transfer { to, amount } => transfer(store, &mut plan, tx.sender, to, *amount)?,
        TxBody::ValidatorUpdate { validator, power, node_key } => {
            let action = AdminAction::ValidatorUpdate { validator, power: *power, node_key: *node_key };
            admin_action::plan(store, &mut plan, tx.sender, action)?
        }
        TxBody::Evidence { validator, height, round } => {
            validators::plan_evidence(store, &mut plan, &tx.sender, validator, *height, *round)?
        }
        TxBody::MeterReport { slot, reading } => {
            metering::plan_report(store, &mut plan, tx.sender, *slot, reading)?;
            record_reading(store, &mut plan, tx.sender, *slot, reading)?
        }
    }
    Ok(plan)
}

/// The most a household may bid on `side` in one slot (Wh): PV plus battery discharge power
/// for sells (eq. 2 and 5), the import limit for buys (eq. 3), over the slot's length.
pub fn bid_limit_wh(spec: &HouseholdSpec, side: Side, params: &MarketParams) -> u64 {
    let power_w = match side {
        Side::Sell => spec.pv_capacity_w as u128 + spec.battery_w as u128,
        Side::Buy => spec.import_limit_w as u128,
    };
    // Spec powers are bounded (`MAX_SPEC_W`) but a stored spec or a genesis `slot_ms` need not be.
    u64::try_from(power_w.saturating_mul(params.slot_ms as u128) / MS_PER_HOUR).unwrap_or(u64::MAX)
}

/// The micro-tokens a bid reserves: a buyer's worst case (all at Lb) or the grid's (all at Ls).
pub fn reservation(side: Side, quantity_wh: u64, params: &MarketParams) -> u64 {
    let price = match side {
        Side::Buy => params.grid_buy_price,
        Side::Sell => params.grid_sell_price,
    };
    u64::try_from((quantity_wh as u128 * price as u128).div_ceil(1000)).unwrap_or(u64::MAX)
}

/// What a bid asks for, apart from its meter reading.
#[derive(Clone, Copy)]
struct Order {
    slot: u64,
    side: Side,
    quantity_wh: u64,
    limit_price: Option<u64>,
}

/// A limit price must lie within [Ls, Lb]: no neighbour pays more than the grid's retail price
/// or sells for less than its feed-in, so a price outside could never be the binding one, and
/// the bound keeps the reservation (a buyer's worst case, all at Lb) the most it can pay.
fn check_limit_price(side: Side, limit_price: Option<u64>, params: &MarketParams) -> Result<(), TxError> {
    let (min, max) = (params.grid_sell_price, params.grid_buy_price);
    match limit_price {
        Some(price) if price < min || price > max => Err(TxError::LimitPriceOutOfRange { side, price, min, max }),
        _ => Ok(()),
    }
}

fn bid(
    store: &impl StateStore,
    plan: &mut Plan,
    sender: Address,
    order: Order,
    meter: Option<&MeterReading>,
) -> Result<(), TxError> {
    let Order { slot, side, quantity_wh, limit_price } = order;
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
    // Checked under every mechanism, so that a bid's validity does not depend on the
    // genesis; mechanisms without prices store it and ignore it.
    check_limit_price(side, limit_price, &params)?;
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
    // Recorded with the bid so that clearing need not read a million household records.
    let feeder = match &params.topology {
        None => None,
        Some(t) => Some(t.feeder_index(&hh.spec.lot).ok_or_else(|| TxError::LotNotAFeeder { lot: hh.spec.lot.clone() })?),
    };
    reserve(store, plan, sender, order, &params)?;
    plan.put(bid_key, codec::encode_bid(&BidRecord { side, quantity_wh, limit_price, feeder }));
    if let Some(reading) = meter {
        record_reading(store, plan, sender, slot, reading)?;
    }
    Ok(())
}

/// Adds the bid to its slot's side total (at most `MAX_SIDE_WH`) and reserves its worst case
/// from the buyer, or from the grid account for a seller.
fn reserve(store: &impl StateStore, plan: &mut Plan, sender: Address, order: Order, params: &MarketParams) -> Result<(), TxError> {
    let Order { slot, side, quantity_wh, .. } = order;
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

    let needed = reservation(side, quantity_wh, params);
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
    // needed <= available = balance - reserved, so this stays within the balance.
    acct.reserved = acct.reserved.saturating_add(needed);
    plan.put(totals_key, encode_totals(sell_wh, buy_wh));
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
    from.balance = from.balance.saturating_sub(amount);
    let dest = plan.account(store, to)?;
    dest.balance = dest.balance.checked_add(amount).ok_or(TxError::BalanceOverflow { account: *to })?;
    Ok(())
}
