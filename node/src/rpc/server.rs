//! The RPC's accept loop. `axum::serve` has neither a cap on open connections nor a deadline on
//! request headers: a client trickling one byte a second would hold a connection for ever, and a
//! flood of idle connections would use up the node's file descriptors.

use super::refusal::Refusal;
use crate::config::RpcConfig;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
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
    pub header_timeout: Duration,
}

impl From<&RpcConfig> for ServerLimits {
    fn from(config: &RpcConfig) -> Self {
        ServerLimits { max_connections: config.max_connections, header_timeout: Duration::from_millis(config.header_timeout_ms) }
    }
}

/// Serves `app` on `listener` for as long as the node runs.
pub async fn serve(listener: TcpListener, app: Router, limits: ServerLimits) -> std::convert::Infallible {
    let open = Arc::new(Semaphore::new(limits.max_connections));
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
        match open.clone().try_acquire_owned() {
            Ok(slot) => {
                tokio::spawn(serve_connection(stream, app.clone(), limits.header_timeout, slot));
            }
            Err(_) => {
                refused_since_log = refused_since_log.saturating_add(1);
                if last_log.is_none_or(|at| at.elapsed() >= REFUSAL_LOG_INTERVAL) {
                    tracing::warn!(%peer, refused = refused_since_log, limit = limits.max_connections,
                        "RPC connections refused: rpc.max_connections are open");
                    refused_since_log = 0;
                    last_log = Some(Instant::now());
                }
                if let Ok(permit) = refusing.clone().try_acquire_owned() {
                    tokio::spawn(refuse(stream, limits.max_connections, permit));
                }
            }
        }
    }
}

/// One connection, HTTP/1.1 with keep-alive; its slot is freed when it closes.
async fn serve_connection(stream: TcpStream, app: Router, header_timeout: Duration, _slot: OwnedSemaphorePermit) {
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

/// A `503 too-many-connections` written straight to the socket, then closed.
async fn refuse(mut stream: TcpStream, limit: usize, _permit: OwnedSemaphorePermit) {
    let body = Refusal::TooManyConnections { limit }.json_body();
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
