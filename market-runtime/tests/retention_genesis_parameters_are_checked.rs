//! A genesis's `retention_slots` is refused outside its bounds, and within a metering window.

mod common;

use common::*;
use market_runtime::*;

fn genesis_with(retention: u64, metering: Option<MeteringParams>) -> Result<(), GenesisError> {
    let mut g = genesis(1, 1_000, Mechanism::Sdr);
    g.params.retention_slots = Some(retention);
    g.params.metering = metering;
    init_genesis(&mut MemStore::new(), &g)
}

#[test]
fn retention_genesis_parameters_are_checked() {
    assert!(matches!(genesis_with(0, None), Err(GenesisError::RetentionOutOfRange { value: 0, .. })));
    assert!(matches!(genesis_with(23, None), Err(GenesisError::RetentionOutOfRange { value: 23, .. })));
    assert!(matches!(genesis_with(87_601, None), Err(GenesisError::RetentionOutOfRange { .. })));
    assert!(matches!(genesis_with(u64::MAX, None), Err(GenesisError::RetentionOutOfRange { .. })));
    assert_eq!(genesis_with(24, None), Ok(()));
    assert_eq!(genesis_with(87_600, None), Ok(()));
    let window = MeteringParams { metering_window_slots: 48, ..MeteringParams::default() };
    assert!(matches!(
        genesis_with(48, Some(window.clone())),
        Err(GenesisError::RetentionWithinMeteringWindow { retention: 48, window: 48 })
    ));
    assert_eq!(genesis_with(49, Some(window)), Ok(()));
}

#[test]
fn retention_survives_the_stored_parameters_round_trip() {
    let mut p = MarketParams::default();
    let without = codec::encode_params(&p);
    p.retention_slots = Some(720);
    let with = codec::encode_params(&p);
    assert_eq!(&with[..without.len()], without.as_slice(), "retention must only append a section");
    assert_eq!(codec::decode_params(&with), Some(p));
    let mut padded = with.clone();
    padded.push(0);
    assert_eq!(codec::decode_params(&padded), None, "a trailing byte is refused");
}
