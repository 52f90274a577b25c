//! `solartrade testnet local`: N validator processes on loopback with fresh homes, a
//! meter-sim load generator, and a report of heights, roots, latency and bids.

use anyhow::Context;
use crate::chart::{draw, Series};
use plotters::style::RGBColor;
use indicatif::{ProgressBar, ProgressStyle};
use node::client::Client;
use node::localnet::{LocalnetNode, LocalnetSpec};
use node::prom_read;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Run a testnet of local processes and report on it.
    Local(LocalArgs),
    /// Only write the homes of a testnet (for docker or manual runs).
    Files(FilesArgs),
}

#[derive(clap::Args, Clone)]
pub struct LocalArgs {
    #[arg(long, default_value_t = 4)]
    pub validators: usize,
    #[arg(long, default_value_t = 10)]
    pub households: usize,
    /// Block pacing, ms per slot (0 = back to back).
    #[arg(long, default_value_t = 1000)]
    pub slot_ms: u64,
    /// Seconds of load before the report.
    #[arg(long, default_value_t = 20.0)]
    pub duration: f64,
    /// Where the homes go (default: a new directory under the system temp dir, removed after).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// First port: node i listens on base+10i (p2p), +1 (RPC), +2 (metrics). Below the
    /// kernel's ephemeral range (32768+), so outgoing connections cannot take them.
    #[arg(long, default_value_t = 26600)]
    pub base_port: u16,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the network running after the report until Ctrl-C.
    #[arg(long)]
    pub keep: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// meter-sim submitting threads.
    #[arg(long, default_value_t = 8)]
    pub threads: usize,
    /// The genesis mechanism: sdr, mmr, bill-sharing, no-trading, pay-as-clear or pay-as-bid.
    /// Under the two auctions meter-sim's bids carry limit prices (`meter-sim --limit-prices`).
    #[arg(long, default_value = "sdr", value_parser = parse_mechanism)]
    pub mechanism: market_runtime::Mechanism,
    /// Metered settlement in the genesis (default window and imbalance prices); meter-sim then
    /// bids forecasts and sends each cleared slot's meter reading (`meter-sim --meter-reports`).
    #[arg(long)]
    pub metering: bool,
    /// Slots a cleared slot's bids, settlements and clearing stay in the state (genesis
    /// `retention_slots`, 24..=87600); absent: forever.
    #[arg(long)]
    pub retention_slots: Option<u64>,
    /// Site and day of the households' simulated weather, sun and load (meter-sim's flags).
    #[command(flatten)]
    pub season: crate::commands::season_args::SeasonArgs,
    /// The households split into lots under one transformer, with limits and losses (as `sim`);
    /// the dashboard then shows the flows between lots.
    #[command(flatten)]
    pub grid: crate::commands::grid_args::GridArgs,
}

#[derive(clap::Args)]
pub struct FilesArgs {
    #[arg(long, default_value_t = 4)]
    validators: usize,
    #[arg(long, default_value_t = 10)]
    households: usize,
    #[arg(long, default_value_t = 1000)]
    slot_ms: u64,
    #[arg(long, alias = "out")]
    dir: PathBuf,
    #[arg(long, default_value_t = 26600)]
    base_port: u16,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Host the nodes listen on and dial each other at.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long, default_value = "solartrade-testnet")]
    chain_id: String,
    /// Also write a docker compose file: fixed container addresses, meter-sim container.
    #[command(flatten)]
    docker: DockerArgs,
}

#[derive(clap::Args)]
struct DockerArgs {
    #[arg(long)]
    docker: bool,
    #[arg(long, default_value = "solartrade")]
    project: String,
    #[arg(long, default_value = "solartrade:local")]
    image: String,
    /// The /24 of the compose network (validator i at .10+i).
    #[arg(long, default_value = "172.28.66.0")]
    subnet: std::net::Ipv4Addr,
    /// Households the meter-sim container bids for (default: all of --households).
    #[arg(long)]
    meter_households: Option<usize>,
    #[arg(long, default_value_t = 4)]
    meter_threads: usize,
    /// One-way delay, ms, between validators (a relay container in front of each).
    #[arg(long, default_value_t = 0)]
    wan_delay_ms: u64,
    /// Uniform jitter, ms, on top of the delay (the relays keep TCP's order).
    #[arg(long, default_value_t = 0)]
    wan_jitter_ms: u64,
    /// TCP segments lost per million between validators (10000 = 1 %), each resent after a
    /// retransmission timeout.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..1_000_000))]
    wan_loss_ppm: u32,
}

mod children;
mod report;

pub use children::{spawn_child, start_node, Children};
use children::wait_healthy;
pub use report::{print_report, report};
use report::{write_commit_latencies, Throughput};

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Sub::Local(a) => local(a),
        Sub::Files(a) => {
            let spec = LocalnetSpec {
                dir: a.dir.clone(),
                chain_id: a.chain_id,
                validators: a.validators,
                households: a.households,
                slot_ms: a.slot_ms,
                seed: a.seed,
                base_port: a.base_port,
                genesis_time_ms: node::service::now_ms() + 5_000,
                host: a.host,
                mechanism: market_runtime::Mechanism::default(),
                metering: false,
                topology: None,
                retention_slots: None,
            };
            let (_, nodes) = node::localnet::generate(&spec)?;
            if a.docker.docker {
                let d = &a.docker;
                let compose = node::compose::ComposeSpec {
                    project: d.project.clone(),
                    image: d.image.clone(),
                    subnet: d.subnet,
                    meter_households: d.meter_households.unwrap_or(a.households).min(a.households),
                    seed: a.seed,
                    meter_threads: d.meter_threads,
                    wan: node::compose::WanLink { delay_ms: d.wan_delay_ms, jitter_ms: d.wan_jitter_ms, loss_ppm: d.wan_loss_ppm },
                };
                node::compose::write(&a.dir, &nodes, &compose)?;
                println!("compose file {}", a.dir.join("docker-compose.yml").display());
            }
            for n in nodes {
                println!("{} {} rpc {} p2p {}", n.moniker, n.home.display(), n.rpc_port, n.p2p_port);
            }
            Ok(())
        }
    }
}

/// `testnet local`: start the nodes, bid with meter-sim for `duration`, report what was measured.
pub fn local(a: LocalArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("cannot find the solartrade binary")?;
    let temp = a.dir.is_none();
    let dir = a.dir.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("solartrade-testnet-{}-{}", std::process::id(), node::service::now_ms())));
    let (nodes, mut children) = start_localnet(&a, &exe, &dir)?;
    let rpcs: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.rpc_port)).collect();
    let first = Client::new(&rpcs[0]);
    let first_height = wait_first_block(&first, &nodes, &mut children, &dir)?;
    let meter_out = dir.join("meter-sim.json");
    let meter = if a.households > 0 {
        let args = meter_sim_args(&a, &rpcs, Some(a.duration));
        Some(spawn_child(&exe, &args, &meter_out)?)
    } else {
        None
    };
    let started = Instant::now();
    let samples = sample(&a, &first, &nodes, &mut children, started)?;
    let meter_summary = meter.and_then(|mut m| {
        let _ = m.wait();
        let text = std::fs::read_to_string(&meter_out).unwrap_or_default();
        // The summary is the JSON object at the end of meter-sim's output.
        text.find("{\n").and_then(|i| serde_json::from_str::<Value>(&text[i..]).ok())
    });
    // Let the last slot's bids settle before reading the counters.
    std::thread::sleep(Duration::from_millis(a.slot_ms.max(200) * 2));
    let mut r = report(&nodes, meter_summary.as_ref(), started.elapsed().as_secs_f64(), first_height)?;
    r["sustained_bids_settled_per_second"] = json!(samples.sustained_rate().map(|v| v.round()));
    if a.dir.is_some() && a.households > 0 {
        let chart = dir.join("throughput.svg");
        samples.chart(&chart)?;
        r["throughput_chart"] = json!(chart.display().to_string());
    }
    if a.dir.is_some() {
        let (csv, chart) = write_commit_latencies(&nodes, first_height, &dir)?;
        r["commit_latency_csv"] = json!(csv.display().to_string());
        r["commit_latency_chart"] = json!(chart.display().to_string());
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        print_report(&r);
    }
    if a.keep {
        keep_running(&a, &exe, &dir, &rpcs, &mut children)?;
    }
    drop(children);
    if temp {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Generates the network's homes in `dir` (cleared first) and starts every node.
fn start_localnet(a: &LocalArgs, exe: &Path, dir: &Path) -> anyhow::Result<(Vec<LocalnetNode>, Children)> {
    if dir.join("node0").exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    let topology = a.grid.topology()?;
    anyhow::ensure!(
        !(a.metering && topology.is_some()),
        "--metering and --lots cannot be combined: a genesis holds metered settlement or a topology, not both (docs/market.md)"
    );
    std::fs::create_dir_all(dir)?;
    let spec = LocalnetSpec {
        dir: dir.to_path_buf(),
        chain_id: "solartrade-testnet".into(),
        validators: a.validators,
        households: a.households,
        slot_ms: a.slot_ms,
        seed: a.seed,
        base_port: a.base_port,
        genesis_time_ms: node::service::now_ms() + 3_000,
        host: "127.0.0.1".into(),
        mechanism: a.mechanism,
        metering: a.metering,
        topology,
        retention_slots: a.retention_slots,
    };
    let (_, nodes) = node::localnet::generate(&spec)?;
    let mut children = Children(Vec::new());
    for n in &nodes {
        children.0.push((n.moniker.clone(), start_node(exe, &n.home)?));
    }
    wait_healthy(&nodes, Duration::from_secs(30))?;
    children.check_alive(&nodes)?;
    Ok((nodes, children))
}

/// Waits for the first block, so the measured window is steady state; returns its height.
fn wait_first_block(first: &Client, nodes: &[LocalnetNode], children: &mut Children, dir: &Path) -> anyhow::Result<u64> {
    let height = || first.get("/status").ok().and_then(|s| s["latest_height"].as_u64()).unwrap_or(0);
    let start_wait = Instant::now();
    while height() < 1 {
        if start_wait.elapsed() > Duration::from_secs(60) {
            anyhow::bail!("no block after 60 s; see the logs in {}", dir.display());
        }
        children.check_alive(nodes)?;
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(height())
}

fn meter_sim_args(a: &LocalArgs, rpcs: &[String], duration: Option<f64>) -> Vec<String> {
    let mut args = vec![
        "meter-sim".to_string(), "--households".into(), a.households.to_string(), "--rpc".into(), rpcs.join(","),
        "--seed".into(), a.seed.to_string(), "--threads".into(), a.threads.to_string(),
    ];
    args.extend(a.season.to_args());
    if a.mechanism.uses_limit_prices() {
        args.push("--limit-prices".into());
    }
    if a.metering {
        args.push("--meter-reports".into());
    }
    if let Some(d) = duration {
        args.extend(["--duration".to_string(), d.to_string(), "--json".into()]);
    }
    args
}

/// Samples the settled-bids counter every 200 ms for the run's duration, with a progress bar.
fn sample(a: &LocalArgs, first: &Client, nodes: &[LocalnetNode], children: &mut Children, started: Instant) -> anyhow::Result<Throughput> {
    let metrics_url = format!("http://127.0.0.1:{}/metrics", nodes[0].metrics_port);
    let mut samples = Throughput::default();
    let bar = ProgressBar::new((a.duration * 10.0) as u64);
    bar.set_style(ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    while started.elapsed().as_secs_f64() < a.duration {
        std::thread::sleep(Duration::from_millis(200));
        children.check_alive(nodes)?;
        let st = first.get("/status").ok();
        let h = st.as_ref().and_then(|s| s["latest_height"].as_u64()).unwrap_or(0);
        let pool = st.as_ref().and_then(|s| s["mempool_size"].as_u64()).unwrap_or(0);
        bar.set_position((started.elapsed().as_secs_f64() * 10.0) as u64);
        let settled = first.get_text(&metrics_url).ok().and_then(|t| prom_read::value(&t, "solartrade_market_bids_settled_total"));
        if let Some(settled) = settled {
            samples.push(started.elapsed().as_secs_f64(), settled as u64);
        }
        bar.set_message(format!("height {h}, mempool {pool}, {:.0} bids/s settled", samples.recent_rate()));
    }
    bar.finish_and_clear();
    Ok(samples)
}

/// `--keep`: the network (and the households bidding, so the dashboard shows live clearings)
/// runs until Ctrl-C.
fn keep_running(a: &LocalArgs, exe: &Path, dir: &Path, rpcs: &[String], children: &mut Children) -> anyhow::Result<()> {
    if a.households > 0 {
        children.0.push(("meter-sim".into(), spawn_child(exe, &meter_sim_args(a, rpcs, None), &dir.join("meter-sim-live.log"))?));
    }
    println!("\ntestnet running in {} — press Ctrl-C to stop it", dir.display());
    println!("  admin key: {}", node::localnet::admin_key_path(dir).display());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn parse_mechanism(name: &str) -> Result<market_runtime::Mechanism, String> {
    market_runtime::Mechanism::ALL.into_iter().find(|m| m.name() == name).ok_or_else(|| {
        let names: Vec<&str> = market_runtime::Mechanism::ALL.iter().map(|m| m.name()).collect();
        format!("unknown mechanism {name:?}; one of {}", names.join(", "))
    })
}
