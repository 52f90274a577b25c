//! No micro-token is created or lost except by the mint, over random slots of 1 to 10,000
//! households with random limit prices (or none), for every mechanism, in one pool or under a
//! random grid topology (limits that bind or not, losses); and through metered settlement, with
//! random readings, balances too small to pay, and both no-reading rules.

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

/// (sell, quantity Wh, balance, reading: Some(generation, load, soc)).
type MeteredLine = (bool, u64, u64, Option<(u64, u64, u64)>);

fn metered_lines(max: usize) -> impl Strategy<Value = Vec<MeteredLine>> {
    let reading = prop::option::of((0u64..=5_000, 0u64..=17_500, 0u64..=5_000));
    prop::collection::vec((any::<bool>(), 1u64..=7_500, 0u64..=20_000_000, reading), 1..=max)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Slot 1 clears; its households report (or not) in slot 2's block, some with balances
    /// that cannot pay their shortfall; slot 3's clearing closes the window under the rule.
    /// Every block conserves tokens except the mint, no reservation is ever uncovered, and
    /// what the grid account gained is what households paid, less what it paid them.
    #[test]
    fn metered_settlement_conserves_tokens(
        lines in metered_lines(2_000),
        worst in any::<bool>(),
        shortfall_extra in 0u64..=500_000,
    ) {
        let rule = if worst { MissingReading::WorstPlausible } else { MissingReading::AsAllocated };
        let metering = MeteringParams {
            metering_window_slots: 1,
            shortfall_price: Some(1_000_000 + shortfall_extra),
            missing_reading: rule,
            ..MeteringParams::default()
        };
        let mut g = metered_genesis(lines.len() as u32, 0, metering);
        for (b, line) in g.balances.iter_mut().zip(&lines) {
            b.amount = line.2;
        }
        let mut store = store_with(&g);
        let bids: Vec<Tx> = lines.iter().enumerate().map(|(i, &(sell, q, ..))| bid(household_addr(i as u32), 0, 1, side(sell), q)).collect();
        let reports: Vec<Tx> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, &(.., r))| {
                let (generation_wh, load_wh, soc) = r?;
                let reading = MeterReading { generation_wh, load_wh, battery_soc_wh: soc, battery_capacity_wh: 5_000 };
                Some(report(household_addr(i as u32), 1, 1, reading))
            })
            .collect();
        let mut accepted = [0u64; 4];
        for (slot, txs) in [(1, bids), (2, reports), (3, Vec::new())] {
            let before = total_balance(&store);
            let grid_before = balance(&store, &GRID);
            let out = execute_block(&mut store, &ctx(slot, slot), &txs);
            prop_assert_eq!(total_balance(&store), before + out.minted.total() as u128);
            let into_grid: i128 = out.metered.iter().map(|m| i128::from(m.charged) + i128::from(m.debt_collected) - i128::from(m.credited)).sum();
            let c = out.clearing.as_ref().expect("every block here clears its slot");
            let grid_flow = i128::from(c.grid_received) - i128::from(c.grid_paid);
            prop_assert_eq!(i128::from(balance(&store, &GRID)) - i128::from(grid_before), into_grid + grid_flow);
            for (k, v) in store.iter().filter(|(k, _)| k.starts_with(b"acct/")) {
                let acct = chain::codec::decode_account(v).expect("accounts decode");
                prop_assert!(acct.reserved <= acct.balance, "{:?} uncovered", k);
            }
            accepted[slot as usize] = out.tx_results.iter().filter(|r| r.is_ok()).count() as u64;
            if slot == 2 {
                prop_assert_eq!(out.metered.len() as u64, accepted[2]);
            }
            if slot == 3 {
                // Only households whose bid was accepted could report (the others' nonce is 0).
                let closed = out.window_closed.map(|w| (w.bidders, w.reported));
                prop_assert_eq!(closed, (accepted[1] > 0).then_some((accepted[1], accepted[2])));
            }
        }
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
