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
use std::process::{Child, Command, Stdio};
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
}

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
                    wan_delay_ms: d.wan_delay_ms,
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

/// Child processes that are killed when this value is dropped (error paths included).
pub struct Children(pub Vec<(String, Child)>);

impl Children {
    /// Fails when a node has exited: its ports may answer for another process (an earlier
    /// testnet still shutting down), and a report on a dead node would say nothing true.
    fn check_alive(&mut self, nodes: &[LocalnetNode]) -> anyhow::Result<()> {
        for ((name, child), n) in self.0.iter_mut().zip(nodes) {
            if let Some(status) = child.try_wait()? {
                let log = n.home.join("node.log");
                anyhow::bail!("{name} exited ({status}); the end of {}:\n{}", log.display(), log_tail(&log, 20));
            }
        }
        Ok(())
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            terminate(child);
        }
        for (_, child) in &mut self.0 {
            let _ = child.wait();
        }
    }
}

pub fn terminate(child: &mut Child) {
    // SIGTERM lets a node close RocksDB cleanly.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
}

/// A child process that dies with its parent (the kernel sends SIGKILL if we go away).
pub fn spawn_child(exe: &Path, args: &[String], log: &Path) -> anyhow::Result<Child> {
    use std::os::unix::process::CommandExt;
    let log_file = std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let err_file = log_file.try_clone()?;
    let mut cmd = Command::new(exe);
    cmd.args(args).stdin(Stdio::null()).stdout(log_file).stderr(err_file);
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.spawn().with_context(|| format!("cannot start {}", exe.display()))
}

pub fn start_node(exe: &Path, home: &Path) -> anyhow::Result<Child> {
    let args = vec!["start".to_string(), "--home".into(), home.display().to_string(), "--log-format".into(), "json".into()];
    spawn_child(exe, &args, &home.join("node.log"))
}

fn wait_healthy(nodes: &[LocalnetNode], timeout: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        loop {
            if c.get("/health").is_ok() {
                break;
            }
            if started.elapsed() > timeout {
                let log = n.home.join("node.log");
                anyhow::bail!(
                    "{} did not answer /health on port {} within {:?}; the end of {}:\n{}",
                    n.moniker,
                    n.rpc_port,
                    timeout,
                    log.display(),
                    log_tail(&log, 20)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    Ok(())
}

/// The last `lines` lines of a node's log, so a node that failed to start says why.
fn log_tail(log: &Path, lines: usize) -> String {
    match std::fs::read_to_string(log) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read it: {e})"),
    }
}

/// Every node's commit latency per height (`/consensus/latency`) as CSV
/// (`node,height,commit_latency_ms`) and as a chart of latency against height.
fn write_commit_latencies(nodes: &[LocalnetNode], first_height: u64, dir: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    const COLORS: [RGBColor; 4] = [RGBColor(30, 120, 200), RGBColor(220, 120, 0), RGBColor(40, 160, 70), RGBColor(180, 40, 40)];
    let csv_path = dir.join("commit_latency.csv");
    let mut csv = String::from("node,height,commit_latency_ms\n");
    let mut per_node = Vec::new();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        let rows = c.get(&format!("/consensus/latency?from={}", first_height + 1)).unwrap_or(Value::Null);
        let points: Vec<(f64, f64)> = rows
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r["height"].as_u64()? as f64, r["commit_latency_ms"].as_f64()?)))
            .collect();
        for (h, ms) in &points {
            csv.push_str(&format!("{},{},{:.3}\n", n.moniker, *h as u64, ms));
        }
        per_node.push((n.moniker.clone(), points));
    }
    std::fs::write(&csv_path, csv).with_context(|| format!("cannot write {}", csv_path.display()))?;
    let chart_path = dir.join("commit_latency.svg");
    let series: Vec<Series> = per_node
        .iter()
        .enumerate()
        .map(|(i, (name, points))| Series { name, color: COLORS[i % COLORS.len()], points: points.clone() })
        .collect();
    draw(&chart_path, "testnet local: commit latency per height", "height", "ms (proposal time to commit)", &series, true)?;
    Ok((csv_path, chart_path))
}

/// Node 0's settled-bids counter sampled while the testnet runs.
#[derive(Default)]
struct Throughput {
    /// (seconds since the load started, bids settled so far)
    samples: Vec<(f64, u64)>,
}

impl Throughput {
    fn push(&mut self, at: f64, settled: u64) {
        self.samples.push((at, settled));
    }

    /// Over the last two seconds of samples, for the progress line.
    fn recent_rate(&self) -> f64 {
        let Some(&(t1, s1)) = self.samples.last() else { return 0.0 };
        let from = self.samples.iter().find(|(t, _)| *t >= t1 - 2.0).copied().unwrap_or((t1, s1));
        if t1 > from.0 { (s1 - from.1) as f64 / (t1 - from.0) } else { 0.0 }
    }

    /// From the first settlement to the last sample: the rate once bids flow, without the
    /// start-up (keys, nonces, the first slot's wait) that the average over the run includes.
    fn sustained_rate(&self) -> Option<f64> {
        let &(t0, s0) = self.samples.iter().find(|(_, s)| *s > 0)?;
        let &(t1, s1) = self.samples.last()?;
        (t1 - t0 >= 1.0).then(|| (s1 - s0) as f64 / (t1 - t0))
    }

    /// Bids settled per second (over 1 s steps) and height against time.
    fn chart(&self, path: &Path) -> anyhow::Result<()> {
        let mut per_second = Vec::new();
        let mut last: Option<(f64, u64)> = None;
        for &(t, s) in &self.samples {
            match last {
                Some((lt, ls)) if t - lt >= 1.0 => {
                    per_second.push((t, (s - ls) as f64 / (t - lt)));
                    last = Some((t, s));
                }
                None => last = Some((t, s)),
                _ => {}
            }
        }
        let series = [Series { name: "bids settled per second (node 0)", color: RGBColor(30, 120, 200), points: per_second }];
        draw(path, "testnet local: settled bids per second", "seconds since the load started", "bids/s", &series, false)
    }
}

/// Heights, equal roots at the common height, latency percentiles, bids.
pub fn report(nodes: &[LocalnetNode], meter: Option<&Value>, seconds: f64, first_height: u64) -> anyhow::Result<Value> {
    let mut heights = Vec::new();
    let mut metrics_texts = Vec::new();
    let mut per_node = Vec::new();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        let st = c.get("/status").ok();
        let h = st.as_ref().and_then(|s| s["latest_height"].as_u64()).unwrap_or(0);
        heights.push(h);
        let text = c.get_text(&format!("http://127.0.0.1:{}/metrics", n.metrics_port)).unwrap_or_default();
        metrics_texts.push(text);
        per_node.push(json!({
            "moniker": n.moniker, "height": h, "rpc": format!("http://127.0.0.1:{}", n.rpc_port),
            "dashboard": format!("http://127.0.0.1:{}/", n.rpc_port), "metrics": format!("http://127.0.0.1:{}/metrics", n.metrics_port),
            "home": n.home.display().to_string(), "up": st.is_some(),
        }));
    }
    let common = heights.iter().copied().filter(|h| *h > 0).min().unwrap_or(0);
    // Equal block hashes at the common height mean equal histories: each header commits to
    // its parent and to the state root before it.
    let mut hashes = Vec::new();
    let mut roots = Vec::new();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        if let Ok(b) = c.get(&format!("/blocks/{common}")) {
            hashes.push(b["hash"].as_str().unwrap_or("").to_string());
            roots.push(b["header"]["state_root"].as_str().unwrap_or("").to_string());
        }
    }
    let roots_equal = common > 0 && hashes.len() == nodes.len() && hashes.windows(2).all(|w| w[0] == w[1]) && roots.windows(2).all(|w| w[0] == w[1]);
    let commit = prom_read::merge(&metrics_texts.iter().map(|t| prom_read::histogram(t, "solartrade_consensus_commit_latency_seconds")).collect::<Vec<_>>());
    let bid = prom_read::merge(&metrics_texts.iter().map(|t| prom_read::histogram(t, "solartrade_market_bid_settle_latency_seconds")).collect::<Vec<_>>());
    let ms = |b: &[(f64, u64)], q: f64| prom_read::quantile(b, q).map(|s| (s * 1000.0 * 100.0).round() / 100.0);
    let settled = metrics_texts.first().and_then(|t| prom_read::value(t, "solartrade_market_bids_settled_total")).unwrap_or(0.0) as u64;
    let committed_txs = metrics_texts.first().and_then(|t| prom_read::value(t, "solartrade_txs_committed_total")).unwrap_or(0.0) as u64;
    let max_h = heights.iter().copied().max().unwrap_or(0);
    let blocks = max_h.saturating_sub(first_height);
    Ok(json!({
        "validators": nodes.len(),
        "seconds": (seconds * 100.0).round() / 100.0,
        "heights": heights,
        "common_height": common,
        "block_hash_at_common_height": hashes.first(),
        "state_roots_equal": roots_equal,
        "blocks_per_second": (blocks as f64 / seconds.max(1e-9) * 100.0).round() / 100.0,
        "bids_settled_per_second": (settled as f64 / seconds.max(1e-9) * 10.0).round() / 10.0,
        "commit_latency_ms": { "count": prom_read::count(&commit), "p50": ms(&commit, 0.5), "p90": ms(&commit, 0.9), "p99": ms(&commit, 0.99) },
        "bid_settle_latency_ms": { "count": prom_read::count(&bid), "p50": ms(&bid, 0.5), "p90": ms(&bid, 0.9), "p99": ms(&bid, 0.99) },
        "bids": {
            "submitted": meter.and_then(|m| m["submitted"].as_u64()),
            "accepted": meter.and_then(|m| m["accepted"].as_u64()),
            "accepted_reading_only": meter.and_then(|m| m["accepted_reading_only"].as_u64()),
            "rejected": meter.and_then(|m| m["rejected"].as_u64()),
            "settled": settled,
            "txs_committed": committed_txs,
            "meter_errors": meter.map(|m| m["first_errors"].clone()),
        },
        "nodes": per_node,
    }))
}

pub fn print_report(r: &Value) {
    println!("testnet report ({} validators, {} s)", r["validators"], r["seconds"]);
    println!("  heights              {}", r["heights"]);
    println!("  common height        {}  state roots equal: {}", r["common_height"], r["state_roots_equal"]);
    println!(
        "  blocks per second    {}   bids settled per second {} (whole run), {} (sustained, from the first settlement)",
        r["blocks_per_second"], r["bids_settled_per_second"], r["sustained_bids_settled_per_second"]
    );
    if let Some(chart) = r["throughput_chart"].as_str() {
        println!("  throughput chart     {chart}");
    }
    if let (Some(csv), Some(chart)) = (r["commit_latency_csv"].as_str(), r["commit_latency_chart"].as_str()) {
        println!("  commit latency       {csv} (raw, per node and height), {chart}");
    }
    let l = &r["commit_latency_ms"];
    println!("  commit latency ms    p50 {}  p90 {}  p99 {}  (n = {})", l["p50"], l["p90"], l["p99"], l["count"]);
    let b = &r["bid_settle_latency_ms"];
    println!("  bid->settled ms      p50 {}  p90 {}  p99 {}  (n = {})", b["p50"], b["p90"], b["p99"], b["count"]);
    let bids = &r["bids"];
    println!(
        "  bids                 submitted {}  accepted {} (of which {} reading-only, 0 Wh)  rejected {}  settled {}",
        bids["submitted"], bids["accepted"], bids["accepted_reading_only"], bids["rejected"], bids["settled"]
    );
    if let Some(errs) = bids["meter_errors"].as_array() {
        for e in errs {
            println!("    meter-sim error: {}", e.as_str().unwrap_or(""));
        }
    }
    if let Some(nodes) = r["nodes"].as_array() {
        for n in nodes {
            println!("  {:<13} height {:<7} rpc {}  dashboard {}  metrics {}", n["moniker"].as_str().unwrap_or(""), n["height"], n["rpc"].as_str().unwrap_or(""), n["dashboard"].as_str().unwrap_or(""), n["metrics"].as_str().unwrap_or(""));
        }
    }
}

pub fn local(a: LocalArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("cannot find the solartrade binary")?;
    let temp = a.dir.is_none();
    let dir = a.dir.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("solartrade-testnet-{}-{}", std::process::id(), node::service::now_ms())));
    if dir.join("node0").exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let spec = LocalnetSpec {
        dir: dir.clone(),
        chain_id: "solartrade-testnet".into(),
        validators: a.validators,
        households: a.households,
        slot_ms: a.slot_ms,
        seed: a.seed,
        base_port: a.base_port,
        genesis_time_ms: node::service::now_ms() + 3_000,
        host: "127.0.0.1".into(),
    };
    let (_, nodes) = node::localnet::generate(&spec)?;
    let mut children = Children(Vec::new());
    for n in &nodes {
        children.0.push((n.moniker.clone(), start_node(&exe, &n.home)?));
    }
    wait_healthy(&nodes, Duration::from_secs(30))?;
    children.check_alive(&nodes)?;
    let rpcs: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.rpc_port)).collect();
    let first = Client::new(&rpcs[0]);
    // Wait for the first block so the measured window is steady state.
    let start_wait = Instant::now();
    while first.get("/status").ok().and_then(|s| s["latest_height"].as_u64()).unwrap_or(0) < 1 {
        if start_wait.elapsed() > Duration::from_secs(60) {
            anyhow::bail!("no block after 60 s; see the logs in {}", dir.display());
        }
        children.check_alive(&nodes)?;
        std::thread::sleep(Duration::from_millis(50));
    }
    let first_height = first.get("/status").ok().and_then(|s| s["latest_height"].as_u64()).unwrap_or(0);
    let meter_out = dir.join("meter-sim.json");
    let mut meter = None;
    if a.households > 0 {
        let args = vec![
            "meter-sim".to_string(), "--households".into(), a.households.to_string(), "--rpc".into(), rpcs.join(","),
            "--seed".into(), a.seed.to_string(), "--duration".into(), a.duration.to_string(), "--threads".into(), a.threads.to_string(), "--json".into(),
        ];
        meter = Some(spawn_child(&exe, &args, &meter_out)?);
    }
    let started = Instant::now();
    let metrics_url = format!("http://127.0.0.1:{}/metrics", nodes[0].metrics_port);
    let mut samples = Throughput::default();
    let bar = ProgressBar::new((a.duration * 10.0) as u64);
    bar.set_style(ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    while started.elapsed().as_secs_f64() < a.duration {
        std::thread::sleep(Duration::from_millis(200));
        children.check_alive(&nodes)?;
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
    let mut meter_summary = None;
    if let Some(mut m) = meter {
        let _ = m.wait();
        let text = std::fs::read_to_string(&meter_out).unwrap_or_default();
        // The summary is the JSON object at the end of meter-sim's output.
        meter_summary = text.find("{\n").and_then(|i| serde_json::from_str::<Value>(&text[i..]).ok());
    }
    // Let the last slot's bids settle before reading the counters.
    std::thread::sleep(Duration::from_millis(a.slot_ms.max(200) * 2));
    let seconds = started.elapsed().as_secs_f64();
    let mut r = report(&nodes, meter_summary.as_ref(), seconds, first_height)?;
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
        if a.households > 0 {
            // Keep the households bidding so the dashboard shows live clearings.
            let args = vec![
                "meter-sim".to_string(), "--households".into(), a.households.to_string(), "--rpc".into(), rpcs.join(","),
                "--seed".into(), a.seed.to_string(), "--threads".into(), a.threads.to_string(),
            ];
            children.0.push(("meter-sim".into(), spawn_child(&exe, &args, &dir.join("meter-sim-live.log"))?));
        }
        println!("\ntestnet running in {} — press Ctrl-C to stop it", dir.display());
        println!("  admin key: {}", node::localnet::admin_key_path(&dir).display());
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    drop(children);
    if temp {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
