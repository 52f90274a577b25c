//! No micro-token is created or lost except by the mint, over random slots of 1 to 10,000
//! households with random limit prices (or none), for every mechanism, in one pool or under a
//! random grid topology (limits that bind or not, losses).

mod common;

use common::*;
use market_runtime::chain::settlement::{settle, BidLine};
use market_runtime::chain::tx::reservation;
use market_runtime::*;
use proptest::prelude::*;

/// (sell, quantity Wh, limit price as thousandths of the way from Ls to Lb, or none).
fn bids(max: usize) -> impl Strategy<Value = Vec<(bool, u64, Option<u64>)>> {
    prop::collection::vec((any::<bool>(), 1u64..=7_500, prop::option::of(0u64..=1_000)), 1..=max)
}

fn side(sell: bool) -> Side {
    if sell {
        Side::Sell
    } else {
        Side::Buy
    }
}

/// A limit price `frac` thousandths of the way from `ls` to `lb`.
fn price(frac: Option<u64>, lb: u64, ls: u64) -> Option<u64> {
    frac.map(|f| ls + (lb - ls) * f / 1_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Through the full block path (genesis, bid txs, clearing, settlement, mint), for every
    /// mechanism on the same random slot.
    #[test]
    fn block_execution_conserves_tokens_except_the_mint(
        lines in bids(10_000),
        reward in 0u64..10_000,
        topo in prop::option::of(topologies::topology()),
    ) {
        for mech in Mechanism::ALL {
            let n = lines.len() as u32;
            let mut g = genesis(n, 1_000_000_000, mech);
            if let Some(t) = &topo {
                // Household i on lot i mod the number of lots.
                for (i, h) in g.households.iter_mut().enumerate() {
                    h.spec.lot = t.feeders[i % t.feeders.len()].lot.clone();
                }
            }
            g.params.topology = topo.clone();
            g.params.solar_reward_per_kwh = reward;
            g.params.grid_buy_price = 90_000;
            g.params.grid_sell_price = 37_003;
            let mut store = store_with(&g);
            let txs: Vec<Tx> = lines
                .iter()
                .enumerate()
                .map(|(i, &(sell, q, frac))| {
                    let body = TxBody::Bid { slot: 3, side: side(sell), quantity_wh: q, meter: None, limit_price: price(frac, 90_000, 37_003) };
                    tx(household_addr(i as u32), 0, body)
                })
                .collect();
            let before = total_balance(&store);
            let out = execute_block(&mut store, &ctx(1, 3), &txs);
            prop_assert!(out.tx_results.iter().all(Result::is_ok));
            let after = total_balance(&store);
            prop_assert_eq!(after, before + out.minted.total() as u128, "{:?}", mech);
            let c = out.clearing.expect("slot cleared");
            prop_assert_eq!(c.buyers_paid + c.grid_paid, c.sellers_received + c.grid_received);
            // Every reservation was released: nothing stays locked after the slot.
            for i in 0..n {
                prop_assert_eq!(account(&store, &household_addr(i)).unwrap().reserved, 0);
            }
            prop_assert_eq!(account(&store, &GRID).unwrap().reserved, 0);
        }
    }

    /// The pure settlement: per-household amounts sum to the totals, energy splits add up,
    /// and no buyer pays more than its worst case (what it reserved).
    #[test]
    fn settlement_splits_sum_to_totals_and_stay_within_reservations(
        mech in prop::sample::select(Mechanism::ALL.to_vec()),
        lines in bids(2_000),
        lb in 1_000u64..=10_000_000,
        ls_frac in 1u64..=1_000,
        topology in prop::option::of(topologies::topology()),
    ) {
        let ls = (lb * ls_frac / 1_000).max(1);
        let params = MarketParams { grid_buy_price: lb, grid_sell_price: ls, mechanism: mech, topology, ..MarketParams::default() };
        // Feeder indices 0 to 4: under fewer lots, some bids name no feeder and take no part.
        let bids: Vec<BidLine> = lines
            .iter()
            .enumerate()
            .map(|(i, &(sell, q, frac))| BidLine { limit_price: price(frac, lb, ls), feeder: (i % 5) as u16, ..BidLine::new(side(sell), q) })
            .collect();
        let s = settle(&params, &bids);
        let side_sum = |side: Side, f: &dyn Fn(&market_runtime::chain::settlement::Line) -> u64| -> u64 {
            bids.iter().zip(&s.lines).filter(|(b, _)| b.side == side).map(|(_, l)| f(l)).sum()
        };
        prop_assert_eq!(side_sum(Side::Buy, &|l| l.amount), s.buyers_paid);
        prop_assert_eq!(side_sum(Side::Sell, &|l| l.amount), s.sellers_received);
        prop_assert_eq!(s.buyers_paid + s.grid_paid, s.sellers_received + s.grid_received);
        prop_assert_eq!(side_sum(Side::Buy, &|l| l.p2p_wh), s.prices.p2p_wh);
        prop_assert_eq!(side_sum(Side::Sell, &|l| l.p2p_wh), s.prices.p2p_wh);
        prop_assert_eq!(side_sum(Side::Buy, &|l| l.grid_wh), s.prices.grid_import_wh);
        prop_assert_eq!(side_sum(Side::Sell, &|l| l.grid_wh), s.prices.grid_export_wh);
        for (b, l) in bids.iter().zip(&s.lines) {
            if b.side == Side::Buy {
                prop_assert!(l.amount <= reservation(Side::Buy, b.quantity_wh, &params));
            }
        }
        let grid_out: u64 = bids.iter().filter(|b| b.side == Side::Sell).map(|b| reservation(Side::Sell, b.quantity_wh, &params)).sum();
        prop_assert!(s.grid_paid <= grid_out);
    }
}

#[test]
fn skipped_slot_bids_expire_and_release_their_reservations() {
    let mut store = store_with(&genesis(2, 1_000_000_000, Mechanism::Sdr));
    let txs = [bid(household_addr(0), 0, 5, Side::Buy, 1_000), bid(household_addr(1), 0, 5, Side::Sell, 1_000)];
    let out = execute_block(&mut store, &ctx(1, 4), &txs);
    assert!(out.tx_results.iter().all(Result::is_ok));
    assert_eq!(account(&store, &household_addr(0)).unwrap().reserved, 1_000_000);
    // The chain jumps from slot 4 to slot 6: slot 5's bids expire.
    let out = execute_block(&mut store, &ctx(2, 6), &[]);
    assert_eq!(out.expired_bids, 2);
    assert_eq!(account(&store, &household_addr(0)).unwrap().reserved, 0);
    assert_eq!(account(&store, &GRID).unwrap().reserved, 0);
}
