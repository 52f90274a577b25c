//! A local network of real `solartrade start` processes for the end-to-end tests.
#![allow(dead_code)]

use node::client::Client;
use node::localnet::{LocalnetNode, LocalnetSpec};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The network tests share two cores: one network at a time.
pub static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_solartrade"))
}

pub struct Net {
    pub dir: tempfile::TempDir,
    pub nodes: Vec<LocalnetNode>,
    pub children: Vec<Option<Child>>,
    pub chain_id: String,
    pub seed: u64,
}

pub fn spawn(args: &[&str], log: &Path) -> Child {
    let out = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("log file");
    let err = out.try_clone().expect("log file");
    let mut cmd = Command::new(exe());
    cmd.args(args).stdin(Stdio::null()).stdout(out).stderr(err);
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.spawn().expect("start solartrade")
}

impl Net {
    /// Writes the homes of `validators` nodes and starts those whose index is in `start`.
    pub fn new(validators: usize, households: usize, slot_ms: u64, base_port: u16, start: &[usize]) -> Net {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = LocalnetSpec {
            dir: dir.path().to_path_buf(),
            chain_id: "solartrade-test".into(),
            validators,
            households,
            slot_ms,
            seed: 7,
            base_port,
            genesis_time_ms: node::service::now_ms() + 1500,
            host: "127.0.0.1".into(),
            mechanism: market_runtime::Mechanism::default(),
            metering: false,
            topology: None,
            retention_slots: None,
        };
        let (_, nodes) = node::localnet::generate(&spec).expect("generate homes");
        let mut net = Net { dir, children: nodes.iter().map(|_| None).collect(), nodes, chain_id: spec.chain_id, seed: spec.seed };
        for &i in start {
            net.start(i);
        }
        net
    }

    /// Adds a household node (no validator key) whose `[agent]` bids for simulated household
    /// `household`, peered with every validator, which admit its node id. Call before the
    /// validators start; it is started with them (`start(index)`) and its index is returned.
    pub fn add_household_node(&mut self, household: usize, port: u16) -> usize {
        let index = self.nodes.len();
        let home_dir = self.dir.path().join(format!("household{household}"));
        let home = node::home::Home::new(&home_dir);
        home.create_dirs().expect("household home");
        let node_key = ledger::sign::Keypair::generate();
        node_key.save(&home.node_key_file()).expect("node key");
        node::localnet::household_keypair(self.seed, household).save(&home_dir.join("config/household_key.json")).expect("household key");
        std::fs::copy(Path::new(&self.nodes[0].home).join("config/genesis.json"), home.genesis_file()).expect("genesis");
        let node_id = node::localnet::node_id_of(&node_key).expect("node id");
        let mut config = node::config::Config { moniker: format!("household-{household}"), ..Default::default() };
        config.p2p.listen = format!("/ip4/127.0.0.1/tcp/{port}");
        config.rpc.listen = format!("127.0.0.1:{}", port + 1);
        config.metrics.listen = format!("127.0.0.1:{}", port + 2);
        config.p2p.persistent_peers =
            self.nodes.iter().map(|v| format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", v.p2p_port, v.node_id)).collect();
        config.agent.enabled = true;
        config.agent.profile_index = household;
        config.agent.seed = self.seed;
        config.save(&home.config_file()).expect("household config");
        for v in &self.nodes {
            let path = Path::new(&v.home).join("config/config.toml");
            let mut vc = node::config::Config::load(&path).expect("validator config");
            vc.p2p.allowed_peers.push(node_id.clone());
            vc.save(&path).expect("validator config");
        }
        self.nodes.push(LocalnetNode {
            home: home_dir,
            moniker: config.moniker,
            node_id,
            validator: [0; 32],
            p2p_port: port,
            rpc_port: port + 1,
            metrics_port: port + 2,
        });
        self.children.push(None);
        index
    }

    pub fn start(&mut self, i: usize) {
        let home = self.nodes[i].home.display().to_string();
        let log = self.nodes[i].home.join("node.log");
        self.children[i] = Some(spawn(&["start", "--home", &home, "--log-format", "json"], &log));
    }

    pub fn kill9(&mut self, i: usize) {
        if let Some(mut child) = self.children[i].take() {
            unsafe {
                libc::kill(child.id() as i32, libc::SIGKILL);
            }
            let _ = child.wait();
        }
    }

    pub fn client(&self, i: usize) -> Client {
        Client::new(&format!("127.0.0.1:{}", self.nodes[i].rpc_port))
    }

    pub fn height(&self, i: usize) -> Option<u64> {
        self.client(i).get("/status").ok().and_then(|s| s["latest_height"].as_u64())
    }

    /// Waits until node `i` reaches `height`; panics with the node's log tail after `timeout`.
    pub fn wait_height(&self, i: usize, height: u64, timeout: Duration) -> u64 {
        let started = Instant::now();
        loop {
            if let Some(h) = self.height(i) {
                if h >= height {
                    return h;
                }
            }
            if started.elapsed() > timeout {
                panic!("node {i} did not reach height {height} in {timeout:?} (at {:?}); log tail:\n{}", self.height(i), self.log_tail(i));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self, i: usize) -> String {
        std::fs::read_to_string(self.nodes[i].home.join("node.log")).unwrap_or_default()
    }

    pub fn log_tail(&self, i: usize) -> String {
        let log = self.log(i);
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// The block hash each listed node has at `height`.
    pub fn hashes_at(&self, nodes: &[usize], height: u64) -> Vec<String> {
        nodes
            .iter()
            .map(|&i| self.client(i).get(&format!("/blocks/{height}")).map(|b| b["hash"].as_str().unwrap_or("").to_string()).unwrap_or_default())
            .collect()
    }

    pub fn assert_same_chain(&self, nodes: &[usize], height: u64) {
        let hashes = self.hashes_at(nodes, height);
        assert!(!hashes[0].is_empty(), "no block {height} on node {}", nodes[0]);
        assert!(hashes.windows(2).all(|w| w[0] == w[1]), "block hashes differ at height {height}: {hashes:?}");
    }

    pub fn no_double_signing(&self) {
        for i in 0..self.nodes.len() {
            assert!(!self.log(i).contains("equivocation"), "node {i} saw equivocation:\n{}", self.log_tail(i));
        }
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for i in 0..self.children.len() {
            self.kill9(i);
        }
    }
}
