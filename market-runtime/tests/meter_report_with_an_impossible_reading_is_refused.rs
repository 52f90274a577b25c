//! Scenario: a meter report is held to the bounds a bid's reading is (`chain::meter`): more PV
//! than the registered capacity can make, a charge above capacity, or a report from a household
//! that is not approved are refused, and settle nothing.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn readings_the_registration_cannot_produce_are_refused() {
    let mut store = store_with(&metered_genesis(1, 1_000_000_000, MeteringParams::default()));
    let h = household_addr(0);
    run_block_conserving(&mut store, 1, &[bid(h, 0, 1, Side::Sell, 2_000)]);
    let before = store.clone();
    // spec(): 5 kW of PV over a one-hour slot is 5,000 Wh at most.
    let err = run_one(&mut store, report(h, 1, 1, reading(5_001, 0))).unwrap_err();
    assert!(matches!(&err, TxError::MeterImplausible { field, value: 5_001, limit: 5_000, .. } if field == "generation_wh"), "{err}");
    let soc = MeterReading { battery_soc_wh: 10, battery_capacity_wh: 5, ..reading(1, 1) };
    assert_eq!(run_one(&mut store, report(h, 1, 1, soc)), Err(TxError::MeterSocAboveCapacity { soc_wh: 10, capacity_wh: 5 }));
    assert_eq!(store, before, "a refused report changes nothing");
    let stranger = [0x42; 32];
    assert_eq!(run_one(&mut store, report(stranger, 0, 1, reading(1, 1))), Err(TxError::UnknownHousehold { household: stranger }));
}
