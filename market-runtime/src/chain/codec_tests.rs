//! Round trips and refusals of the stored encodings.

use super::*;

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
    let bid = BidRecord { side: Side::Sell, quantity_wh: 1234, limit_price: None };
    assert_eq!(decode_bid(&encode_bid(&bid)), Some(bid));
    // Without a price, the bytes from before prices existed: state roots depend on them.
    assert_eq!(encode_bid(&bid), [1, 0xD2, 0x04, 0, 0, 0, 0, 0, 0]);
    let priced = BidRecord { side: Side::Buy, quantity_wh: 1234, limit_price: Some(55_000) };
    assert_eq!(decode_bid(&encode_bid(&priced)), Some(priced));
    let meter = LatestReading { slot: 9, reading: MeterReading { generation_wh: 1, load_wh: 2, battery_soc_wh: 3, battery_capacity_wh: 4 } };
    assert_eq!(decode_meter(&encode_meter(&meter)), Some(meter));
    let parts = vec![SettledPart { p2p_wh: 1, grid_wh: 2, amount: 3, solar_reward: 4 }; 3];
    assert_eq!(decode_settlements(&encode_settlements(parts.iter().copied())), Some(parts));
    let params = MarketParams { mechanism: Mechanism::BillSharing, ..MarketParams::default() };
    assert_eq!(decode_params(&encode_params(&params)), Some(params.clone()));
    assert_eq!(encode_params(&params).len(), 1 + 9 * 8, "no metering: the bytes from before it existed");
    let metering = MeteringParams { shortfall_price: Some(120_000), missing_reading: MissingReading::WorstPlausible, ..MeteringParams::default() };
    let metered = MarketParams { metering: Some(metering), ..params };
    assert_eq!(decode_params(&encode_params(&metered)), Some(metered));
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
