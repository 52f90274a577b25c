//! Prints one sweep seed's scenario and where every node ended: `cargo run --release
//! -p consensus --features sim --example debug_seed -- <seed> [planted]`.

use consensus::sim::{random_scenario, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().ok_or("usage: debug_seed <seed> [planted]")?.parse()?;
    let planted = args.next().is_some_and(|a| a == "planted");
    let config = random_scenario(seed, planted);
    println!("{config:#?}");
    let report = run(config)?;
    for state in &report.final_states {
        println!("{state:?}");
    }
    println!("violations {:?}", report.violations);
    println!("late {:?}", report.late_decisions);
    println!("all decided {}, end {} ms, events {}, trace {:016x}", report.all_decided, report.end_ms, report.events, report.trace_hash);
    Ok(())
}
