//! Metering windows: opened when a slot with bids is cleared, closed when its readings can no
//! longer arrive, at which point the households that sent none are settled by the genesis's
//! no-reading rule (`MissingReading`).
//!
//! A report for slot `s` is accepted while the last cleared slot is at most `s + W`
//! (`metering_window_slots`), so the window of `s` is due once a block clears a slot past
//! `s + W`. Each block closes at most one due window, the oldest, after its own clearing: the
//! work is one slot's households at most. Should the chain jump several slots at once, the
//! windows that became due together close in the following blocks, oldest first; none of them
//! accepts a report meanwhile, so the delay changes no result.

use super::codec;
use super::keys;
use super::meter::load_limit_wh;
use super::metering::{self, Imbalance};
use super::outcome::{MeteredSettlement, MeteredSource, WindowClose};
use super::params::{MarketParams, MeteringParams, MissingReading, MAX_METER_WH};
use super::state::{self, Plan};
use super::store::StateStore;
use super::error::TxError;
use super::types::{Account, Address};

fn encode_counts(bidders: u64, reported: u64) -> Vec<u8> {
    let mut out = bidders.to_le_bytes().to_vec();
    out.extend_from_slice(&reported.to_le_bytes());
    out
}

fn decode_counts(raw: &[u8]) -> Option<(u64, u64)> {
    if raw.len() != 16 {
        return None;
    }
    Some((codec::decode_u64(&raw[..8])?, codec::decode_u64(&raw[8..])?))
}

/// Called by the clearing of a slot with `bidders` bids, under a genesis with metering.
pub fn open_window(store: &mut impl StateStore, slot: u64, bidders: u64) {
    store.put(&keys::meter_window(slot), encode_counts(bidders, 0));
}

/// Counts a report of one of the slot's bidders, so that closing the window under
/// `AsAllocated` need not look at every bidder.
pub fn plan_count_report(store: &impl StateStore, plan: &mut Plan, slot: u64) -> Result<(), TxError> {
    let key = keys::meter_window(slot);
    // The window of a slot with bids is open while reports are accepted; absent, there is
    // nothing to count.
    let Some(raw) = store.get(&key) else { return Ok(()) };
    let (bidders, reported) = decode_counts(&raw).ok_or_else(|| TxError::CorruptState { key: keys::display(&key) })?;
    plan.put(key, encode_counts(bidders, reported.saturating_add(1)));
    Ok(())
}

/// Closes the oldest window that is due once `cleared` is the last cleared slot, if any.
pub fn close_due_window(
    store: &mut impl StateStore,
    params: &MarketParams,
    metering: &MeteringParams,
    grid: &Address,
    cleared: u64,
) -> Option<(WindowClose, Vec<MeteredSettlement>)> {
    // Windows are keyed by big-endian slot, so the first is the oldest; if it is not due, no
    // later one is.
    let (key, value) = store.scan_prefix(keys::METER_WINDOW_PREFIX).into_iter().next()?;
    let slot = key.get(keys::METER_WINDOW_PREFIX.len()..).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes);
    let Some(slot) = slot else {
        // Not a key this runtime writes: drop it so that it cannot block later windows.
        store.delete(&key);
        return None;
    };
    if slot.saturating_add(metering.metering_window_slots) >= cleared {
        return None;
    }
    let (bidders, reported) = decode_counts(&value).unwrap_or((0, 0));
    let settled = match metering.missing_reading {
        MissingReading::AsAllocated => Vec::new(),
        MissingReading::WorstPlausible => settle_missing(store, params, metering, grid, slot),
    };
    let by_rule = match metering.missing_reading {
        MissingReading::AsAllocated => bidders.saturating_sub(reported),
        MissingReading::WorstPlausible => settled.len() as u64,
    };
    let close = WindowClose { slot, rule: metering.missing_reading, bidders, reported, by_rule };
    store.delete(&key);
    store.put(&keys::meter_window_closed(slot), encode_close(&close));
    Some((close, settled))
}

/// `mclose/<slot>`: rule (1 byte: 0 as allocated, 1 worst plausible), bidders, reported, by
/// rule (3 x u64 LE).
pub fn encode_close(c: &WindowClose) -> Vec<u8> {
    let mut out = vec![match c.rule {
        MissingReading::AsAllocated => 0,
        MissingReading::WorstPlausible => 1,
    }];
    for v in [c.bidders, c.reported, c.by_rule] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Settles every bidder of `slot` without a metered settlement as if its meter had read the
/// least favourable reading its registration allows: no generation, the most load
/// (`load_limit_wh`), and the battery charged to the registered capacity from the start of
/// the slot when that start is known (unknown, a report's battery change counts 0 too). So
/// no reading it could have sent settles worse than silence.
fn settle_missing(
    store: &mut impl StateStore,
    params: &MarketParams,
    metering: &MeteringParams,
    grid: &Address,
    slot: u64,
) -> Vec<MeteredSettlement> {
    let bids = store.scan_prefix(&keys::slot_bids(slot));
    let reports = store.scan_prefix(&keys::slot_metered(slot));
    let grid_key = keys::account(grid);
    let mut grid_acct = read_account(store, &grid_key);
    let prices = metering.prices(params);
    let mut settled = Vec::new();
    let mut next_report = reports.iter().filter_map(|(k, _)| keys::trailing_address(k)).peekable();
    for (bid_key, _) in &bids {
        let Some(owner) = keys::trailing_address(bid_key) else { continue };
        // Both scans are in address order: a merge finds the reporters without a lookup each.
        while next_report.next_if(|r| *r < owner).is_some() {}
        if next_report.next_if_eq(&owner).is_some() {
            continue;
        }
        if let Some(s) = settle_one(store, params, prices, (grid, &mut grid_acct), slot, owner) {
            settled.push(s);
        }
    }
    store.put(&grid_key, codec::encode_account(&grid_acct));
    settled
}

fn read_account(store: &impl StateStore, key: &[u8]) -> Account {
    store.get(key).and_then(|raw| codec::decode_account(&raw)).unwrap_or_default()
}

/// One household under `WorstPlausible`; `None` if its stored records cannot be read (they
/// were not written by this runtime), and then it is left unsettled rather than guessed at.
fn settle_one(
    store: &mut impl StateStore,
    params: &MarketParams,
    prices: (u64, u64),
    (grid, grid_acct): (&Address, &mut Account),
    slot: u64,
    owner: Address,
) -> Option<MeteredSettlement> {
    let hh = state::household(store, &owner).ok()??;
    let allocated = metering::allocation(store, slot, &owner).ok()?.unwrap_or(0);
    let soc_start = metering::soc_start(store, slot, &owner).ok()?;
    let debt_before = metering::debt(store, &owner).ok()?;
    let battery_max = hh.spec.battery_wh.min(MAX_METER_WH);
    let charge = soc_start.map_or(0, |start| battery_max.saturating_sub(start));
    // Both are at most MAX_METER_WH, far inside i64.
    let load = i64::try_from(load_limit_wh(&hh.spec, params)).unwrap_or(i64::MAX);
    let metered = load.saturating_neg().saturating_sub(i64::try_from(charge).unwrap_or(i64::MAX));
    let imb: Imbalance = metering::imbalance(allocated, metered, prices);
    let acct_key = keys::account(&owner);
    let mut acct = read_account(store, &acct_key);
    let same = owner == *grid;
    let moved = metering::move_tokens(&mut acct, grid_acct, &imb, debt_before, same);
    if !same {
        store.put(&acct_key, codec::encode_account(&acct));
    }
    match metering::debt_write(debt_before, moved.debt_after) {
        Some(Some(value)) => store.put(&keys::meter_debt(&owner), value),
        Some(None) => store.delete(&keys::meter_debt(&owner)),
        None => {}
    }
    let record = metering::record(owner, slot, MeteredSource::Rule, (allocated, metered), &imb, &moved, None);
    store.put(&keys::metered(slot, &owner), metering::encode_record(&record));
    Some(record)
}
