//! Under a genesis `retention_slots`, a cleared slot's bids, settlements and clearing leave the
//! state once they are that many slots old, the state stops growing with the chain's age, and
//! every account ends exactly as on a chain that keeps everything.

mod common;

use common::*;
use market_runtime::*;

const HOUSEHOLDS: u32 = 20;
const RETENTION: u64 = 24;
const SLOTS: u64 = 200;

/// Runs SLOTS slots in which the first half of the households sell and the rest buy; returns
/// the store and the number of state entries after each slot.
fn run(retention_slots: Option<u64>) -> (MemStore, Vec<usize>) {
    let mut g = genesis(HOUSEHOLDS, 1_000_000_000, Mechanism::Sdr);
    g.params.retention_slots = retention_slots;
    let mut store = store_with(&g);
    let mut sizes = Vec::new();
    for slot in 1..=SLOTS {
        let txs: Vec<Tx> = (0..HOUSEHOLDS)
            .map(|i| {
                let side = if i < HOUSEHOLDS / 2 { Side::Sell } else { Side::Buy };
                bid(household_addr(i), slot - 1, slot, side, 500 + u64::from(i) * 37 + slot % 11)
            })
            .collect();
        run_block_conserving(&mut store, slot, &txs);
        sizes.push(store.iter().count());
    }
    (store, sizes)
}

#[test]
fn settled_slots_leave_the_state_after_the_retention_window() {
    let (kept, kept_sizes) = run(None);
    let (pruned, pruned_sizes) = run(Some(RETENTION));

    for addr in (0..HOUSEHOLDS).map(household_addr).chain([GRID, VALIDATOR]) {
        assert_eq!(account(&kept, &addr).unwrap(), account(&pruned, &addr).unwrap(), "pruning changed an account");
    }
    let oldest_kept = SLOTS - RETENTION + 1;
    assert_eq!(retention::kept_from(&pruned), Some(oldest_kept));
    assert_eq!(retention::kept_from(&kept), None);
    for slot in 1..oldest_kept {
        assert_eq!(slot_clearing(&pruned, slot).unwrap(), None, "slot {slot} is past the window");
        assert!(pruned.scan_prefix(&keys::slot_bids(slot)).is_empty(), "slot {slot}'s bids are still there");
    }
    for slot in oldest_kept..=SLOTS {
        assert_eq!(slot_clearing(&pruned, slot).unwrap(), slot_clearing(&kept, slot).unwrap(), "slot {slot} is in the window");
    }
    // Flat after the window: the state holds the same number of entries from then on, while
    // the unpruned chain grows by a slot's records every slot.
    let after_window = &pruned_sizes[RETENTION as usize + 1..];
    assert!(after_window.windows(2).all(|w| w[0] == w[1]), "pruned state size changes after the window: {after_window:?}");
    let per_slot = usize::try_from(HOUSEHOLDS).unwrap() + 2;
    assert_eq!(kept_sizes[SLOTS as usize - 1] - kept_sizes[SLOTS as usize - 2], per_slot);
}

#[test]
fn a_slot_whose_metering_window_is_open_keeps_its_records_until_it_closes() {
    let mut g = genesis(2, 1_000_000_000, Mechanism::Sdr);
    g.params.retention_slots = Some(RETENTION);
    let mut store = store_with(&g);
    let block = |store: &mut MemStore, slot: u64| {
        let txs = vec![bid(household_addr(0), slot - 1, slot, Side::Sell, 1_000), bid(household_addr(1), slot - 1, slot, Side::Buy, 800)];
        run_block_conserving(store, slot, &txs);
    };
    for slot in 1..=30 {
        block(&mut store, slot);
    }
    assert_eq!(retention::kept_from(&store), Some(30 - RETENTION + 1));
    // A window still open for slot 7 (as a worst-plausible close spread over blocks leaves it).
    store.put(&keys::meter_window(7), vec![0; 16]);
    for slot in 31..=40 {
        block(&mut store, slot);
        assert!(slot_clearing(&store, 7).unwrap().is_some(), "slot 7 pruned at {slot} while its window is open");
        assert_eq!(retention::kept_from(&store), Some(7));
    }
    store.delete(&keys::meter_window(7));
    block(&mut store, 41);
    assert_eq!(slot_clearing(&store, 7).unwrap(), None);
    assert_eq!(retention::kept_from(&store), Some(41 - RETENTION + 1));
}
