//! Bids carrying meter readings: out-of-range readings are refused with the field and value,
//! old bids without a reading still apply, a 0 Wh bid with a reading only records it, and state
//! keeps one latest reading per household.

mod common;

use common::*;
use market_runtime::*;

fn fresh() -> MemStore {
    store_with(&genesis(3, 1_000_000_000, Mechanism::Sdr))
}

fn reading() -> MeterReading {
    MeterReading { generation_wh: 3_000, load_wh: 1_200, battery_soc_wh: 2_000, battery_capacity_wh: 5_000 }
}

fn metered(sender: Address, nonce: u64, slot: u64, meter: MeterReading) -> Tx {
    Tx { sender, nonce, body: TxBody::Bid { slot, side: Side::Sell, quantity_wh: 1_000, meter: Some(meter), limit_price: None } }
}

/// Applies `t` through a block at slot 0 and returns its result; check_tx must agree.
fn run(store: &mut MemStore, t: Tx) -> Result<(), TxError> {
    let checked = check_tx(store, &t);
    let out = execute_block(store, &ctx(1, 0), &[t]);
    assert_eq!(checked, out.tx_results[0], "check_tx and execution disagree");
    out.tx_results[0].clone()
}

#[test]
fn a_value_above_the_meter_limit_is_refused_naming_the_field() {
    let mut s = fresh();
    let too_much = params::MAX_METER_WH + 1;
    let err = run(&mut s, metered(household_addr(0), 0, 5, MeterReading { load_wh: too_much, ..reading() })).unwrap_err();
    assert_eq!(err, TxError::MeterValueTooLarge { field: "load_wh".into(), value: too_much, max: params::MAX_METER_WH });
    assert!(err.to_string().contains("load_wh is 10000001 Wh"), "{err}");
}

#[test]
fn state_of_charge_above_capacity_is_refused() {
    let mut s = fresh();
    let bad = MeterReading { battery_soc_wh: 4_001, battery_capacity_wh: 4_000, ..reading() };
    let err = run(&mut s, metered(household_addr(0), 0, 5, bad)).unwrap_err();
    assert_eq!(err, TxError::MeterSocAboveCapacity { soc_wh: 4_001, capacity_wh: 4_000 });
}

#[test]
fn generation_beyond_the_registered_pv_is_refused() {
    // spec(): 5 kW of PV, one-hour slots, so 5,000 Wh at most.
    let mut s = fresh();
    let err = run(&mut s, metered(household_addr(0), 0, 5, MeterReading { generation_wh: 5_001, ..reading() })).unwrap_err();
    assert!(
        matches!(&err, TxError::MeterImplausible { field, value: 5_001, limit: 5_000, .. } if field == "generation_wh"),
        "{err}"
    );
}

#[test]
fn a_refused_reading_leaves_no_bid_and_no_reservation() {
    let mut s = fresh();
    let before = account(&s, &household_addr(0)).expect("account");
    let bad = MeterReading { battery_capacity_wh: 9_000, battery_soc_wh: 1, ..reading() };
    assert!(run(&mut s, metered(household_addr(0), 0, 5, bad)).is_err());
    assert_eq!(account(&s, &household_addr(0)).expect("account").reserved, before.reserved);
    assert_eq!(meter_reading(&s, &household_addr(0)), Ok(None));
}

#[test]
fn a_bid_without_a_reading_still_applies() {
    let mut s = fresh();
    assert_eq!(run(&mut s, bid(household_addr(0), 0, 5, Side::Buy, 100)), Ok(()));
    assert_eq!(meter_reading(&s, &household_addr(0)), Ok(None));
}

#[test]
fn a_zero_bid_with_a_reading_records_the_reading_and_bids_nothing() {
    let mut s = fresh();
    let h = household_addr(2);
    let balanced = Tx { sender: h, nonce: 0, body: TxBody::Bid { slot: 4, side: Side::Buy, quantity_wh: 0, meter: Some(reading()), limit_price: None } };
    assert_eq!(run(&mut s, balanced), Ok(()));
    assert_eq!(meter_reading(&s, &h).expect("readable").map(|m| (m.slot, m.reading)), Some((4, reading())));
    assert_eq!(account(&s, &h).expect("account").reserved, 0);
    assert!(!s.iter().any(|(k, _)| k.starts_with(b"bid/")), "a reading-only bid leaves no bid record");
    // Its slot clears without it.
    let out = execute_block(&mut s, &ctx(2, 4), &[]);
    assert!(out.clearing.expect("cleared").settlements.is_empty());
    // Still out of range is still refused.
    let bad = Tx { sender: h, nonce: 1, body: TxBody::Bid { slot: 6, side: Side::Buy, quantity_wh: 0, meter: Some(MeterReading { battery_soc_wh: 6_000, ..reading() }), limit_price: None } };
    assert_eq!(run(&mut s, bad), Err(TxError::MeterSocAboveCapacity { soc_wh: 6_000, capacity_wh: 5_000 }));
}

#[test]
fn the_latest_slot_reading_is_kept_whatever_the_arrival_order() {
    let mut s = fresh();
    let h = household_addr(1);
    let later = MeterReading { battery_soc_wh: 4_500, ..reading() };
    assert_eq!(run(&mut s, metered(h, 0, 9, later)), Ok(()));
    assert_eq!(run(&mut s, metered(h, 1, 7, reading())), Ok(()));
    let latest = meter_reading(&s, &h).expect("readable").expect("stored");
    assert_eq!((latest.slot, latest.reading), (9, later));
    // One key per household: a third reading replaces, it does not add.
    let keys_before = s.iter().filter(|(k, _)| k.starts_with(b"meter/")).count();
    assert_eq!(run(&mut s, metered(h, 2, 10, reading())), Ok(()));
    assert_eq!(s.iter().filter(|(k, _)| k.starts_with(b"meter/")).count(), keys_before);
    assert_eq!(meter_reading(&s, &h).expect("readable").map(|m| m.slot), Some(10));
}
