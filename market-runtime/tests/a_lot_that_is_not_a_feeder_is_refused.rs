//! Scenario: under a topology every household must sit on one of its feeders. A registration
//! or genesis household naming another lot is refused with a typed error, as is a topology
//! that cannot be routed (no feeder, a lot named twice, a loss of 100 % or more).

mod common;

use common::*;
use market_runtime::chain::grid::{TopologyError, MAX_FEEDERS};
use market_runtime::*;

fn unlimited() -> Topology {
    two_lots((None, None), (None, None), Transformer::default(), 0)
}

#[test]
fn registration_on_an_unknown_lot_is_refused() {
    let mut store = store_with(&genesis_on(unlimited(), &["A"], Mechanism::Sdr));
    let newcomer = [0x55; 32];
    let on_lot = |lot: &str| HouseholdSpec { lot: lot.into(), ..spec() };
    let refused = run_one(&mut store, tx(newcomer, 0, TxBody::RegisterHousehold(on_lot("C"))));
    assert_eq!(refused, Err(TxError::LotNotAFeeder { lot: "C".into() }));
    assert_eq!(run_one(&mut store, tx(newcomer, 0, TxBody::RegisterHousehold(on_lot("B")))), Ok(()));
}

#[test]
fn genesis_household_on_an_unknown_lot_is_refused() {
    let g = genesis_on(unlimited(), &["A", "a"], Mechanism::Sdr);
    let err = init_genesis(&mut MemStore::new(), &g);
    assert_eq!(err, Err(GenesisError::LotNotAFeeder { address: household_addr(1), lot: "a".into() }));
}

#[test]
fn unroutable_topologies_are_refused() {
    let check = |t: Topology| {
        let mut g = genesis(1, 1, Mechanism::Sdr);
        g.params.topology = Some(t);
        init_genesis(&mut MemStore::new(), &g)
    };
    let mut t = unlimited();
    t.loss_ppm = 1_000_000;
    assert_eq!(check(t), Err(GenesisError::Topology(TopologyError::LossTooHigh { loss_ppm: 1_000_000, max: 1_000_000 })));
    let mut t = unlimited();
    t.feeders[1].lot = "A".into();
    assert_eq!(check(t), Err(GenesisError::Topology(TopologyError::DuplicateLot { lot: "A".into() })));
    let t = Topology { feeders: Vec::new(), ..unlimited() };
    assert_eq!(check(t), Err(GenesisError::Topology(TopologyError::NoFeeders)));
    let many = Topology::compound(MAX_FEEDERS + 1, (None, None), Transformer::default(), 0);
    assert_eq!(check(many), Err(GenesisError::Topology(TopologyError::TooManyFeeders { count: MAX_FEEDERS + 1, max: MAX_FEEDERS })));
    let mut t = unlimited();
    t.feeders[0].lot = String::new();
    assert_eq!(check(t), Err(GenesisError::Topology(TopologyError::EmptyLot { index: 0 })));
}

#[test]
fn the_topology_is_read_from_genesis_json_and_absent_means_none() {
    let json = r#"{"feeders":[{"lot":"A","export_limit_wh":6000},{"lot":"B","import_limit_wh":4000}],
                   "transformer":{"export_limit_wh":9000},"loss_ppm":20000}"#;
    let t: Topology = serde_json::from_str(json).expect("topology json");
    assert_eq!(t, Topology { transformer: Transformer { import_limit_wh: None, export_limit_wh: Some(9_000) }, ..two_lots((None, Some(6_000)), (Some(4_000), None), Transformer::default(), 20_000) });
    let params: MarketParams = serde_json::from_str(&serde_json::to_string(&MarketParams::default()).expect("params json")).expect("params");
    assert_eq!(params.topology, None);
    assert!(!serde_json::to_string(&params).expect("params json").contains("topology"));
}
