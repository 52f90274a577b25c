//! Scenario: a slot where nobody gives a limit price, under the auctions. Every buyer is a
//! price-taker at Lb and every seller at Ls, so everything crosses: the short side trades all it
//! bid and the long side shares the rest pro rata, Wh for Wh as SDR splits it. Pay-as-clear's
//! uniform price is then Lb while buyers are left over, Ls while sellers are, and the middle when
//! the sides are equal; pay-as-bid's is Lb (what every buyer bid). `clearing::clear`, which sees
//! totals only, gives the same prices and totals.

use market_runtime::chain::clearing::clear;
use market_runtime::chain::settlement::{settle, BidLine};
use market_runtime::*;
use proptest::prelude::*;

const LB: u64 = 90_000;
const LS: u64 = 37_003;

fn params(mechanism: Mechanism) -> MarketParams {
    MarketParams { grid_buy_price: LB, grid_sell_price: LS, mechanism, ..MarketParams::default() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn price_takers_split_energy_as_sdr_does(lines in prop::collection::vec((any::<bool>(), 1u64..=7_500), 1..=400)) {
        let bids: Vec<BidLine> = lines.iter().map(|&(sell, q)| BidLine::new(if sell { Side::Sell } else { Side::Buy }, q)).collect();
        let sdr = settle(&params(Mechanism::Sdr), &bids);
        for mechanism in [Mechanism::PayAsClear, Mechanism::PayAsBid] {
            let s = settle(&params(mechanism), &bids);
            let energy = |x: &market_runtime::chain::settlement::Settled| x.lines.iter().map(|l| (l.p2p_wh, l.grid_wh)).collect::<Vec<_>>();
            prop_assert_eq!(energy(&s), energy(&sdr), "{:?}", mechanism);

            let (g, d) = (s.tsp_wh, s.tbp_wh);
            let expected = match mechanism {
                _ if g == 0 || d == 0 => (LS, LB),
                Mechanism::PayAsClear if g < d => (LB, LB),
                Mechanism::PayAsClear if g > d => (LS, LS),
                Mechanism::PayAsClear => ((LB + LS) / 2, (LB + LS) / 2),
                _ => (LB, LB),
            };
            prop_assert_eq!((s.price_sell, s.price_buy), expected, "{:?} G={} D={}", mechanism, g, d);

            let totals = clear(mechanism, LB, LS, g, d);
            // The same values, not necessarily the same fractions (1,000 x Lb / 1,000 is Lb).
            let same = |a: Ratio, b: Ratio| a.num * b.den == b.num * a.den;
            prop_assert!(same(totals.sell, s.prices.sell) && same(totals.buy, s.prices.buy), "{:?}", mechanism);
            prop_assert!(same(totals.buyers_total, s.prices.buyers_total), "{:?}", mechanism);
            prop_assert_eq!(totals.p2p_wh, s.prices.p2p_wh);
        }
    }
}

#[test]
fn equal_sides_clear_at_the_middle_of_feed_in_and_retail() {
    let bids = [BidLine::new(Side::Buy, 1_000), BidLine::new(Side::Sell, 1_000)];
    let s = settle(&params(Mechanism::PayAsClear), &bids);
    // (90,000 + 37,003) / 2 = 63,501.5, published rounded down; 1,000 Wh pay 63,501.5 µ -> 63,501.
    assert_eq!((s.price_buy, s.buyers_paid, s.sellers_received), (63_501, 63_501, 63_501));
}
