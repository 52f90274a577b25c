//! The SDR mechanism reproduces Liu et al.'s formulas to the micro-token.

mod common;

use common::*;
use market_runtime::chain::clearing::clear;
use market_runtime::*;

fn clear_via_block(tsp: u64, tbp: u64) -> SlotClearing {
    let g = genesis(2, 1_000_000_000_000, Mechanism::Sdr);
    let mut store = store_with(&g);
    let mut txs = Vec::new();
    if tsp > 0 {
        txs.push(bid(household_addr(0), 0, 1, Side::Sell, tsp));
    }
    if tbp > 0 {
        txs.push(bid(household_addr(1), 0, 1, Side::Buy, tbp));
    }
    let out = execute_block(&mut store, &ctx(1, 1), &txs);
    assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
    out.clearing.expect("slot 1 is cleared")
}

#[test]
fn sdr_zero_prices_both_sides_at_retail() {
    let c = clear_via_block(0, 4_000);
    assert_eq!((c.price_sell, c.price_buy), (1_000_000, 1_000_000));
}

#[test]
fn sdr_half_matches_liu_check_values() {
    let c = clear_via_block(2_000, 4_000);
    // Psell = 0.4 / 0.7 = 0.571428.., Pbuy = 0.5 * Psell + 0.5 = 0.785714..
    assert_eq!(c.price_sell, 571_428);
    assert_eq!(c.price_buy, 785_714);
    assert_eq!(c.sdr, Ratio::new(2_000, 4_000));
}

#[test]
fn sdr_one_and_above_price_at_feed_in() {
    for (tsp, tbp) in [(4_000, 4_000), (7_000, 4_000), (3_000, 0)] {
        let c = clear_via_block(tsp, tbp);
        assert_eq!((c.price_sell, c.price_buy), (400_000, 400_000), "tsp {tsp} tbp {tbp}");
    }
}

/// Liu's closed form evaluated in f64 (the reference) against the runtime's exact integer prices.
#[test]
fn sdr_prices_equal_float_formula_within_one_micro_token_over_a_grid_of_ratios() {
    let (lb, ls) = (1_000_000u64, 400_000u64);
    for tbp in [1u64, 7, 1_000, 12_345, 999_999] {
        for step in 0..=20u64 {
            let tsp = tbp * step / 20;
            let p = clear(Mechanism::Sdr, lb, ls, tsp, tbp);
            let sdr = tsp as f64 / tbp as f64;
            let (lbf, lsf) = (lb as f64, ls as f64);
            let sell = if sdr >= 1.0 { lsf } else { lsf * lbf / ((lbf - lsf) * sdr + lsf) };
            let buy = if sdr >= 1.0 { lsf } else { sell * sdr + lbf * (1.0 - sdr) };
            let got_sell = p.sell.num as f64 / p.sell.den as f64;
            let got_buy = p.buy.num as f64 / p.buy.den as f64;
            assert!((got_sell - sell).abs() < 1e-6 * sell, "sell at {tsp}/{tbp}: {got_sell} vs {sell}");
            assert!((got_buy - buy).abs() < 1e-6 * buy, "buy at {tsp}/{tbp}: {got_buy} vs {buy}");
            // The published integer is the exact price rounded down.
            assert_eq!(p.sell.floor(), Some((p.sell.num / p.sell.den) as u128));
        }
    }
}

#[test]
fn sdr_community_budget_balances_buyers_pay_sellers_plus_grid() {
    let c = clear_via_block(2_000, 4_000);
    assert_eq!(c.buyers_paid, c.sellers_received + c.grid_received - c.grid_paid);
    // TBP * Pbuy = 4 kWh * 0.785714.. = 3.142857 tokens, rounded down.
    assert_eq!(c.buyers_paid, 3_142_857);
    assert_eq!(c.grid_received, 2_000_000);
}
