//! The gossip channels a node publishes on: transactions, consensus messages and evidence.

/// The gossip channels; on the network each is one gossipsub topic named after the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Signed transactions (bids, registrations, transfers), in batches.
    Txs,
    /// Proposals (with their blocks) and votes.
    Consensus,
    /// Proof that a validator signed two conflicting votes.
    Evidence,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Txs, Channel::Consensus, Channel::Evidence];

    /// The channel's name in topics, logs and metric labels.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Txs => "txs",
            Channel::Consensus => "consensus",
            Channel::Evidence => "evidence",
        }
    }
}
