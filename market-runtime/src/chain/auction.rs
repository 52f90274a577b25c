//! The double auction's matching, shared by pay-as-clear and pay-as-bid: which bids trade
//! locally, how much, and the interval of uniform prices at which that trade clears.
//!
//! Buys are ranked by limit price, highest first, sells lowest first; equal prices keep the
//! canonical order (ascending address, the bids' index). Walking down both rankings, buyers are
//! matched with sellers while the buyer's price is at least the seller's; the matched volume is
//! the largest at which supply meets demand. Bids of one price form a level: levels before the
//! marginal one trade all they bid, the marginal level of each side shares what is left of the
//! match in proportion to quantity (largest remainder), like the long side of every other
//! mechanism, so that bids without prices (all at Lb or Ls) split energy exactly as SDR does.
//! A bid without a price is a price-taker: a buyer at Lb, a seller at Ls.

use super::apportion::apportion;
use super::settlement::{BidLine, Line};
use super::types::Side;

/// Bits of a sort key that hold the bid index; the price takes the 24 bits above them.
const INDEX_BITS: u32 = 40;
/// Highest price a sort key can hold (2^24 - 1 > `MAX_PRICE`).
const PRICE_KEY_MAX: u64 = (1 << (64 - INDEX_BITS)) - 1;

/// What the walk found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Energy matched between neighbours (Wh).
    pub matched_wh: u64,
    /// The uniform prices that clear the match, `[low, high]` (micro-tokens per kWh): every
    /// matched buyer bid at least `high`, every matched seller at most `low`, and no unmatched
    /// bid would trade at any price inside. `None` when nothing matched.
    pub interval: Option<(u64, u64)>,
    /// What matched buyers bid for their local energy, `sum of p2p_wh x price` (milli-µ).
    pub buyers_bid_milli: u128,
}

/// A bid's limit price as the auction reads it: its own, or Lb for a buyer and Ls for a seller
/// without one; clamped into [Ls, Lb], which admission enforces, so that a stored price from
/// a store this runtime did not write can never make a buyer pay more than it reserved.
pub fn effective_price(bid: &BidLine, lb: u64, ls: u64) -> u64 {
    let own = bid.limit_price.unwrap_or(match bid.side {
        Side::Buy => lb,
        Side::Sell => ls,
    });
    own.max(ls).min(lb)
}

/// Matches the bids of `bids` (each side up to its end, as `settlement::settle` bounds them)
/// and writes each matched bid's local energy into `lines[i].p2p_wh`.
pub fn match_bids(bids: &[BidLine], ends: (usize, usize), lb: u64, ls: u64, lines: &mut [Line]) -> Match {
    let (sell_end, buy_end) = ends;
    let buys = ranked(&bids[..buy_end], Side::Buy, lb, ls);
    let sells = ranked(&bids[..sell_end], Side::Sell, lb, ls);
    let walk = walk(bids, &buys, &sells);
    let mut scratch = Vec::new();
    let buy_fill = fill(bids, &buys, walk.buy, lines, &mut scratch);
    let sell_fill = fill(bids, &sells, walk.sell, lines, &mut scratch);
    debug_assert_eq!(buy_fill, walk.matched_wh, "buyers' local energy is the match");
    debug_assert_eq!(sell_fill, walk.matched_wh, "sellers' local energy is the match");

    let mut buyers_bid_milli: u128 = 0;
    // Only the full bids and the marginal level can hold local energy.
    for &key in &buys[..walk.buy.level_end] {
        let i = index_of(key);
        // p2p <= MAX_SIDE_WH and the price <= MAX_PRICE: each product < 1e18, the sum too.
        let bid_milli = lines[i].p2p_wh as u128 * effective_price(&bids[i], lb, ls) as u128;
        buyers_bid_milli = buyers_bid_milli.saturating_add(bid_milli);
    }
    Match { matched_wh: walk.matched_wh, interval: walk.interval(), buyers_bid_milli }
}

/// Sort keys of one side's bids, best first: price in the high bits (inverted for buys, so
/// that the highest comes first), index in the low bits (ties to the lower address).
fn ranked(bids: &[BidLine], side: Side, lb: u64, ls: u64) -> Vec<u64> {
    let mut keys: Vec<u64> = bids
        .iter()
        .enumerate()
        // A bid with nothing to trade (all of it cut by a grid limit) must not set the price.
        .filter(|(_, b)| b.side == side && b.quantity_wh > 0)
        .map(|(i, b)| {
            let price = effective_price(b, lb, ls).min(PRICE_KEY_MAX);
            let rank = if side == Side::Buy { PRICE_KEY_MAX - price } else { price };
            (rank << INDEX_BITS) | i as u64
        })
        .collect();
    keys.sort_unstable();
    keys
}

fn index_of(key: u64) -> usize {
    (key & ((1 << INDEX_BITS) - 1)) as usize
}

fn price_of(key: u64, side: Side) -> u64 {
    let rank = key >> INDEX_BITS;
    if side == Side::Buy {
        PRICE_KEY_MAX - rank
    } else {
        rank
    }
}

/// Where one side's walk stopped: `full` ranked bids traded all they bid, and the level
/// `full..level_end` shares `filled` Wh (0 when the walk stopped before it).
#[derive(Clone, Copy, Debug, Default)]
struct Stop {
    full: usize,
    level_end: usize,
    filled: u64,
    /// Price of the last level that traded anything.
    last_price: Option<u64>,
    /// Price of the first level with energy left (the marginal level, or the next one).
    next_price: Option<u64>,
}

struct Walk {
    matched_wh: u64,
    buy: Stop,
    sell: Stop,
}

impl Walk {
    /// `[max(last sell, next buy), min(last buy, next sell)]`: any price inside keeps every
    /// matched bid willing and leaves no unmatched pair that would trade. Never empty: the last
    /// matched buyer bid at least the last matched seller, and the walk stopped because the
    /// next buyer bid less than the next seller (or a side ran out).
    fn interval(&self) -> Option<(u64, u64)> {
        let (Some(buy_last), Some(sell_last)) = (self.buy.last_price, self.sell.last_price) else {
            return None;
        };
        let low = sell_last.max(self.buy.next_price.unwrap_or(0));
        let high = buy_last.min(self.sell.next_price.unwrap_or(u64::MAX));
        debug_assert!(low <= high, "clearing interval [{low}, {high}] is empty");
        Some((low, high.max(low)))
    }
}

/// One price level of a ranked side: positions `start..end`, total quantity.
fn level(bids: &[BidLine], keys: &[u64], start: usize, side: Side) -> Option<(usize, u64, u64)> {
    let price = price_of(*keys.get(start)?, side);
    let mut end = start;
    let mut qty: u64 = 0;
    while let Some(&key) = keys.get(end) {
        if price_of(key, side) != price {
            break;
        }
        // A side's bids total at most MAX_SIDE_WH (settle cuts them there).
        qty = qty.saturating_add(bids[index_of(key)].quantity_wh);
        end += 1;
    }
    Some((end, price, qty))
}

/// Walks both rankings level by level while the buy price is at least the sell price.
fn walk(bids: &[BidLine], buys: &[u64], sells: &[u64]) -> Walk {
    let mut w = Walk { matched_wh: 0, buy: Stop::default(), sell: Stop::default() };
    let mut b = level(bids, buys, 0, Side::Buy);
    let mut s = level(bids, sells, 0, Side::Sell);
    let (mut b_left, mut s_left) = (b.map_or(0, |l| l.2), s.map_or(0, |l| l.2));
    while let (Some((b_end, b_price, _)), Some((s_end, s_price, _))) = (b, s) {
        if b_price < s_price {
            break;
        }
        let m = b_left.min(s_left);
        if m > 0 {
            w.matched_wh = w.matched_wh.saturating_add(m);
            w.buy.last_price = Some(b_price);
            w.sell.last_price = Some(s_price);
        }
        b_left -= m;
        s_left -= m;
        if b_left == 0 {
            w.buy.full = b_end;
            b = level(bids, buys, b_end, Side::Buy);
            b_left = b.map_or(0, |l| l.2);
        }
        if s_left == 0 {
            w.sell.full = s_end;
            s = level(bids, sells, s_end, Side::Sell);
            s_left = s.map_or(0, |l| l.2);
        }
    }
    for (stop, lvl, left) in [(&mut w.buy, b, b_left), (&mut w.sell, s, s_left)] {
        if let Some((end, price, qty)) = lvl {
            stop.level_end = end;
            stop.filled = qty - left;
            stop.next_price = Some(price);
        } else {
            stop.level_end = stop.full;
        }
    }
    w
}

/// Writes local energy for one ranked side: the full bids trade their quantity, the marginal
/// level shares `filled` by quantity. Returns the energy written.
fn fill(bids: &[BidLine], keys: &[u64], stop: Stop, lines: &mut [Line], scratch: &mut Vec<(u64, u32)>) -> u64 {
    let mut total: u64 = 0;
    for &key in &keys[..stop.full] {
        let i = index_of(key);
        lines[i].p2p_wh = bids[i].quantity_wh;
        total = total.saturating_add(bids[i].quantity_wh);
    }
    if stop.filled == 0 {
        return total;
    }
    let level = &keys[stop.full..stop.level_end];
    let level_qty = level.iter().fold(0u64, |sum, &k| sum.saturating_add(bids[index_of(k)].quantity_wh));
    // Positions in the level follow the bid index (ties were ranked by it), so apportion's
    // "lower index" tie-break is the lower address. quantity x filled < 1e22 fits u128.
    let share = |p: usize| Some(bids[index_of(level[p])].quantity_wh as u128 * stop.filled as u128);
    let given = apportion(level.len(), level_qty, stop.filled, scratch, share, |p, v| lines[index_of(level[p])].p2p_wh = v);
    total.saturating_add(given)
}
