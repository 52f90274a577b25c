//! What the swarm reports, turned into the few events the node handles: connections kept
//! (persistent peers re-dialled with back-off), gossip checked against its topic and the
//! sender's rate, sync requests and responses.

use super::*;

impl Network {
    fn dial_due_peers(&mut self) {
        let now = Instant::now();
        let due: Vec<(PeerId, Multiaddr)> = self
            .persistent
            .iter()
            .filter(|(peer, (_, backoff))| !self.connected.contains(*peer) && backoff.due(now))
            .map(|(peer, (addr, _))| (*peer, addr.clone()))
            .collect();
        for (peer, addr) in due {
            if let Some((_, backoff)) = self.persistent.get_mut(&peer) {
                backoff.dialling(now);
            }
            if let Err(e) = self.swarm.dial(addr.clone()) {
                self.dial_failed(peer, &addr, &e.to_string());
            }
        }
    }

    fn dial_failed(&mut self, peer: PeerId, addr: &Multiaddr, why: &str) {
        if let Some((_, backoff)) = self.persistent.get_mut(&peer) {
            let wait = backoff.failed(Instant::now());
            let failures = backoff.failures();
            // The first failures are normal while a testnet starts; later ones the operator should see.
            if failures >= 3 {
                tracing::warn!(%peer, %addr, failures, retry_in_ms = wait.as_millis() as u64, error = why, "persistent peer unreachable");
            } else {
                tracing::debug!(%peer, %addr, failures, retry_in_ms = wait.as_millis() as u64, error = why, "persistent peer not reachable yet");
            }
        }
    }

    /// The next event the node must handle; dials and connection bookkeeping happen inside.
    /// Cancel-safe, so it can sit in a `tokio::select!`.
    pub async fn next(&mut self) -> NetEvent {
        loop {
            let event = tokio::select! {
                _ = self.dial_tick.tick() => { self.dial_due_peers(); continue; }
                event = self.swarm.select_next_some() => event,
            };
            if let Some(event) = self.handle(event) {
                return event;
            }
        }
    }

    fn handle(&mut self, event: SwarmEvent<BehaviourEvent>) -> Option<NetEvent> {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, node_id = %self.local_peer_id(), "p2p listening");
                None
            }
            SwarmEvent::ConnectionEstablished { peer_id, num_established, endpoint, .. } => {
                if let Some((_, backoff)) = self.persistent.get_mut(&peer_id) {
                    backoff.connected();
                }
                if num_established.get() == 1 {
                    self.connected.insert(peer_id);
                    tracing::info!(peer = %peer_id, address = %endpoint.get_remote_address(), "peer connected");
                    return Some(NetEvent::PeerConnected(peer_id));
                }
                None
            }
            SwarmEvent::ConnectionClosed { peer_id, num_established, cause, .. } => {
                if num_established == 0 {
                    self.connected.remove(&peer_id);
                    self.rate.forget(&peer_id);
                    if let Some((_, backoff)) = self.persistent.get_mut(&peer_id) {
                        backoff.failed(Instant::now());
                    }
                    tracing::info!(peer = %peer_id, cause = ?cause.map(|c| c.to_string()), "peer disconnected");
                    return Some(NetEvent::PeerDisconnected(peer_id));
                }
                None
            }
            SwarmEvent::OutgoingConnectionError { peer_id: Some(peer), error, .. } => {
                let addr = self.persistent.get(&peer).map(|(a, _)| a.clone());
                if let Some(addr) = addr {
                    self.dial_failed(peer, &addr, &error.to_string());
                }
                None
            }
            SwarmEvent::IncomingConnectionError { peer_id, send_back_addr, error, .. } => {
                // A denied connection means the peer's key is neither a genesis validator nor allowed.
                tracing::warn!(peer = ?peer_id.map(|p| p.to_string()), from = %send_back_addr, error = %error,
                    "refused incoming connection (peer not in the genesis validators or p2p.allowed_peers?)");
                None
            }
            SwarmEvent::ListenerError { error, .. } => {
                tracing::error!(error = %error, "p2p listener failed");
                None
            }
            SwarmEvent::Behaviour(BehaviourEvent::Gossip(event)) => self.handle_gossip(event),
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => self.handle_sync(event),
            _ => None,
        }
    }

    fn handle_gossip(&mut self, event: gossipsub::Event) -> Option<NetEvent> {
        let gossipsub::Event::Message { propagation_source, message_id, message } = event else {
            return None;
        };
        let Some(channel) = self.topics.get(&message.topic).copied() else {
            self.validated(&message_id, &propagation_source, Acceptance::Reject);
            return None;
        };
        if self.rate.check(propagation_source, Instant::now()) == Verdict::Throttle {
            self.validated(&message_id, &propagation_source, Acceptance::Ignore);
            return None;
        }
        Some(NetEvent::Gossip { channel, source: propagation_source, id: message_id, data: message.data })
    }

    fn handle_sync(&mut self, event: request_response::Event<SyncRequest, SyncResponse>) -> Option<NetEvent> {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request { request, channel, .. } => Some(NetEvent::SyncRequest { peer, request, channel }),
                request_response::Message::Response { response, .. } => Some(NetEvent::SyncResponse { peer, response }),
            },
            request_response::Event::OutboundFailure { peer, error, .. } => Some(NetEvent::SyncFailed { peer, why: error.to_string() }),
            _ => None,
        }
    }
}
