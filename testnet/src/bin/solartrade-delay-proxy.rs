//! `solartrade-delay-proxy --listen ADDR --to ADDR --delay-ms D`: a TCP relay adding a
//! one-way delay each way (WAN emulation where the kernel has no netem).

use clap::Parser;
use std::time::Duration;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    listen: String,
    #[arg(long)]
    to: String,
    #[arg(long)]
    delay_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    println!("delay-proxy: {} -> {} with {} ms each way", a.listen, a.to, a.delay_ms);
    testnet::delay_proxy::serve(&a.listen, &a.to, Duration::from_millis(a.delay_ms)).await?;
    Ok(())
}
