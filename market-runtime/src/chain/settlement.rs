//! Settlement of one cleared slot over typed vectors: who pays and receives how much, and how
//! much energy each household traded locally. Pure, integer, allocation-light (a few vectors per
//! slot, none per household). See the module doc of `chain` for the rounding rule.

use super::apportion::{apportion, floor_u64};
use super::auction_settlement;
use super::clearing::{self, Prices};
use super::grid::{self, GridFlows};
use super::params::{MarketParams, MAX_SIDE_WH};
use super::types::Side;

/// One bid, as the hot path sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidLine {
    pub side: Side,
    pub quantity_wh: u64,
    /// Micro-tokens per kWh; read by the auction mechanisms only (`Mechanism::uses_limit_prices`).
    pub limit_price: Option<u64>,
    /// Index of the bidder's feeder in the genesis topology; read only when there is one.
    pub feeder: u16,
}

impl BidLine {
    /// A bid without a limit price (a price-taker in the auctions).
    pub fn new(side: Side, quantity_wh: u64) -> Self {
        Self { side, quantity_wh, limit_price: None, feeder: 0 }
    }
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
    /// The slot's flows under the genesis topology; `None` without one.
    pub flows: Option<GridFlows>,
}

/// The slot's bids as the clearing sees them: each side's total, and where each side stops.
#[derive(Clone, Copy, Debug)]
pub struct Book {
    pub tsp: u64,
    pub tbp: u64,
    /// Index of each side's first bid left out; `bids.len()` while none is.
    pub sell_end: usize,
    pub buy_end: usize,
}

impl Book {
    /// Totals both sides in bid order, each up to `MAX_SIDE_WH`.
    fn of(bids: &[BidLine]) -> Self {
        let (mut tsp, mut tbp): (u64, u64) = (0, 0);
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
        Self { tsp, tbp, sell_end, buy_end }
    }

    /// Whether bid `i` of `side` takes part (its side had not passed the limit before it).
    pub fn counts(&self, i: usize, side: Side) -> bool {
        i < match side {
            Side::Sell => self.sell_end,
            Side::Buy => self.buy_end,
        }
    }
}

/// Clears and settles one slot. `bids` must be in the canonical order (ascending household address):
/// ties in the largest-remainder split go to the lower index.
///
/// Bids are admitted against `MAX_SIDE_WH` per side, and the clearing arithmetic is exact only
/// within it. Should stored bids pass it anyway (a store this runtime did not write), each side
/// settles its bids in order up to the limit, and the bid that would pass it and every later
/// one of that side get an all-zero line: not traded, not paid, their reservations released.
///
/// Under a genesis topology the mechanism settles each bid's deliverable part (`grid::pool`);
/// a line's `p2p_wh + grid_wh` is then that part, and the rest of the bid was curtailed, lost
/// between lots or unserved.
pub fn settle(params: &MarketParams, bids: &[BidLine]) -> Settled {
    let Some(topology) = &params.topology else {
        return settle_pool(params, bids);
    };
    let (pooled, flows) = grid::pool::pool(topology, bids, &Book::of(bids));
    let mut settled = settle_pool(params, &pooled);
    settled.flows = Some(flows);
    settled
}

/// The mechanism over one pool of bids, as without topology.
fn settle_pool(params: &MarketParams, bids: &[BidLine]) -> Settled {
    let book = Book::of(bids);
    let mut settled = if params.mechanism.uses_limit_prices() {
        auction_settlement::settle_priced(params, bids, &book)
    } else {
        settle_by_quantity(params, bids, &book)
    };
    debug_assert_eq!(
        settled.buyers_paid as u128 + settled.grid_paid as u128,
        settled.sellers_received as u128 + settled.grid_received as u128,
        "conservation: buyers and the grid pay what sellers and the grid receive"
    );
    let mut solar_reward: u64 = 0;
    for (i, (line, bid)) in settled.lines.iter_mut().zip(bids).enumerate() {
        if !book.counts(i, bid.side) {
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
    settled.solar_reward = solar_reward;
    settled
}

/// Rule steps 2-3, the same for every mechanism: the grid's net receipt, and the sellers'
/// total as the buyers' total less it. Returns (sellers_received, grid_received, grid_paid).
pub fn sellers_and_grid(prices: &Prices, lb: u64, ls: u64, buyers_paid: u64) -> (u64, u64, u64) {
    let grid_net = clearing::grid_net_milli(prices, lb, ls).div_euclid(1000);
    let sellers_total = buyers_paid as i128 - grid_net;
    let sellers_received = floor_u64(sellers_total.max(0) as u128);
    let (grid_received, grid_paid) =
        if grid_net >= 0 { (floor_u64(grid_net as u128), 0) } else { (0, floor_u64(grid_net.unsigned_abs())) };
    (sellers_received, grid_received, grid_paid)
}

/// SDR, MMR, bill sharing and no trading: one buy and one sell price for the whole slot, so
/// every split is in proportion to quantity. Limit prices are not read.
fn settle_by_quantity(params: &MarketParams, bids: &[BidLine], book: &Book) -> Settled {
    let (lb, ls) = (params.grid_buy_price, params.grid_sell_price);
    let Book { tsp, tbp, sell_end, buy_end } = *book;
    let prices = clearing::clear(params.mechanism, lb, ls, tsp, tbp);

    // Money totals (rule steps 1-3).
    let buyers_paid = floor_u64(prices.buyers_total.num / (prices.buyers_total.den * 1000));
    let (sellers_received, grid_received, grid_paid) = sellers_and_grid(&prices, lb, ls, buyers_paid);

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
        solar_reward: 0,
        lines,
        flows: None,
    }
}

/// Splits `total` among the bids of `side` in proportion to their quantities (sum `side_total`),
/// by the largest-remainder method; ties go to the lower index. Calls `set(index, share)`.
fn split(
    bids: &[BidLine],
    side: Side,
    side_total: u64,
    total: u64,
    scratch: &mut Vec<(u64, u32)>,
    set: impl FnMut(usize, u64),
) {
    let t = total as u128;
    // quantity x total < 1e11 x 1e18: fits u128. The quotas sum to `total` exactly.
    let quota = |i: usize| (bids[i].side == side).then(|| bids[i].quantity_wh as u128 * t);
    let given = apportion(bids.len(), side_total, total, scratch, quota, set);
    debug_assert!(side_total == 0 || given == total, "a split hands out its whole total");
}
