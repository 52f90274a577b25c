//! Scenario: a chain whose genesis gives no grid topology stores, clears and reports exactly
//! what it did before topologies existed: one fingerprint over every stored byte and every
//! block outcome, recorded before the topology code was written, for every mechanism.

mod common;

use common::*;
use market_runtime::*;
use sha2::{Digest, Sha256};

/// Two slots of 40 households (some bids priced, some with meter readings), a registration,
/// an approval and a transfer, under `mechanism`; returns sha256 over the store and outcomes.
fn fingerprint(mechanism: Mechanism) -> String {
    let mut g = genesis(40, 1_000_000_000, mechanism);
    g.params.grid_buy_price = 90_000;
    g.params.grid_sell_price = 37_003;
    let mut store = store_with(&g);
    let mut hash = Sha256::new();
    let params_json = serde_json::to_string(&g.params).unwrap_or_default();
    hash.update(params_json.as_bytes());
    for (height, slot) in [(1u64, 3u64), (2, 4)] {
        let mut txs: Vec<Tx> = (0..40u32)
            .map(|i| {
                let side = if (i * 7 + slot as u32) % 3 == 0 { Side::Sell } else { Side::Buy };
                let quantity_wh = 100 + u64::from((i * 7919 + slot as u32 * 31) % 4_900);
                let limit_price = (i % 4 != 0).then_some(37_003 + u64::from(i * 1_301 % 52_997));
                let meter = (i % 5 == 0).then_some(MeterReading { generation_wh: 900, load_wh: 400, battery_soc_wh: 10, battery_capacity_wh: 5_000 });
                tx(household_addr(i), height - 1, TxBody::Bid { slot, side, quantity_wh, meter, limit_price })
            })
            .collect();
        if height == 1 {
            txs.push(tx([0x55; 32], 0, TxBody::RegisterHousehold(spec())));
            txs.push(tx(ADMIN, 0, TxBody::ApproveHousehold { household: [0x55; 32] }));
            txs.push(tx(GRID, 0, TxBody::Transfer { to: [0x55; 32], amount: 5_000_000 }));
        }
        let out = execute_block(&mut store, &ctx(height, slot), &txs);
        assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
        hash.update(serde_json::to_string(&out).unwrap_or_default().as_bytes());
    }
    for (key, value) in store.iter() {
        hash.update((key.len() as u64).to_le_bytes());
        hash.update(key);
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn without_a_topology_every_stored_byte_and_outcome_is_as_before() {
    let got: Vec<String> = Mechanism::ALL.iter().map(|&m| format!("{}:{}", m.name(), fingerprint(m))).collect();
    for line in &got {
        println!("{line}");
    }
    let expected = include_str!("no_topology_fingerprints.txt");
    assert_eq!(got.join("\n"), expected.trim_end(), "a chain without topology changed its bytes");
}
