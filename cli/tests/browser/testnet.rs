//! A `solartrade testnet local` for the browser tests, with meter-sim bidding for its homes, and
//! the RPC reads the tests compare the page with.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use serde_json::Value;

pub const SLOT_MS: u64 = 1000;
/// The seed of the testnet's genesis households, so the meters sign for homes the chain approved.
pub const SEED: &str = "1";
/// Generous: validators, hundreds of genesis households and a meter-sim all start on 2 cores.
pub const TESTNET_READY: Duration = Duration::from_secs(180);

/// The testnet's process group, ended (SIGTERM, then SIGKILL) when the test is done, however it ends.
pub struct Testnet {
    child: Child,
    pub rpc: String,
    home: tempfile::TempDir,
}

/// What a test's testnet is: how many homes, where its ports start, and `testnet local`'s
/// market flags (`--lots 2`, `--metering`, ...), which meter-sim then bids under.
pub struct TestnetSpec<'a> {
    pub validators: usize,
    pub households: usize,
    pub base_port: u16,
    pub market_args: &'a [&'a str],
}

impl Testnet {
    /// The network administrator's key file that `testnet local` writes beside the homes.
    pub fn admin_key(&self) -> std::path::PathBuf {
        self.home.path().join("net").join("admin_key.json")
    }
}

/// `solartrade meter-sim` bidding for the testnet's homes while the page is watched, killed when dropped.
pub struct Meters(Child);

impl Meters {
    /// `meter_args`: meter-sim's flags that match the testnet's market (`--meter-reports`, ...).
    pub fn start(rpc: &str, households: usize, meter_args: &[&str]) -> anyhow::Result<Self> {
        let host_port = rpc.trim_start_matches("http://");
        let child = Command::new(env!("CARGO_BIN_EXE_solartrade"))
            .args(["meter-sim", "--households", &households.to_string(), "--rpc", host_port, "--seed", SEED, "--threads", "4"])
            .args(meter_args)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting `solartrade meter-sim`")?;
        Ok(Meters(child))
    }
}

impl Drop for Meters {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Testnet {
    pub fn start(spec: &TestnetSpec) -> anyhow::Result<Self> {
        let home = tempfile::tempdir()?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_solartrade"));
        command
            .args(["testnet", "local", "--validators", &spec.validators.to_string(), "--households", &spec.households.to_string()])
            .args(["--slot-ms", &SLOT_MS.to_string(), "--keep", "--seed", SEED])
            // A short warm-up before the report that prints the addresses; the test brings its own load below.
            .args(["--duration", "5", "--base-port", &spec.base_port.to_string()])
            .args(spec.market_args)
            .arg("--dir")
            .arg(home.path().join("net"))
            .current_dir(home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Its own process group, so validators it spawns end with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().context("starting `solartrade testnet local`")?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("testnet stdout not captured"))?;
        let (lines_tx, lines_rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("testnet: {line}");
                if lines_tx.send(line).is_err() {
                    // The test stopped listening; keep draining so the testnet never blocks on a full pipe.
                    continue;
                }
            }
        });
        let mut testnet = Testnet { child, rpc: String::new(), home };
        let deadline = Instant::now() + TESTNET_READY;
        while testnet.rpc.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!("`solartrade testnet local` printed no RPC address (http://127.0.0.1:PORT) within {TESTNET_READY:?}");
            }
            if let Some(status) = testnet.child.try_wait()? {
                bail!("`solartrade testnet local` exited with {status} before printing an RPC address");
            }
            if let Ok(line) = lines_rx.recv_timeout(left.min(Duration::from_millis(500))) {
                if let Some(url) = first_loopback_url(&line) {
                    testnet.rpc = url;
                }
            }
        }
        Ok(testnet)
    }
}

impl Drop for Testnet {
    fn drop(&mut self) {
        let Ok(pid) = i32::try_from(self.child.id()) else { return };
        // SAFETY: kill(2) on the process group this test created; no memory is shared.
        unsafe { libc::kill(-pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // SAFETY: as above; whatever ignored SIGTERM is stopped for good.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// `http://127.0.0.1:PORT` or `http://localhost:PORT` in a line of the testnet's report.
fn first_loopback_url(line: &str) -> Option<String> {
    for prefix in ["http://127.0.0.1:", "http://localhost:"] {
        if let Some(at) = line.find(prefix) {
            let digits: String = line[at + prefix.len()..].chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() {
                return Some(format!("{prefix}{digits}"));
            }
        }
    }
    None
}

pub fn rpc(base: &str, path: &str) -> anyhow::Result<Value> {
    ureq::get(&format!("{base}{path}"))
        .call()
        .with_context(|| format!("GET {base}{path}"))?
        .body_mut()
        .read_json()
        .with_context(|| format!("GET {base}{path} is JSON"))
}

/// Waits until the node has committed a block and has approved households; returns how many.
pub fn wait_for_chain(base: &str) -> anyhow::Result<usize> {
    let deadline = Instant::now() + TESTNET_READY;
    loop {
        let ready = rpc(base, "/status").ok().filter(|s| s["latest_height"].as_u64().unwrap_or(0) >= 1).and_then(|_| rpc(base, "/households").ok());
        if let Some(households) = ready {
            let count = households["households"].as_array().map(|l| l.iter().filter(|h| h["status"] == "approved").count()).unwrap_or(0);
            if count > 0 {
                return Ok(count);
            }
        }
        if Instant::now() > deadline {
            bail!("{base} committed no block with households within {TESTNET_READY:?}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}
