//! Who may connect: the peers the operator configured, and the nodes of the validators of
//! the current set (a validator removed or slashed to zero power is no longer allowed).

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

    /// The peers allowed while `validators` is the set.
    pub fn allowed(&self, validators: &ValidatorSet) -> HashSet<PeerId> {
        let mut allowed = self.configured.clone();
        allowed.extend(self.validator_nodes.iter().filter(|(address, _)| validators.index_of(address).is_some()).map(|(_, peer)| *peer));
        allowed
    }
}
