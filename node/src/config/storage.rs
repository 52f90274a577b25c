//! `[storage]`: how much of the chain this node keeps on its disk.

use serde::{Deserialize, Serialize};

use super::{invalid, ConfigError};

/// Fewest blocks a pruning node keeps: enough for a peer a day behind on one-second slots to
/// catch up from it, and for the evidence and sync checks that look a few heights back.
pub const MIN_RETAIN_BLOCKS: u64 = 100;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// Keep the latest this many blocks and certificates, removing older ones; 0 keeps all.
    pub retain_blocks: u64,
}

impl StorageConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.retain_blocks != 0 && self.retain_blocks < MIN_RETAIN_BLOCKS {
            return Err(invalid(
                "storage.retain_blocks",
                &self.retain_blocks.to_string(),
                &format!("must be 0 (keep all) or at least {MIN_RETAIN_BLOCKS}"),
            ));
        }
        Ok(())
    }

    pub(super) fn documented_toml(&self) -> String {
        format!(
            r#"[storage]
# Keep only the latest this many blocks and certificates on disk (at least {MIN_RETAIN_BLOCKS});
# 0 keeps every block. The state is kept either way; peers that sync from this node can
# fetch only the blocks it kept, and RPC answers older heights with a "pruned" error.
retain_blocks = {}
"#,
            self.retain_blocks,
        )
    }
}
