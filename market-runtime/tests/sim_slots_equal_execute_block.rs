//! Scenario: the sim's slots, replayed as bid transactions through `execute_block` on a
//! `MemStore`, clear at the same prices and flows: the sim runs the nodes' market, not a copy.

use market_runtime::model::{BatteryStrategy, Community, CommunityConfig};
use market_runtime::sim::{run_scenario, RunSettings, S1};
use market_runtime::*;

fn addr(h: usize) -> Address {
    let mut a = [0x10u8; 32];
    a[..8].copy_from_slice(&(h as u64).to_be_bytes());
    a
}

#[test]
fn sim_slots_equal_execute_block_on_the_same_bids() {
    let cfg = CommunityConfig { households: 40, hours: 24, seed: 9, ..CommunityConfig::default() };
    let profile = Community::generate(&cfg).profile();
    let params = MarketParams::default();
    let settings = RunSettings { params: params.clone(), dr: false, battery_strategy: BatteryStrategy::SelfConsumption };
    let run = run_scenario(&profile, &S1, &settings);

    let spec = HouseholdSpec {
        pv_capacity_w: 50_000,
        battery_wh: 0,
        battery_w: 0,
        import_limit_w: 50_000,
        kind: HouseholdKind::Villa,
        lot: String::new(),
        node_key: None,
    };
    let grid = [0xEE; 32];
    let mut balances: Vec<GenesisBalance> =
        (0..40).map(|h| GenesisBalance { address: addr(h), amount: 1_000_000_000_000 }).collect();
    balances.push(GenesisBalance { address: grid, amount: 1_000_000_000_000 });
    let genesis = AppGenesis {
        administrator: [0xAA; 32],
        administrator_set: None,
        grid_account: grid,
        params: params.clone(),
        balances,
        households: (0..40).map(|h| GenesisHousehold { address: addr(h), spec: spec.clone() }).collect(),
        validators: vec![],
        market_open: true,
    };
    let mut store = MemStore::new();
    init_genesis(&mut store, &genesis).expect("genesis");
    let mut nonces = [0u64; 40];
    for slot in &run.slots {
        let txs: Vec<Tx> = (0..40)
            .filter_map(|h| {
                let net = run.households[slot.slot * 40 + h].net_wh;
                (net != 0).then(|| {
                    let side = if net > 0 { Side::Buy } else { Side::Sell };
                    let tx = Tx { sender: addr(h), nonce: nonces[h], body: TxBody::Bid { slot: slot.slot as u64, side, quantity_wh: net.unsigned_abs(), meter: None, limit_price: None } };
                    nonces[h] += 1;
                    tx
                })
            })
            .collect();
        let ctx = BlockContext { height: slot.slot as u64 + 1, slot: slot.slot as u64, proposer: [0x77; 32], signers: vec![] };
        let out = execute_block(&mut store, &ctx, &txs);
        assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
        let c = out.clearing.expect("cleared");
        assert_eq!(
            (c.price_sell, c.price_buy, c.p2p_wh, c.grid_import_wh, c.grid_export_wh, c.buyers_paid),
            (slot.price_sell, slot.price_buy, slot.p2p_wh, slot.grid_import_wh, slot.grid_export_wh, slot.buyers_paid),
            "slot {}",
            slot.slot
        );
    }
}
