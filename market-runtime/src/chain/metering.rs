//! Metered settlement: a household's reading for a cleared slot against what the slot's
//! clearing allocated it, the difference settled with the grid account at the imbalance prices.
//!
//! A slot's bids settle in full at clearing (every admitted bid's `p2p_wh + grid_wh` equals its
//! quantity), so what a household was allocated is its bid: `+quantity` for a sell, `-quantity`
//! for a buy, 0 without a bid. Its metered net export is
//! `generation - load - (soc_end - soc_start)`, where `soc_start` is the end-of-slot charge of its
//! metered settlement for the previous slot when the chain holds one; without it the battery's
//! change cannot be derived and counts as 0. Conversion losses are part of the metered load.
//! `deviation = metered - allocated`: below 0 a shortfall, bought from the grid account at the
//! shortfall price (default Lb); above 0 a surplus, sold to it at the surplus price (default Ls).
//! Amounts are `floor(Wh x price / 1000)`: the fraction of a micro-token stays with the payer.
//!
//! Tokens only move between the household and the grid account, never more than the payer has
//! available (`balance - reserved`, so open bids stay covered): a shortfall charge the household
//! cannot cover becomes debt (`mdebt/<addr>`), collected first by its later metered settlements;
//! a surplus the grid account cannot pay is recorded as `credit_unpaid`.

use super::apportion::floor_u64;
use super::codec;
use super::error::TxError;
use super::keys;
use super::meter::check_reading;
use super::outcome::{MeteredSettlement, MeteredSource};
use super::params::{MarketParams, MeteringParams};
use super::state::{self, Plan};
use super::store::StateStore;
use super::types::{Account, Address, HouseholdStatus, MeterReading, Side};

fn corrupt(key: &[u8]) -> TxError {
    TxError::CorruptState { key: keys::display(key) }
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Metered net export (Wh) of `reading`, the battery's change counted from `soc_start` if known.
pub fn metered_wh(reading: &MeterReading, soc_start: Option<u64>) -> i64 {
    let charge = soc_start.map_or(0, |start| i128::from(reading.battery_soc_wh) - i128::from(start));
    clamp_i64(i128::from(reading.generation_wh) - i128::from(reading.load_wh) - charge)
}

/// A deviation and what it costs, before it is paid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Imbalance {
    pub shortfall_wh: u64,
    pub surplus_wh: u64,
    pub price: u64,
    pub amount: u64,
}

/// `prices` = (shortfall price, surplus price) in micro-tokens per kWh.
pub fn imbalance(allocated_wh: i64, metered_wh: i64, prices: (u64, u64)) -> Imbalance {
    let deviation = i128::from(metered_wh) - i128::from(allocated_wh);
    let wh = floor_u64(deviation.unsigned_abs());
    let (shortfall_wh, surplus_wh, price) = match deviation.signum() {
        -1 => (wh, 0, prices.0),
        1 => (0, wh, prices.1),
        _ => return Imbalance::default(),
    };
    // wh < 2^64 and price <= MAX_PRICE < 2^24: the product fits u128.
    let amount = floor_u64(u128::from(wh) * u128::from(price) / 1000);
    Imbalance { shortfall_wh, surplus_wh, price, amount }
}

/// Moves at most `wanted` from `from` to `to`: no more than `from` has available, nor than `to`
/// can hold. Returns what moved, so the two sides always change by the same amount.
fn pay(from: &mut Account, to: &mut Account, wanted: u64) -> u64 {
    let moved = wanted.min(from.available()).min(u64::MAX - to.balance);
    from.balance -= moved;
    to.balance += moved;
    moved
}

/// What the settlement moved, and the household's debt after it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    pub charged: u64,
    pub credited: u64,
    pub debt_added: u64,
    pub debt_collected: u64,
    pub credit_unpaid: u64,
    pub debt_after: u64,
}

/// Pays the surplus first (so it can settle debt), then the old debt, then the shortfall. With
/// `same_account` (the grid account is the household) nothing moves: it would pay itself.
pub fn move_tokens(household: &mut Account, grid: &mut Account, imb: &Imbalance, debt: u64, same_account: bool) -> Moved {
    if same_account {
        return Moved { debt_after: debt, ..Moved::default() };
    }
    let credit = if imb.surplus_wh > 0 { imb.amount } else { 0 };
    let charge = if imb.shortfall_wh > 0 { imb.amount } else { 0 };
    let credited = pay(grid, household, credit);
    let debt_collected = pay(household, grid, debt);
    let charged = pay(household, grid, charge);
    let debt_added = charge - charged;
    Moved {
        charged,
        credited,
        debt_added,
        debt_collected,
        credit_unpaid: credit - credited,
        debt_after: (debt - debt_collected).saturating_add(debt_added),
    }
}

/// The household's allocation in `slot` (signed Wh), `None` if it did not bid.
pub fn allocation(store: &impl StateStore, slot: u64, addr: &Address) -> Result<Option<i64>, TxError> {
    let key = keys::bid(slot, addr);
    let Some(raw) = store.get(&key) else { return Ok(None) };
    let bid = codec::decode_bid(&raw).ok_or_else(|| corrupt(&key))?;
    let q = i128::from(bid.quantity_wh);
    Ok(Some(clamp_i64(if bid.side == Side::Sell { q } else { -q })))
}

/// The battery charge at the start of `slot`: the end of the previous slot's metered settlement.
pub fn soc_start(store: &impl StateStore, slot: u64, addr: &Address) -> Result<Option<u64>, TxError> {
    let Some(prev) = slot.checked_sub(1) else { return Ok(None) };
    let key = keys::metered(prev, addr);
    match store.get(&key) {
        None => Ok(None),
        Some(raw) => decode_record(*addr, prev, &raw).map(|r| r.battery_soc_wh).ok_or_else(|| corrupt(&key)),
    }
}

pub fn debt(store: &impl StateStore, addr: &Address) -> Result<u64, TxError> {
    let key = keys::meter_debt(addr);
    match store.get(&key) {
        None => Ok(0),
        Some(raw) => codec::decode_u64(&raw).ok_or_else(|| corrupt(&key)),
    }
}

/// The debt key's new value: absent at 0, so a household that never owed writes nothing.
pub fn debt_write(before: u64, after: u64) -> Option<Option<Vec<u8>>> {
    match (before, after) {
        (b, a) if b == a => None,
        (_, 0) => Some(None),
        (_, a) => Some(Some(codec::encode_u64(a))),
    }
}

/// The record of a settlement, from the pieces every path computes.
/// `energy` = (allocated Wh, metered Wh).
pub fn record(household: Address, slot: u64, source: MeteredSource, energy: (i64, i64), imb: &Imbalance, moved: &Moved, battery_soc_wh: Option<u64>) -> MeteredSettlement {
    let (allocated_wh, metered_wh) = energy;
    MeteredSettlement {
        household,
        slot,
        source,
        allocated_wh,
        metered_wh,
        shortfall_wh: imb.shortfall_wh,
        surplus_wh: imb.surplus_wh,
        price: imb.price,
        charged: moved.charged,
        credited: moved.credited,
        debt_added: moved.debt_added,
        debt_collected: moved.debt_collected,
        credit_unpaid: moved.credit_unpaid,
        battery_soc_wh,
    }
}

/// `mrep/<slot>/<addr>`: source (1 byte: 0 report, 1 rule), allocated and metered Wh (2 x i64
/// LE), shortfall, surplus, price, charged, credited, debt added, debt collected, credit
/// unpaid (8 x u64 LE), then the battery's end charge (u64 LE) if the reading gave one.
pub fn encode_record(r: &MeteredSettlement) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 11 * 8);
    out.push(match r.source {
        MeteredSource::Reported => 0,
        MeteredSource::Rule => 1,
    });
    out.extend_from_slice(&r.allocated_wh.to_le_bytes());
    out.extend_from_slice(&r.metered_wh.to_le_bytes());
    let fields = [r.shortfall_wh, r.surplus_wh, r.price, r.charged, r.credited, r.debt_added, r.debt_collected, r.credit_unpaid];
    for v in fields.into_iter().chain(r.battery_soc_wh) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

pub fn decode_record(household: Address, slot: u64, bytes: &[u8]) -> Option<MeteredSettlement> {
    let (&source, rest) = bytes.split_first()?;
    let source = match source {
        0 => MeteredSource::Reported,
        1 => MeteredSource::Rule,
        _ => return None,
    };
    if rest.len() != 10 * 8 && rest.len() != 11 * 8 {
        return None;
    }
    let word = |i: usize| -> Option<[u8; 8]> { rest.get(i * 8..i * 8 + 8)?.try_into().ok() };
    let u = |i: usize| word(i).map(u64::from_le_bytes);
    Some(MeteredSettlement {
        household,
        slot,
        source,
        allocated_wh: i64::from_le_bytes(word(0)?),
        metered_wh: i64::from_le_bytes(word(1)?),
        shortfall_wh: u(2)?,
        surplus_wh: u(3)?,
        price: u(4)?,
        charged: u(5)?,
        credited: u(6)?,
        debt_added: u(7)?,
        debt_collected: u(8)?,
        credit_unpaid: u(9)?,
        battery_soc_wh: u(10),
    })
}

/// A report is for a slot that was cleared (not one the chain skipped) and whose window is open:
/// the last cleared slot is at most `slot + metering_window_slots`.
fn check_window(store: &impl StateStore, slot: u64, metering: &MeteringParams) -> Result<(), TxError> {
    let last_cleared = state::last_cleared(store)?;
    let last = match last_cleared {
        Some(last) if slot <= last && store.get(&keys::slot(slot)).is_some() => last,
        _ => return Err(TxError::MeterReportSlotNotCleared { slot, last_cleared }),
    };
    let window_slots = metering.metering_window_slots;
    if last > slot.saturating_add(window_slots) {
        return Err(TxError::MeteringWindowClosed { slot, last_cleared: last, window_slots });
    }
    Ok(())
}

/// Plans a `MeterReport`: every check, the deviation's settlement, its record and the reading.
pub fn plan_report(
    store: &impl StateStore,
    plan: &mut Plan,
    sender: Address,
    slot: u64,
    reading: &MeterReading,
) -> Result<(), TxError> {
    let params: MarketParams = state::params(store)?;
    let metering = params.metering.ok_or(TxError::MeteringDisabled)?;
    let hh = state::household(store, &sender)?.ok_or(TxError::UnknownHousehold { household: sender })?;
    if hh.status != HouseholdStatus::Approved {
        return Err(TxError::NotApproved { household: sender, status: hh.status.name().to_string() });
    }
    check_window(store, slot, &metering)?;
    let key = keys::metered(slot, &sender);
    if store.get(&key).is_some() {
        return Err(TxError::DuplicateMeterReport { household: sender, slot });
    }
    check_reading(reading, &hh.spec, &params)?;

    let allocated = allocation(store, slot, &sender)?;
    let metered = metered_wh(reading, soc_start(store, slot, &sender)?);
    let imb = imbalance(allocated.unwrap_or(0), metered, metering.prices(&params));
    let grid = state::grid_account(store)?;
    let debt_before = debt(store, &sender)?;
    let mut household = *plan.account(store, &sender)?;
    let mut grid_acct = *plan.account(store, &grid)?;
    let moved = move_tokens(&mut household, &mut grid_acct, &imb, debt_before, sender == grid);
    *plan.account(store, &sender)? = household;
    if sender != grid {
        *plan.account(store, &grid)? = grid_acct;
    }
    match debt_write(debt_before, moved.debt_after) {
        Some(Some(value)) => plan.put(keys::meter_debt(&sender), value),
        Some(None) => plan.delete(keys::meter_debt(&sender)),
        None => {}
    }
    let settled = record(sender, slot, MeteredSource::Reported, (allocated.unwrap_or(0), metered), &imb, &moved, Some(reading.battery_soc_wh));
    plan.put(key, encode_record(&settled));
    if allocated.is_some() {
        super::metering_close::plan_count_report(store, plan, slot)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_deviations_saturate_instead_of_overflowing() {
        let imb = imbalance(i64::MAX, i64::MIN, (10_000_000, 1));
        assert_eq!((imb.shortfall_wh, imb.amount), (u64::MAX, u64::MAX));
        let imb = imbalance(i64::MIN, i64::MAX, (10_000_000, 10_000_000));
        assert_eq!(imb.surplus_wh, u64::MAX);
    }

    #[test]
    fn a_payment_never_passes_what_is_available_nor_what_the_payee_can_hold() {
        let imb = Imbalance { shortfall_wh: 1, surplus_wh: 0, price: 1, amount: 100 };
        let mut household = Account { balance: 70, reserved: 30, nonce: 0 };
        let mut grid = Account { balance: u64::MAX - 10, reserved: 0, nonce: 0 };
        let moved = move_tokens(&mut household, &mut grid, &imb, 5, false);
        // 40 available, the grid holds 10 more: 5 of debt, then 5 of the charge.
        assert_eq!((moved.debt_collected, moved.charged, moved.debt_added, moved.debt_after), (5, 5, 95, 95));
        assert_eq!((household.balance, grid.balance), (60, u64::MAX));
    }

    #[test]
    fn the_grid_account_does_not_settle_against_itself() {
        let imb = Imbalance { shortfall_wh: 1, surplus_wh: 0, price: 1, amount: 100 };
        let (mut a, mut b) = (Account { balance: 1_000, ..Account::default() }, Account::default());
        let moved = move_tokens(&mut a, &mut b, &imb, 7, true);
        assert_eq!(moved, Moved { debt_after: 7, ..Moved::default() });
        assert_eq!(a.balance, 1_000);
    }

    #[test]
    fn records_round_trip_with_and_without_a_battery_charge() {
        let imb = Imbalance { shortfall_wh: 3, surplus_wh: 0, price: 9, amount: 0 };
        let moved = Moved { charged: 1, credited: 2, debt_added: 3, debt_collected: 4, credit_unpaid: 5, debt_after: 6 };
        for (source, soc) in [(MeteredSource::Reported, Some(42)), (MeteredSource::Rule, None)] {
            let r = record([7; 32], 11, source, (-5, i64::MIN), &imb, &moved, soc);
            assert_eq!(decode_record([7; 32], 11, &encode_record(&r)), Some(r));
        }
        assert_eq!(decode_record([7; 32], 11, &[2; 81]), None, "source byte 2 is no source");
        assert_eq!(decode_record([7; 32], 11, &[0; 80]), None, "a record is 81 or 89 bytes");
    }
}
