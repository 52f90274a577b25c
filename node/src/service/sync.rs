//! Block sync as a client: which peer to ask, and what to make of its answer (every block
//! checked like a proposal; a peer that lies is set aside). Serving is `sync_server.rs`.

use super::*;

impl Node {
    pub(super) fn request_sync(&mut self) {
        if let Some((_, at, _)) = self.sync_in_flight {
            if at.elapsed() < Duration::from_secs(5) {
                return;
            }
        }
        let tip = self.driver.chain().tip().height;
        let Some(peer) = self.sync_peers.pick(&self.network.peers(), tip, Instant::now()) else { return };
        let from = tip.saturating_add(1);
        self.network.request_blocks(peer, SyncRequest { from_height: from, max_blocks: SYNC_BATCH });
        self.sync_in_flight = Some((peer, Instant::now(), from));
    }

    pub(super) fn on_sync_request(&mut self, peer: PeerId, request: SyncRequest, channel: crate::network::ResponseChannel) {
        let latest = self.driver.chain().tip().height;
        if !self.sync_server.serve(request, channel, latest) {
            self.shared.metrics.refused("sync", "server-busy");
            tracing::debug!(%peer, "sync: busy serving other peers; request dropped");
        }
    }

    pub(super) fn on_sync_response(&mut self, peer: PeerId, response: SyncResponse) {
        let tip_before = self.driver.chain().tip().height;
        let asked_from = match self.sync_in_flight.take() {
            Some((asked, _, from)) if asked == peer => from,
            // A late answer (after a timeout) still carries blocks and a claim worth checking.
            other => {
                self.sync_in_flight = other;
                tip_before.saturating_add(1)
            }
        };
        let chain_id = self.driver.chain().chain_id().to_string();
        let mut applied = 0u64;
        // Blocks that checked out, applied or already committed here meanwhile by consensus.
        let mut delivered = 0u64;
        let mut bad_block = false;
        for synced in response.blocks {
            let decoded = ledger::block::decode_block(&synced.block, &chain_id)
                .and_then(|b| ledger::certificate::decode_certificate(&synced.certificate).map(|c| (b, c)));
            let (block, cert) = match decoded {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::warn!(%peer, %error, "sync: peer sent a block or certificate that does not decode");
                    bad_block = true;
                    break;
                }
            };
            match self.driver.apply_synced(block, cert, now_ms()) {
                Ok(effects) => {
                    delivered += 1;
                    applied += u64::from(!effects.is_empty());
                    // Only the commit matters here; the start of consensus waits for the last block.
                    let (commits, _): (Vec<Effect>, Vec<Effect>) = effects.into_iter().partition(|e| matches!(e, Effect::Committed(_)));
                    self.run_effects(commits);
                }
                Err(e) if e.is_disk_full() => {
                    tracing::error!(error = %e, "sync: the disk is full");
                    break;
                }
                Err(e) => {
                    tracing::warn!(%peer, error = %e, "sync: block refused");
                    bad_block = true;
                    break;
                }
            }
        }
        let tip = self.driver.chain().tip().height;
        if let sync_peers::Outcome::Misbehaved(reason) = self.sync_peers.judge(peer, response.latest_height, asked_from, delivered, bad_block, Instant::now()) {
            self.shared.metrics.refused("sync", reason);
            tracing::warn!(%peer, reason, claimed = response.latest_height, applied, "sync: peer set aside for {} s", sync_peers::SET_ASIDE.as_secs());
        }
        if applied > 0 {
            tracing::info!(%peer, applied, height = tip, peer_height = response.latest_height, "synced blocks");
            let next = tip + 1;
            let at_ms = self.driver.chain().genesis.slot_deadline_ms(next);
            self.run_effects(vec![Effect::StartAt { height: next, at_ms }]);
        }
        if self.sync_peers.behind(tip, Instant::now()) || bad_block {
            self.request_sync();
        }
    }
}
