//! Scenario: every stored value decodes to what was encoded, the bytes of values without the
//! newer optional fields stay what they were (state roots depend on them), and a value cut
//! short or padded does not decode.

use market_runtime::chain::codec::*;
use market_runtime::chain::meter::LatestReading;
use market_runtime::*;

#[test]
fn every_stored_value_decodes_to_what_was_encoded() {
    let acct = Account { balance: 7, reserved: 3, nonce: 9 };
    assert_eq!(decode_account(&encode_account(&acct)), Some(acct));
    let hh = Household {
        address: [4; 32],
        spec: HouseholdSpec { pv_capacity_w: 1, battery_wh: 2, battery_w: 3, import_limit_w: 4, kind: HouseholdKind::Flat, lot: "B-7".into(), node_key: Some([9; 32]) },
        status: HouseholdStatus::Rejected { reason: "no meter".into() },
    };
    assert_eq!(decode_household(&encode_household(&hh)), Some(hh));
    let bid = BidRecord { side: Side::Sell, quantity_wh: 1234, limit_price: None, feeder: None };
    assert_eq!(decode_bid(&encode_bid(&bid)), Some(bid));
    // Without a price, the bytes from before prices existed: state roots depend on them.
    assert_eq!(encode_bid(&bid), [1, 0xD2, 0x04, 0, 0, 0, 0, 0, 0]);
    let priced = BidRecord { side: Side::Buy, quantity_wh: 1234, limit_price: Some(55_000), feeder: None };
    assert_eq!(decode_bid(&encode_bid(&priced)), Some(priced));
    let meter = LatestReading { slot: 9, reading: MeterReading { generation_wh: 1, load_wh: 2, battery_soc_wh: 3, battery_capacity_wh: 4 } };
    assert_eq!(decode_meter(&encode_meter(&meter)), Some(meter));
    let parts = vec![SettledPart { p2p_wh: 1, grid_wh: 2, amount: 3, solar_reward: 4 }; 3];
    assert_eq!(decode_settlements(&encode_settlements(parts.iter().copied())), Some(parts));
    let params = MarketParams { mechanism: Mechanism::BillSharing, ..MarketParams::default() };
    assert_eq!(decode_params(&encode_params(&params)), Some(params.clone()));
    assert_eq!(encode_params(&params).len(), 1 + 9 * 8, "neither topology nor metering: the bytes from before they existed");
    let metering = MeteringParams { shortfall_price: Some(120_000), missing_reading: MissingReading::WorstPlausible, ..MeteringParams::default() };
    let metered = MarketParams { metering: Some(metering), ..params };
    assert_eq!(decode_params(&encode_params(&metered)), Some(metered.clone()));
    // Sections are tagged, each at most once and in tag order.
    let mut repeated = encode_params(&metered);
    repeated.extend_from_slice(&encode_params(&metered)[1 + 9 * 8..]);
    assert_eq!(decode_params(&repeated), None, "a section twice");
    let topology = Topology::compound(3, (Some(0), None), Transformer { import_limit_wh: None, export_limit_wh: Some(u64::MAX) }, 999_999);
    let on_lots = MarketParams { topology: Some(topology.clone()), ..MarketParams::default() };
    assert_eq!(decode_params(&encode_params(&on_lots)), Some(on_lots));
    // Both sections decode (a genesis refuses the pair for now, the encoding does not).
    let both = MarketParams { topology: Some(topology), metering: Some(metering), ..MarketParams::default() };
    assert_eq!(decode_params(&encode_params(&both)), Some(both));
    let on_a_feeder = BidRecord { feeder: Some(63), ..priced };
    assert_eq!(decode_bid(&encode_bid(&on_a_feeder)), Some(on_a_feeder));
}

#[test]
fn truncated_or_padded_values_do_not_decode() {
    let raw = encode_account(&Account::default());
    assert_eq!(decode_account(&raw[..23]), None);
    let mut long = raw.clone();
    long.push(0);
    assert_eq!(decode_account(&long), None);
    assert_eq!(decode_bid(&[2, 0, 0, 0, 0, 0, 0, 0, 0]), None, "side byte 2 is not a side");
    assert_eq!(decode_bid(&[0; 13]), None, "a price must be 8 bytes");
}
