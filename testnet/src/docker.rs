//! The faults themselves: docker and, inside a container's network namespace, tc and
//! iptables run from the host (the image has neither).

use std::net::Ipv4Addr;
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("cannot run {cmd}: {source}")]
    Spawn { cmd: String, source: std::io::Error },
    #[error("`{cmd}` failed ({status}): {stderr}")]
    Failed { cmd: String, status: String, stderr: String },
    #[error("container {0} has no network interface besides lo")]
    NoInterface(String),
}

/// Runs a command, returning its stdout; a non-zero exit is an error carrying stderr.
pub fn run(program: &str, args: &[&str]) -> Result<String, DockerError> {
    let cmd = format!("{program} {}", args.join(" "));
    let out = Command::new(program).args(args).output().map_err(|source| DockerError::Spawn { cmd: cmd.clone(), source })?;
    if !out.status.success() {
        return Err(DockerError::Failed { cmd, status: out.status.to_string(), stderr: String::from_utf8_lossy(&out.stderr).trim().to_string() });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// One validator's container and its fixed address on the compose network.
#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    pub ip: Ipv4Addr,
}

#[derive(Debug, Clone)]
pub struct Docker {
    pub network: String,
}

impl Docker {
    pub fn kill(&self, c: &Container) -> Result<(), DockerError> {
        run("docker", &["kill", "-s", "KILL", &c.name]).map(drop)
    }

    pub fn start(&self, c: &Container) -> Result<(), DockerError> {
        run("docker", &["start", &c.name]).map(drop)
    }

    pub fn restart(&self, c: &Container) -> Result<(), DockerError> {
        run("docker", &["restart", "-t", "10", &c.name]).map(drop)
    }

    /// The container's state ("running", "exited", ...) and the exit code of its last run.
    pub fn state(&self, c: &Container) -> Result<(String, i32), DockerError> {
        let out = run("docker", &["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", &c.name])?;
        let (status, code) = out.split_once(' ').unwrap_or((out.as_str(), ""));
        Ok((status.to_string(), code.trim().parse().unwrap_or(-1)))
    }

    /// The last `lines` lines the container wrote (stdout and stderr).
    pub fn logs_tail(&self, c: &Container, lines: usize) -> Result<String, DockerError> {
        let n = lines.to_string();
        let cmd = format!("docker logs --tail {n} {}", c.name);
        let out = Command::new("docker").args(["logs", "--tail", &n, &c.name]).output().map_err(|source| DockerError::Spawn { cmd, source })?;
        Ok(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }

    pub fn pause(&self, c: &Container) -> Result<(), DockerError> {
        run("docker", &["pause", &c.name]).map(drop)
    }

    pub fn unpause(&self, c: &Container) -> Result<(), DockerError> {
        run("docker", &["unpause", &c.name]).map(drop)
    }

    pub fn disconnect(&self, c: &Container) -> Result<(), DockerError> {
        run("docker", &["network", "disconnect", &self.network, &c.name]).map(drop)
    }

    pub fn connect(&self, c: &Container) -> Result<(), DockerError> {
        let ip = c.ip.to_string();
        run("docker", &["network", "connect", "--ip", &ip, &self.network, &c.name]).map(drop)
    }

    fn pid(&self, c: &Container) -> Result<String, DockerError> {
        run("docker", &["inspect", "-f", "{{.State.Pid}}", &c.name])
    }

    /// Runs a host tool inside the container's network namespace.
    fn in_netns(&self, c: &Container, args: &[&str]) -> Result<String, DockerError> {
        let pid = self.pid(c)?;
        let mut full = vec!["-t", pid.as_str(), "-n"];
        full.extend_from_slice(args);
        run("nsenter", &full)
    }

    fn interfaces(&self, c: &Container) -> Result<Vec<String>, DockerError> {
        let out = self.in_netns(c, &["ip", "-o", "link", "show"])?;
        // Lines look like "12: eth0@if13: <...>"; the name ends at '@' or ':'.
        let names: Vec<String> = out
            .lines()
            .filter_map(|l| l.split(": ").nth(1))
            .map(|n| n.split('@').next().unwrap_or(n).to_string())
            .filter(|n| n != "lo")
            .collect();
        if names.is_empty() {
            return Err(DockerError::NoInterface(c.name.clone()));
        }
        Ok(names)
    }

    pub fn netem(&self, c: &Container, delay_ms: u64, jitter_ms: u64, loss_pct: f64) -> Result<(), DockerError> {
        for dev in self.interfaces(c)? {
            let (delay, jitter, loss) = (format!("{delay_ms}ms"), format!("{jitter_ms}ms"), format!("{loss_pct}%"));
            let mut args = vec!["tc", "qdisc", "replace", "dev", dev.as_str(), "root", "netem", "delay", delay.as_str()];
            if jitter_ms > 0 {
                args.push(jitter.as_str());
            }
            if loss_pct > 0.0 {
                args.extend_from_slice(&["loss", loss.as_str()]);
            }
            self.in_netns(c, &args)?;
        }
        Ok(())
    }

    /// Whether the kernel has the netem qdisc (a kernel built without sch_netem answers
    /// "Specified qdisc kind is unknown"; the check leaves the interface as it was).
    pub fn netem_available(&self, c: &Container) -> Result<bool, DockerError> {
        match self.netem(c, 0, 0, 0.0) {
            Ok(()) => {
                self.clear_netem(c)?;
                Ok(true)
            }
            Err(DockerError::Failed { stderr, .. }) if stderr.contains("qdisc kind is unknown") => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn clear_netem(&self, c: &Container) -> Result<(), DockerError> {
        for dev in self.interfaces(c)? {
            // Deleting a qdisc that is not there fails; that is the state we want.
            let _ = self.in_netns(c, &["tc", "qdisc", "del", "dev", dev.as_str(), "root"]);
        }
        Ok(())
    }

    /// Drops all traffic between `c` and `peers` (both directions, from inside `c`).
    pub fn block(&self, c: &Container, peers: &[&Container]) -> Result<(), DockerError> {
        for p in peers {
            let ip = p.ip.to_string();
            self.in_netns(c, &["iptables", "-I", "INPUT", "-s", &ip, "-j", "DROP"])?;
            self.in_netns(c, &["iptables", "-I", "OUTPUT", "-d", &ip, "-j", "DROP"])?;
        }
        Ok(())
    }

    /// Removes every rule `block` added (the filter chains of a container start empty).
    pub fn unblock(&self, c: &Container) -> Result<(), DockerError> {
        self.in_netns(c, &["iptables", "-F", "INPUT"])?;
        self.in_netns(c, &["iptables", "-F", "OUTPUT"])?;
        Ok(())
    }
}
