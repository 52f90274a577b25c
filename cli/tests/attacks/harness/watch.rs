//! Samples every node while an attack runs: its height (from the metrics port, which RPC
//! floods do not reach), whether its process still runs, its resident memory and the size of
//! its home directory. The bounds are checked when the scenario finishes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest time any running node may go without committing: four 1000 ms slots. A quiet
/// network commits every slot; one lost proposer costs a round (1 s timeouts + 0.5 s steps).
pub const MAX_STALL: Duration = Duration::from_millis(4_000);
/// Resident memory per node. The quiet_network_baseline scenario measured 47 MiB per node
/// (2026-11-30, 2 cores, load 3); 300 MiB leaves room for full mempools (145 MiB under the
/// mempool spam) while unbounded buffers of the attacks pass it within seconds.
pub const MAX_RSS_KIB: u64 = 300 * 1024;
/// Size of a node's home directory (RocksDB, WAL, log). Measured: 0.2 MiB quiet, 15 MiB under
/// the mempool spam, in about 25 s.
pub const MAX_HOME_BYTES: u64 = 64 * 1024 * 1024;
/// Size of a validator's consensus WAL (data/cs.wal, truncated at every commit). Measured: 2 KiB
/// quiet, 2.5 MiB with the spam's large blocks; 8 MiB is two maximum-size proposals.
pub const MAX_WAL_BYTES: u64 = 8 * 1024 * 1024;
const SAMPLE_EVERY: Duration = Duration::from_millis(200);

/// One node as the watch sees it; `pid` is None while a scenario keeps the node down.
#[derive(Clone)]
pub struct Watched {
    pub metrics_url: String,
    pub home: PathBuf,
    pub wal: PathBuf,
    pub pid: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeSample {
    pub first_height: Option<u64>,
    pub last_height: Option<u64>,
    pub longest_stall: Duration,
    pub max_rss_kib: u64,
    pub max_home_bytes: u64,
    pub max_wal_bytes: u64,
    /// Set when the process was found gone or a zombie while the scenario expected it up.
    pub exited: Option<String>,
}

pub struct Watch {
    nodes: Arc<Mutex<Vec<Watched>>>,
    samples: Arc<Mutex<Vec<NodeSample>>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

/// Reads one metric's value (an unlabelled gauge or counter) from Prometheus text.
pub fn metric_value(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')).map(str::trim))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
}

pub fn http_get(url: &str, timeout: Duration) -> Option<String> {
    let config = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(timeout)).build();
    let agent = ureq::Agent::new_with_config(config);
    agent.get(url).call().ok()?.body_mut().read_to_string().ok()
}

/// The committed height a node reports on its metrics port.
pub fn metrics_height(metrics_url: &str) -> Option<u64> {
    metric_value(&http_get(metrics_url, Duration::from_secs(2))?, "solartrade_consensus_height")
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A child that exited but was not waited for is a zombie: still in /proc, state `Z`.
pub fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.trim_start().chars().next()
}

pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

impl Watch {
    pub fn start(nodes: Vec<Watched>) -> Watch {
        let samples = Arc::new(Mutex::new(vec![NodeSample::default(); nodes.len()]));
        let nodes = Arc::new(Mutex::new(nodes));
        let stop = Arc::new(AtomicBool::new(false));
        let handle = std::thread::spawn({
            let (nodes, samples, stop) = (nodes.clone(), samples.clone(), stop.clone());
            move || run(&nodes, &samples, &stop)
        });
        Watch { nodes, samples, stop, handle: Some(handle) }
    }

    /// A scenario stops (None) or restarts (Some(pid)) node `i` on purpose.
    pub fn set_pid(&self, i: usize, pid: Option<u32>) {
        if let Ok(mut nodes) = self.nodes.lock() {
            nodes[i].pid = pid;
        }
    }

    pub fn samples(&self) -> Vec<NodeSample> {
        self.samples.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn stop(mut self) -> Vec<NodeSample> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.samples()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn run(nodes: &Mutex<Vec<Watched>>, samples: &Mutex<Vec<NodeSample>>, stop: &AtomicBool) {
    let n = nodes.lock().map(|v| v.len()).unwrap_or(0);
    let mut last_change: Vec<Option<Instant>> = vec![None; n];
    let mut last_pid: Vec<Option<u32>> = vec![None; n];
    let mut tick = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let watched = nodes.lock().map(|v| v.clone()).unwrap_or_default();
        for (i, w) in watched.iter().enumerate() {
            let Some(pid) = w.pid else {
                last_change[i] = None;
                last_pid[i] = None;
                continue;
            };
            if last_pid[i] != Some(pid) {
                // Started or restarted on purpose: its stall clock starts now.
                last_pid[i] = Some(pid);
                last_change[i] = Some(Instant::now());
            }
            let height = metrics_height(&w.metrics_url);
            let state = process_state(pid);
            let rss = rss_kib(pid).unwrap_or(0);
            let home = if tick % 5 == 0 { Some(dir_bytes(&w.home)) } else { None };
            let Ok(mut all) = samples.lock() else { return };
            let s = &mut all[i];
            if matches!(state, None | Some('Z')) && s.exited.is_none() {
                s.exited = Some(format!("process {pid} is {}", if state.is_none() { "gone" } else { "a zombie (it exited)" }));
            }
            if let Some(h) = height {
                s.first_height.get_or_insert(h);
                if s.last_height.is_none_or(|l| h > l) {
                    s.last_height = Some(h);
                    last_change[i] = Some(Instant::now());
                }
            }
            if let Some(at) = last_change[i] {
                s.longest_stall = s.longest_stall.max(at.elapsed());
            }
            s.max_rss_kib = s.max_rss_kib.max(rss);
            s.max_wal_bytes = s.max_wal_bytes.max(std::fs::metadata(&w.wal).map(|m| m.len()).unwrap_or(0));
            if let Some(b) = home {
                s.max_home_bytes = s.max_home_bytes.max(b);
            }
        }
        tick += 1;
        std::thread::sleep(SAMPLE_EVERY);
    }
}
