//! `sim --compare` without the cli (which needs RocksDB and libp2p to build): every mechanism,
//! without batteries and with each battery strategy, over several seeds, timed. Run with
//! `cargo run --release -p market-runtime --example compare -- [homes] [hours] [seeds] [threads] [MM-DD]`
//! (defaults 623 48 5, all cores, 07-15); prints the table, the battery claim and the wall time.

use std::time::Instant;

use market_runtime::model::{format_day, parse_day, CommunityConfig};
use market_runtime::sim::compare_table::{battery_claims, markdown, render_battery_claims};
use market_runtime::sim::{compare, CompareConfig, CompareSource};
use market_runtime::MarketParams;

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> T {
    args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let homes = arg(&args, 0, 623usize);
    let hours = arg(&args, 1, 48usize);
    let seeds = arg(&args, 2, 5u64);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = arg(&args, 3, cores);
    let start_day = parse_day(args.get(4).map_or("07-15", String::as_str))?;
    let community = CommunityConfig { households: homes, hours, start_day, ..CommunityConfig::default() };
    let config = CompareConfig {
        source: CompareSource::Simulated(community),
        seeds: (1..=seeds).collect(),
        params: MarketParams::default(),
        dr: true,
        threads,
    };
    let started = Instant::now();
    let c = compare(&config, &|_, _| {})?;
    let took = started.elapsed();
    println!("{homes} homes x {hours} h from {}, seeds {:?}, demand response on\n", format_day(start_day), c.seeds);
    print!("{}", markdown(&c));
    println!();
    print!("{}", render_battery_claims(&battery_claims(&c)));
    let runs: usize = c.rows.iter().map(|r| r.per_seed.len()).sum();
    println!("\n{runs} runs in {:.2} s wall on {threads} thread(s)", took.as_secs_f64());
    Ok(())
}
