//! Metering windows: opened when a slot with bids is cleared, closed when its readings can no
//! longer arrive, at which point the households that sent none are settled by the genesis's
//! no-reading rule (`MissingReading`).
//!
//! A report for slot `s` is accepted while the last cleared slot is at most `s + W`
//! (`metering_window_slots`), so the window of `s` is due once a block clears a slot past
//! `s + W`. Each block works on at most one due window, the oldest, after its own clearing:
//! `AsAllocated` closes it from the window's counters, `WorstPlausible` settles at most
//! `CLOSE_HOUSEHOLDS_PER_BLOCK` of its bidders and continues in the next blocks. Should the chain
//! jump several slots at once, the windows that became due together close in the following
//! blocks, oldest first; none of them accepts a report meanwhile, so the delay changes no result.

use super::codec::{self, BidRecord};
use super::keys;
use super::meter::load_limit_wh;
use super::metering;
use super::outcome::{MeteredSettlement, MeteredSource, WindowClose};
use super::params::{MarketParams, MeteringParams, MissingReading, MAX_METER_WH};
use super::state::{self, Plan};
use super::store::StateStore;
use super::error::TxError;
use super::types::{Account, Address, Side};

/// Most households the no-reading rule visits per block (`WorstPlausible`): a window of more
/// bidders closes over several blocks, so no block's work grows with the community.
pub const CLOSE_HOUSEHOLDS_PER_BLOCK: u64 = 100_000;

/// `mwin/<slot>`: bidders and reporting bidders (2 x u64 LE) while the window is open; once its
/// close has started, also the households settled by the rule so far and the last address
/// visited (u64 LE + 32 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Window {
    bidders: u64,
    reported: u64,
    by_rule: u64,
    cursor: Option<Address>,
}

impl Window {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(56);
        out.extend_from_slice(&self.bidders.to_le_bytes());
        out.extend_from_slice(&self.reported.to_le_bytes());
        if let Some(cursor) = &self.cursor {
            out.extend_from_slice(&self.by_rule.to_le_bytes());
            out.extend_from_slice(cursor);
        }
        out
    }

    fn decode(raw: &[u8]) -> Option<Self> {
        let word = |i: usize| raw.get(i * 8..i * 8 + 8).and_then(codec::decode_u64);
        let (bidders, reported) = (word(0)?, word(1)?);
        match raw.len() {
            16 => Some(Self { bidders, reported, by_rule: 0, cursor: None }),
            56 => Some(Self { bidders, reported, by_rule: word(2)?, cursor: Some(raw[24..].try_into().ok()?) }),
            _ => None,
        }
    }
}

/// Called by the clearing of a slot with `bidders` bids, under a genesis with metering.
pub fn open_window(store: &mut impl StateStore, slot: u64, bidders: u64) {
    store.put(&keys::meter_window(slot), Window { bidders, ..Window::default() }.encode());
}

/// Counts a report of one of the slot's bidders, so that closing the window under
/// `AsAllocated` need not look at every bidder.
pub fn plan_count_report(store: &impl StateStore, plan: &mut Plan, slot: u64) -> Result<(), TxError> {
    let key = keys::meter_window(slot);
    // The window of a slot with bids is open while reports are accepted; absent, there is
    // nothing to count.
    let Some(raw) = store.get(&key) else { return Ok(()) };
    let window = Window::decode(&raw).ok_or_else(|| TxError::CorruptState { key: keys::display(&key) })?;
    plan.put(key, Window { reported: window.reported.saturating_add(1), ..window }.encode());
    Ok(())
}

/// What one block did to the oldest due window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloseStep {
    /// The rule's settlements of this block, in address order.
    pub settled: Vec<MeteredSettlement>,
    /// Set when the window is closed; `None` while a `WorstPlausible` close continues.
    pub closed: Option<WindowClose>,
}

/// Works on the oldest window that is due once `cleared` is the last cleared slot, if any.
pub fn close_due_window(
    store: &mut impl StateStore,
    params: &MarketParams,
    metering: &MeteringParams,
    grid: &Address,
    cleared: u64,
) -> Option<CloseStep> {
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
    let mut window = Window::decode(&value).unwrap_or_default();
    let mut settled = Vec::new();
    match metering.missing_reading {
        MissingReading::AsAllocated => window.by_rule = window.bidders.saturating_sub(window.reported),
        MissingReading::WorstPlausible => {
            let ctx = RuleCtx { params, prices: metering.prices(params), grid, slot };
            let done = settle_missing(store, &ctx, &mut window, &mut settled);
            if !done {
                store.put(&key, window.encode());
                return Some(CloseStep { settled, closed: None });
            }
        }
    }
    let Window { bidders, reported, by_rule, .. } = window;
    let close = WindowClose { slot, rule: metering.missing_reading, bidders, reported, by_rule };
    store.delete(&key);
    store.put(&keys::meter_window_closed(slot), encode_close(&close));
    Some(CloseStep { settled, closed: Some(close) })
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

pub fn decode_close(slot: u64, raw: &[u8]) -> Option<WindowClose> {
    let (&rule, rest) = raw.split_first()?;
    let rule = match rule {
        0 => MissingReading::AsAllocated,
        1 => MissingReading::WorstPlausible,
        _ => return None,
    };
    let word = |i: usize| rest.get(i * 8..i * 8 + 8).and_then(codec::decode_u64);
    (rest.len() == 24).then_some(())?;
    Some(WindowClose { slot, rule, bidders: word(0)?, reported: word(1)?, by_rule: word(2)? })
}

/// What the rule needs besides the store.
struct RuleCtx<'a> {
    params: &'a MarketParams,
    prices: (u64, u64),
    grid: &'a Address,
    slot: u64,
}

/// Settles bidders of the slot without a metered settlement, in address order from the
/// window's cursor, as if each meter had read the least favourable reading its registration
/// allows: no generation, the most load (`load_limit_wh`), and the battery charged to the
/// registered capacity from the start of the slot when that start is known (unknown, a
/// report's battery change counts 0 too). So no reading it could have sent settles worse than
/// silence. Visits at most `CLOSE_HOUSEHOLDS_PER_BLOCK` bidders, one address-first-byte
/// bucket's scan at a time; returns whether every bidder has been visited.
fn settle_missing(store: &mut impl StateStore, ctx: &RuleCtx<'_>, window: &mut Window, settled: &mut Vec<MeteredSettlement>) -> bool {
    let grid_key = keys::account(ctx.grid);
    let mut grid_acct = read_account(store, &grid_key);
    let mut budget = CLOSE_HOUSEHOLDS_PER_BLOCK;
    let first_bucket = window.cursor.map_or(0, |c| usize::from(c[0]));
    let mut done = true;
    'buckets: for bucket in first_bucket..=255 {
        let mut bid_prefix = keys::slot_bids(ctx.slot);
        bid_prefix.push(bucket as u8);
        let mut report_prefix = keys::slot_metered(ctx.slot);
        report_prefix.push(bucket as u8);
        let reports = store.scan_prefix(&report_prefix);
        // Both scans are in address order: a merge finds the reporters without a lookup each.
        let mut next_report = reports.iter().filter_map(|(k, _)| keys::trailing_address(k)).peekable();
        for (bid_key, bid_value) in store.scan_prefix(&bid_prefix) {
            let Some(owner) = keys::trailing_address(&bid_key) else { continue };
            if window.cursor.is_some_and(|c| owner <= c) {
                continue;
            }
            if budget == 0 {
                done = false;
                break 'buckets;
            }
            budget -= 1;
            window.cursor = Some(owner);
            while next_report.next_if(|r| *r < owner).is_some() {}
            if next_report.next_if_eq(&owner).is_some() {
                continue;
            }
            let Some(bid) = codec::decode_bid(&bid_value) else { continue };
            if let Some(s) = settle_one(store, ctx, &mut grid_acct, owner, bid) {
                window.by_rule = window.by_rule.saturating_add(1);
                settled.push(s);
            }
        }
    }
    store.put(&grid_key, codec::encode_account(&grid_acct));
    done
}

fn read_account(store: &impl StateStore, key: &[u8]) -> Account {
    store.get(key).and_then(|raw| codec::decode_account(&raw)).unwrap_or_default()
}

/// One household under `WorstPlausible`; `None` if its stored records cannot be read (they
/// were not written by this runtime), and then it is left unsettled rather than guessed at.
fn settle_one(store: &mut impl StateStore, ctx: &RuleCtx<'_>, grid_acct: &mut Account, owner: Address, bid: BidRecord) -> Option<MeteredSettlement> {
    let hh = state::household(store, &owner).ok()??;
    let q = i64::try_from(bid.quantity_wh).unwrap_or(i64::MAX);
    let allocated = if bid.side == Side::Sell { q } else { -q };
    let soc_start = metering::soc_start(store, ctx.slot, &owner).ok()?;
    let debt_before = metering::debt(store, &owner).ok()?;
    let battery_max = hh.spec.battery_wh.min(MAX_METER_WH);
    let charge = soc_start.map_or(0, |start| battery_max.saturating_sub(start));
    // Both are at most MAX_METER_WH, far inside i64.
    let load = i64::try_from(load_limit_wh(&hh.spec, ctx.params)).unwrap_or(i64::MAX);
    let metered = load.saturating_neg().saturating_sub(i64::try_from(charge).unwrap_or(i64::MAX));
    let imb = metering::imbalance(allocated, metered, ctx.prices);
    let acct_key = keys::account(&owner);
    let mut acct = read_account(store, &acct_key);
    let same = owner == *ctx.grid;
    let moved = metering::move_tokens(&mut acct, grid_acct, &imb, debt_before, same);
    if !same {
        store.put(&acct_key, codec::encode_account(&acct));
    }
    match metering::debt_write(debt_before, moved.debt_after) {
        Some(Some(value)) => store.put(&keys::meter_debt(&owner), value),
        Some(None) => store.delete(&keys::meter_debt(&owner)),
        None => {}
    }
    let record = metering::record(owner, ctx.slot, MeteredSource::Rule, (allocated, metered), &imb, &moved, None);
    store.put(&keys::metered(ctx.slot, &owner), metering::encode_record(&record));
    Some(record)
}
