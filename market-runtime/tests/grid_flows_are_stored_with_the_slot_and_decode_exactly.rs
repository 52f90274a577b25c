//! Scenario: under a topology, the genesis parameters and every cleared slot's flows are
//! stored after the fields a chain without topology stores, and read back exactly; a value
//! cut short or padded by one byte does not decode.

mod common;

use common::*;
use market_runtime::chain::{codec, keys};
use market_runtime::*;

#[test]
fn flows_and_topology_round_trip_through_the_store() {
    let transformer = Transformer { import_limit_wh: Some(2_000), export_limit_wh: Some(0) };
    let topology = two_lots((Some(1_000), Some(3_000)), (None, Some(500)), transformer, 12_345);
    let g = genesis_on(topology.clone(), &["A", "B", "A"], Mechanism::PayAsBid);
    let (store, c, _, _) = clear_on(&g, &[(0, Side::Sell, 9_000), (1, Side::Buy, 4_000), (2, Side::Buy, 1_000)]);
    assert_eq!(query::market_params(&store).map(|p| p.topology), Ok(Some(topology)));
    let stored = slot_clearing(&store, 1).expect("readable").expect("slot 1 cleared");
    assert_eq!(stored.flows, c.flows);
    assert!(stored.flows.is_some());

    for key in [keys::slot(1), keys::PARAMS.to_vec()] {
        let raw = store.get(&key).expect("stored");
        let decodes = |bytes: &[u8]| if key == keys::PARAMS { codec::decode_params(bytes).is_some() } else { codec::decode_clearing(bytes).is_some() };
        assert!(decodes(&raw));
        assert!(!decodes(&raw[..raw.len() - 1]), "cut short");
        let mut padded = raw.clone();
        padded.push(0);
        assert!(!decodes(&padded), "padded");
    }
}

#[test]
fn a_bid_records_its_feeder_only_under_a_topology() {
    let g = genesis_on(two_lots((None, None), (None, None), Transformer::default(), 0), &["A", "B"], Mechanism::Sdr);
    let mut store = store_with(&g);
    assert_eq!(run_one(&mut store, bid(household_addr(1), 0, 1, Side::Buy, 10)), Ok(()));
    let raw = store.get(&keys::bid(1, &household_addr(1))).expect("bid stored");
    let record = codec::decode_bid(&raw).expect("decodes");
    assert_eq!((raw.len(), record.feeder, record.limit_price), (11, Some(1), None));
    let priced = codec::BidRecord { limit_price: Some(7), ..record };
    assert_eq!(codec::decode_bid(&codec::encode_bid(&priced)), Some(priced));
    assert_eq!(codec::encode_bid(&priced).len(), 19);
}
