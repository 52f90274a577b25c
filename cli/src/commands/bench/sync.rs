//! `solartrade bench sync`: how fast a fresh node fetches, verifies, executes and commits
//! the blocks it missed; with `--state-sync`, also how fast a second fresh node joins by
//! installing the validator's snapshot at that height instead.

use crate::commands::testnet::{start_node, Children};
use indicatif::{ProgressBar, ProgressStyle};
use node::client::Client;
use node::localnet::{LocalnetNode, LocalnetSpec};
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Blocks the validator commits before the fresh node starts.
    #[arg(long, default_value_t = 10_000)]
    blocks: u64,
    /// First port (two nodes: base and base+10).
    #[arg(long, default_value_t = 26800)]
    base_port: u16,
    #[arg(long)]
    json: bool,
    /// Also join a second fresh node by state sync (the validator snapshots at `--blocks`).
    #[arg(long)]
    state_sync: bool,
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn wait_for(client: &Client, height: u64, bar: &ProgressBar, timeout: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let h = client.get("/status").ok().and_then(|s| s["latest_height"].as_u64()).unwrap_or(0);
        bar.set_position(h.min(height));
        if h >= height {
            return Ok(());
        }
        if started.elapsed() > timeout {
            anyhow::bail!("{} stayed at height {h} of {height} for {timeout:?}", client.base());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How long a phase may take: `floor_s`, or 20 ms a block on long chains (block sync of
/// 100,000 blocks reached 71,086 in 600 s with a build sharing the two cores).
fn limit(blocks: u64, floor_s: u64) -> Duration {
    Duration::from_secs(floor_s.max(blocks / 50))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let dir = std::env::temp_dir().join(format!("solartrade-bench-sync-{}", std::process::id()));
    let spec = LocalnetSpec {
        dir: dir.clone(),
        chain_id: "solartrade-bench".into(),
        validators: 1,
        households: 0,
        slot_ms: 0,
        seed: 1,
        base_port: args.base_port,
        genesis_time_ms: node::service::now_ms(),
        host: "127.0.0.1".into(),
        mechanism: market_runtime::Mechanism::default(),
        metering: false,
        topology: None,
        retention_slots: None,
    };
    let (_, nodes) = node::localnet::generate(&spec)?;
    let validator = &nodes[0];
    let fresh = dir.join("fresh");
    let p = args.base_port + 10;
    prepare_fresh_node(validator, &fresh, p, None)?;
    let joiner = dir.join("joiner");
    if args.state_sync {
        prepare_fresh_node(validator, &joiner, p + 10, Some(format!("127.0.0.1:{}", validator.rpc_port)))?;
        let path = validator.home.join("config/config.toml");
        let mut vconfig = node::config::Config::load(&path)?;
        vconfig.statesync.snapshot_interval = args.blocks;
        vconfig.save(&path)?;
    }

    let mut children = Children(vec![("validator".into(), start_node(&exe, &validator.home)?)]);
    let vclient = Client::new(&format!("127.0.0.1:{}", validator.rpc_port));
    let style = ProgressStyle::with_template("{msg:12} {bar:40} {pos}/{len} [{elapsed_precise}]").unwrap_or_else(|_| ProgressStyle::default_bar());
    let bar = ProgressBar::new(args.blocks).with_style(style.clone()).with_message("producing");
    let produce_started = Instant::now();
    wait_for(&vclient, args.blocks, &bar, limit(args.blocks, 1_800))?;
    let produce_s = produce_started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let fclient = Client::new(&format!("127.0.0.1:{}", p + 1));
    let bar = ProgressBar::new(args.blocks).with_style(style).with_message("syncing");
    let sync_started = Instant::now();
    children.0.push(("fresh".into(), start_node(&exe, &fresh)?));
    wait_for(&fclient, args.blocks, &bar, limit(args.blocks, 600))?;
    let sync_s = sync_started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let same = vclient.get(&format!("/blocks/{}", args.blocks))?["hash"] == fclient.get(&format!("/blocks/{}", args.blocks))?["hash"];
    let state_sync_s = if args.state_sync { Some(join_by_state_sync(&exe, &joiner, p + 10, args.blocks, &mut children)?) } else { None };
    drop(children);
    let _ = std::fs::remove_dir_all(&dir);
    print_report(&args, produce_s, sync_s, same, state_sync_s)
}

/// Starts the state-syncing node and times it until it holds height `blocks` (its snapshot's).
fn join_by_state_sync(exe: &Path, home: &Path, p: u16, blocks: u64, children: &mut Children) -> anyhow::Result<f64> {
    let client = Client::new(&format!("127.0.0.1:{}", p + 1));
    let bar = ProgressBar::new(blocks).with_message("state sync");
    let started = Instant::now();
    children.0.push(("joiner".into(), start_node(exe, home)?));
    wait_for(&client, blocks, &bar, limit(blocks, 600))?;
    bar.finish_and_clear();
    Ok(started.elapsed().as_secs_f64())
}

/// Makes `fresh` the home of a node with the validator's genesis, its own node key and no
/// validator key, listening from port `p`, and lets the validator accept it as a peer.
fn prepare_fresh_node(validator: &LocalnetNode, fresh: &Path, p: u16, state_sync_from: Option<String>) -> anyhow::Result<()> {
    copy_dir(&validator.home.join("config"), &fresh.join("config"))?;
    std::fs::remove_file(fresh.join("config/validator_key.json"))?;
    let node_key = ledger::sign::Keypair::generate();
    node_key.save(&fresh.join("config/node_key.json"))?;
    let fresh_id = node::localnet::node_id_of(&node_key)?;
    let mut vconfig = node::config::Config::load(&validator.home.join("config/config.toml"))?;
    vconfig.p2p.allowed_peers.push(fresh_id);
    vconfig.save(&validator.home.join("config/config.toml"))?;
    let mut fconfig = vconfig.clone();
    fconfig.moniker = "fresh".into();
    fconfig.p2p.allowed_peers.clear();
    fconfig.p2p.listen = format!("/ip4/127.0.0.1/tcp/{p}");
    fconfig.p2p.persistent_peers = vec![format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", validator.p2p_port, validator.node_id)];
    fconfig.rpc.listen = format!("127.0.0.1:{}", p + 1);
    fconfig.metrics.listen = format!("127.0.0.1:{}", p + 2);
    fconfig.statesync.rpc_servers = state_sync_from.into_iter().collect();
    fconfig.save(&fresh.join("config/config.toml"))?;
    Ok(())
}

fn print_report(args: &Args, produce_s: f64, sync_s: f64, same: bool, state_sync_s: Option<f64>) -> anyhow::Result<()> {
    let report = serde_json::json!({
        "state_sync_seconds_including_start": state_sync_s.map(|s| (s * 100.0).round() / 100.0),
        "blocks": args.blocks,
        "produce_seconds": (produce_s * 100.0).round() / 100.0,
        "sync_seconds_including_start": (sync_s * 100.0).round() / 100.0,
        "synced_blocks_per_second": (args.blocks as f64 / sync_s * 10.0).round() / 10.0,
        "same_block_at_the_end": same,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "sync: {} blocks in {:.2} s ({:.0} blocks/s, process start included); same block at {}: {}",
            args.blocks, sync_s, args.blocks as f64 / sync_s, args.blocks, same
        );
        if let Some(s) = state_sync_s {
            println!("state sync: the snapshot at height {} installed and served in {s:.2} s (process start included)", args.blocks);
        }
    }
    Ok(())
}
