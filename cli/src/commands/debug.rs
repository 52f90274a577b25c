//! `solartrade debug dump`: what an operator attaches to a bug report, in one archive: the
//! config, the genesis, the node's status, validators and consensus latencies over RPC, a
//! metrics snapshot, a summary of the consensus WAL, the data directory's sizes and recent
//! logs. Key files are never read: the archive can be shared.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use node::client::Client;
use node::config::Config;
use node::home::Home;
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Collect a node's state into a .tar.gz for a bug report (no keys).
    Dump(DumpArgs),
}

#[derive(clap::Args)]
struct DumpArgs {
    #[arg(long, env = "SOLARTRADE_HOME", default_value_os_t = node::home::default_home())]
    home: PathBuf,
    /// The node's RPC (default: the config's `rpc.listen`).
    #[arg(long)]
    rpc: Option<String>,
    /// Where the archive goes (default: solartrade-dump-<unix ms>.tar.gz here).
    #[arg(long)]
    out: Option<PathBuf>,
    /// systemd unit whose journal supplies the recent logs, when journalctl exists.
    #[arg(long, default_value = "solartrade")]
    unit: String,
    /// Log lines to include.
    #[arg(long, default_value_t = 2000)]
    log_lines: u32,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Sub::Dump(a) => dump(&a),
    }
}

fn dump(a: &DumpArgs) -> anyhow::Result<()> {
    let home = Home::new(&a.home);
    let config = Config::load(&home.config_file()).with_context(|| format!("reading {}", home.config_file().display()))?;
    let stamp = node::clock::now_ms();
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from(format!("solartrade-dump-{stamp}.tar.gz")));
    let staging = std::env::temp_dir().join(format!("solartrade-dump-{}-{stamp}", std::process::id()));
    let dir = staging.join(format!("solartrade-dump-{stamp}"));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let archived = collect(a, &home, &config, &dir, stamp).and_then(|summary| archive(&staging, &dir, &out).map(|()| summary));
    let _ = std::fs::remove_dir_all(&staging);
    let summary = archived?;
    println!("{}", serde_json::to_string_pretty(&summary)?);
    println!("debug dump: {}", out.display());
    Ok(())
}

/// Writes every part into `dir`; returns the summary (also written there).
fn collect(a: &DumpArgs, home: &Home, config: &Config, dir: &Path, stamp: u64) -> anyhow::Result<Value> {
    let mut summary = json!({ "home": a.home.display().to_string(), "taken_at_ms": stamp, "version": env!("CARGO_PKG_VERSION") });
    copy_if_present(&home.config_file(), &dir.join("config.toml"), &mut summary);
    copy_if_present(&home.genesis_file(), &dir.join("genesis.json"), &mut summary);
    let rpc = a.rpc.clone().unwrap_or_else(|| config.rpc.listen.replace("0.0.0.0", "127.0.0.1"));
    summary["rpc"] = rpc_reads(&rpc, dir);
    summary["metrics"] = metrics_snapshot(config, dir);
    summary["wal"] = wal_summary(&home.wal_file());
    summary["data_bytes"] = dir_bytes(&home.data_dir());
    summary["logs"] = journal(&a.unit, a.log_lines, dir);
    std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(&summary)?)?;
    Ok(summary)
}

fn archive(staging: &Path, dir: &Path, out: &Path) -> anyhow::Result<()> {
    let status = Command::new("tar")
        .arg("-czf")
        .arg(std::path::absolute(out)?)
        .arg("-C")
        .arg(staging)
        .arg(dir.file_name().context("the dump directory has a name")?)
        .status()
        .context("running tar")?;
    anyhow::ensure!(status.success(), "tar failed ({status})");
    Ok(())
}

/// Copies a file into the dump, or notes why it could not.
fn copy_if_present(from: &Path, to: &Path, summary: &mut Value) {
    let name = to.file_name().and_then(|n| n.to_str()).unwrap_or("file").to_string();
    summary["files"][name] = match std::fs::copy(from, to) {
        Ok(bytes) => json!(bytes),
        Err(e) => json!(format!("not copied: {e}")),
    };
}

/// The node's own view over RPC; an unreachable node is recorded, not fatal.
fn rpc_reads(rpc: &str, dir: &Path) -> Value {
    let client = Client::new(rpc);
    let mut out = json!({ "address": rpc });
    for (name, path) in [("status", "/status"), ("validators", "/validators"), ("consensus_latency", "/consensus/latency"), ("latest_block", "/blocks/latest")] {
        out[name] = match client.get(path) {
            Ok(v) => {
                let written = std::fs::write(dir.join(format!("{name}.json")), serde_json::to_string_pretty(&v).unwrap_or_default());
                json!(written.map_or_else(|e| format!("not written: {e}"), |()| format!("{name}.json")))
            }
            Err(e) => json!(format!("unreachable: {e}")),
        };
    }
    out
}

fn metrics_snapshot(config: &Config, dir: &Path) -> Value {
    if !config.metrics.enabled {
        return json!("metrics disabled in config");
    }
    let url = format!("http://{}/metrics", config.metrics.listen.replace("0.0.0.0", "127.0.0.1"));
    match Client::new(&config.rpc.listen).get_text(&url) {
        Ok(text) => match std::fs::write(dir.join("metrics.txt"), &text) {
            Ok(()) => json!({ "file": "metrics.txt", "lines": text.lines().count() }),
            Err(e) => json!(format!("not written: {e}")),
        },
        Err(e) => json!(format!("unreachable: {e}")),
    }
}

/// What the WAL holds: its size, entries, the heights they span and a torn tail if any.
fn wal_summary(path: &Path) -> Value {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return json!(format!("not read: {e}")),
    };
    match node::wal_record::read_log(&bytes) {
        Ok(contents) => {
            let heights = contents.entries.iter().map(|e| e.height()).filter(|h| *h > 0);
            let (low, high) = heights.fold((u64::MAX, 0), |(lo, hi), h| (lo.min(h), hi.max(h)));
            json!({
                "bytes": bytes.len(), "entries": contents.entries.len(), "torn_tail_bytes": contents.torn_bytes,
                "heights": if high == 0 { Value::Null } else { json!([low, high]) },
            })
        }
        Err(e) => json!({ "bytes": bytes.len(), "corrupt": e.to_string() }),
    }
}

/// Bytes under `dir`, per top-level entry.
fn dir_bytes(dir: &Path) -> Value {
    fn total(path: &Path) -> u64 {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => std::fs::read_dir(path).map_or(0, |it| it.flatten().map(|e| total(&e.path())).sum()),
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    let mut out = serde_json::Map::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        out.insert(entry.file_name().to_string_lossy().into_owned(), json!(total(&entry.path())));
    }
    Value::Object(out)
}

/// The unit's recent journal, where the node runs under systemd.
fn journal(unit: &str, lines: u32, dir: &Path) -> Value {
    let output = Command::new("journalctl").args(["-u", unit, "-n", &lines.to_string(), "--no-pager", "-o", "cat"]).output();
    match output {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => match std::fs::write(dir.join("journal.log"), &o.stdout) {
            Ok(()) => json!({ "file": "journal.log", "lines": o.stdout.split(|b| *b == b'\n').count() }),
            Err(e) => json!(format!("not written: {e}")),
        },
        Ok(_) => json!(format!("no journal for unit {unit}: attach the node's own output (it logs to stdout)")),
        Err(_) => json!("journalctl is not installed: attach the node's own output (it logs to stdout)"),
    }
}
