//! `execute_block` is a function of the store and its inputs: same in, same out, every run.

mod common;

use common::*;
use market_runtime::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn run_once(seed: u64) -> (MemStore, Vec<BlockOutcome>) {
    let n = 500u32;
    let mut store = store_with(&genesis(n, 1_000_000_000, Mechanism::Sdr));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut outcomes = Vec::new();
    for slot in 1..=5u64 {
        let txs: Vec<Tx> = (0..n)
            .map(|i| {
                let side = if rng.gen_bool(0.4) { Side::Sell } else { Side::Buy };
                bid(household_addr(i), slot - 1, slot, side, rng.gen_range(1..=7_500))
            })
            .collect();
        outcomes.push(execute_block(&mut store, &ctx(slot, slot), &txs));
    }
    (store, outcomes)
}

#[test]
fn same_store_and_txs_give_identical_state_and_outcomes() {
    let (a_store, a_out) = run_once(42);
    let (b_store, b_out) = run_once(42);
    assert_eq!(a_out, b_out);
    assert_eq!(a_store, b_store);
}

#[test]
fn different_bids_give_different_outcomes() {
    let (_, a) = run_once(1);
    let (_, b) = run_once(2);
    assert_ne!(a, b);
}

#[test]
fn stored_clearing_reads_back_as_executed() {
    let (store, outs) = run_once(7);
    let executed = outs[2].clearing.clone().expect("slot 3 cleared");
    let stored = slot_clearing(&store, 3).unwrap().expect("slot 3 stored");
    assert_eq!(stored, executed);
}
