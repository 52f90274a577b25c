//! The clearing mechanisms: a slot's totals in, exact prices and grid flows out. Pure arithmetic.
//!
//! Units here: energy in Wh, prices in micro-tokens per kWh, so `Wh x price` is in
//! thousandths of a micro-token ("milli-µ"); `settlement` divides by 1000 with the rounding rule.
//! With `MAX_PRICE` = 1e7 and `MAX_SIDE_WH` = 1e11 every product below stays under 1e37 < u128::MAX.

use super::params::Mechanism;
use super::ratio::Ratio;

/// The exact result of clearing one slot, before any rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    /// TSP / TBP (den 0 when TBP = 0).
    pub sdr: Ratio,
    /// Exact sell and buy prices (micro-tokens per kWh).
    pub sell: Ratio,
    pub buy: Ratio,
    /// What all buyers pay together, in milli-µ (Wh x micro-tokens/kWh), exact.
    pub buyers_total: Ratio,
    /// Energy matched inside the community, imported from and exported to the grid (Wh).
    pub p2p_wh: u64,
    pub grid_import_wh: u64,
    pub grid_export_wh: u64,
}

/// Clears a slot with total sell `tsp` and total buy `tbp` (Wh) at grid prices `lb` (retail) and `ls` (feed-in).
pub fn clear(mechanism: Mechanism, lb: u64, ls: u64, tsp: u64, tbp: u64) -> Prices {
    let (lb, ls, g, d) = (lb as u128, ls as u128, tsp as u128, tbp as u128);
    let sdr = Ratio::new(g, d);
    let matched = tsp.min(tbp);
    // Every buyer pays Lb and every seller gets Ls, all through the grid.
    let grid_only = Prices {
        sdr,
        sell: Ratio::new(ls, 1),
        buy: Ratio::new(lb, 1),
        buyers_total: Ratio::new(d * lb, 1),
        p2p_wh: 0,
        grid_import_wh: tbp,
        grid_export_wh: tsp,
    };
    let trade = match mechanism {
        Mechanism::NoTrading => return grid_only,
        Mechanism::Sdr => sdr_trade(lb, ls, g, d),
        Mechanism::Mmr => mmr_trade(lb, ls, g, d),
        Mechanism::BillSharing => bill_sharing_trade(lb, ls, g, d),
        // The auctions read limit prices, which totals do not carry: this is their result when
        // every bid is a price-taker (buyers at Lb, sellers at Ls), what `settlement::settle`
        // gives for bids without prices. Nothing trades locally when a side is empty.
        Mechanism::PayAsClear | Mechanism::PayAsBid if matched == 0 => return grid_only,
        Mechanism::PayAsClear => pay_as_clear_trade(lb, ls, g, d, matched as u128),
        // Every matched buyer bid Lb, so all pay Lb and sellers receive Lb for local energy.
        Mechanism::PayAsBid => Trade::new(Ratio::new(lb, 1), Ratio::new(lb, 1), Ratio::new(d * lb, 1)),
    };
    Prices {
        sdr,
        sell: trade.sell,
        buy: trade.buy,
        buyers_total: trade.buyers_total,
        p2p_wh: matched,
        grid_import_wh: tbp - matched,
        grid_export_wh: tsp - matched,
    }
}

/// The prices of a slot where the community trades locally; the energy split follows from the totals.
struct Trade {
    sell: Ratio,
    buy: Ratio,
    buyers_total: Ratio,
}

impl Trade {
    fn new(sell: Ratio, buy: Ratio, buyers_total: Ratio) -> Self {
        Self { sell, buy, buyers_total }
    }
}

/// SDR pricing over supply `g` and demand `d` (Wh) with grid prices `lb` and `ls`.
fn sdr_trade(lb: u128, ls: u128, g: u128, d: u128) -> Trade {
    if d == 0 || g > d {
        // SDR > 1 (or no buyers): everything trades at the feed-in price.
        return Trade::new(Ratio::new(ls, 1), Ratio::new(ls, 1), Ratio::new(d * ls, 1));
    }
    // Psell = Ls*Lb / ((Lb-Ls)*SDR + Ls), multiplied through by TBP.
    let sell_den = (lb - ls) * g + ls * d;
    let sell = Ratio::new(ls * lb * d, sell_den);
    // Pbuy = Psell*SDR + Lb*(1-SDR) = (Psell*TSP + Lb*(TBP-TSP)) / TBP.
    let total_num = sell.num * g + lb * (d - g) * sell_den;
    let buyers_total = Ratio::new(total_num, sell_den);
    let buy = Ratio::new(total_num, sell_den * d);
    Trade::new(sell, buy, buyers_total)
}

/// Mid-market-rate pricing over supply `g` and demand `d` (Wh).
fn mmr_trade(lb: u128, ls: u128, g: u128, d: u128) -> Trade {
    // Pmid = (Lb + Ls) / 2, kept exact as a half.
    let mid2 = lb + ls;
    if g < d {
        // Buyers pay G*Pmid + (D-G)*Lb.
        let total = Ratio::new(g * mid2 + 2 * (d - g) * lb, 2);
        Trade::new(Ratio::new(mid2, 2), Ratio::new(total.num, 2 * d), total)
    } else if g > d {
        // Sellers get (D*Pmid + (G-D)*Ls) / G each per kWh; buyers pay Pmid.
        let sell = Ratio::new(d * mid2 + 2 * (g - d) * ls, 2 * g);
        Trade::new(sell, Ratio::new(mid2, 2), Ratio::new(d * mid2, 2))
    } else {
        Trade::new(Ratio::new(mid2, 2), Ratio::new(mid2, 2), Ratio::new(d * mid2, 2))
    }
}

/// Bill sharing over supply `g` and demand `d` (Wh).
fn bill_sharing_trade(lb: u128, ls: u128, g: u128, d: u128) -> Trade {
    // Buyers share the community's import bill by net demand; sellers share the export revenue.
    let bill = (d - d.min(g)) * lb;
    let revenue = (g - g.min(d)) * ls;
    let buy = if d == 0 { Ratio::new(0, 1) } else { Ratio::new(bill, d) };
    let sell = if g == 0 { Ratio::new(0, 1) } else { Ratio::new(revenue, g) };
    Trade::new(sell, buy, Ratio::new(bill, 1))
}

/// The uniform-price auction's result when every bid is a price-taker; `m` > 0 is the matched energy.
fn pay_as_clear_trade(lb: u128, ls: u128, g: u128, d: u128, m: u128) -> Trade {
    // The uniform price that clears Lb bids against Ls asks: Lb while buyers are left
    // over, Ls while sellers are, the middle of [Ls, Lb] when the sides are equal.
    let twice = match g.cmp(&d) {
        std::cmp::Ordering::Less => 2 * lb,
        std::cmp::Ordering::Greater => 2 * ls,
        std::cmp::Ordering::Equal => lb + ls,
    };
    let total = Ratio::new(m * twice + 2 * (d - m) * lb, 2);
    Trade::new(Ratio::new(twice, 2), Ratio::new(twice, 2), total)
}

/// The grid's net receipt in milli-µ: imports paid at Lb minus exports paid at Ls (negative: the grid pays).
pub fn grid_net_milli(p: &Prices, lb: u64, ls: u64) -> i128 {
    p.grid_import_wh as i128 * lb as i128 - p.grid_export_wh as i128 * ls as i128
}
