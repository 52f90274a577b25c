//! Scenario: SDR, MMR, bill sharing and no trading are defined on quantities alone, so the same
//! slot settles identically whether its bids carry limit prices or not, to the micro-token and
//! the Wh, through the pure settlement and through a block.

mod common;

use common::*;
use market_runtime::chain::settlement::{settle, BidLine};
use market_runtime::*;
use proptest::prelude::*;

const PRICE_BLIND: [Mechanism; 4] = [Mechanism::Sdr, Mechanism::Mmr, Mechanism::BillSharing, Mechanism::NoTrading];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn settlement_does_not_read_prices(
        lines in prop::collection::vec((any::<bool>(), 1u64..=7_500, 0u64..=1_000), 1..=300),
        mech in prop::sample::select(PRICE_BLIND.to_vec()),
    ) {
        prop_assert!(!mech.uses_limit_prices());
        let params = MarketParams { grid_buy_price: 90_000, grid_sell_price: 37_003, mechanism: mech, ..MarketParams::default() };
        let side = |sell: bool| if sell { Side::Sell } else { Side::Buy };
        let plain: Vec<BidLine> = lines.iter().map(|&(sell, q, _)| BidLine::new(side(sell), q)).collect();
        let priced: Vec<BidLine> = lines
            .iter()
            .map(|&(sell, q, f)| BidLine { side: side(sell), quantity_wh: q, limit_price: Some(37_003 + (90_000 - 37_003) * f / 1_000), feeder: 0 })
            .collect();
        prop_assert_eq!(settle(&params, &plain), settle(&params, &priced));
    }
}

#[test]
fn a_block_of_priced_bids_clears_as_the_same_block_without_prices() {
    for mechanism in PRICE_BLIND {
        let book = [(Side::Buy, 3_000, 450_000), (Side::Buy, 1_234, 990_000), (Side::Sell, 2_500, 400_000), (Side::Sell, 777, 800_000)];
        let clear = |with_prices: bool| {
            let mut store = store_with(&genesis(4, 1_000_000_000, mechanism));
            let txs: Vec<Tx> = book
                .iter()
                .enumerate()
                .map(|(i, &(side, q, p))| {
                    let h = household_addr(i as u32);
                    if with_prices { priced_bid(h, 0, 1, side, q, p) } else { bid(h, 0, 1, side, q) }
                })
                .collect();
            let out = execute_block(&mut store, &ctx(1, 1), &txs);
            assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
            out.clearing.expect("slot 1 is cleared")
        };
        assert_eq!(clear(true), clear(false), "{mechanism:?}");
    }
}
