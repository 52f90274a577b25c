//! Prints one sweep seed's scenario and where every node ended: `cargo run --release
//! -p consensus --features sim --example debug_seed -- <seed> [planted] [log]`.

use consensus::sim::{random_scenario, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().ok_or("usage: debug_seed <seed> [planted]")?.parse()?;
    let flags: Vec<String> = args.collect();
    let mut config = random_scenario(seed, flags.iter().any(|a| a == "planted"));
    config.log_events = flags.iter().any(|a| a == "log");
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
