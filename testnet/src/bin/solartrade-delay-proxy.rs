//! `solartrade-delay-proxy --listen ADDR --to ADDR --delay-ms D [--jitter-ms J] [--loss-ppm L]
//! [--seed S]`: a TCP relay emulating a WAN link each way (delay, jitter, segment loss with TCP's
//! retransmission), where the kernel has no netem.

use clap::Parser;
use testnet::link::{rto, Link};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    listen: String,
    #[arg(long)]
    to: String,
    #[arg(long)]
    delay_ms: u64,
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Segments lost per million (10000 = 1 %).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..1_000_000))]
    loss_ppm: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let link = Link { delay_ms: a.delay_ms, jitter_ms: a.jitter_ms, loss_ppm: a.loss_ppm };
    println!("delay-proxy: {} -> {} over {link} each way (retransmission timeout {:?})", a.listen, a.to, rto(&link));
    testnet::delay_proxy::serve(&a.listen, &a.to, link, a.seed).await?;
    Ok(())
}
