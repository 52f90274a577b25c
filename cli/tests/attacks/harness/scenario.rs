//! One attack's life: a fresh network that admits the hostile peers, the watch and the honest
//! bidders started before the attack, and every check of issue 11 run when it ends.

use super::bids::{self, Bidder};
use super::common::Net;
use super::hostile_peer::HostilePeer;
use super::verdict::{self, Rejections, Verdict};
use super::watch::{self, Watch, Watched};
use super::{HOUSEHOLDS, SLOT_MS, VALIDATORS};
use node::client::Client;
use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static STARTED: Mutex<Option<Instant>> = Mutex::new(None);

/// Seconds since the current scenario started (for progress lines).
pub fn elapsed_s() -> f64 {
    STARTED.lock().ok().and_then(|s| *s).map_or(0.0, |s| s.elapsed().as_secs_f64())
}

pub struct ScenarioSpec {
    pub name: &'static str,
    /// Ports 29000 + 100 x this: validators at +0, +10, +20, +30; hostile peers from +60.
    pub port_block: u16,
    pub hostile_peers: usize,
}

pub struct Scenario {
    pub name: &'static str,
    pub peers: Vec<HostilePeer>,
    pub verdict: Verdict,
    watch: Option<Watch>,
    bidder: Option<Bidder>,
    baseline_metrics: Vec<String>,
    down: HashSet<usize>,
    pub net: Net,
    _serial: MutexGuard<'static, ()>,
}

/// How long the end of a scenario waits for the chain to commit the last bids' slots.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(12);

impl Scenario {
    pub fn start(spec: ScenarioSpec) -> Scenario {
        let serial = super::common::SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        if let Ok(mut s) = STARTED.lock() {
            *s = Some(Instant::now());
        }
        crate::step!("{}: starting {VALIDATORS} validators, {SLOT_MS} ms slots", spec.name);
        let base = 29_000 + 100 * spec.port_block;
        let mut net = Net::new(VALIDATORS, HOUSEHOLDS, SLOT_MS, base, &[]);
        let keys: Vec<_> = (0..spec.hostile_peers).map(|_| HostilePeer::new_key()).collect();
        // As an operator admits a household's node: its id in every validator's allowed peers.
        for v in &net.nodes {
            let path = v.home.join("config/config.toml");
            let mut config = node::config::Config::load(&path).expect("validator config");
            config.p2p.allowed_peers.extend(keys.iter().map(|(_, id)| id.clone()));
            config.save(&path).expect("validator config");
        }
        for i in 0..VALIDATORS {
            net.start(i);
        }
        for i in 0..VALIDATORS {
            net.wait_height(i, 2, Duration::from_secs(20));
        }
        let addrs: Vec<String> = net.nodes.iter().map(|v| format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", v.p2p_port, v.node_id)).collect();
        let peers: Vec<HostilePeer> = keys
            .into_iter()
            .enumerate()
            .map(|(j, (key, _))| HostilePeer::join(key, &net.chain_id, base + 60 + j as u16, &addrs))
            .collect();
        for p in &peers {
            assert!(p.wait_connected(VALIDATORS, Duration::from_secs(10)), "set-up: hostile peer connected to {:?} only", p.stats().connected);
        }
        // Let gossipsub exchange subscriptions and build its mesh (heartbeats are 250 ms).
        std::thread::sleep(Duration::from_millis(1500));
        let mut s = Scenario {
            name: spec.name,
            peers,
            verdict: Verdict::default(),
            watch: None,
            bidder: None,
            baseline_metrics: Vec::new(),
            down: HashSet::new(),
            net,
            _serial: serial,
        };
        s.baseline_metrics = (0..VALIDATORS).map(|i| s.metrics_text(i)).collect();
        s.watch = Some(Watch::start((0..VALIDATORS).map(|i| s.watched(i)).collect()));
        // Through every validator, validator 3 too, which scenarios stop and restart: a bid
        // it admits in its first second back must still reach the others.
        let clients: Vec<Client> = (0..VALIDATORS).map(|i| s.net.client(i)).collect();
        let homes = bids::households(s.net.seed, HOUSEHOLDS, |addr| {
            clients[0].get(&format!("/accounts/{}", hex::encode(addr))).ok().and_then(|a| a["nonce"].as_u64()).unwrap_or(0)
        });
        s.bidder = Some(Bidder::start(clients, s.net.chain_id.clone(), homes));
        crate::step!("{}: network up at height {:?}, hostile peers connected; attack begins", s.name, s.net.height(0));
        s
    }

    fn watched(&self, i: usize) -> Watched {
        Watched {
            metrics_url: self.metrics_url(i),
            home: self.net.nodes[i].home.clone(),
            wal: node::home::Home::new(&self.net.nodes[i].home).wal_file(),
            pid: self.net.children[i].as_ref().map(|c| c.id()),
        }
    }

    pub fn metrics_url(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}/metrics", self.net.nodes[i].metrics_port)
    }

    pub fn metrics_text(&self, i: usize) -> String {
        watch::http_get(&self.metrics_url(i), Duration::from_secs(3)).unwrap_or_default()
    }

    pub fn chain_id(&self) -> String {
        self.net.chain_id.clone()
    }

    pub fn rpc_addr(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.net.nodes[i].rpc_port)
    }

    /// Validators the scenario has not stopped on purpose.
    pub fn live(&self) -> Vec<usize> {
        (0..VALIDATORS).filter(|i| !self.down.contains(i)).collect()
    }

    /// The latest block of the first live node that answers: (height, hash, time_ms).
    pub fn tip(&self) -> (u64, [u8; 32], u64) {
        for i in self.live() {
            if let Ok(b) = self.net.client(i).get("/blocks/latest") {
                let hash = super::craft::hash_from_hex(b["hash"].as_str().unwrap_or_default());
                return (b["height"].as_u64().unwrap_or(0), hash, b["header"]["time_ms"].as_u64().unwrap_or(0));
            }
        }
        (0, [0; 32], 0)
    }

    pub fn validator_address(&self, i: usize) -> [u8; 32] {
        self.net.nodes[i].validator
    }

    /// Stops validator `i` (SIGKILL) on purpose; the watch stops expecting it to commit.
    pub fn stop_node(&mut self, i: usize) {
        self.net.kill9(i);
        self.down.insert(i);
        if let Some(w) = &self.watch {
            w.set_pid(i, None);
        }
    }

    pub fn restart_node(&mut self, i: usize) {
        self.net.start(i);
        self.down.remove(&i);
        if let Some(w) = &self.watch {
            w.set_pid(i, self.net.children[i].as_ref().map(|c| c.id()));
        }
    }

    pub fn pause_bids(&self, paused: bool) {
        if let Some(b) = &self.bidder {
            b.pause(paused);
        }
    }

    /// Keeps the attack going for `d` while printing the heights every few seconds.
    pub fn run_for(&self, d: Duration, mut each_tick: impl FnMut(&Scenario, u64)) {
        let started = Instant::now();
        let mut tick = 0;
        while started.elapsed() < d {
            each_tick(self, tick);
            tick += 1;
            if tick % 20 == 0 {
                let heights: Vec<Option<u64>> = (0..VALIDATORS).map(|i| watch::metrics_height(&self.metrics_url(i))).collect();
                crate::step!("{}: heights {heights:?}", self.name);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs every check of issue 11 and panics listing all that failed.
    pub fn finish(mut self, expected: &[Rejections]) {
        crate::step!("{}: attack over; checking", self.name);
        let log = self.bidder.take().map(Bidder::stop).unwrap_or_default();
        let last_slot = log.sent.iter().map(|(s, _)| *s).max().unwrap_or(0);
        self.wait_all_past(last_slot);
        let samples = self.watch.take().map(Watch::stop).unwrap_or_default();
        self.check_processes(&samples);
        self.check_bids(&log);
        self.check_same_state();
        self.check_rejections(expected);
        let failures = std::mem::take(&mut self.verdict.failures);
        crate::step!("{}: {} checks failed", self.name, failures.len());
        if !failures.is_empty() && std::env::var_os("ATTACK_KEEP_LOGS").is_some() {
            let dir = std::path::PathBuf::from(format!("/tmp/attack-logs/{}", self.name.replace(' ', "_")));
            let _ = std::fs::create_dir_all(&dir);
            for i in 0..self.net.nodes.len() {
                let _ = std::fs::write(dir.join(format!("node{i}.log")), self.net.log(i));
            }
        }
        assert!(failures.is_empty(), "scenario {} failed {} checks:\n - {}", self.name, failures.len(), failures.join("\n - "));
    }

    fn wait_all_past(&self, slot: u64) {
        let started = Instant::now();
        while started.elapsed() < SETTLE_TIMEOUT {
            let done = self.live().iter().all(|&i| {
                !self.running(i) || watch::metrics_height(&self.metrics_url(i)).is_some_and(|h| h > slot)
            });
            if done {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn running(&self, i: usize) -> bool {
        self.net.children[i].as_ref().is_some_and(|c| !matches!(watch::process_state(c.id()), None | Some('Z')))
    }

    fn panic_line(&self, i: usize) -> String {
        let log = self.net.log(i);
        let line = log.lines().find(|l| l.contains("panicked")).map(str::to_string);
        line.unwrap_or_else(|| self.net.log_tail(i).lines().last().unwrap_or_default().to_string())
    }

    fn check_processes(&mut self, samples: &[watch::NodeSample]) {
        for i in self.live() {
            let s = samples.get(i).cloned().unwrap_or_default();
            let exited = self.net.children[i].as_mut().map(|c| c.try_wait());
            let alive = matches!(exited, Some(Ok(None)));
            let why = format!("{exited:?}");
            let line = self.panic_line(i);
            self.verdict.check(alive, || format!("node {i} exited ({why}): {}", verdict::short(&line)));
            crate::step!(
                "{}: node {i}: heights {:?}..{:?}, longest stall {:.1} s, max RSS {} MiB, max home {:.1} MiB, max WAL {} KiB",
                self.name,
                s.first_height,
                s.last_height,
                s.longest_stall.as_secs_f64(),
                s.max_rss_kib / 1024,
                s.max_home_bytes as f64 / 1048576.0,
                s.max_wal_bytes / 1024
            );
            if !alive {
                continue;
            }
            self.verdict.check(s.longest_stall <= watch::MAX_STALL, || {
                format!("node {i} went {:.1} s without committing (bound {:?}); heights {:?}..{:?}", s.longest_stall.as_secs_f64(), watch::MAX_STALL, s.first_height, s.last_height)
            });
            self.verdict.check(s.max_rss_kib <= watch::MAX_RSS_KIB, || format!("node {i} RSS reached {} KiB (bound {})", s.max_rss_kib, watch::MAX_RSS_KIB));
            self.verdict.check(s.max_wal_bytes <= watch::MAX_WAL_BYTES, || format!("node {i} WAL reached {} bytes (bound {})", s.max_wal_bytes, watch::MAX_WAL_BYTES));
            self.verdict.check(s.max_home_bytes <= watch::MAX_HOME_BYTES, || {
                format!("node {i} home reached {} bytes (bound {})", s.max_home_bytes, watch::MAX_HOME_BYTES)
            });
        }
    }

    fn best_client(&self) -> Client {
        let best = self.live().into_iter().max_by_key(|&i| watch::metrics_height(&self.metrics_url(i)).unwrap_or(0)).unwrap_or(0);
        self.net.client(best)
    }

    fn check_bids(&mut self, log: &bids::BidLog) {
        if let Some(first) = log.refused.first() {
            let first = verdict::short(first);
            self.verdict.fail(format!("{} honest bids were refused or unanswered; first: {first}", log.refused.len()));
        }
        self.verdict.check(!log.sent.is_empty(), || "no honest bid was admitted during the attack".into());
        let missing = bids::unsettled(&self.best_client(), &log.sent);
        let total = log.sent.len();
        if let Some(first) = missing.first() {
            let first = verdict::short(first);
            self.verdict.fail(format!("{} of {total} honest bids did not settle in their slot; first: {first}", missing.len()));
        } else {
            self.verdict.note(format!("all {total} honest bids settled in their slots"));
        }
    }

    fn check_same_state(&mut self) {
        let running: Vec<usize> = self.live().into_iter().filter(|&i| self.running(i)).collect();
        let heights: Vec<u64> = running.iter().filter_map(|&i| self.net.height(i)).collect();
        let Some(&common) = heights.iter().min() else {
            self.verdict.fail("no node answers /status".into());
            return;
        };
        let roots: Vec<(String, String)> = running
            .iter()
            .map(|&i| match self.net.client(i).get(&format!("/blocks/{common}")) {
                Ok(b) => (b["hash"].as_str().unwrap_or("").to_string(), b["header"]["state_root"].as_str().unwrap_or("").to_string()),
                Err(e) => (format!("error: {e}"), String::new()),
            })
            .collect();
        let same = roots.windows(2).all(|w| w[0] == w[1]) && !roots.is_empty() && !roots[0].1.is_empty();
        self.verdict.check(same, || format!("nodes {running:?} disagree at height {common}: {roots:?}"));
    }

    fn check_rejections(&mut self, expected: &[Rejections]) {
        for r in expected {
            let mut rose = Vec::new();
            let mut absent = Vec::new();
            for i in self.live() {
                let before = verdict::rejected_total(&self.baseline_metrics[i], r.channel, r.reason);
                let after = verdict::rejected_total(&self.metrics_text(i), r.channel, r.reason);
                match (before, after) {
                    (_, None) => absent.push(i),
                    (b, Some(a)) if a > b.unwrap_or(0) => rose.push((i, a - b.unwrap_or(0))),
                    _ => {}
                }
            }
            let counter = verdict::REJECTED_COUNTER;
            self.verdict.check(absent.is_empty(), || format!("nodes {absent:?} export no {counter}"));
            self.verdict.check(rose.len() >= r.min_nodes, || {
                format!("{counter}{{channel={:?}, reason {:?}}} rose on {rose:?}, expected on at least {} nodes", r.channel, r.reason, r.min_nodes)
            });
        }
    }
}
