//! Which protocol versions this release runs, and what a node does when the chain moves past them.
//!
//! Version 0 is the protocol since genesis. Version 1 adds the version to every header (the
//! field is left out at 0, so older blocks keep their hashes); its state layout is version 0's,
//! so starting it on a version-0 data directory migrates nothing.

use thiserror::Error;

/// The newest protocol version this release runs (it runs every older one too).
pub const PROTOCOL_VERSION: u32 = 1;

/// The chain has scheduled, or started, a protocol this release does not run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "the chain runs protocol {version} from height {height}, and this release ({release}) runs protocols up to {PROTOCOL_VERSION}: stopping before height {height}. Install a release that runs protocol {version} and start it on this same home; it continues the chain from here (docs/operator.md, \"Upgrades\")"
)]
pub struct UpgradeRequired {
    pub version: u32,
    pub height: u64,
    pub release: &'static str,
}

/// `Some` when block `height` must be made under a protocol newer than this release's.
pub fn upgrade_required(store: &impl market_runtime::StateStore, height: u64) -> Option<UpgradeRequired> {
    let version = market_runtime::upgrade::version_at(store, height);
    (version > PROTOCOL_VERSION).then(|| {
        let starts = market_runtime::upgrade::scheduled(store).map_or(height, |s| s.height);
        UpgradeRequired { version, height: starts, release: ledger::store::format::RELEASE }
    })
}
