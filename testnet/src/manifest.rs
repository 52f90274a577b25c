//! A manifest: the perturbations an e2e run applies, in order, and the latency phases.

use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// SIGKILL the container, wait, start it again.
    Kill { node: usize, #[serde(default = "two")] down_s: u64 },
    /// `docker restart` (SIGTERM, then start).
    Restart { node: usize },
    /// Freeze every process of the container.
    Pause { node: usize, secs: u64 },
    /// Remove the container from the compose network, then put it back at its address.
    Disconnect { node: usize, secs: u64 },
    /// tc netem on every validator's interface (so between every pair of containers).
    Netem { delay_ms: u64, #[serde(default)] jitter_ms: u64, #[serde(default)] loss_pct: f64, secs: u64 },
    /// Drop all traffic between one validator and the others (RPC from the host stays up).
    Isolate { node: usize, secs: u64 },
    /// Split the validators into two halves that cannot talk: with 2/2 no side has a
    /// quorum, so the chain must halt (not fork) and resume after healing.
    Split { secs: u64 },
    /// The administrator schedules protocol `version` `notice` blocks ahead. Validators whose
    /// release runs it take it at that height; those whose release does not must stop after
    /// the block before it, and are started again on this checkout's image, on the same homes.
    Upgrade { version: u32, #[serde(default = "twenty")] notice: u64 },
}

fn two() -> u64 {
    2
}

fn twenty() -> u64 {
    20
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// One-way netem delay per container, ms; one measuring phase per value.
    pub delays_ms: Vec<u64>,
    /// Further phases over relayed links with jitter and loss (`{ delay_ms, jitter_ms,
    /// loss_ppm }`), one measuring phase each; relays only (netem phases take `delays_ms`).
    #[serde(default)]
    pub links: Vec<crate::link::Link>,
    pub secs: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    /// Seconds of undisturbed load before the first step and between steps.
    #[serde(default = "two")]
    pub quiet_s: u64,
    /// A validator must commit a new block within this many seconds after a fault heals.
    #[serde(default = "thirty")]
    pub recover_s: u64,
    /// A git revision of an earlier release: the testnet starts on it (scripts/release-image.sh
    /// builds it), and an `upgrade` step brings it to this checkout's release.
    #[serde(default)]
    pub from_release: Option<String>,
    #[serde(default, rename = "step")]
    pub steps: Vec<Step>,
    pub latency: Option<Latency>,
}

fn thirty() -> u64 {
    30
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read manifest {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("manifest {path} is not valid: {source}")]
    Parse { path: String, source: Box<toml::de::Error> },
    #[error("step {step} names validator {node}, but the testnet has {validators}")]
    NoSuchNode { step: usize, node: usize, validators: usize },
    #[error("step {step} schedules an upgrade {notice} blocks ahead; the chain needs at least {minimum} (and a few more for the schedule to be included)")]
    NoticeTooShort { step: usize, notice: u64, minimum: u64 },
}

impl Step {
    pub fn node(&self) -> Option<usize> {
        match self {
            Step::Kill { node, .. } | Step::Restart { node } | Step::Pause { node, .. } | Step::Disconnect { node, .. } | Step::Isolate { node, .. } => Some(*node),
            Step::Netem { .. } | Step::Split { .. } | Step::Upgrade { .. } => None,
        }
    }

    /// Whether the chain keeps a quorum during the step (a 2/2 split must halt).
    pub fn keeps_quorum(&self) -> bool {
        !matches!(self, Step::Split { .. })
    }
}

impl Manifest {
    pub fn parse(text: &str, path: &str) -> Result<Manifest, ManifestError> {
        toml::from_str(text).map_err(|e| ManifestError::Parse { path: path.into(), source: Box::new(e) })
    }

    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read { path: p.clone(), source })?;
        Manifest::parse(&text, &p)
    }

    pub fn check(&self, validators: usize) -> Result<(), ManifestError> {
        for (i, s) in self.steps.iter().enumerate() {
            if let Some(node) = s.node() {
                if node >= validators {
                    return Err(ManifestError::NoSuchNode { step: i + 1, node, validators });
                }
            }
            let minimum = market_runtime::upgrade::MIN_UPGRADE_NOTICE + 5;
            if let Step::Upgrade { notice, .. } = s {
                if *notice < minimum {
                    return Err(ManifestError::NoticeTooShort { step: i + 1, notice: *notice, minimum });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_manifests_parse_and_name_only_four_validators() {
        for name in ["short", "full", "latency", "upgrade"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("manifests/{name}.toml"));
            let m = Manifest::load(&path).unwrap();
            m.check(4).unwrap();
        }
    }

    #[test]
    fn a_step_on_a_missing_validator_is_refused() {
        let m = Manifest::parse("name = \"x\"\n[[step]]\nkind = \"kill\"\nnode = 4\n", "x").unwrap();
        assert!(matches!(m.check(4), Err(ManifestError::NoSuchNode { step: 1, node: 4, validators: 4 })));
    }

    #[test]
    fn an_upgrade_too_close_for_the_chain_to_accept_is_refused() {
        let m = Manifest::parse("name = \"x\"\n[[step]]\nkind = \"upgrade\"\nversion = 1\nnotice = 10\n", "x").unwrap();
        assert!(matches!(m.check(4), Err(ManifestError::NoticeTooShort { step: 1, notice: 10, .. })));
    }

    #[test]
    fn an_unknown_perturbation_is_a_parse_error() {
        assert!(matches!(Manifest::parse("name = \"x\"\n[[step]]\nkind = \"explode\"\n", "x"), Err(ManifestError::Parse { .. })));
    }
}
