//! Iterations the demand-response solver needs for 10, 623 and 10,000 simulated homes (48 h,
//! SDR prices at the sim's default grid prices), next to the halfway loop the sim ran before,
//! all in micro-tokens/kWh. Run with
//! `cargo run --release -p market-runtime --example dr_iterations`.

use std::time::Instant;

use market_runtime::model::dr_equilibrium::{best_replies, PriceMap};
use market_runtime::model::{sdr_prices, solve_demand_response, Community, CommunityConfig, DemandResponse, DrSettings, Profile};
use market_runtime::MarketParams;

/// Iterations of the reference run that stands in for the limit.
const LONG_RUN: usize = 500;

fn main() {
    let params = MarketParams::default();
    let (lb, ls) = (params.grid_buy_price, params.grid_sell_price);
    let dr = DemandResponse::default();
    let settings = DrSettings::default();
    println!("homes  seed  iterations  converged  last move  off the {LONG_RUN}-iteration prices  old halfway loop  time");
    for homes in [10usize, 623, 10_000] {
        for seed in [1u64, 2, 3] {
            let config = CommunityConfig { households: homes, hours: 48, seed, ..CommunityConfig::default() };
            let profile = Community::generate(&config).profile();
            let mut map = |loads: &[u64]| sdr_prices(&profile, lb, ls, loads);
            let started = Instant::now();
            let eq = solve_demand_response(&profile, &dr, &settings, &mut map);
            let took = started.elapsed();
            // How far the stopped prices are from where the iteration is heading (skipped for
            // 10,000 homes, where the long run would take minutes).
            let distance = (homes <= 1_000).then(|| {
                let long = solve_demand_response(&profile, &dr, &DrSettings { epsilon: 0, max_iterations: LONG_RUN }, &mut map);
                eq.priced.watched.iter().zip(&long.priced.watched).map(|(a, b)| a.abs_diff(*b)).max().unwrap_or(0)
            });
            let distance = distance.map_or("-".to_string(), |d| d.to_string());
            let (old_iterations, old_move) = halfway_loop(&profile, &dr, &settings, &mut map);
            println!(
                "{homes:>5} {seed:>5} {:>11} {:>10} {:>10} {distance:>30} {:>8} (move {old_move}) {took:.2?}",
                eq.iterations, eq.converged, eq.price_movement, old_iterations
            );
        }
    }
}

/// The loop the sim ran before (move halfway to the best reply), for comparison; ignores the
/// rounding remainder, which only shifts a few Wh.
fn halfway_loop(profile: &Profile, dr: &DemandResponse, settings: &DrSettings, map: &mut impl PriceMap) -> (usize, u64) {
    let mut loads = profile.load_wh.clone();
    let mut priced = map.price(&loads);
    let mut moved = 0;
    for k in 1..=settings.max_iterations {
        let reply = best_replies(profile, dr, &priced.faced);
        for (x, r) in loads.iter_mut().zip(&reply) {
            *x = (*x + r) / 2;
        }
        let next = map.price(&loads);
        moved = priced.watched.iter().zip(&next.watched).map(|(a, b)| a.abs_diff(*b)).max().unwrap_or(0);
        priced = next;
        if moved < settings.epsilon {
            return (k, moved);
        }
    }
    (settings.max_iterations, moved)
}
