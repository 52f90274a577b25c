//! Settlement of one cleared slot over typed vectors: who pays and receives how much, and how
//! much energy each household traded locally. Pure, integer, allocation-light (a few vectors per
//! slot, none per household). See the module doc of `chain` for the rounding rule.

use super::clearing::{self, Prices};
use super::params::{MarketParams, MAX_SIDE_WH};
use super::types::Side;

/// One bid, as the hot path sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidLine {
    pub side: Side,
    pub quantity_wh: u64,
}

/// One bid's settlement (same index as its `BidLine`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub p2p_wh: u64,
    pub grid_wh: u64,
    /// Paid by a buyer or received by a seller (micro-tokens).
    pub amount: u64,
    /// Minted to a seller for its P2P energy (micro-tokens).
    pub solar_reward: u64,
}

/// A settled slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settled {
    pub prices: Prices,
    pub tsp_wh: u64,
    pub tbp_wh: u64,
    pub price_sell: u64,
    pub price_buy: u64,
    pub buyers_paid: u64,
    pub sellers_received: u64,
    pub grid_received: u64,
    pub grid_paid: u64,
    pub solar_reward: u64,
    pub lines: Vec<Line>,
}

/// Clears and settles one slot. `bids` must be in the canonical order (ascending household address):
/// ties in the largest-remainder split go to the lower index.
///
/// Bids are admitted against `MAX_SIDE_WH` per side, and the clearing arithmetic is exact only
/// within it. Should stored bids pass it anyway (a store this runtime did not write), each side
/// settles its bids in order up to the limit, and the bid that would pass it and every later
/// one of that side get an all-zero line: not traded, not paid, their reservations released.
pub fn settle(params: &MarketParams, bids: &[BidLine]) -> Settled {
    let (lb, ls) = (params.grid_buy_price, params.grid_sell_price);
    let (mut tsp, mut tbp): (u64, u64) = (0, 0);
    // Index of each side's first bid left out; `bids.len()` while none is.
    let (mut sell_end, mut buy_end) = (bids.len(), bids.len());
    for (i, b) in bids.iter().enumerate() {
        let (total, end) = match b.side {
            Side::Sell => (&mut tsp, &mut sell_end),
            Side::Buy => (&mut tbp, &mut buy_end),
        };
        if *end == bids.len() {
            match total.checked_add(b.quantity_wh).filter(|t| *t <= MAX_SIDE_WH) {
                Some(t) => *total = t,
                None => *end = i,
            }
        }
    }
    let prices = clearing::clear(params.mechanism, lb, ls, tsp, tbp);

    // Money totals (rule steps 1-3).
    let buyers_paid = floor_u64(prices.buyers_total.num / (prices.buyers_total.den * 1000));
    let grid_net = clearing::grid_net_milli(&prices, lb, ls).div_euclid(1000);
    let sellers_total = buyers_paid as i128 - grid_net;
    let sellers_received = floor_u64(sellers_total.max(0) as u128);
    let (grid_received, grid_paid) =
        if grid_net >= 0 { (floor_u64(grid_net as u128), 0) } else { (0, floor_u64(grid_net.unsigned_abs())) };

    let mut lines = vec![Line::default(); bids.len()];
    let mut scratch = Vec::new();
    // The long side's local share is split pro rata; the short side trades all it bid locally.
    let buy_local = prices.p2p_wh.min(tbp);
    let sell_local = prices.p2p_wh.min(tsp);
    let (buys, sells) = (&bids[..buy_end], &bids[..sell_end]);
    split(buys, Side::Buy, tbp, buy_local, &mut scratch, |i, v| lines[i].p2p_wh = v);
    split(sells, Side::Sell, tsp, sell_local, &mut scratch, |i, v| lines[i].p2p_wh = v);
    split(buys, Side::Buy, tbp, buyers_paid, &mut scratch, |i, v| lines[i].amount = v);
    split(sells, Side::Sell, tsp, sellers_received, &mut scratch, |i, v| lines[i].amount = v);

    let mut solar_reward: u64 = 0;
    for (i, (line, bid)) in lines.iter_mut().zip(bids).enumerate() {
        let end = if bid.side == Side::Sell { sell_end } else { buy_end };
        if i >= end {
            continue;
        }
        // p2p_wh is this bid's share of at most its side's total, so it is at most quantity_wh.
        line.grid_wh = bid.quantity_wh.saturating_sub(line.p2p_wh);
        if bid.side == Side::Sell {
            // p2p_wh <= 1e11 and the reward is a genesis u64; the product fits u128.
            line.solar_reward = floor_u64(line.p2p_wh as u128 * params.solar_reward_per_kwh as u128 / 1000);
            solar_reward = solar_reward.saturating_add(line.solar_reward);
        }
    }

    Settled {
        price_sell: floor_u64(prices.sell.floor().unwrap_or(0)),
        price_buy: floor_u64(prices.buy.floor().unwrap_or(0)),
        prices,
        tsp_wh: tsp,
        tbp_wh: tbp,
        buyers_paid,
        sellers_received,
        grid_received,
        grid_paid,
        solar_reward,
        lines,
    }
}

/// Values here are bounded far below u64::MAX by MAX_PRICE and MAX_SIDE_WH; saturate rather than wrap.
fn floor_u64(v: u128) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// Splits `total` among the bids of `side` in proportion to their quantities (sum `side_total`),
/// by the largest-remainder method; ties go to the lower index. Calls `set(index, share)`.
fn split(
    bids: &[BidLine],
    side: Side,
    side_total: u64,
    total: u64,
    scratch: &mut Vec<(u64, u32)>,
    mut set: impl FnMut(usize, u64),
) {
    if side_total == 0 {
        return;
    }
    let q_sum = side_total as u128;
    let t = total as u128;
    scratch.clear();
    let mut given: u128 = 0;
    for (i, b) in bids.iter().enumerate() {
        if b.side != side {
            continue;
        }
        let product = b.quantity_wh as u128 * t;
        let share = product / q_sum;
        // remainder < q_sum <= MAX_SIDE_WH < 2^64
        let rem = (product % q_sum) as u64;
        given += share;
        set(i, floor_u64(share));
        if rem > 0 {
            scratch.push((rem, i as u32));
        }
    }
    // given <= t because side_total is the exact sum of this side's quantities.
    let leftover = usize::try_from(t.saturating_sub(given)).unwrap_or(usize::MAX);
    if leftover == 0 {
        return;
    }
    // Largest remainders first, then the lower index: a total order, so the result is unique.
    let order = |a: &(u64, u32), b: &(u64, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if leftover < scratch.len() {
        scratch.select_nth_unstable_by(leftover - 1, order);
    }
    for &(_, i) in scratch.iter().take(leftover) {
        let i = i as usize;
        let b = bids[i];
        let share = (b.quantity_wh as u128 * t) / q_sum;
        set(i, floor_u64(share + 1));
    }
}
