//! Clearing plus settlement of one slot at 623, 10,000 and 1,000,000 households:
//! the pure settlement on typed vectors, and the full `execute_block` over `MemStore`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use market_runtime::chain::settlement::{settle, BidLine};
use market_runtime::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SIZES: [u32; 3] = [623, 10_000, 1_000_000];

fn addr(i: u32) -> Address {
    let mut a = [0x10u8; 32];
    a[..4].copy_from_slice(&i.to_be_bytes());
    a
}

fn random_bids(n: u32) -> Vec<BidLine> {
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    (0..n)
        .map(|_| BidLine::new(if rng.gen_bool(0.4) { Side::Sell } else { Side::Buy }, rng.gen_range(1..=5_000)))
        .collect()
}

/// A store with `n` approved households that have each bid for slot 2.
fn store_with_bids(n: u32) -> MemStore {
    let spec = HouseholdSpec { pv_capacity_w: 5_000, battery_wh: 0, battery_w: 0, import_limit_w: 10_000, kind: HouseholdKind::Villa, lot: String::new(), node_key: None };
    let grid = [0xEE; 32];
    let mut balances: Vec<GenesisBalance> = (0..n).map(|i| GenesisBalance { address: addr(i), amount: 1_000_000_000 }).collect();
    balances.push(GenesisBalance { address: grid, amount: u64::MAX / 2 });
    let genesis = AppGenesis {
        administrator: [0xAA; 32],
        grid_account: grid,
        params: MarketParams::default(),
        balances,
        households: (0..n).map(|i| GenesisHousehold { address: addr(i), spec: spec.clone() }).collect(),
        validators: vec![GenesisValidator { address: [0x77; 32], power: 1 }],
        market_open: true,
    };
    let mut store = MemStore::new();
    if let Err(e) = init_genesis(&mut store, &genesis) {
        panic!("bench genesis: {e}");
    }
    let txs: Vec<Tx> = random_bids(n)
        .into_iter()
        .enumerate()
        .map(|(i, b)| Tx { sender: addr(i as u32), nonce: 0, body: TxBody::Bid { slot: 2, side: b.side, quantity_wh: b.quantity_wh, meter: None, limit_price: None } })
        .collect();
    let ctx = BlockContext { height: 1, slot: 1, proposer: [0x77; 32], signers: vec![[0x77; 32]] };
    let out = execute_block(&mut store, &ctx, &txs);
    assert!(out.tx_results.iter().all(Result::is_ok));
    store
}

fn bench(c: &mut Criterion) {
    let params = MarketParams::default();
    let mut group = c.benchmark_group("settle_slot");
    group.sample_size(10);
    for n in SIZES {
        let bids = random_bids(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &bids, |b, bids| b.iter(|| settle(&params, bids)));
    }
    group.finish();

    let mut group = c.benchmark_group("execute_block_clear_settle");
    group.sample_size(10);
    for n in SIZES {
        let store = store_with_bids(n);
        let ctx = BlockContext { height: 2, slot: 2, proposer: [0x77; 32], signers: vec![[0x77; 32]] };
        group.bench_with_input(BenchmarkId::from_parameter(n), &store, |b, store| {
            b.iter_batched(|| store.clone(), |mut s| {
                // Return the store so that dropping it is not timed.
                let outcome = execute_block(&mut s, &ctx, &[]);
                (s, outcome)
            }, BatchSize::LargeInput)
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
