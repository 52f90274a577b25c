//! Docker compose testnets: the homes `localnet::generate` writes, re-addressed so every
//! validator has its own fixed address on a private bridge network, plus the compose file
//! that runs them and a meter-sim container.

use crate::config::Config;
use crate::home::Home;
use crate::localnet::LocalnetNode;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::Path;

/// Where the homes are mounted inside every container.
pub const DATA_DIR: &str = "/data";

#[derive(Debug, Clone)]
pub struct ComposeSpec {
    /// Compose project name; containers are `<project>-validator-<i>` and `<project>-meter-sim`.
    pub project: String,
    pub image: String,
    /// The bridge network's /24, e.g. 172.28.66.0; validator i gets .(10 + i).
    pub subnet: Ipv4Addr,
    /// Households meter-sim bids for (the first ones of the genesis); 0 = no meter-sim container.
    pub meter_households: usize,
    pub seed: u64,
    pub meter_threads: usize,
    /// The link every validator-to-validator connection goes over, through a relay container
    /// per validator (`solartrade-delay-proxy` at .(100 + i)); the default is direct.
    pub wan: WanLink,
}

/// A WAN link between validators, each way: one-way delay, uniform jitter on top, segments
/// lost per million (the relay's model: `testnet/src/link.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WanLink {
    pub delay_ms: u64,
    #[serde(default)]
    pub jitter_ms: u64,
    #[serde(default)]
    pub loss_ppm: u32,
}

impl WanLink {
    /// No relay: the validators dial each other directly.
    pub fn is_direct(&self) -> bool {
        *self == WanLink::default()
    }
}

impl std::fmt::Display for WanLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ms", self.delay_ms)?;
        if self.jitter_ms > 0 {
            write!(f, " ± {} ms jitter", self.jitter_ms)?;
        }
        if self.loss_ppm > 0 {
            write!(f, ", {}% loss", f64::from(self.loss_ppm) / 1e4)?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("subnet {0} must be the .0 address of a /24")]
    Subnet(Ipv4Addr),
    #[error("{0} validators do not fit in a /24 from .10")]
    TooMany(usize),
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

/// The fixed address of validator `index` on the compose network.
pub fn validator_ip(subnet: Ipv4Addr, index: usize) -> Result<Ipv4Addr, ComposeError> {
    let o = subnet.octets();
    if o[3] != 0 {
        return Err(ComposeError::Subnet(subnet));
    }
    let last = u8::try_from(10 + index).map_err(|_| ComposeError::TooMany(index + 1))?;
    if last == 255 {
        return Err(ComposeError::TooMany(index + 1));
    }
    Ok(Ipv4Addr::new(o[0], o[1], o[2], last))
}

/// The address of the relay in front of validator `index` (when a WAN delay is asked for).
pub fn relay_ip(subnet: Ipv4Addr, index: usize) -> Result<Ipv4Addr, ComposeError> {
    validator_ip(subnet, index + 90)
}

pub fn container_name(project: &str, moniker: &str) -> String {
    format!("{project}-{moniker}")
}

/// Rewrites each home's config.toml: listen on every interface of the container, dial the
/// other validators at their fixed addresses (or at their relays', to delay the traffic).
pub fn readdress_homes(nodes: &[LocalnetNode], subnet: Ipv4Addr, via_relays: bool) -> Result<(), ComposeError> {
    let mut ips = Vec::new();
    for i in 0..nodes.len() {
        ips.push(if via_relays { relay_ip(subnet, i)? } else { validator_ip(subnet, i)? });
    }
    for node in nodes {
        let file = Home::new(&node.home).config_file();
        let mut config = Config::load(&file)?;
        config.p2p.listen = format!("/ip4/0.0.0.0/tcp/{}", node.p2p_port);
        config.p2p.persistent_peers = nodes
            .iter()
            .zip(&ips)
            .filter(|(o, _)| o.node_id != node.node_id)
            .map(|(o, ip)| format!("/ip4/{ip}/tcp/{}/p2p/{}", o.p2p_port, o.node_id))
            .collect();
        config.rpc.listen = format!("0.0.0.0:{}", node.rpc_port);
        config.metrics.listen = format!("0.0.0.0:{}", node.metrics_port);
        config.save(&file)?;
    }
    Ok(())
}

/// The compose file (format 2.4, which docker-compose 1.x reads and which allows fixed
/// addresses). Homes are bind-mounted from the directory the file is written to; RPC and
/// metrics are published on the host's loopback only.
pub fn compose_yaml(nodes: &[LocalnetNode], spec: &ComposeSpec) -> Result<String, ComposeError> {
    let mut y = String::new();
    let _ = writeln!(y, "# Written by `solartrade testnet files --docker`; start with `docker-compose -p {} up -d`.", spec.project);
    let _ = writeln!(y, "version: \"2.4\"");
    let _ = writeln!(y, "services:");
    let mut rpcs = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let ip = validator_ip(spec.subnet, i)?;
        let dir = node.home.file_name().map(|d| d.to_string_lossy().to_string()).unwrap_or_else(|| format!("node{i}"));
        rpcs.push(format!("{ip}:{}", node.rpc_port));
        let _ = writeln!(y, "  {}:", node.moniker);
        let _ = writeln!(y, "    image: {}", spec.image);
        let _ = writeln!(y, "    container_name: {}", container_name(&spec.project, &node.moniker));
        let _ = writeln!(y, "    command: [\"start\", \"--home\", \"{DATA_DIR}/{dir}\", \"--log-format\", \"json\"]");
        let _ = writeln!(y, "    volumes: [\"./{dir}:{DATA_DIR}/{dir}\"]");
        let _ = writeln!(y, "    ports: [\"127.0.0.1:{0}:{0}\", \"127.0.0.1:{1}:{1}\"]", node.rpc_port, node.metrics_port);
        // SIGTERM lets RocksDB close; give it time before docker escalates to SIGKILL.
        let _ = writeln!(y, "    stop_grace_period: 10s");
        let _ = writeln!(y, "    networks:\n      testnet:\n        ipv4_address: {ip}");
        if !spec.wan.is_direct() {
            let relay = relay_ip(spec.subnet, i)?;
            let _ = writeln!(y, "  wan-{i}:");
            let _ = writeln!(y, "    image: {}", spec.image);
            let _ = writeln!(y, "    container_name: {}", container_name(&spec.project, &format!("wan-{i}")));
            let _ = writeln!(y, "    entrypoint: [\"/usr/local/bin/solartrade-delay-proxy\"]");
            let _ = writeln!(
                y,
                "    command: [\"--listen\", \"0.0.0.0:{0}\", \"--to\", \"{ip}:{0}\", \"--delay-ms\", \"{1}\", \"--jitter-ms\", \"{2}\", \"--loss-ppm\", \"{3}\", \"--seed\", \"{4}\"]",
                node.p2p_port, spec.wan.delay_ms, spec.wan.jitter_ms, spec.wan.loss_ppm, spec.seed.wrapping_add(i as u64)
            );
            let _ = writeln!(y, "    networks:\n      testnet:\n        ipv4_address: {relay}");
        }
    }
    if spec.meter_households > 0 {
        let _ = writeln!(y, "  meter-sim:");
        let _ = writeln!(y, "    image: {}", spec.image);
        let _ = writeln!(y, "    container_name: {}", container_name(&spec.project, "meter-sim"));
        let _ = writeln!(
            y,
            "    command: [\"meter-sim\", \"--households\", \"{}\", \"--rpc\", \"{}\", \"--seed\", \"{}\", \"--threads\", \"{}\"]",
            spec.meter_households,
            rpcs.join(","),
            spec.seed,
            spec.meter_threads
        );
        // meter-sim gives up when its first node stays unreachable; faults make that happen.
        let _ = writeln!(y, "    restart: unless-stopped");
        let deps: Vec<String> = nodes.iter().map(|n| n.moniker.clone()).collect();
        let _ = writeln!(y, "    depends_on: [{}]", deps.join(", "));
        let _ = writeln!(y, "    networks: [testnet]");
    }
    let o = spec.subnet.octets();
    let _ = writeln!(y, "networks:\n  testnet:\n    name: {}-net\n    ipam:\n      config:\n        - subnet: {}.{}.{}.0/24", spec.project, o[0], o[1], o[2]);
    Ok(y)
}

/// Re-addresses the homes in `dir` and writes `dir/docker-compose.yml`.
pub fn write(dir: &Path, nodes: &[LocalnetNode], spec: &ComposeSpec) -> Result<(), ComposeError> {
    readdress_homes(nodes, spec.subnet, !spec.wan.is_direct())?;
    let yaml = compose_yaml(nodes, spec)?;
    let path = dir.join("docker-compose.yml");
    std::fs::write(&path, yaml).map_err(|source| ComposeError::Write { path: path.display().to_string(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(i: u16) -> LocalnetNode {
        LocalnetNode {
            home: format!("/tmp/x/node{i}").into(),
            moniker: format!("validator-{i}"),
            node_id: format!("id{i}"),
            validator: [0; 32],
            p2p_port: 27600 + 10 * i,
            rpc_port: 27601 + 10 * i,
            metrics_port: 27602 + 10 * i,
        }
    }

    #[test]
    fn validators_get_consecutive_addresses_from_dot_ten() {
        let subnet = Ipv4Addr::new(172, 28, 66, 0);
        assert_eq!(validator_ip(subnet, 0).ok(), Some(Ipv4Addr::new(172, 28, 66, 10)));
        assert_eq!(validator_ip(subnet, 6).ok(), Some(Ipv4Addr::new(172, 28, 66, 16)));
        assert!(matches!(validator_ip(Ipv4Addr::new(172, 28, 66, 1), 0), Err(ComposeError::Subnet(_))));
        assert!(matches!(validator_ip(subnet, 245), Err(ComposeError::TooMany(246))));
    }

    #[test]
    fn compose_file_publishes_rpc_on_loopback_and_points_meter_sim_at_every_validator() {
        let spec = ComposeSpec { project: "st".into(), image: "solartrade:local".into(), subnet: Ipv4Addr::new(10, 9, 8, 0), meter_households: 623, seed: 1, meter_threads: 4, wan: WanLink::default() };
        let y = compose_yaml(&[node(0), node(1)], &spec).unwrap();
        assert!(!y.contains("delay-proxy"));
        assert!(y.contains("\"127.0.0.1:27601:27601\""));
        assert!(y.contains("\"127.0.0.1:27612:27612\""));
        assert!(y.contains("ipv4_address: 10.9.8.11"));
        assert!(y.contains("\"--rpc\", \"10.9.8.10:27601,10.9.8.11:27611\""));
        assert!(y.contains("container_name: st-meter-sim"));
        assert!(y.contains("- subnet: 10.9.8.0/24"));
    }

    #[test]
    fn a_wan_delay_puts_a_relay_in_front_of_each_validator() {
        let spec = ComposeSpec { project: "st".into(), image: "i".into(), subnet: Ipv4Addr::new(10, 9, 8, 0), meter_households: 0, seed: 1, meter_threads: 4, wan: WanLink { delay_ms: 50, jitter_ms: 10, loss_ppm: 10_000 } };
        let y = compose_yaml(&[node(0), node(1)], &spec).unwrap();
        assert!(y.contains("ipv4_address: 10.9.8.101"));
        assert!(y.contains("\"--to\", \"10.9.8.11:27610\", \"--delay-ms\", \"50\", \"--jitter-ms\", \"10\", \"--loss-ppm\", \"10000\""));
    }

    #[test]
    fn no_meter_sim_container_without_households() {
        let spec = ComposeSpec { project: "st".into(), image: "i".into(), subnet: Ipv4Addr::new(10, 9, 8, 0), meter_households: 0, seed: 1, meter_threads: 4, wan: WanLink::default() };
        let y = compose_yaml(&[node(0)], &spec).unwrap();
        assert!(!y.contains("meter-sim"));
    }
}
