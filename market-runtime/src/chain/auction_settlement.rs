//! Settlement under the auction mechanisms (pay-as-clear and pay-as-bid): local energy from
//! the double auction's match (`chain::auction`), money by each bid's own exact amount.
//!
//! Each bid's exact amount is its local energy at its local price plus its grid energy at Lb
//! (buyers) or Ls (sellers):
//! - **pay-as-clear**: the local price is the clearing price `P`, the middle of the clearing
//!   interval, for buyers and sellers alike;
//! - **pay-as-bid**: a buyer's local price is its own limit price; sellers share what matched
//!   buyers bid, in proportion to their local energy, so each receives the volume-weighted
//!   average of the matched bids (`M / Q`), which is at least its own ask. Nothing is left
//!   between what buyers pay and sellers receive, so no account outside the trade gains.
//!
//! Totals follow the rounding rule of every mechanism (buyers' total `B` = the floor of the
//! exact sum, the grid's net receipt `Gr`, sellers' total `S = B - Gr`); `B` and `S` are then
//! split by the largest-remainder method over each bid's exact amount (`apportion`).

use std::cell::Cell;

use super::apportion::{apportion, floor_u64};
use super::auction::{self, effective_price, Match};
use super::clearing::Prices;
use super::params::{MarketParams, Mechanism};
use super::ratio::Ratio;
use super::settlement::{sellers_and_grid, BidLine, Book, Line, Settled};
use super::types::Side;

/// How a matched Wh is priced, and the common denominators of the exact amounts.
#[derive(Clone, Copy, Debug)]
enum LocalPrice {
    /// Everyone at `P = twice / 2` (micro-tokens per kWh); amounts in 1/2000 µ.
    Uniform { twice: u64 },
    /// Buyers at their own price (amounts in 1/1000 µ); sellers at `bid_milli / matched_wh`
    /// per Wh (amounts in 1/(1000 x matched_wh) µ).
    OwnBid { matched_wh: u64, bid_milli: u128 },
}

impl LocalPrice {
    fn of(mechanism: Mechanism, m: &Match) -> Self {
        match mechanism {
            Mechanism::PayAsBid => Self::OwnBid { matched_wh: m.matched_wh, bid_milli: m.buyers_bid_milli },
            // The interval's bounds are prices <= MAX_PRICE, so their sum fits u64.
            _ => Self::Uniform { twice: m.interval.map_or(0, |(low, high)| low.saturating_add(high)) },
        }
    }

    fn buyer_den(self) -> u64 {
        match self {
            Self::Uniform { .. } => 2000,
            Self::OwnBid { .. } => 1000,
        }
    }

    fn seller_den(self) -> u64 {
        match self {
            Self::Uniform { .. } => 2000,
            // matched_wh <= MAX_SIDE_WH = 1e11, so 1000 x it < 1e14.
            Self::OwnBid { matched_wh, .. } => 1000u64.saturating_mul(matched_wh.max(1)),
        }
    }

    /// A buyer's exact payment in 1/`buyer_den` µ. Products stay below 2e18.
    fn buyer_num(self, bid: &BidLine, p2p: u64, lb: u64, ls: u64) -> u128 {
        let grid = bid.quantity_wh.saturating_sub(p2p) as u128;
        match self {
            Self::Uniform { twice } => p2p as u128 * twice as u128 + grid * 2 * lb as u128,
            Self::OwnBid { .. } => p2p as u128 * effective_price(bid, lb, ls) as u128 + grid * lb as u128,
        }
    }

    /// A seller's exact receipt in 1/`seller_den` µ. Pay-as-bid products stay below 1e29
    /// (local Wh x buyers' money, grid Wh x Ls x matched Wh), inside u128.
    fn seller_num(self, bid: &BidLine, p2p: u64, ls: u64) -> u128 {
        let grid = bid.quantity_wh.saturating_sub(p2p) as u128;
        match self {
            Self::Uniform { twice } => p2p as u128 * twice as u128 + grid * 2 * ls as u128,
            Self::OwnBid { matched_wh, bid_milli } => {
                p2p as u128 * bid_milli + grid * ls as u128 * matched_wh.max(1) as u128
            }
        }
    }

    /// The published local price: the clearing price, or the volume-weighted average of the
    /// matched bids (which buyers pay and sellers receive alike).
    fn published(self) -> Ratio {
        match self {
            Self::Uniform { twice } => Ratio::new(twice as u128, 2),
            Self::OwnBid { matched_wh, bid_milli } => Ratio::new(bid_milli, matched_wh as u128),
        }
    }
}

/// Clears and settles one slot by the double auction; see the module doc.
pub fn settle_priced(params: &MarketParams, bids: &[BidLine], book: &Book) -> Settled {
    let (lb, ls) = (params.grid_buy_price, params.grid_sell_price);
    let mut lines = vec![Line::default(); bids.len()];
    let m = auction::match_bids(bids, (book.sell_end, book.buy_end), lb, ls, &mut lines);
    let pricing = LocalPrice::of(params.mechanism, &m);
    let q = m.matched_wh;

    // Both closures below read every line's local energy while `apportion` sets amounts.
    let cells = Cell::from_mut(&mut lines[..]).as_slice_of_cells();
    let takes_part = |i: usize, side: Side| bids[i].side == side && book.counts(i, side);
    let buyer = |i: usize| takes_part(i, Side::Buy).then(|| pricing.buyer_num(&bids[i], cells[i].get().p2p_wh, lb, ls));
    let seller = |i: usize| takes_part(i, Side::Sell).then(|| pricing.seller_num(&bids[i], cells[i].get().p2p_wh, ls));

    // Rule step 1: the buyers' exact total, rounded down once. Below 2e18 (MAX_SIDE_WH x 2 Lb).
    let buyers_exact = (0..bids.len()).filter_map(buyer).fold(0u128, u128::saturating_add);
    let buyers_paid = floor_u64(buyers_exact / pricing.buyer_den() as u128);
    let (sell, buy) = if q > 0 { (pricing.published(), pricing.published()) } else { (Ratio::new(ls as u128, 1), Ratio::new(lb as u128, 1)) };
    let prices = Prices {
        sdr: Ratio::new(book.tsp as u128, book.tbp as u128),
        sell,
        buy,
        // In milli-µ, as for every mechanism: buyer_den / 1000 is 2 or 1.
        buyers_total: Ratio::new(buyers_exact, (pricing.buyer_den() / 1000) as u128),
        p2p_wh: q,
        grid_import_wh: book.tbp.saturating_sub(q),
        grid_export_wh: book.tsp.saturating_sub(q),
    };
    // Steps 2-3: the grid's net receipt, and the sellers' total as what is left.
    let (sellers_received, grid_received, grid_paid) = sellers_and_grid(&prices, lb, ls, buyers_paid);

    // Step 4: each side's total by the largest remainder over its bids' exact amounts.
    let mut scratch = Vec::new();
    let set = |i: usize, v: u64| cells[i].set(Line { amount: v, ..cells[i].get() });
    let paid = apportion(bids.len(), pricing.buyer_den(), buyers_paid, &mut scratch, buyer, set);
    let received = apportion(bids.len(), pricing.seller_den(), sellers_received, &mut scratch, seller, set);
    debug_assert_eq!(paid, buyers_paid, "buyers' amounts sum to their total");
    debug_assert_eq!(received, sellers_received, "sellers' amounts sum to their total");

    Settled {
        price_sell: floor_u64(sell.floor().unwrap_or(0)),
        price_buy: floor_u64(buy.floor().unwrap_or(0)),
        prices,
        tsp_wh: book.tsp,
        tbp_wh: book.tbp,
        buyers_paid,
        sellers_received,
        grid_received,
        grid_paid,
        solar_reward: 0,
        lines,
        flows: None,
    }
}
