//! Which peer to ask for blocks, without trusting what peers claim.
//!
//! A peer's claimed height only counts while the peer backs it with blocks: a peer that
//! claims to be ahead and then delivers nothing, or delivers a block that fails its checks,
//! is set aside for a while, so one liar cannot capture a lagging node's sync by claiming
//! `u64::MAX`. Peers are taken in turn among those not set aside.

use libp2p::PeerId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a peer that lied or served a bad block is not asked again.
pub const SET_ASIDE: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct PeerRecord {
    claimed: u64,
    set_aside_until: Option<Instant>,
}

/// What a sync response showed about its sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Blocks were applied, or the peer is not ahead and said so.
    Honest,
    /// It claimed blocks it did not send, or sent a block that failed verification.
    Misbehaved(&'static str),
}

#[derive(Debug, Default)]
pub struct SyncPeers {
    peers: HashMap<PeerId, PeerRecord>,
    cursor: usize,
}

impl SyncPeers {
    /// Judges a response: `claimed` its latest height, `asked_from` the first height asked,
    /// `applied` how many of its blocks committed, `bad_block` whether one failed its checks.
    pub fn judge(&mut self, peer: PeerId, claimed: u64, asked_from: u64, applied: u64, bad_block: bool, now: Instant) -> Outcome {
        let record = self.peers.entry(peer).or_default();
        let outcome = if bad_block {
            Outcome::Misbehaved("invalid-block")
        } else if claimed > asked_from.saturating_add(1) && applied == 0 {
            Outcome::Misbehaved("claimed-blocks-not-sent")
        } else {
            Outcome::Honest
        };
        match outcome {
            Outcome::Honest => record.claimed = claimed,
            Outcome::Misbehaved(_) => {
                record.claimed = 0;
                record.set_aside_until = Some(now + SET_ASIDE);
            }
        }
        outcome
    }

    pub fn forget(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
    }

    fn usable(&self, peer: &PeerId, now: Instant) -> bool {
        self.peers.get(peer).and_then(|r| r.set_aside_until).is_none_or(|until| now >= until)
    }

    /// The next peer to ask, among `connected`: those believed ahead of `tip` first, in turn.
    pub fn pick(&mut self, connected: &[PeerId], tip: u64, now: Instant) -> Option<PeerId> {
        let usable: Vec<PeerId> = connected.iter().copied().filter(|p| self.usable(p, now)).collect();
        let ahead: Vec<PeerId> = usable.iter().copied().filter(|p| self.peers.get(p).is_some_and(|r| r.claimed > tip)).collect();
        let pool = if ahead.is_empty() { &usable } else { &ahead };
        if pool.is_empty() {
            return None;
        }
        self.cursor = self.cursor.wrapping_add(1);
        Some(pool[self.cursor % pool.len()])
    }

    /// Whether a peer in good standing is more than a block ahead of `tip`.
    pub fn behind(&self, tip: u64, now: Instant) -> bool {
        self.peers.iter().any(|(p, r)| self.usable(p, now) && r.claimed > tip.saturating_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_claiming_u64_max_without_blocks_is_set_aside_and_others_are_asked() {
        let (liar, honest) = (PeerId::random(), PeerId::random());
        let mut peers = SyncPeers::default();
        let now = Instant::now();
        assert_eq!(peers.judge(liar, u64::MAX, 11, 0, false, now), Outcome::Misbehaved("claimed-blocks-not-sent"));
        assert!(!peers.behind(10, now), "a set-aside liar does not make the node think it is behind");
        for _ in 0..4 {
            assert_eq!(peers.pick(&[liar, honest], 10, now), Some(honest));
        }
        assert!(peers.pick(&[liar, honest], 10, now + SET_ASIDE).is_some());
    }

    #[test]
    fn a_peer_that_serves_a_bad_block_is_set_aside() {
        let peer = PeerId::random();
        let mut peers = SyncPeers::default();
        let now = Instant::now();
        assert_eq!(peers.judge(peer, 20, 11, 3, true, now), Outcome::Misbehaved("invalid-block"));
        assert_eq!(peers.pick(&[peer], 13, now), None);
    }

    #[test]
    fn an_honest_peer_ahead_is_preferred() {
        let (a, b) = (PeerId::random(), PeerId::random());
        let mut peers = SyncPeers::default();
        let now = Instant::now();
        assert_eq!(peers.judge(a, 50, 11, 10, false, now), Outcome::Honest);
        assert_eq!(peers.judge(b, 10, 11, 0, false, now), Outcome::Honest, "not ahead, and it said so");
        assert!(peers.behind(20, now));
        for _ in 0..3 {
            assert_eq!(peers.pick(&[a, b], 20, now), Some(a));
        }
    }
}
