//! Serving state sync: the snapshots this node has, a snapshot's state in chunks, and the block
//! and certificate it ends at. A new node verifies all of it against a certified header, so
//! these routes only bound what they read and send.

use axum::extract::{Path, Query, State};
use axum::Json;
use prost::Message as _;
use serde_json::{json, Value};

use super::{AppState, RpcError, RpcResult};
use ledger::store::{ChainStore, RocksBackend};

/// Bytes of keys and values in one chunk (twice that in hex on the wire).
pub const CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// Longest state key a chunk request may resume after (the runtime's keys are far shorter).
const MAX_KEY_BYTES: usize = 256;

/// `GET /statesync/snapshots`: the heights this node can serve, newest last.
pub(super) async fn snapshots(State(s): State<AppState>) -> RpcResult {
    let heights = crate::snapshots::heights(&s.snapshot_dir);
    Ok(Json(json!({ "snapshots": heights.iter().map(|h| json!({ "height": h })).collect::<Vec<_>>() })))
}

#[derive(serde::Deserialize)]
pub(super) struct ChunkQuery {
    after: Option<String>,
}

/// `GET /statesync/snapshots/{h}/state?after=<hex key>`: the snapshot's state entries after the
/// key (from the first without one), in key order, at most [`CHUNK_BYTES`], and whether more follow.
pub(super) async fn state(State(s): State<AppState>, Path(height): Path<u64>, Query(q): Query<ChunkQuery>) -> RpcResult {
    let after = match q.after {
        Some(text) if text.len() > 2 * MAX_KEY_BYTES => {
            return Err(RpcError::bad_request("bad-key", format!("after is {} hex digits, at most {} are read", text.len(), 2 * MAX_KEY_BYTES)))
        }
        Some(text) => Some(hex::decode(&text).map_err(|e| RpcError::bad_request("bad-key", format!("after {text:?} is not hex: {e}")))?),
        None => None,
    };
    let store = open(&s, height).await?;
    let (entries, more) = tokio::task::spawn_blocking(move || store.state_chunk(after.as_deref(), CHUNK_BYTES))
        .await
        .map_err(|e| RpcError::internal(e.to_string()))?
        .map_err(|e| RpcError::internal(e.to_string()))?;
    let entries: Vec<Value> = entries.iter().map(|(k, v)| json!([hex::encode(k), hex::encode(v)])).collect();
    Ok(Json(json!({ "height": height, "entries": entries, "more": more })))
}

/// `GET /statesync/snapshots/{h}/tip`: the block and certificate the snapshot ends at, as
/// protobuf hex.
pub(super) async fn tip(State(s): State<AppState>, Path(height): Path<u64>) -> RpcResult {
    let store = open(&s, height).await?;
    let missing = || RpcError::internal(format!("snapshot {height} lacks its tip block or certificate"));
    let (block, cert) = tokio::task::spawn_blocking(move || (store.block(height), store.certificate(height)))
        .await
        .map_err(|e| RpcError::internal(e.to_string()))?;
    let block = block.map_err(|e| RpcError::internal(e.to_string()))?.ok_or_else(missing)?;
    let cert = cert.map_err(|e| RpcError::internal(e.to_string()))?.ok_or_else(missing)?;
    Ok(Json(json!({ "height": height, "block": hex::encode(block.encode_to_vec()), "certificate": hex::encode(cert.encode_to_vec()) })))
}

/// Opens snapshot `height` read-only, or says it is not (or no longer) here.
async fn open(s: &AppState, height: u64) -> Result<ChainStore<RocksBackend>, RpcError> {
    if !crate::snapshots::heights(&s.snapshot_dir).contains(&height) {
        return Err(RpcError::not_found(format!("this node has no snapshot at height {height} (GET /statesync/snapshots lists them)")));
    }
    let dir = s.snapshot_dir.join(height.to_string());
    tokio::task::spawn_blocking(move || ChainStore::open_read_only(&dir))
        .await
        .map_err(|e| RpcError::internal(e.to_string()))?
        .map_err(|e| RpcError::internal(format!("snapshot {height}: {e}")))
}
