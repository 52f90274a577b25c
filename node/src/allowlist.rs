//! Who may connect: the peers the operator configured, the nodes of the validators of the
//! current set (a validator removed or slashed to zero power is no longer allowed), and the
//! nodes the registry names (approved households' and validators' node keys).

use crate::genesis::Genesis;
use consensus::ValidatorSet;
use libp2p::PeerId;
use std::collections::HashSet;

pub struct Allowlist {
    /// `p2p.allowed_peers` and `p2p.persistent_peers`: allowed whatever the chain says.
    configured: HashSet<PeerId>,
    /// Each genesis validator's address and node.
    validator_nodes: Vec<([u8; 32], PeerId)>,
}

impl Allowlist {
    pub fn new(genesis: &Genesis, configured: HashSet<PeerId>) -> Allowlist {
        let validator_nodes = genesis.validators.iter().filter_map(|v| Some((v.address, v.node_id.parse().ok()?))).collect();
        Allowlist { configured, validator_nodes }
    }

    /// The peers allowed while `validators` is the set and `registry_keys` the node keys the
    /// registry names (a key that is not an ed25519 point is skipped).
    pub fn allowed(&self, validators: &ValidatorSet, registry_keys: &[[u8; 32]]) -> HashSet<PeerId> {
        let mut allowed = self.configured.clone();
        allowed.extend(self.validator_nodes.iter().filter(|(address, _)| validators.index_of(address).is_some()).map(|(_, peer)| *peer));
        allowed.extend(registry_keys.iter().filter_map(|key| peer_of(key)));
        allowed
    }
}

/// The libp2p id of a node whose identity is the ed25519 key `key`.
pub fn peer_of(key: &[u8; 32]) -> Option<PeerId> {
    let public = libp2p::identity::ed25519::PublicKey::try_from_bytes(key).ok()?;
    Some(libp2p::identity::PublicKey::from(public).to_peer_id())
}
