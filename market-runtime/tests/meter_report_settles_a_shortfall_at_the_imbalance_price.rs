//! Scenario: a household sold 2,000 Wh for slot 1 but its meter shows it delivered 1,300 Wh
//! (1,500 Wh of PV, 200 Wh of load, no battery). Its report for the cleared slot buys the
//! 700 Wh shortfall from the grid account at the shortfall price: Lb by default, the genesis's
//! price when it sets one. Tokens move between the household and the grid account only.

mod common;

use common::*;
use market_runtime::*;

/// Slot 1 cleared with a 2,000 Wh sell (household 0) and a 2,000 Wh buy (household 1); slot 2's
/// block carries household 0's report.
fn settle_shortfall(metering: MeteringParams) -> (MemStore, BlockOutcome, u64, u64) {
    let mut store = store_with(&metered_genesis(2, 1_000_000_000, metering));
    run_block_conserving(&mut store, 1, &[bid(household_addr(0), 0, 1, Side::Sell, 2_000), bid(household_addr(1), 0, 1, Side::Buy, 2_000)]);
    let (seller, grid) = (balance(&store, &household_addr(0)), balance(&store, &GRID));
    let out = run_block_conserving(&mut store, 2, &[report(household_addr(0), 1, 1, reading(1_500, 200))]);
    (store, out, seller, grid)
}

#[test]
fn the_shortfall_is_bought_at_the_grid_retail_price_by_default() {
    let (store, out, seller_before, grid_before) = settle_shortfall(MeteringParams::default());
    let expected = MeteredSettlement {
        household: household_addr(0),
        slot: 1,
        source: MeteredSource::Reported,
        allocated_wh: 2_000,
        metered_wh: 1_300,
        shortfall_wh: 700,
        surplus_wh: 0,
        // Lb of the test genesis: 1,000,000 micro-tokens per kWh.
        price: 1_000_000,
        charged: 700_000,
        credited: 0,
        debt_added: 0,
        debt_collected: 0,
        credit_unpaid: 0,
        battery_soc_wh: Some(0),
    };
    assert_eq!(out.metered, vec![expected.clone()]);
    assert_eq!(balance(&store, &household_addr(0)), seller_before - 700_000);
    assert_eq!(balance(&store, &GRID), grid_before + 700_000);
    // The same record is in state, for RPC to read later.
    let raw = store.get(&chain::keys::metered(1, &household_addr(0))).expect("record stored");
    assert_eq!(chain::metering::decode_record(household_addr(0), 1, &raw), Some(expected));
}

#[test]
fn a_genesis_shortfall_price_replaces_the_retail_price() {
    let metering = MeteringParams { shortfall_price: Some(1_200_000), ..MeteringParams::default() };
    let (store, out, seller_before, _) = settle_shortfall(metering);
    assert_eq!((out.metered[0].price, out.metered[0].charged), (1_200_000, 840_000));
    assert_eq!(balance(&store, &household_addr(0)), seller_before - 840_000);
}

#[test]
fn a_fraction_of_a_micro_token_stays_with_the_payer() {
    // 700 Wh at 1,000,001 micro-tokens per kWh is 700,000.7: the household pays 700,000.
    let metering = MeteringParams { shortfall_price: Some(1_000_001), ..MeteringParams::default() };
    let (_, out, _, _) = settle_shortfall(metering);
    assert_eq!(out.metered[0].charged, 700_000);
}
