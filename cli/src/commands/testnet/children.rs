//! The node processes of a local testnet: spawned with their logs, watched, stopped on drop.

use super::*;
use std::process::{Child, Command, Stdio};

pub struct Children(pub Vec<(String, Child)>);

impl Children {
    /// Fails when a node has exited: its ports may answer for another process (an earlier
    /// testnet still shutting down), and a report on a dead node would say nothing true.
    pub(super) fn check_alive(&mut self, nodes: &[LocalnetNode]) -> anyhow::Result<()> {
        for ((name, child), n) in self.0.iter_mut().zip(nodes) {
            if let Some(status) = child.try_wait()? {
                let log = n.home.join("node.log");
                anyhow::bail!("{name} exited ({status}); the end of {}:\n{}", log.display(), log_tail(&log, 20));
            }
        }
        Ok(())
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            terminate(child);
        }
        for (_, child) in &mut self.0 {
            let _ = child.wait();
        }
    }
}

pub fn terminate(child: &mut Child) {
    // SIGTERM lets a node close RocksDB cleanly.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
}

/// A child process that dies with its parent (the kernel sends SIGKILL if we go away).
pub fn spawn_child(exe: &Path, args: &[String], log: &Path) -> anyhow::Result<Child> {
    use std::os::unix::process::CommandExt;
    let log_file = std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let err_file = log_file.try_clone()?;
    let mut cmd = Command::new(exe);
    cmd.args(args).stdin(Stdio::null()).stdout(log_file).stderr(err_file);
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.spawn().with_context(|| format!("cannot start {}", exe.display()))
}

pub fn start_node(exe: &Path, home: &Path) -> anyhow::Result<Child> {
    let args = vec!["start".to_string(), "--home".into(), home.display().to_string(), "--log-format".into(), "json".into()];
    spawn_child(exe, &args, &home.join("node.log"))
}

pub(super) fn wait_healthy(nodes: &[LocalnetNode], timeout: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        loop {
            if c.get("/health").is_ok() {
                break;
            }
            if started.elapsed() > timeout {
                let log = n.home.join("node.log");
                anyhow::bail!(
                    "{} did not answer /health on port {} within {:?}; the end of {}:\n{}",
                    n.moniker,
                    n.rpc_port,
                    timeout,
                    log.display(),
                    log_tail(&log, 20)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    Ok(())
}

/// The last `lines` lines of a node's log, so a node that failed to start says why.
fn log_tail(log: &Path, lines: usize) -> String {
    match std::fs::read_to_string(log) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read it: {e})"),
    }
}
