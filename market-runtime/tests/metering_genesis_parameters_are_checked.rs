//! Scenario: an operator writes `metering` into genesis.json. `{}` gives the documented
//! defaults (24-slot window, the grid's prices, as-allocated); a zero or oversized window, a
//! zero price, or a surplus price above the shortfall price are refused; and parameters
//! without metering serialize exactly as before it existed.

mod common;

use common::*;
use market_runtime::*;

fn with(metering: MeteringParams) -> Result<(), GenesisError> {
    let mut store = MemStore::new();
    init_genesis(&mut store, &metered_genesis(1, 0, metering))
}

#[test]
fn an_empty_metering_object_gives_the_defaults() {
    let params: MarketParams = serde_json::from_value(serde_json::json!({
        "grid_buy_price": 90000, "grid_sell_price": 40000, "mechanism": "sdr", "block_reward": 0,
        "solar_reward_per_kwh": 0, "slot_ms": 3600000, "max_future_slots": 48, "slash_amount": 0,
        "metering": {}
    }))
    .expect("genesis parses");
    let metering = params.metering.expect("metering on");
    assert_eq!(metering, MeteringParams::default());
    assert_eq!(metering.metering_window_slots, 24);
    assert_eq!(metering.prices(&params), (90_000, 40_000));
    assert_eq!(metering.missing_reading, MissingReading::AsAllocated);
    let json = serde_json::to_value(MarketParams::default()).expect("serializes");
    assert!(json.get("metering").is_none(), "absent metering is not written");
}

#[test]
fn out_of_range_metering_parameters_are_refused() {
    let max = chain::params::MAX_METERING_WINDOW_SLOTS;
    for window in [0, max + 1] {
        let err = with(MeteringParams { metering_window_slots: window, ..MeteringParams::default() }).unwrap_err();
        assert_eq!(err, GenesisError::MeteringWindowOutOfRange { value: window, max });
    }
    let err = with(MeteringParams { shortfall_price: Some(0), ..MeteringParams::default() }).unwrap_err();
    assert!(matches!(err, GenesisError::PriceOutOfRange { name: "shortfall_price", value: 0, .. }), "{err}");
    // The test genesis has Lb 1,000,000: a surplus price above it needs a shortfall price too.
    let err = with(MeteringParams { surplus_price: Some(1_000_001), ..MeteringParams::default() }).unwrap_err();
    assert_eq!(err, GenesisError::SurplusAboveShortfall { surplus_price: 1_000_001, shortfall_price: 1_000_000 });
    assert_eq!(with(MeteringParams { metering_window_slots: max, ..MeteringParams::default() }), Ok(()));
}
