//! The e2e run: start the compose testnet, apply each step of a manifest while meter-sim
//! bids, and check the invariants over RPC after each one.

use crate::docker::{Container, Docker, DockerError};
use crate::history::{latest_height, History};
use crate::latency::{summarize, Summary};
use crate::link::Link;
use crate::manifest::{Manifest, Step};
use indicatif::{ProgressBar, ProgressStyle};
use node::client::Client;
use serde_json::{json, Value};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod steps;
mod upgrade;

use steps::{Record, Run};

#[derive(Debug, Clone)]
pub struct Options {
    pub repo: PathBuf,
    pub validators: usize,
    pub homes: usize,
    pub probes: usize,
    pub seed: u64,
    pub base_port: u16,
    pub subnet: Ipv4Addr,
    pub project: String,
    pub dir: PathBuf,
    /// Leave the testnet running after the run (for a look at the dashboard).
    pub keep: bool,
    /// The image the testnet starts on (an earlier release's, for an upgrade run), and that
    /// release's binary, which writes the testnet's homes.
    pub image: String,
    pub bin: PathBuf,
    /// The image an `upgrade` step restarts stopped validators on: this checkout's release.
    pub upgrade_image: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Docker(#[from] DockerError),
    #[error("{0}")]
    Compose(#[from] node::compose::ComposeError),
    #[error("the testnet produced no block within {0} s of starting")]
    NoFirstBlock(u64),
    #[error("{0}")]
    Upgrade(#[from] upgrade::UpgradeError),
}

pub struct Testnet {
    pub nodes: Vec<(String, Client)>,
    pub containers: Vec<Container>,
    pub docker: Docker,
}

/// What a step did to the chain, measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepReport {
    pub step: String,
    /// Seconds from healing until each validator committed a block above the height the
    /// network had reached at healing (None: not within the limit).
    pub recovered_s: Vec<Option<f64>>,
    pub heights_during: Option<(u64, u64)>,
}

impl Testnet {
    pub fn new(o: &Options) -> Result<Testnet, RunError> {
        let mut nodes = Vec::new();
        let mut containers = Vec::new();
        for i in 0..o.validators {
            let moniker = format!("validator-{i}");
            nodes.push((moniker.clone(), Client::new(&format!("127.0.0.1:{}", o.base_port as usize + 10 * i + 1))));
            containers.push(Container { name: node::compose::container_name(&o.project, &moniker), ip: node::compose::validator_ip(o.subnet, i)? });
        }
        Ok(Testnet { nodes, containers, docker: Docker { network: format!("{}-net", o.project) } })
    }

    fn heights(&self) -> Vec<Option<u64>> {
        self.nodes.iter().map(|(_, c)| latest_height(c)).collect()
    }

    fn max_height(&self) -> u64 {
        self.heights().into_iter().flatten().max().unwrap_or(0)
    }

    /// Cuts the validators in `a` off from those in `b`, in both directions.
    fn partition(&self, a: &[usize], b: &[usize]) -> Result<(), DockerError> {
        for &i in a {
            let peers: Vec<&Container> = b.iter().map(|&j| &self.containers[j]).collect();
            self.docker.block(&self.containers[i], &peers)?;
        }
        for &j in b {
            let peers: Vec<&Container> = a.iter().map(|&i| &self.containers[i]).collect();
            self.docker.block(&self.containers[j], &peers)?;
        }
        Ok(())
    }

    fn heal_partition(&self) -> Result<(), DockerError> {
        for c in &self.containers {
            self.docker.unblock(c)?;
        }
        Ok(())
    }

    /// Seconds until every validator has committed above `target`, each (None past `limit`).
    fn wait_recovered(&self, target: u64, limit: Duration, bar: &ProgressBar) -> Vec<Option<f64>> {
        let started = Instant::now();
        let mut done: Vec<Option<f64>> = vec![None; self.nodes.len()];
        while started.elapsed() < limit && done.iter().any(Option::is_none) {
            for (i, (_, c)) in self.nodes.iter().enumerate() {
                if done[i].is_none() && latest_height(c).is_some_and(|h| h > target) {
                    done[i] = Some((started.elapsed().as_secs_f64() * 10.0).round() / 10.0);
                }
            }
            bar.set_message(format!("recovering above height {target}: {:?}", done));
            std::thread::sleep(Duration::from_millis(200));
        }
        done
    }
}

/// A line of progress above the bar (or on plain stdout when the bar is hidden, as in CI logs).
fn say(bar: &ProgressBar, line: String) {
    if bar.is_hidden() {
        println!("{line}");
    } else {
        bar.println(line);
    }
}

fn hold(bar: &ProgressBar, what: &str, secs: u64) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        bar.set_message(format!("{what}: {:.0}/{secs} s", started.elapsed().as_secs_f64()));
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn describe(s: &Step) -> String {
    match s {
        Step::Kill { node, down_s } => format!("kill -9 validator-{node}, start it after {down_s} s"),
        Step::Restart { node } => format!("restart validator-{node}"),
        Step::Pause { node, secs } => format!("pause validator-{node} for {secs} s"),
        Step::Disconnect { node, secs } => format!("disconnect validator-{node} for {secs} s"),
        Step::Netem { delay_ms, jitter_ms, loss_pct, secs } => format!("netem delay {delay_ms} ms ± {jitter_ms} ms, loss {loss_pct} % on all for {secs} s"),
        Step::Isolate { node, secs } => format!("isolate validator-{node} for {secs} s"),
        Step::Split { secs } => format!("split the validators in two halves for {secs} s"),
        Step::Upgrade { version, notice } => format!("schedule protocol {version} {notice} blocks ahead and upgrade the validators whose release does not run it"),
    }
}

/// Applies one step and heals it; returns the heights seen while a split held (start, end).
fn apply(t: &Testnet, step: &Step, bar: &ProgressBar) -> Result<Option<(u64, u64)>, DockerError> {
    let d = &t.docker;
    let c = |i: usize| &t.containers[i];
    match step {
        Step::Kill { node, down_s } => {
            d.kill(c(*node))?;
            hold(bar, "killed", *down_s);
            d.start(c(*node))?;
        }
        Step::Restart { node } => d.restart(c(*node))?,
        Step::Pause { node, secs } => {
            d.pause(c(*node))?;
            hold(bar, "paused", *secs);
            d.unpause(c(*node))?;
        }
        Step::Disconnect { node, secs } => {
            d.disconnect(c(*node))?;
            hold(bar, "disconnected", *secs);
            d.connect(c(*node))?;
        }
        Step::Netem { delay_ms, jitter_ms, loss_pct, secs } => {
            for ct in &t.containers {
                d.netem(ct, *delay_ms, *jitter_ms, *loss_pct)?;
            }
            hold(bar, "netem", *secs);
            for ct in &t.containers {
                d.clear_netem(ct)?;
            }
        }
        Step::Isolate { node, secs } => {
            let others: Vec<usize> = (0..t.containers.len()).filter(|j| j != node).collect();
            t.partition(&[*node], &others)?;
            hold(bar, "isolated", *secs);
            t.heal_partition()?;
        }
        Step::Split { secs } => {
            let n = t.containers.len();
            let a: Vec<usize> = (0..n / 2).collect();
            let b: Vec<usize> = (n / 2..n).collect();
            t.partition(&a, &b)?;
            // A block already voted on may still commit just after the cut; from then on
            // neither half has two thirds of the power.
            hold(bar, "split (settling)", 3);
            let h0 = t.max_height();
            hold(bar, "split", secs.saturating_sub(3));
            let h1 = t.max_height();
            t.heal_partition()?;
            return Ok(Some((h0, h1)));
        }
        // Needs the run's options and judges what it sees: `Run::step` takes it to `upgrade`.
        Step::Upgrade { .. } => {}
    }
    Ok(None)
}

/// Commit latency of every block committed during `secs` of load (each validator's own
/// figure for each block: time from the block's slot time to its commit on that node).
pub fn measure_latency(t: &Testnet, link: Link, secs: u64, bar: &ProgressBar) -> Vec<f64> {
    hold(bar, &format!("latency over {link} (settling)"), 5);
    let h0 = t.max_height();
    hold(bar, &format!("latency over {link}"), secs);
    let h1 = t.max_height();
    let mut samples = Vec::new();
    for height in h0 + 1..=h1 {
        for (_, c) in &t.nodes {
            if let Some(ms) = c.get(&format!("/blocks/{height}")).ok().and_then(|b| b["commit_latency_ms"].as_f64()) {
                samples.push(ms);
            }
        }
    }
    say(bar, format!("          {link}: blocks {}..={h1}, {} samples", h0 + 1, samples.len()));
    samples
}

/// A latency phase on a testnet whose validators talk through relays (started by the caller
/// over that link): no faults, meter-sim bidding.
pub fn relay_latency_phase(o: &Options, link: Link, secs: u64) -> Result<Summary, RunError> {
    let t = Testnet::new(o)?;
    let bar = ProgressBar::new(1);
    bar.set_style(ProgressStyle::with_template("[{elapsed_precise}] {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar.enable_steady_tick(Duration::from_millis(500));
    let first = Instant::now();
    while t.max_height() < 2 {
        if first.elapsed() > Duration::from_secs(90) {
            return Err(RunError::NoFirstBlock(90));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let s = summarize(link, measure_latency(&t, link, secs, &bar));
    bar.finish_and_clear();
    Ok(s)
}

pub struct Outcome {
    pub report: Value,
    pub violations: Vec<String>,
    /// Latency phases that need relays (no netem, or jitter and loss): the links still to measure.
    pub relay_links: Vec<Link>,
}

pub fn run(o: &Options, manifest: &Manifest) -> Result<Outcome, RunError> {
    let t = Testnet::new(o)?;
    let bar = ProgressBar::new(manifest.steps.len() as u64);
    bar.set_style(ProgressStyle::with_template("[{elapsed_precise}] step {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar.enable_steady_tick(Duration::from_millis(500));
    let started = Instant::now();
    wait_for_first_blocks(&t, &bar)?;
    let netem = t.docker.netem_available(&t.containers[0])?;
    if !netem {
        say(&bar, "netem: this kernel has no sch_netem qdisc; WAN emulation steps and delayed latency phases are skipped".into());
    }
    let run = Run { t: &t, o, manifest, bar, started, netem };
    let mut rec = Record { history: History::new(o.validators), violations: Vec::new(), probes: Vec::new(), reports: Vec::new(), skipped: Vec::new() };
    hold(&run.bar, "quiet", manifest.quiet_s);
    for (i, step) in manifest.steps.iter().enumerate() {
        run.step(i, step, &mut rec)?;
    }
    // Let the last probes' slots clear before judging them.
    hold(&run.bar, "settling", 5);
    rec.history.verify(&t.nodes, &mut rec.violations);
    let fates = run.judge_probes(&mut rec);
    for (height, accused) in &rec.history.evidence {
        rec.violations.push(format!("evidence against validator {accused} at height {height}, but every validator is honest"));
    }
    let latency = run.latency_phases(&mut rec)?;
    run.bar.finish_and_clear();
    let Record { history, violations, reports, skipped, .. } = rec;
    let report = json!({
        "manifest": manifest.name,
        "validators": o.validators,
        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        "heights_verified": history.verified(),
        "highest_block": history.max_height(),
        "transactions_seen": history.tx_heights.len(),
        "steps": reports,
        "skipped": skipped,
        "probes": fates,
        "latency": latency,
        "violations": violations,
    });
    Ok(Outcome { report, violations, relay_links: run.relay_links() })
}

fn wait_for_first_blocks(t: &Testnet, bar: &ProgressBar) -> Result<(), RunError> {
    let first = Instant::now();
    while t.max_height() < 2 {
        if first.elapsed() > Duration::from_secs(60) {
            return Err(RunError::NoFirstBlock(60));
        }
        bar.set_message("waiting for the first blocks");
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}
