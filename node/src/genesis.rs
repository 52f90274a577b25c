//! genesis.json on a node: the format and its rules are `node_core::genesis`; a node id is a libp2p peer id.

pub use node_core::genesis::*;

/// Everything a node checks before it trusts a genesis (`Genesis::validate_with`), with node
/// ids that must parse as libp2p peer ids.
pub fn validate(genesis: &Genesis) -> Result<(), GenesisFileError> {
    genesis.validate_with(&|id| id.parse::<libp2p::PeerId>().is_ok())
}
