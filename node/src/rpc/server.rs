//! The RPC's accept loop. `axum::serve` has neither a cap on open connections nor a deadline on
//! request headers: a client trickling one byte a second would hold a connection for ever, and a
//! flood of idle connections would use up the node's file descriptors. A cap per client address
//! keeps one client from holding every connection the node serves.

use super::refusal::Refusal;
use crate::config::RpcConfig;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// hyper's read buffer per connection, which the request head must fit: memory per connection
/// stays bounded whatever a client sends.
const MAX_BUF_BYTES: usize = 64 * 1024;
/// Refusals being written at once; past this an over-cap connection is closed without one.
const MAX_REFUSALS_IN_FLIGHT: usize = 32;
/// How long a refused client has to take its 503 before the socket closes.
const REFUSAL_LINGER: Duration = Duration::from_secs(1);
/// Pause after a failed accept (out of file descriptors, say) so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// Refused connections are logged at most this often, with the count since the last line.
const REFUSAL_LOG_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    pub max_connections: usize,
    pub max_per_address: usize,
    pub header_timeout: Duration,
}

impl From<&RpcConfig> for ServerLimits {
    fn from(config: &RpcConfig) -> Self {
        ServerLimits {
            max_connections: config.max_connections,
            max_per_address: config.max_connections_per_address.min(config.max_connections),
            header_timeout: Duration::from_millis(config.header_timeout_ms),
        }
    }
}

/// Open connections per client address; an entry goes when its last connection closes, so the
/// map holds at most `max_connections` entries.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection's place in its address's count, given back on drop.
struct AddressSlot {
    counts: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    fn take(self: &Arc<Self>, ip: IpAddr, limit: usize) -> Option<AddressSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let open = counts.entry(ip).or_insert(0);
        if *open >= limit {
            return None;
        }
        *open += 1;
        Some(AddressSlot { counts: self.clone(), ip })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(open) = counts.get_mut(&self.ip) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` for as long as the node runs.
pub async fn serve(listener: TcpListener, app: Router, limits: ServerLimits) -> std::convert::Infallible {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let refusing = Arc::new(Semaphore::new(MAX_REFUSALS_IN_FLIGHT));
    let mut refused_since_log: u64 = 0;
    let mut last_log: Option<Instant> = None;
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!(error = %e, "the RPC server cannot accept a connection");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        // The node-wide cap first: when one address holds every connection, that is what is full.
        let admitted = open.clone().try_acquire_owned().map_err(|_| Refusal::TooManyConnections { limit: limits.max_connections }).and_then(|slot| {
            let address = per_address.take(peer.ip(), limits.max_per_address).ok_or(Refusal::TooManyFromAddress { limit: limits.max_per_address })?;
            Ok((slot, address))
        });
        match admitted {
            Ok(slots) => {
                tokio::spawn(serve_connection(stream, app.clone(), limits.header_timeout, slots));
            }
            Err(refusal) => {
                refused_since_log = refused_since_log.saturating_add(1);
                if last_log.is_none_or(|at| at.elapsed() >= REFUSAL_LOG_INTERVAL) {
                    tracing::warn!(%peer, refused = refused_since_log, reason = refusal.code(), "RPC connections refused: {refusal}");
                    refused_since_log = 0;
                    last_log = Some(Instant::now());
                }
                if let Ok(permit) = refusing.clone().try_acquire_owned() {
                    tokio::spawn(refuse(stream, refusal, permit));
                }
            }
        }
    }
}

/// One connection, HTTP/1.1 with keep-alive; its slot is freed when it closes.
async fn serve_connection(stream: TcpStream, app: Router, header_timeout: Duration, _slots: (OwnedSemaphorePermit, AddressSlot)) {
    // Answers are small and a client waits for each: do not hold them back to fill a packet.
    let _ = stream.set_nodelay(true);
    let mut builder = http1::Builder::new();
    // hyper starts this timer whenever it waits for a request head, so it also closes a
    // keep-alive connection left idle for as long.
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).max_buf_size(MAX_BUF_BYTES);
    if let Err(e) = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app)).await {
        tracing::debug!(error = %e, "RPC connection closed with an error");
    }
}

/// A `503` naming the cap, written straight to the socket, then closed.
async fn refuse(mut stream: TcpStream, refusal: Refusal, _permit: OwnedSemaphorePermit) {
    let body = refusal.json_body();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_LINGER, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        // Drain what the client sent: closing with unread bytes would reset the connection and
        // could discard the answer before the client reads it.
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), std::io::Error>(())
    })
    .await;
}
