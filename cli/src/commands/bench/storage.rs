//! `solartrade bench storage`: a node's memory and disk over a long chain, with and without
//! pruning.
//!
//! It drives the node's own chain (node-core's `Chain` over RocksDB in a node home, the market
//! runtime, the state tree) block after block as one validator would, with every household
//! bidding its simulated meter's quantity each slot, signed. Consensus and the network are left
//! out: they hold no per-block memory, and leaving them out makes 100,000 blocks take minutes,
//! not the hours they take at a testnet's pace.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use ledger::sign::{Domain, Keypair};
use ledger::tx::VerifiedTx;
use node::agent::HouseholdMeter;
use node::chain::NodeChain;
use node::localnet::{household_keypair, household_spec, LocalnetSpec};

#[derive(clap::Args)]
pub struct Args {
    /// Blocks to commit (one slot each).
    #[arg(long, default_value_t = 100_000)]
    blocks: u64,
    #[arg(long, default_value_t = 623)]
    households: usize,
    /// The genesis's `retention_slots`: settled slots leave the state after this many.
    #[arg(long)]
    retention_slots: Option<u64>,
    /// `[storage] retain_blocks`: keep only the latest this many blocks (0: all).
    #[arg(long, default_value_t = 0)]
    retain_blocks: u64,
    /// A sample (RSS, disk, state entries) every this many blocks.
    #[arg(long, default_value_t = 1_000)]
    sample_every: u64,
    /// Where the node home, `samples.csv` and the chart go (default: a new temp directory;
    /// the home is removed after).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run twice, keeping everything and then pruning (`--retention-slots`, default 720, and
    /// `--retain-blocks`, default 10,000), each in its own process so that RSS is its own,
    /// and chart both.
    #[arg(long)]
    compare: bool,
    /// With `--compare`: blocks of the keep-all run (default: `--blocks`), which slows as its
    /// state grows.
    #[arg(long)]
    keep_all_blocks: Option<u64>,
}

/// One measurement point.
struct Sample {
    height: u64,
    rss_mb: f64,
    disk_mb: f64,
    state_entries: usize,
    blocks_per_s: f64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("solartrade-bench-storage-{}", std::process::id())),
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    if args.compare {
        return compare(&args, &out);
    }
    let samples = measure(&args, &out)?;
    write_csv(&out.join("samples.csv"), &samples)?;
    chart(&out.join("storage.svg"), &[("this run", &samples)])?;
    println!("samples in {}, chart in {}", out.join("samples.csv").display(), out.join("storage.svg").display());
    Ok(())
}

/// Both runs as child processes, then one chart of both.
fn compare(args: &Args, out: &Path) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("cannot find this binary")?;
    let retention = args.retention_slots.unwrap_or(720).to_string();
    let retain = if args.retain_blocks == 0 { 10_000 } else { args.retain_blocks }.to_string();
    let (all_blocks, pruned_blocks) = (args.keep_all_blocks.unwrap_or(args.blocks).to_string(), args.blocks.to_string());
    let runs = [
        ("keep-all", vec!["--blocks", all_blocks.as_str()]),
        ("pruned", vec!["--blocks", pruned_blocks.as_str(), "--retention-slots", retention.as_str(), "--retain-blocks", retain.as_str()]),
    ];
    let mut results = Vec::new();
    for (name, extra) in &runs {
        let dir = out.join(name);
        eprintln!("== {name} ==");
        let status = std::process::Command::new(&exe)
            .args(["bench", "storage", "--households", &args.households.to_string()])
            .args(["--sample-every", &args.sample_every.to_string(), "--out"])
            .arg(&dir)
            .args(extra)
            .status()
            .context("cannot start the child run")?;
        anyhow::ensure!(status.success(), "the {name} run failed: {status}");
        results.push((*name, read_csv(&dir.join("samples.csv"))?));
    }
    let series: Vec<(&str, &[Sample])> = results.iter().map(|(n, s)| (*n, s.as_slice())).collect();
    chart(&out.join("storage.svg"), &series)?;
    for (name, samples) in &results {
        if let Some(last) = samples.last() {
            println!(
                "{name:>9}: at height {}: RSS {:.0} MB, disk {:.0} MB, {} state entries, {:.0} blocks/s",
                last.height, last.rss_mb, last.disk_mb, last.state_entries, last.blocks_per_s
            );
        }
    }
    println!("chart: {}", out.join("storage.svg").display());
    Ok(())
}

/// The run itself: a one-validator genesis of `households` homes, then `blocks` blocks.
fn measure(args: &Args, out: &Path) -> anyhow::Result<Vec<Sample>> {
    let net = out.join("net");
    let _ = std::fs::remove_dir_all(&net);
    let spec = LocalnetSpec {
        dir: net.clone(),
        chain_id: "solartrade-bench-storage".into(),
        validators: 1,
        households: args.households,
        slot_ms: 1_000,
        seed: 1,
        base_port: 26_900,
        genesis_time_ms: 1_700_000_000_000,
        host: "127.0.0.1".into(),
        mechanism: market_runtime::Mechanism::default(),
        metering: false,
        topology: None,
        retention_slots: args.retention_slots,
    };
    let (genesis, nodes) = node::localnet::generate(&spec)?;
    let home = node::home::Home::new(&nodes[0].home);
    let validator = Keypair::load(&home.validator_key_file())?;
    let mut chain = node::chain::open(&home.chain_db(), genesis.clone())?;
    let mut homes = Households::new(args.households, spec.seed);
    let started = Instant::now();
    let mut last = (started, 0u64);
    let mut samples = Vec::new();
    for height in 1..=args.blocks {
        let txs = homes.bids(height, &genesis.chain_id);
        commit(&mut chain, &validator, &genesis.chain_id, genesis.genesis_time_ms + height * 1_000, txs)?;
        if args.retain_blocks > 0 {
            if let Some(below) = height.checked_sub(args.retain_blocks) {
                // As the node does: prune every block, compact every 1,000 pruned heights.
                let before = chain.store().blocks_base()?;
                let after = chain.store().prune_blocks_below(below + 1)?;
                if after / ledger::store::MAX_PRUNE_PER_CALL != before / ledger::store::MAX_PRUNE_PER_CALL {
                    chain.store().compact_pruned()?;
                }
            }
        }
        if height % args.sample_every == 0 || height == args.blocks {
            let now = Instant::now();
            let rate = (height - last.1) as f64 / now.duration_since(last.0).as_secs_f64().max(1e-9);
            last = (now, height);
            let sample = Sample { height, rss_mb: rss_mb(), disk_mb: dir_bytes(&home.chain_db()) as f64 / 1e6, state_entries: chain.state().len(), blocks_per_s: rate };
            eprintln!(
                "height {height}/{}: RSS {:.0} MB, disk {:.0} MB, {} state entries, {:.0} blocks/s",
                args.blocks, sample.rss_mb, sample.disk_mb, sample.state_entries, sample.blocks_per_s
            );
            samples.push(sample);
        }
    }
    drop(chain);
    let _ = std::fs::remove_dir_all(&net);
    Ok(samples)
}

/// Builds the next block of `txs`, signs its certificate and commits it. The bids were just
/// signed here, so their signatures are not checked again (a node checks them at admission).
fn commit(chain: &mut NodeChain, validator: &Keypair, chain_id: &str, now_ms: u64, txs: Vec<VerifiedTx>) -> anyhow::Result<()> {
    let block = chain.build_block(validator.public(), now_ms, txs.iter().map(|v| v.bytes.clone()).collect());
    let height = block.height();
    let payload = ledger::certificate::precommit_payload(chain_id, height, 0, &block.hash());
    let signature = validator.sign(Domain::Precommit, chain_id, &payload).to_vec();
    let cert = ledger::certificate::certificate(height, 0, &block.hash(), vec![(validator.public(), signature)]);
    let (outcome, _) = chain.execute_and_commit(&block, &cert, Some(txs))?;
    let refused = outcome.tx_results.iter().filter(|r| r.is_err()).count();
    anyhow::ensure!(refused == 0, "block {height}: {refused} bids refused, the first: {:?}", outcome.tx_results.iter().find(|r| r.is_err()));
    Ok(())
}

/// The community's meters and keys, bidding every slot as meter-sim does.
struct Households {
    meters: Vec<(Keypair, HouseholdMeter, u64)>,
    profile: market_runtime::model::community::Profile,
}

impl Households {
    fn new(count: usize, seed: u64) -> Self {
        let (community, profile) = node::localnet::community(count, seed);
        let meters = community
            .households
            .iter()
            .enumerate()
            .map(|(i, h)| (household_keypair(seed, i), HouseholdMeter::new(i, &household_spec(i, h)), 0))
            .collect();
        Households { meters, profile }
    }

    /// Every household's signed bid for `slot`, signed on two threads (one a home's meter has
    /// nothing for is skipped).
    fn bids(&mut self, slot: u64, chain_id: &str) -> Vec<VerifiedTx> {
        let half = self.meters.len().div_ceil(2).max(1);
        let profile = &self.profile;
        std::thread::scope(|scope| {
            let parts: Vec<_> = self.meters.chunks_mut(half).map(|part| scope.spawn(move || sign_part(part, profile, slot, chain_id))).collect();
            parts.into_iter().flat_map(|p| p.join().unwrap_or_default()).collect()
        })
    }
}

fn sign_part(part: &mut [(Keypair, HouseholdMeter, u64)], profile: &market_runtime::model::community::Profile, slot: u64, chain_id: &str) -> Vec<VerifiedTx> {
    let mut txs = Vec::with_capacity(part.len());
    for (key, meter, nonce) in part {
        let Some(decision) = meter.step(profile, slot) else { continue };
        let (side, qty) = decision.side_and_quantity();
        let tx = node::agent::bid_tx(key.public(), *nonce, slot, side, qty, Some(decision.reading));
        let Ok(bytes) = ledger::tx::encode_tx(key, chain_id, &tx) else { continue };
        txs.push(VerifiedTx { hash: ledger::hash::sha256(&bytes), tx, bytes });
        *nonce += 1;
    }
    txs
}

/// This process's resident set, from /proc (0 where there is none).
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Bytes of every file under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

fn write_csv(path: &Path, samples: &[Sample]) -> anyhow::Result<()> {
    let mut f = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(f, "height,rss_mb,disk_mb,state_entries,blocks_per_s")?;
    for s in samples {
        writeln!(f, "{},{:.1},{:.1},{},{:.1}", s.height, s.rss_mb, s.disk_mb, s.state_entries, s.blocks_per_s)?;
    }
    Ok(())
}

fn read_csv(path: &Path) -> anyhow::Result<Vec<Sample>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            anyhow::ensure!(f.len() == 5, "{}: line {line:?} does not have 5 fields", path.display());
            Ok(Sample { height: f[0].parse()?, rss_mb: f[1].parse()?, disk_mb: f[2].parse()?, state_entries: f[3].parse()?, blocks_per_s: f[4].parse()? })
        })
        .collect()
}

/// RSS and disk against height, one line per run.
fn chart(path: &Path, runs: &[(&str, &[Sample])]) -> anyhow::Result<()> {
    use crate::chart::{draw, Series};
    use plotters::style::RGBColor;
    let colors = [RGBColor(0xd9, 0x5f, 0x02), RGBColor(0x1b, 0x9e, 0x77), RGBColor(0x75, 0x70, 0xb3), RGBColor(0xe7, 0x29, 0x8a)];
    let mut series = Vec::new();
    let names: Vec<(String, String)> = runs.iter().map(|(n, _)| (format!("{n}: RSS (MB)"), format!("{n}: disk (MB)"))).collect();
    for (i, ((_, samples), (rss, disk))) in runs.iter().zip(&names).enumerate() {
        series.push(Series { name: rss, color: colors[(2 * i) % colors.len()], points: samples.iter().map(|s| (s.height as f64, s.rss_mb)).collect() });
        series.push(Series { name: disk, color: colors[(2 * i + 1) % colors.len()], points: samples.iter().map(|s| (s.height as f64, s.disk_mb)).collect() });
    }
    draw(path, "Node memory and disk over the chain's age", "height (blocks, one slot each)", "MB", &series, false)
}
