//! What the simulated I/O does with a driver's effects and with arriving messages: the part a
//! real node's service does with sockets and timers, here with the event queue.

use std::sync::Arc;

use node_core::channel::Channel;
use node_core::consensus_wire::LedgerSigner;
use node_core::driver::{DriverError, Effect};

use crate::byzantine::Outgoing;
use crate::config::Behaviour;
use crate::invariants::Checker;
use crate::report::HeaderFacts;
use crate::node::{SimDriver, MAX_NONCE_AHEAD};
use crate::setup::CHAIN_ID;
use crate::world::{Event, World};

/// Blocks one sync response carries (a real node's `MAX_BLOCKS_PER_RESPONSE` is of this order).
const SYNC_BATCH: u64 = 32;
/// How often a node looks for peers ahead of it (a real node's sync tick).
const SYNC_TICK_MS: u64 = 1_000;

impl World<'_> {
    /// Runs `step` on `node`'s driver at its local time, if that node's life is `incarnation`.
    pub(crate) fn drive(&mut self, node: usize, incarnation: u64, step: impl FnOnce(&mut SimDriver, u64) -> Result<Vec<Effect>, DriverError>) {
        let Some(n) = self.nodes.get_mut(node) else { return };
        if n.incarnation != incarnation {
            return;
        }
        let local = n.local(self.now);
        let Some(driver) = n.driver.as_mut() else { return };
        match step(driver, local) {
            Ok(effects) => self.apply(node, effects),
            Err(e) => self.violation(Some(node), format!("driver error: {e}")),
        }
    }

    pub(crate) fn apply(&mut self, node: usize, effects: Vec<Effect>) {
        let incarnation = self.nodes[node].incarnation;
        for effect in effects {
            match effect {
                Effect::Publish(channel, bytes) => self.publish_own(node, channel, bytes),
                Effect::Timer { timeout, after_ms } => {
                    self.schedule(self.now.saturating_add(after_ms), Event::Timer { node, incarnation, timeout });
                }
                Effect::StartAt { height, at_ms } => {
                    let at = self.nodes[node].global(at_ms);
                    self.schedule(at, Event::StartHeight { node, incarnation, height });
                }
                Effect::ProposeAt { height, round, at_ms } => {
                    let at = self.nodes[node].global(at_ms);
                    self.schedule(at, Event::Propose { node, incarnation, height, round });
                }
                Effect::Committed(committed) => {
                    let height = committed.block.height();
                    self.commits.push((node, height, committed.round, self.now));
                    let header = committed.block.header.as_ref();
                    let facts = HeaderFacts { protocol_version: header.map_or(0, |h| h.protocol_version), time_ms: header.map_or(0, |h| h.time_ms) };
                    self.headers.insert(height, facts);
                    if let Some(driver) = self.nodes[node].driver.as_ref() {
                        self.checker.on_commit(self.now, node, &committed, driver);
                    }
                }
                Effect::NeedSync => self.request_sync(node),
                Effect::SubmitTx(bytes) => {
                    let admitted = self.nodes[node].driver.as_mut().map(|d| d.admit_bytes(&bytes, MAX_NONCE_AHEAD));
                    if let Some(Ok(_)) = admitted {
                        self.publish(node, None, Channel::Txs, ledger::batch::encode_tx_batch(&[bytes]));
                    }
                }
            }
        }
    }

    /// A message the driver publishes: checked for double signing when it is this node's
    /// own, altered when this node is Byzantine, then sent.
    fn publish_own(&mut self, node: usize, channel: Channel, bytes: Vec<u8>) {
        let behaviour = self.nodes[node].behaviour;
        if behaviour == Some(Behaviour::Silent) {
            return;
        }
        let me = self.nodes[node].key.public();
        let own = Checker::own_message(&bytes).filter(|m| m.sender() == me);
        let (behaviour, message) = match (behaviour, own) {
            (Some(behaviour), Some(message)) => (behaviour, message),
            (None, own) => {
                if let Some(message) = &own {
                    self.checker.on_signed(self.now, node, message);
                }
                return self.publish(node, None, channel, bytes);
            }
            (Some(_), None) => return self.publish(node, None, channel, bytes),
        };
        let signer = LedgerSigner { keypair: self.nodes[node].key.clone(), chain_id: CHAIN_ID.into() };
        let mut refused = Vec::new();
        let outgoing = self.nodes[node].mischief.rewrite(behaviour, &signer, &message, bytes, self.now, &mut refused);
        for block in refused {
            self.checker.on_invalid_block(block);
        }
        match outgoing {
            Outgoing::Nothing => {}
            Outgoing::All(bytes) => self.publish(node, None, channel, bytes),
            Outgoing::Split { even, odd } => {
                self.publish(node, Some(0), channel, even);
                self.publish(node, Some(1), channel, odd);
            }
            Outgoing::Burst(all) => {
                for bytes in all {
                    self.publish(node, None, channel, bytes);
                }
            }
        }
    }

    /// Sends `bytes` from `node` to every other node (`half`: only those of that parity).
    pub(crate) fn publish(&mut self, node: usize, half: Option<usize>, channel: Channel, bytes: Vec<u8>) {
        let bytes = Arc::new(bytes);
        for to in 0..self.nodes.len() {
            if to == node || half.is_some_and(|h| to % 2 != h) {
                continue;
            }
            for delay in self.network.deliveries(&mut self.rng, node, to, self.now) {
                self.messages += 1;
                self.schedule(self.now.saturating_add(delay), Event::Gossip { to, from: node, channel, bytes: bytes.clone() });
            }
        }
    }

    pub(crate) fn deliver(&mut self, to: usize, _from: usize, channel: Channel, bytes: &[u8]) {
        let Some(n) = self.nodes.get_mut(to) else { return };
        let local = n.local(self.now);
        let Some(driver) = n.driver.as_mut() else { return };
        match channel {
            Channel::Txs => {
                // A bad batch or a refused transaction costs the sender's score on a real
                // node; here every sender is honest, and a refusal is a state difference.
                if let Ok(txs) = ledger::batch::decode_tx_batch(bytes) {
                    for tx in txs {
                        let _ = driver.admit_bytes(tx, MAX_NONCE_AHEAD);
                    }
                }
            }
            Channel::Consensus | Channel::Evidence => match driver.on_gossip(bytes, local) {
                Ok((_, effects)) => self.apply(to, effects),
                Err(e) => self.violation(Some(to), format!("driver error on gossip: {e}")),
            },
        }
    }

    /// Every second a node asks a peer that is ahead of it for the blocks it lacks: how a
    /// node that missed a decision (its precommits lost) catches up when nothing else tells it.
    pub(crate) fn sync_tick(&mut self, node: usize, incarnation: u64) {
        if self.nodes[node].incarnation != incarnation || !self.nodes[node].is_up() {
            return;
        }
        let tip = self.nodes[node].tip();
        let ahead = (0..self.nodes.len()).any(|p| p != node && self.nodes[p].tip() > tip && self.network.connected(node, p, self.now));
        if ahead {
            self.request_sync(node);
        }
        self.schedule(self.now.saturating_add(SYNC_TICK_MS), Event::SyncTick { node, incarnation });
    }

    fn request_sync(&mut self, node: usize) {
        if self.nodes[node].syncing {
            return;
        }
        let tip = self.nodes[node].tip();
        let peers: Vec<usize> = (0..self.nodes.len())
            .filter(|&p| p != node && self.nodes[p].tip() > tip && self.network.connected(node, p, self.now))
            .collect();
        if peers.is_empty() {
            return;
        }
        let from = peers[rand::Rng::gen_range(&mut self.rng, 0..peers.len())];
        let round_trip = self.network.delay(&mut self.rng, node, from).saturating_add(self.network.delay(&mut self.rng, from, node));
        self.nodes[node].syncing = true;
        let incarnation = self.nodes[node].incarnation;
        self.schedule(self.now.saturating_add(round_trip), Event::Sync { node, incarnation, from });
    }

    /// A sync response from `from` arrives: the blocks after `node`'s tip, with certificates.
    pub(crate) fn sync(&mut self, node: usize, incarnation: u64, from: usize) {
        if self.nodes[node].incarnation != incarnation {
            return;
        }
        self.nodes[node].syncing = false;
        let tip = self.nodes[node].tip();
        let Some(peer) = self.nodes.get(from).and_then(|p| p.driver.as_ref()) else { return };
        let peer_tip = peer.chain().tip().height;
        let mut blocks = Vec::new();
        for height in tip.saturating_add(1)..=peer_tip.min(tip.saturating_add(SYNC_BATCH)) {
            match peer.chain().block_and_certificate(height) {
                Ok(Some(pair)) => blocks.push(pair),
                _ => break,
            }
        }
        for (block, cert) in blocks {
            let height = block.height();
            let before = self.nodes[node].tip();
            if height <= before {
                continue;
            }
            let mut failed = None;
            self.drive(node, incarnation, |d, now| {
                d.apply_synced(block, cert, now).inspect_err(|e| failed = Some(e.to_string()))
            });
            if failed.is_some() {
                return;
            }
        }
        if peer_tip > self.nodes[node].tip() {
            self.request_sync(node);
        }
    }

    pub(crate) fn restart(&mut self, node: usize) {
        let now = self.now;
        let result = {
            let n = &mut self.nodes[node];
            n.boot(&self.setup.genesis, self.config, now)
        };
        match result {
            Ok(effects) => self.apply(node, effects),
            Err(e) => {
                self.violation(Some(node), format!("restart failed: {e}"));
                return;
            }
        }
        let incarnation = self.nodes[node].incarnation;
        self.schedule(now.saturating_add(SYNC_TICK_MS), Event::SyncTick { node, incarnation });
        // Peers re-send their pending pools to a node that (re)connects, as real nodes do.
        for peer in 0..self.nodes.len() {
            if peer == node || !self.network.connected(node, peer, now) {
                continue;
            }
            let Some(d) = self.nodes[peer].driver.as_ref() else { continue };
            let pool: Vec<Vec<u8>> = d.mempool().envelopes().map(<[u8]>::to_vec).collect();
            for chunk in pool.chunks(ledger::limits::MAX_TX_BATCH_TXS) {
                let delay = self.network.delay(&mut self.rng, peer, node);
                let bytes = Arc::new(ledger::batch::encode_tx_batch(chunk));
                self.messages += 1;
                self.schedule(now.saturating_add(delay), Event::Gossip { to: node, from: peer, channel: Channel::Txs, bytes });
            }
        }
    }

    /// Every household bids for `slot` through a node that is up, chosen at random.
    pub(crate) fn bids(&mut self, slot: u64) {
        let up: Vec<usize> = (0..self.nodes.len()).filter(|&i| self.nodes[i].is_up()).collect();
        if up.is_empty() {
            return;
        }
        let mut batches: Vec<Vec<Vec<u8>>> = vec![Vec::new(); self.nodes.len()];
        for household in 0..self.households.len() {
            let node = up[rand::Rng::gen_range(&mut self.rng, 0..up.len())];
            let Some(driver) = self.nodes[node].driver.as_mut() else { continue };
            if let Some(bytes) = self.households.bid(household, slot, driver) {
                batches[node].push(bytes);
            }
        }
        for (node, batch) in batches.into_iter().enumerate() {
            if !batch.is_empty() {
                self.publish(node, None, Channel::Txs, ledger::batch::encode_tx_batch(&batch));
            }
        }
    }
}
