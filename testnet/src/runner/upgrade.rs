//! The `upgrade` step: the administrator schedules the next protocol. Validators whose release
//! runs it take it at its height; validators whose release does not must stop right before
//! that height with the message an operator needs, and come back on this checkout's image,
//! on the same homes, continuing the same chain (no block made twice or lost, checked by the
//! history and the probes as after every step).

use super::{say, Options, RunError, Testnet};
use crate::docker::DockerError;
use crate::history::latest_height;
use indicatif::ProgressBar;
use market_runtime::{Tx, TxBody};
use node::client::Client;
use std::time::{Duration, Instant};

/// How long validators may take to stop after the last block, or to answer again after a start.
const GRACE: Duration = Duration::from_secs(90);

#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    #[error("the upgrade schedule could not be sent to {node}: {source}")]
    Submit { node: String, source: node::client::ClientError },
    #[error("cannot sign the upgrade schedule: {0}")]
    Sign(String),
    #[error("cannot rewrite the compose file {path} for the new image: {source}")]
    ComposeFile { path: String, source: std::io::Error },
    #[error("{0}")]
    Docker(#[from] DockerError),
}

/// Schedules protocol `version` `notice` blocks ahead and sees the network through it.
pub(super) fn take(t: &Testnet, o: &Options, version: u32, notice: u64, bar: &ProgressBar, violations: &mut Vec<String>) -> Result<(), RunError> {
    let at = t.max_height().saturating_add(notice);
    schedule(&t.nodes[0], o.seed, version, at)?;
    let supported = supported(t);
    say(bar, format!("          protocol {version} scheduled at height {at}; the running release runs protocols up to {supported:?}"));
    // The blocks left at the slowest slot pace the testnet may have under faults, and then some.
    let slot_ms = t.nodes[0].1.get("/status").ok().and_then(|s| s["slot_ms"].as_u64()).unwrap_or(1_000).max(100);
    let limit = Duration::from_millis(notice.saturating_mul(slot_ms).saturating_mul(3)) + GRACE;
    if supported.is_some_and(|s| s >= version) {
        wait_all_reach(t, at, limit, bar);
    } else {
        wait_all_stopped(t, limit, bar, violations, version, at)?;
        let stopped = Instant::now();
        swap_image(t, o)?;
        let swapped = stopped.elapsed().as_secs_f64();
        wait_all_reach(t, at, GRACE, bar);
        let made = stopped.elapsed().as_secs_f64();
        swap_rest(o)?;
        say(
            bar,
            format!(
                "          every validator stopped before height {at}; all started again on {} with the same homes within {swapped:.1} s; block {at} on every validator {made:.1} s after the last stopped",
                o.upgrade_image
            ),
        );
    }
    check_versions(t, at, version, violations);
    Ok(())
}

/// Signs `ScheduleUpgrade` with the testnet's administrator key and waits until the chain holds it.
fn schedule((moniker, client): &(String, Client), seed: u64, version: u32, height: u64) -> Result<(), UpgradeError> {
    let submit = |source| UpgradeError::Submit { node: moniker.clone(), source };
    let admin = node::localnet::admin_keypair(seed);
    let address = hex::encode(admin.public());
    let status = client.get("/status").map_err(submit)?;
    let chain_id = status["chain_id"].as_str().unwrap_or_default().to_string();
    let nonce = client.get(&format!("/accounts/{address}")).map_err(submit)?["nonce"].as_u64().unwrap_or(0);
    let tx = Tx { sender: admin.public(), nonce, body: TxBody::ScheduleUpgrade { version, height } };
    let bytes = ledger::tx::encode_tx(&admin, &chain_id, &tx).map_err(|e| UpgradeError::Sign(e.to_string()))?;
    client.submit(&bytes).map_err(submit)?;
    Ok(())
}

/// The newest protocol every answering validator's release runs (`None`: none answers).
fn supported(t: &Testnet) -> Option<u32> {
    t.nodes
        .iter()
        .filter_map(|(_, c)| c.get("/status").ok()?["protocol_versions_supported"].as_u64())
        .min()
        .map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// Waits until every validator has committed `height` (a laggard shows in the recovery check).
fn wait_all_reach(t: &Testnet, height: u64, limit: Duration, bar: &ProgressBar) {
    let started = Instant::now();
    while started.elapsed() < limit {
        let heights: Vec<Option<u64>> = t.nodes.iter().map(|(_, c)| latest_height(c)).collect();
        if heights.iter().all(|h| h.is_some_and(|h| h >= height)) {
            return;
        }
        bar.set_message(format!("upgrade: waiting for height {height}: {heights:?}"));
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Waits until every validator's process has ended, then checks it ended as an upgrade stop
/// must: a failure status (a supervisor must not take it for a clean exit) and the message
/// naming the protocol and the height.
fn wait_all_stopped(t: &Testnet, limit: Duration, bar: &ProgressBar, violations: &mut Vec<String>, version: u32, at: u64) -> Result<(), UpgradeError> {
    let started = Instant::now();
    loop {
        let mut running = Vec::new();
        for (i, c) in t.containers.iter().enumerate() {
            if t.docker.state(c)?.0 == "running" {
                running.push(i);
            }
        }
        if running.is_empty() {
            break;
        }
        if started.elapsed() > limit {
            violations.push(format!("validators {running:?} still run {:.0} s after protocol {version} was scheduled at height {at}", limit.as_secs_f64()));
            break;
        }
        bar.set_message(format!("upgrade: waiting for the validators to stop before height {at}; running: {running:?}"));
        std::thread::sleep(Duration::from_millis(250));
    }
    let expected = format!("runs protocol {version} from height {at}");
    for (i, c) in t.containers.iter().enumerate() {
        let (status, code) = t.docker.state(c)?;
        if status != "running" && code == 0 {
            violations.push(format!("validator-{i} stopped for the upgrade with exit status 0 (a supervisor would take it for a clean stop)"));
        }
        let logs = t.docker.logs_tail(c, 40)?;
        if !logs.contains(&expected) {
            violations.push(format!("validator-{i}'s log does not say it {expected}; its tail:\n{logs}"));
        }
    }
    Ok(())
}

/// Points every service of the compose file at the new image and lets compose recreate the
/// validators (the chain waits on them; [`swap_rest`] does the others once they are up).
fn swap_image(t: &Testnet, o: &Options) -> Result<(), UpgradeError> {
    let path = o.dir.join("docker-compose.yml");
    let file_error = |source| UpgradeError::ComposeFile { path: path.display().to_string(), source };
    let text = std::fs::read_to_string(&path).map_err(file_error)?;
    let swapped = text.replace(&format!("image: {}\n", o.image), &format!("image: {}\n", o.upgrade_image));
    std::fs::write(&path, swapped).map_err(file_error)?;
    let file = path.display().to_string();
    let mut validators = vec!["-f", file.as_str(), "-p", o.project.as_str(), "up", "-d", "--no-deps"];
    validators.extend(t.nodes.iter().map(|(moniker, _)| moniker.as_str()));
    crate::docker::run("docker-compose", &validators)?;
    Ok(())
}

/// Recreates what the validators' swap left on the old image.
fn swap_rest(o: &Options) -> Result<(), UpgradeError> {
    let file = o.dir.join("docker-compose.yml").display().to_string();
    crate::docker::run("docker-compose", &["-f", &file, "-p", &o.project, "up", "-d"])?;
    Ok(())
}

/// Every validator's block at `at` carries `version`, and the one before it does not.
fn check_versions(t: &Testnet, at: u64, version: u32, violations: &mut Vec<String>) {
    for (moniker, c) in &t.nodes {
        for (height, want) in [(at.saturating_sub(1), version.saturating_sub(1)), (at, version)] {
            let got = c.get(&format!("/blocks/{height}")).ok().map(|b| b["header"]["protocol_version"].as_u64().unwrap_or(0));
            if got != Some(u64::from(want)) {
                violations.push(format!("{moniker}: block {height} carries protocol {got:?}, not {want}"));
            }
        }
    }
}
