//! `solartrade-e2e`: runs a perturbation manifest against the docker compose testnet and
//! exits non-zero when an invariant is violated.

use anyhow::Context;
use clap::Parser;
use std::path::PathBuf;
use std::process::Command;
use testnet::link::Link;
use testnet::manifest::Manifest;
use testnet::runner::{run, Options};

#[derive(Parser)]
#[command(about = "Docker testnet e2e: perturbations while meter-sim bids, invariants checked over RPC")]
struct Args {
    /// The manifest (TOML) of perturbations.
    #[arg(long, default_value = "testnet/manifests/short.toml")]
    manifest: PathBuf,
    #[arg(long, default_value_t = 4)]
    validators: usize,
    /// Homes meter-sim bids for.
    #[arg(long, default_value_t = 623)]
    homes: usize,
    /// Extra households the runner bids for itself (probe bids).
    #[arg(long, default_value_t = 16)]
    probes: usize,
    #[arg(long, default_value_t = 27600)]
    base_port: u16,
    #[arg(long, default_value = "172.28.66.0")]
    subnet: std::net::Ipv4Addr,
    #[arg(long, default_value = "solartrade")]
    project: String,
    #[arg(long, default_value = "out/docker")]
    dir: PathBuf,
    /// Where the JSON report goes.
    #[arg(long, default_value = "out/e2e-report.json")]
    report: PathBuf,
    /// Use a testnet that is already running instead of starting a fresh one.
    #[arg(long)]
    reuse: bool,
    /// Leave the testnet running afterwards.
    #[arg(long)]
    keep: bool,
}

fn script(repo: &std::path::Path, name: &str, o: &Options) -> anyhow::Result<()> {
    script_over(repo, name, o, Link::default())
}

/// Runs `scripts/<name>`; a testnet it starts dials its validators over `wan`.
fn script_over(repo: &std::path::Path, name: &str, o: &Options, wan: Link) -> anyhow::Result<()> {
    let status = Command::new("bash")
        .env("WAN_DELAY_MS", wan.delay_ms.to_string())
        .env("WAN_JITTER_MS", wan.jitter_ms.to_string())
        .env("WAN_LOSS_PPM", wan.loss_ppm.to_string())
        .arg(repo.join("scripts").join(name))
        .env("VALIDATORS", o.validators.to_string())
        .env("HOMES", o.homes.to_string())
        .env("PROBES", o.probes.to_string())
        .env("DIR", &o.dir)
        .env("PROJECT", &o.project)
        .env("BASE_PORT", o.base_port.to_string())
        .env("IMAGE", &o.image)
        .env("BIN", &o.bin)
        .current_dir(repo)
        .status()
        .with_context(|| format!("cannot run scripts/{name}"))?;
    anyhow::ensure!(status.success(), "scripts/{name} failed ({status})");
    Ok(())
}

/// This checkout's node image (`make docker-image`).
const CURRENT_IMAGE: &str = "solartrade:local";

/// Builds (or reuses) the release at git revision `rev` and its image; returns the image's
/// tag and the release's binary.
fn release_image(repo: &std::path::Path, rev: &str) -> anyhow::Result<(String, PathBuf)> {
    println!("e2e: the testnet starts on release {rev} (scripts/release-image.sh builds it once)");
    let out = Command::new("bash")
        .arg(repo.join("scripts/release-image.sh"))
        .arg(rev)
        .current_dir(repo)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot run scripts/release-image.sh")?;
    anyhow::ensure!(out.status.success(), "scripts/release-image.sh {rev} failed ({})", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(str::to_string);
    let image = field("image=").context("scripts/release-image.sh printed no image=")?;
    let bin = field("bin=").context("scripts/release-image.sh printed no bin=")?;
    Ok((image, PathBuf::from(bin).join("solartrade")))
}

fn main() -> std::process::ExitCode {
    // The reason comes last and alone (no backtrace), so that a CI log's tail names it.
    match run_e2e(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e: FAIL: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_e2e(a: Args) -> anyhow::Result<()> {
    let repo = std::env::current_dir()?;
    let manifest = Manifest::load(&a.manifest)?;
    manifest.check(a.validators)?;
    // An upgrade run starts on an earlier release, built from its git revision.
    let (image, bin) = match &manifest.from_release {
        Some(rev) => release_image(&repo, rev)?,
        None => (CURRENT_IMAGE.to_string(), PathBuf::from("target/release/solartrade")),
    };
    let o = Options {
        repo: repo.clone(),
        validators: a.validators,
        homes: a.homes,
        probes: a.probes,
        seed: 1,
        base_port: a.base_port,
        subnet: a.subnet,
        project: a.project.clone(),
        dir: a.dir.clone(),
        keep: a.keep,
        image,
        bin,
        upgrade_image: CURRENT_IMAGE.to_string(),
    };
    println!("e2e: manifest {} ({} steps), {} validators, {} homes bidding", manifest.name, manifest.steps.len(), a.validators, a.homes);
    if !a.reuse {
        script(&repo, "docker-testnet.sh", &o)?;
    }
    let outcome = run(&o, &manifest);
    if !a.keep {
        let _ = script(&repo, "docker-down.sh", &o);
    }
    let mut outcome = outcome?;
    // Without netem, and for jitter and loss, each latency phase runs on a fresh testnet
    // whose validators talk through relay containers.
    let mut relay = Vec::new();
    for &link in &outcome.relay_links {
        println!("e2e: latency phase over {link} one-way between validators, through relay containers");
        script_over(&repo, "docker-testnet.sh", &o, link)?;
        let secs = manifest.latency.as_ref().map(|l| l.secs).unwrap_or(30);
        let phase = testnet::runner::relay_latency_phase(&o, link, secs);
        let _ = script(&repo, "docker-down.sh", &o);
        let s = phase?;
        println!("          commit latency p50 {:?} p90 {:?} p99 {:?} ms (samples {})", s.p50_ms, s.p90_ms, s.p99_ms, s.samples);
        relay.push(s);
    }
    outcome.report["latency_via_relays"] = serde_json::to_value(&relay)?;
    if let Some(parent) = a.report.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&a.report, serde_json::to_string_pretty(&outcome.report)?)?;
    println!("e2e: report in {}", a.report.display());
    if outcome.violations.is_empty() {
        println!("e2e: PASS ({} s, {} steps, highest block {})", outcome.report["seconds"], manifest.steps.len(), outcome.report["highest_block"]);
        Ok(())
    } else {
        let list: Vec<String> = outcome.violations.iter().map(|v| format!("VIOLATION: {v}")).collect();
        anyhow::bail!("{} invariant violation(s):\n{}", outcome.violations.len(), list.join("\n"))
    }
}
