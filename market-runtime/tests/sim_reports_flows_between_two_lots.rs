//! Scenario: the sim run on the paper's compound of two lots, one with 20 kWp on every roof and
//! one without PV, with feeder and transformer limits that bind at midday and 2 % losses,
//! reports per slot the energy each lot sent to the other (Figure 9) and how often each limit
//! bound; and its slots, replayed through `execute_block` with the same lots, give the very
//! same flows.

use market_runtime::model::{BatteryStrategy, Community, CommunityConfig, Profile};
use market_runtime::sim::grid::{feeder_of, render};
use market_runtime::sim::{grid_report, run_scenario, simulate, Compound, Households, RunSettings, SimSetup, S1};
use market_runtime::*;

const N: usize = 40;

fn compound() -> Compound {
    Compound {
        lots: 2,
        feeder_import_wh: None,
        feeder_export_wh: Some(60_000),
        transformer_import_wh: None,
        transformer_export_wh: Some(4_000),
        loss_ppm: 20_000,
    }
}

fn settings() -> RunSettings {
    let params = MarketParams { topology: Some(compound().topology()), ..MarketParams::default() };
    RunSettings { params, dr: false, battery_strategy: BatteryStrategy::SelfConsumption }
}

/// Lot 1 (the first half) has 20 kWp on every roof, lot 2 no PV at all.
fn profile() -> Profile {
    let cfg = CommunityConfig { households: N, hours: 48, seed: 9, pv_share: 1.0, villa_pv_kw: 20.0, flat_pv_kw: 20.0, ..CommunityConfig::default() };
    let mut p = Community::generate(&cfg).profile();
    for h in N / 2..N {
        p.pv_capacity_w[h] = 0;
        for s in 0..p.slots {
            let i = p.at(s, h);
            p.pv_wh[i] = 0;
        }
    }
    p
}

fn addr(h: usize) -> Address {
    let mut a = [0x10u8; 32];
    a[..8].copy_from_slice(&(h as u64).to_be_bytes());
    a
}

#[test]
fn the_report_shows_flows_between_lots_and_the_limits_that_bound() {
    let settings = settings();
    let run = run_scenario(&profile(), &S1, &settings);
    let topology = settings.params.topology.clone().expect("topology");
    let report = grid_report(&run, &topology).expect("slots carry flows");
    assert_eq!(report.lots, ["lot-1", "lot-2"]);
    assert_eq!(report.slots.len(), run.slots.len());
    println!("{}", render(&report));
    assert!(report.inter_lot_wh > 0, "some energy crossed between the lots");
    assert_eq!(report.inter_lot_wh, report.slots.iter().map(|s| s.inter_lot_wh).sum::<u64>());
    let transformer = report.bound.last().expect("transformer row");
    assert!(transformer.export_slots > 0, "the 4 kWh export limit binds at midday");
    assert!(report.bound[0].export_slots > 0, "lot 1's 60 kWh feeder limit binds at midday");
    let midday = &report.slots[12];
    assert!(midday.to_lots_wh[0] > 0 && midday.to_lots_wh[1] == 0, "at noon lot 1 feeds lot 2");
    assert!(render(&report).contains("lot-1 sent"));

    let setup = SimSetup { settings, scenarios: vec![S1], seed: 9, source: "test".into() };
    let result = simulate(&Households::measured(profile()), &setup, &mut |_| {});
    assert_eq!(result.grid.first().map(|g| g.scenario), Some("s1"));
}

#[test]
fn sim_flows_equal_execute_block_with_the_same_lots() {
    let settings = settings();
    let run = run_scenario(&profile(), &S1, &settings);
    let spec = |h: usize| HouseholdSpec {
        pv_capacity_w: 50_000,
        battery_wh: 0,
        battery_w: 0,
        import_limit_w: 50_000,
        kind: HouseholdKind::Villa,
        lot: format!("lot-{}", feeder_of(h, N, &settings.params) + 1),
        node_key: None,
    };
    let grid = [0xEE; 32];
    let mut balances: Vec<GenesisBalance> = (0..N).map(|h| GenesisBalance { address: addr(h), amount: 1_000_000_000_000 }).collect();
    balances.push(GenesisBalance { address: grid, amount: 1_000_000_000_000 });
    let households = (0..N).map(|h| GenesisHousehold { address: addr(h), spec: spec(h) }).collect();
    let genesis = AppGenesis { administrator: [0xAA; 32], administrator_set: None, grid_account: grid, params: settings.params.clone(), balances, households, validators: vec![], market_open: true };
    let mut store = MemStore::new();
    init_genesis(&mut store, &genesis).expect("genesis");
    for slot in &run.slots {
        let txs: Vec<Tx> = (0..N)
            .filter_map(|h| {
                let net = run.households[slot.slot * N + h].net_wh;
                let side = if net > 0 { Side::Buy } else { Side::Sell };
                let body = TxBody::Bid { slot: slot.slot as u64, side, quantity_wh: net.unsigned_abs(), meter: None, limit_price: None };
                (net != 0).then(|| Tx { sender: addr(h), nonce: 0, body })
            })
            .collect();
        let ctx = BlockContext { height: slot.slot as u64 + 1, slot: slot.slot as u64, proposer: [0x77; 32], signers: vec![] };
        // A household that did not bid in a slot keeps its nonce: replay each in its own order.
        let txs = renumber(txs, &store);
        let out = execute_block(&mut store, &ctx, &txs);
        assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
        let c = out.clearing.expect("cleared");
        assert_eq!(c.flows, slot.flows, "slot {}", slot.slot);
    }
}

/// Sets each tx's nonce to its sender's next one.
fn renumber(txs: Vec<Tx>, store: &MemStore) -> Vec<Tx> {
    txs.into_iter().map(|t| Tx { nonce: account(store, &t.sender).map_or(0, |a| a.nonce), ..t }).collect()
}
