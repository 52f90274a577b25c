//! Scenario: random books of priced and price-less bids under both auctions. The match is as
//! large as any price could make it; no bid left with energy would trade with another left with
//! energy; nobody trades locally at a price worse than its limit; and each bid's amount is its
//! exact amount rounded down or up by one micro-token.

use market_runtime::chain::auction::effective_price;
use market_runtime::chain::settlement::{settle, BidLine, Settled};
use market_runtime::*;
use proptest::prelude::*;

const LB: u64 = 90_000;
const LS: u64 = 37_003;

fn book() -> impl Strategy<Value = Vec<BidLine>> {
    // Few distinct prices, so that levels tie often.
    let bid = (any::<bool>(), 1u64..=7_500, prop::option::of(0u64..=8));
    prop::collection::vec(bid, 1..=300).prop_map(|v| {
        v.into_iter()
            .map(|(sell, q, step)| BidLine {
                side: if sell { Side::Sell } else { Side::Buy },
                quantity_wh: q,
                limit_price: step.map(|k| LS + (LB - LS) * k / 8),
                feeder: 0,
            })
            .collect()
    })
}

/// The most energy any single price could match: max over p of min(demand at p, supply at p).
fn most_matchable(bids: &[BidLine]) -> u64 {
    let price = |b: &BidLine| effective_price(b, LB, LS);
    bids.iter()
        .map(|candidate| {
            let p = price(candidate);
            let demand: u64 = bids.iter().filter(|b| b.side == Side::Buy && price(b) >= p).map(|b| b.quantity_wh).sum();
            let supply: u64 = bids.iter().filter(|b| b.side == Side::Sell && price(b) <= p).map(|b| b.quantity_wh).sum();
            demand.min(supply)
        })
        .max()
        .unwrap_or(0)
}

/// Checks that `amount` is `num / den` rounded down, or that plus one.
fn rounds(amount: u64, num: u128, den: u128) -> bool {
    let floor = num / den;
    amount as u128 == floor || amount as u128 == floor + 1
}

fn check_match(bids: &[BidLine], s: &Settled) -> Result<(), TestCaseError> {
    prop_assert_eq!(s.prices.p2p_wh, most_matchable(bids));
    let left = |side: Side| bids.iter().zip(&s.lines).filter(move |(b, l)| b.side == side && l.grid_wh > 0).map(|(b, _)| effective_price(b, LB, LS));
    if let (Some(best_buy), Some(best_sell)) = (left(Side::Buy).max(), left(Side::Sell).min()) {
        prop_assert!(best_buy < best_sell, "unmatched buyer at {} and seller at {} would trade", best_buy, best_sell);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn pay_as_clear_trades_everyone_at_one_price_within_their_limits(bids in book()) {
        let params = MarketParams { grid_buy_price: LB, grid_sell_price: LS, mechanism: Mechanism::PayAsClear, ..MarketParams::default() };
        let s = settle(&params, &bids);
        check_match(&bids, &s)?;
        let p = s.prices.buy; // exact: num / den
        for (b, l) in bids.iter().zip(&s.lines) {
            let own = effective_price(b, LB, LS) as u128;
            let grid_price = if b.side == Side::Buy { LB } else { LS } as u128;
            if l.p2p_wh > 0 {
                let willing = if b.side == Side::Buy { own * p.den >= p.num } else { own * p.den <= p.num };
                prop_assert!(willing, "{:?} at {} trades at {}/{}", b.side, own, p.num, p.den);
            }
            let exact = l.p2p_wh as u128 * p.num + l.grid_wh as u128 * grid_price * p.den;
            prop_assert!(rounds(l.amount, exact, 1_000 * p.den), "{:?} {:?}", b, l);
        }
    }

    #[test]
    fn pay_as_bid_charges_each_buyer_its_bid_and_pays_sellers_at_least_their_ask(bids in book()) {
        let params = MarketParams { grid_buy_price: LB, grid_sell_price: LS, mechanism: Mechanism::PayAsBid, ..MarketParams::default() };
        let s = settle(&params, &bids);
        check_match(&bids, &s)?;
        let q = s.prices.p2p_wh as u128;
        let bid_money: u128 = bids.iter().zip(&s.lines).filter(|(b, _)| b.side == Side::Buy).map(|(b, l)| l.p2p_wh as u128 * effective_price(b, LB, LS) as u128).sum();
        for (b, l) in bids.iter().zip(&s.lines) {
            let own = effective_price(b, LB, LS) as u128;
            match b.side {
                Side::Buy => prop_assert!(rounds(l.amount, l.p2p_wh as u128 * own + l.grid_wh as u128 * LB as u128, 1_000)),
                Side::Sell => {
                    // The volume-weighted average bid is at least every matched seller's ask.
                    prop_assert!(l.p2p_wh == 0 || bid_money >= q * own);
                    let exact = l.p2p_wh as u128 * bid_money + l.grid_wh as u128 * LS as u128 * q.max(1);
                    prop_assert!(rounds(l.amount, exact, 1_000 * q.max(1)), "{:?} {:?}", b, l);
                }
            }
        }
    }
}
