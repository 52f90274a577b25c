//! Which protocol versions this release runs, and what a node does when the chain moves past them.
//!
//! Version 0 is the protocol since genesis. Version 1 adds the version to every header (the
//! field is left out at 0, so older blocks keep their hashes). Version 2 makes block time
//! strictly increasing (Tendermint's BFT-time rule): from it on, no two blocks share a
//! millisecond, so a block time names one block, and a light client or a slot view can search
//! the chain by time. Versions 1 and 2 keep version 0's state layout, so starting this
//! release on an older data directory migrates nothing.

use thiserror::Error;

/// The newest protocol version this release runs (it runs every older one too).
pub const PROTOCOL_VERSION: u32 = 2;

/// The first protocol under which a block's time must exceed its parent's.
pub const STRICT_TIME_FROM: u32 = 2;

/// The earliest time a block made under `version` may carry after a parent made at `parent_ms`.
pub fn earliest_block_time(version: u32, parent_ms: u64) -> u64 {
    if version >= STRICT_TIME_FROM {
        parent_ms.saturating_add(1)
    } else {
        parent_ms
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_protocol_2_a_block_must_be_later_than_its_parent() {
        assert_eq!(earliest_block_time(0, 1_000), 1_000);
        assert_eq!(earliest_block_time(1, 1_000), 1_000);
        assert_eq!(earliest_block_time(2, 1_000), 1_001);
        assert_eq!(earliest_block_time(3, 1_000), 1_001);
        // A parent time at the edge of the type cannot overflow the rule.
        assert_eq!(earliest_block_time(2, u64::MAX), u64::MAX);
    }
}
