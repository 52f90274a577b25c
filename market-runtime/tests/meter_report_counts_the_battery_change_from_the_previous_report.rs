//! Scenario: a household with a battery reports slots 1 and 2. Slot 1 has no earlier report,
//! so its battery change cannot be derived and counts 0; slot 2's change is counted from
//! slot 1's end-of-slot charge: energy that went into the battery was not delivered.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn charge_into_the_battery_is_not_delivered() {
    let mut store = store_with(&metered_genesis(1, 1_000_000_000, MeteringParams::default()));
    let h = household_addr(0);
    run_block_conserving(&mut store, 1, &[bid(h, 0, 1, Side::Sell, 2_000)]);
    run_block_conserving(&mut store, 2, &[bid(h, 1, 2, Side::Sell, 2_000)]);
    let battery = |soc| MeterReading { generation_wh: 4_000, load_wh: 1_000, battery_soc_wh: soc, battery_capacity_wh: 5_000 };
    // Slot 1: 4,000 - 1,000 = 3,000 Wh, battery change unknown: 1,000 Wh surplus.
    let out = run_block_conserving(&mut store, 3, &[report(h, 2, 1, battery(1_000))]);
    assert_eq!((out.metered[0].metered_wh, out.metered[0].surplus_wh), (3_000, 1_000));
    // Slot 2: the battery went from 1,000 to 2,500 Wh, so 3,000 - 1,500 = 1,500 Wh delivered.
    let out = run_block_conserving(&mut store, 4, &[report(h, 3, 2, battery(2_500))]);
    assert_eq!((out.metered[0].metered_wh, out.metered[0].shortfall_wh), (1_500, 500));
    assert_eq!(out.metered[0].battery_soc_wh, Some(2_500));
}
