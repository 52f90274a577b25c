//! Clearing plus settlement of one slot at 623, 10,000 and 1,000,000 households:
//! the pure settlement on typed vectors, and the full `execute_block` over `MemStore`, under
//! SDR with bids without prices (the figures docs/market.md has tracked since the start) and
//! under the two auctions with 70 % of the bids priced, and under SDR on a two-lot topology
//! whose feeder export, transformer import and losses all bind.
//! under the two auctions with 70 % of the bids priced. Metered settlement: the block that
//! carries a block's worth of meter reports for a cleared slot and closes that slot's window
//! over all its households, under each no-reading rule.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use market_runtime::chain::settlement::{settle, BidLine};
use market_runtime::chain::{codec, keys};
use market_runtime::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SIZES: [u32; 3] = [623, 10_000, 1_000_000];
const AUCTIONS: [Mechanism; 2] = [Mechanism::PayAsClear, Mechanism::PayAsBid];

fn addr(i: u32) -> Address {
    let mut a = [0x10u8; 32];
    a[..4].copy_from_slice(&i.to_be_bytes());
    a
}

/// Random bids; with `priced`, 70 % carry a limit price uniform in [Ls, Lb] of the defaults.
fn random_bids(n: u32, priced: bool) -> Vec<BidLine> {
    let p = MarketParams::default();
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    (0..n)
        .map(|_| {
            let side = if rng.gen_bool(0.4) { Side::Sell } else { Side::Buy };
            let quantity_wh = rng.gen_range(1..=5_000);
            let price = rng.gen_range(p.grid_sell_price..=p.grid_buy_price);
            let limit_price = (priced && rng.gen_bool(0.7)).then_some(price);
            BidLine { side, quantity_wh, limit_price, feeder: 0 }
        })
        .collect()
}

/// Two lots: "A" takes every seller and a quarter of the buyers, "B" the other buyers, so A
/// has a surplus of about 625 Wh per household and B a deficit of about 1,125. A's feeder
/// carries out at most 400 Wh per household, the transformer brings in at most 500, and 2 %
/// is lost between lots: all three bind.
fn two_lots(n: u32) -> Topology {
    let per = |wh: u64| Some(wh * u64::from(n));
    let feeder = |lot: &str, export_limit_wh| Feeder { lot: lot.into(), import_limit_wh: None, export_limit_wh };
    Topology {
        feeders: vec![feeder("A", per(400)), feeder("B", None)],
        transformer: Transformer { import_limit_wh: per(500), export_limit_wh: None },
        loss_ppm: 20_000,
    }
}

fn lot_of(i: usize, bid: &BidLine) -> &'static str {
    if bid.side == Side::Sell || i % 4 == 0 {
        "A"
    } else {
        "B"
    }
}

/// A store with `n` approved households that have each bid for slot 2.
fn store_with_bids(n: u32, priced: bool) -> MemStore {
    store_with_bids_under(n, priced, MarketParams::default())
}

/// The same under `params` (under a topology, households on `lot_of`).
fn store_with_bids_under(n: u32, priced: bool, params: MarketParams) -> MemStore {
    let spec = HouseholdSpec { pv_capacity_w: 5_000, battery_wh: 0, battery_w: 0, import_limit_w: 10_000, kind: HouseholdKind::Villa, lot: String::new(), node_key: None };
    let bids = random_bids(n, priced);
    let on_lots = params.topology.is_some();
    let lot = |i: usize| if on_lots { lot_of(i, &bids[i]).to_string() } else { String::new() };
    let grid = [0xEE; 32];
    let mut balances: Vec<GenesisBalance> = (0..n).map(|i| GenesisBalance { address: addr(i), amount: 1_000_000_000 }).collect();
    balances.push(GenesisBalance { address: grid, amount: u64::MAX / 2 });
    let genesis = AppGenesis {
        administrator: [0xAA; 32],
        administrator_set: None,
        grid_account: grid,
        params,
        balances,
        households: (0..n).map(|i| GenesisHousehold { address: addr(i), spec: HouseholdSpec { lot: lot(i as usize), ..spec.clone() } }).collect(),
        validators: vec![GenesisValidator { address: [0x77; 32], power: 1 }],
        market_open: true,
    };
    let mut store = MemStore::new();
    if let Err(e) = init_genesis(&mut store, &genesis) {
        panic!("bench genesis: {e}");
    }
    let txs: Vec<Tx> = bids
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let body = TxBody::Bid { slot: 2, side: b.side, quantity_wh: b.quantity_wh, meter: None, limit_price: b.limit_price };
            Tx { sender: addr(i as u32), nonce: 0, body }
        })
        .collect();
    let ctx = BlockContext { height: 1, slot: 1, proposer: [0x77; 32], signers: vec![[0x77; 32]] };
    let out = execute_block(&mut store, &ctx, &txs);
    assert!(out.tx_results.iter().all(Result::is_ok));
    store
}

fn with_mechanism(store: &MemStore, mechanism: Mechanism) -> MemStore {
    let mut s = store.clone();
    s.put(keys::PARAMS, codec::encode_params(&MarketParams { mechanism, ..MarketParams::default() }));
    s
}

fn bench_settle(c: &mut Criterion) {
    let mut group = c.benchmark_group("settle_slot");
    group.sample_size(10);
    let params = MarketParams::default();
    for n in SIZES {
        let bids = random_bids(n, false);
        group.bench_with_input(BenchmarkId::from_parameter(n), &bids, |b, bids| b.iter(|| settle(&params, bids)));
    }
    group.finish();

    let mut group = c.benchmark_group("settle_slot_auction");
    group.sample_size(10);
    for n in SIZES {
        let bids = random_bids(n, true);
        for mechanism in AUCTIONS {
            let params = MarketParams { mechanism, ..MarketParams::default() };
            group.bench_with_input(BenchmarkId::new(mechanism.name(), n), &bids, |b, bids| b.iter(|| settle(&params, bids)));
        }
    }
    group.finish();
}

fn bench_execute(c: &mut Criterion) {
    let ctx = BlockContext { height: 2, slot: 2, proposer: [0x77; 32], signers: vec![[0x77; 32]] };
    let mut run = |group: &str, id: BenchmarkId, store: &MemStore| {
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        g.bench_with_input(id, store, |b, store| {
            b.iter_batched(|| store.clone(), |mut s| {
                // Return the store so that dropping it is not timed.
                let outcome = execute_block(&mut s, &ctx, &[]);
                (s, outcome)
            }, BatchSize::LargeInput)
        });
        g.finish();
    };
    for n in SIZES {
        run("execute_block_clear_settle", BenchmarkId::from_parameter(n), &store_with_bids(n, false));
        let priced = store_with_bids(n, true);
        for mechanism in AUCTIONS {
            run("execute_block_auction", BenchmarkId::new(mechanism.name(), n), &with_mechanism(&priced, mechanism));
        }
        let store = store_with_bids_under(n, false, MarketParams { topology: Some(two_lots(n)), ..MarketParams::default() });
        assert!(binds_all(&store, &ctx), "the two-lot limits bind at {n}");
        run("execute_block_two_lots", BenchmarkId::from_parameter(n), &store);
    }
}

/// Whether A's feeder export, the transformer's import and losses all bind in the bench slot.
fn binds_all(store: &MemStore, ctx: &BlockContext) -> bool {
    let flows = execute_block(&mut store.clone(), ctx, &[]).clearing.and_then(|c| c.flows);
    flows.is_some_and(|f| f.feeders[0].bound.export && f.transformer_bound.import && f.loss_wh > 0)
}

/// The ledger's `MAX_BLOCK_TXS`: no block carries more reports than this.
const MAX_BLOCK_TXS: u32 = 20_000;

/// Slot 2 cleared with `n` bids and slot 3 cleared empty, under a one-slot window; returns the
/// store and the block for slot 4: min(n, 20,000) reports for slot 2, whose clearing closes
/// slot 2's window (under worst-plausible, its first 100,000 households).
fn metered_block(n: u32, rule: MissingReading) -> (MemStore, Vec<Tx>) {
    let metering = MeteringParams { metering_window_slots: 1, missing_reading: rule, ..MeteringParams::default() };
    let mut store = store_with_bids_under(n, false, MarketParams { metering: Some(metering), ..MarketParams::default() });
    for slot in [2, 3] {
        let ctx = BlockContext { height: slot, slot, proposer: [0x77; 32], signers: vec![[0x77; 32]] };
        execute_block(&mut store, &ctx, &[]);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(u64::from(n) + 1);
    let reports = (0..n.min(MAX_BLOCK_TXS))
        .map(|i| {
            let reading = MeterReading { generation_wh: rng.gen_range(0..=5_000), load_wh: rng.gen_range(0..=10_000), battery_soc_wh: 0, battery_capacity_wh: 0 };
            Tx { sender: addr(i), nonce: 1, body: TxBody::MeterReport { slot: 2, reading } }
        })
        .collect();
    (store, reports)
}

fn bench_metered(c: &mut Criterion) {
    let ctx = BlockContext { height: 4, slot: 4, proposer: [0x77; 32], signers: vec![[0x77; 32]] };
    let mut g = c.benchmark_group("execute_block_meter_reports");
    g.sample_size(10);
    for n in SIZES {
        for rule in [MissingReading::AsAllocated, MissingReading::WorstPlausible] {
            let (store, reports) = metered_block(n, rule);
            let name = format!("{rule:?}");
            g.bench_with_input(BenchmarkId::new(name, n), &store, |b, store| {
                b.iter_batched(|| store.clone(), |mut s| {
                    let outcome = execute_block(&mut s, &ctx, &reports);
                    // A worst-plausible close of more than 100,000 households continues in later blocks.
                    assert!(outcome.window_closed.is_some() || !outcome.metered.is_empty());
                    assert!(outcome.tx_results.iter().all(Result::is_ok));
                    (s, outcome)
                }, BatchSize::LargeInput)
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench_settle, bench_execute, bench_metered);
criterion_main!(benches);
