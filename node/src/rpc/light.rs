//! What a light client needs from a node (docs/interfaces.md, "Light client"): exact header and certificate bytes, the validator set of a past height, state proofs and a slot's bidders. All of it untrusted: the client checks it.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use prost::Message;
use serde_json::{json, Value};
use tokio::sync::{mpsc::error::TrySendError, oneshot};

use super::{AppState, RpcError, RpcResult};
use crate::shared::ProofRequest;
use market_runtime::keys;

/// Most keys in one proof request.
pub const MAX_PROOF_KEYS: usize = 1024;
/// Longest key a proof is asked for; the longest state key (`evid/`) is 51 bytes.
pub const MAX_KEY_BYTES: usize = 64;
/// Most bytes of values and proofs in one answer (twice that as hex): 1,024 bids and their
/// proofs take about 1 MB; a slot's settlements are 32 bytes per bidder.
pub const MAX_PROOF_BYTES: usize = 8 * 1024 * 1024;
/// Most bidders in one page of `/light/slots/{slot}/bidders`.
pub const MAX_BIDDERS_PAGE: usize = 1024;

/// Why a light-client request was refused, naming the input at fault.
#[derive(Debug, thiserror::Error)]
pub enum LightRpcError {
    #[error("{text:?} is not a height (a positive integer, or \"latest\" for headers)")]
    BadHeight { text: String },
    #[error("{text:?} is not a slot number")]
    BadSlot { text: String },
    #[error("no block at height {height} (latest is {latest})")]
    NoBlock { height: u64, latest: u64 },
    #[error("the validator set of height {height} is not known yet: the latest block is {latest}, so the latest known set is of height {}", latest.saturating_add(1))]
    SetNotYetKnown { height: u64, latest: u64 },
    #[error("this node has no record of the validator set of height {height}: its data predates the record (docs/interfaces.md)")]
    SetNotRecorded { height: u64 },
    #[error("the body is not {{\"keys\": [\"<hex>\", ...]}}: {why}")]
    BadBody { why: String },
    #[error("{count} keys asked, at most {MAX_PROOF_KEYS} per request")]
    TooManyKeys { count: usize },
    #[error("key {index} is not hex: {why}")]
    KeyNotHex { index: usize, why: String },
    #[error("key {index} is {len} bytes; a key is 1 to {MAX_KEY_BYTES} bytes")]
    KeyLength { index: usize, len: usize },
    #[error("{text:?} is not an address: {why}")]
    BadAddress { text: String, why: String },
    #[error("limit {limit} is not 1 to {MAX_BIDDERS_PAGE}")]
    BadLimit { limit: usize },
    #[error("{0}")]
    Prove(#[from] node_core::light_proofs::ProveError),
    #[error("the node is busy with other proof requests; retry shortly")]
    Busy,
    #[error("the node is stopping")]
    Stopping,
    #[error("the chain store cannot be read: {0}")]
    Store(#[from] ledger::store::StoreError),
}

impl From<LightRpcError> for RpcError {
    fn from(error: LightRpcError) -> Self {
        use node_core::light_proofs::ProveError;
        use LightRpcError::*;
        let (status, code) = match &error {
            BadHeight { .. } => (StatusCode::BAD_REQUEST, "bad-height"),
            BadSlot { .. } => (StatusCode::BAD_REQUEST, "bad-slot"),
            NoBlock { .. } | SetNotYetKnown { .. } | SetNotRecorded { .. } => (StatusCode::NOT_FOUND, "not-found"),
            BadBody { .. } => (StatusCode::BAD_REQUEST, "bad-request"),
            TooManyKeys { .. } => (StatusCode::BAD_REQUEST, "too-many-keys"),
            KeyNotHex { .. } | KeyLength { .. } => (StatusCode::BAD_REQUEST, "bad-key"),
            BadAddress { .. } => (StatusCode::BAD_REQUEST, "bad-address"),
            BadLimit { .. } => (StatusCode::BAD_REQUEST, "bad-limit"),
            Prove(ProveError::TooLarge { .. }) => (StatusCode::PAYLOAD_TOO_LARGE, "answer-too-large"),
            Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            Stopping => (StatusCode::SERVICE_UNAVAILABLE, "shutting-down"),
            Prove(ProveError::Store(_)) | Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        RpcError::new(status, code, error.to_string())
    }
}

fn parse_height(text: &str) -> Result<u64, LightRpcError> {
    text.parse::<u64>().ok().filter(|h| *h > 0).ok_or_else(|| LightRpcError::BadHeight { text: text.chars().take(40).collect() })
}

/// `GET /light/headers/{height|latest}`: the header and its certificate as protobuf hex.
pub(super) async fn header(State(s): State<AppState>, Path(which): Path<String>) -> RpcResult {
    let latest = s.store.latest_height().map_err(LightRpcError::from)?.unwrap_or(0);
    let height = if which == "latest" { latest } else { parse_height(&which)? };
    let block = s.store.block(height).map_err(LightRpcError::from)?;
    let cert = s.store.certificate(height).map_err(LightRpcError::from)?;
    let (Some(header), Some(cert)) = (block.and_then(|b| b.header), cert) else {
        return Err(LightRpcError::NoBlock { height, latest }.into());
    };
    Ok(Json(json!({
        "height": height,
        "header": hex::encode(header.encode_to_vec()),
        "certificate": hex::encode(cert.encode_to_vec()),
    })))
}

/// `GET /light/validators/{height}`: the set that voted on `height`, from the node's record
/// of set changes (the client checks it against the header's `validators_hash`).
pub(super) async fn validators(State(s): State<AppState>, Path(which): Path<String>) -> RpcResult {
    let height = parse_height(&which)?;
    let latest = s.store.latest_height().map_err(LightRpcError::from)?.unwrap_or(0);
    if height > latest.saturating_add(1) {
        return Err(LightRpcError::SetNotYetKnown { height, latest }.into());
    }
    let (from, set) = s.store.validator_set_at(height).map_err(LightRpcError::from)?.ok_or(LightRpcError::SetNotRecorded { height })?;
    let list: Vec<Value> = set.iter().map(|(id, power)| json!({ "id": hex::encode(id), "power": power })).collect();
    Ok(Json(json!({ "height": height, "from_height": from, "validators": list })))
}

#[derive(serde::Deserialize)]
struct ProofBody {
    keys: Vec<String>,
}

fn parse_keys(body: &[u8]) -> Result<Vec<Vec<u8>>, LightRpcError> {
    let parsed: ProofBody = serde_json::from_slice(body).map_err(|e| LightRpcError::BadBody { why: e.to_string() })?;
    if parsed.keys.len() > MAX_PROOF_KEYS {
        return Err(LightRpcError::TooManyKeys { count: parsed.keys.len() });
    }
    parsed
        .keys
        .iter()
        .enumerate()
        .map(|(index, text)| {
            if text.len() > 2 * MAX_KEY_BYTES || text.is_empty() {
                return Err(LightRpcError::KeyLength { index, len: text.len() / 2 });
            }
            hex::decode(text).map_err(|e| LightRpcError::KeyNotHex { index, why: e.to_string() })
        })
        .collect()
}

/// `POST /light/proofs` `{"keys": [hex]}`: values and proofs of the keys in one committed
/// state, made by the node task, and the height that state follows.
pub(super) async fn proofs(State(s): State<AppState>, body: Bytes) -> RpcResult {
    let keys = parse_keys(&body)?;
    let (reply, answer) = oneshot::channel();
    s.prove.try_send(ProofRequest { keys: keys.clone(), reply }).map_err(|e| match e {
        TrySendError::Full(_) => LightRpcError::Busy,
        TrySendError::Closed(_) => LightRpcError::Stopping,
    })?;
    let proven = answer.await.map_err(|_| LightRpcError::Stopping)?.map_err(LightRpcError::from)?;
    let entries: Vec<Value> = keys
        .iter()
        .zip(&proven.entries)
        .map(|(key, (value, proof))| json!({ "key": hex::encode(key), "value": value.as_ref().map(hex::encode), "proof": proof }))
        .collect();
    Ok(Json(json!({ "height": proven.height, "proofs": entries })))
}

#[derive(serde::Deserialize)]
pub(super) struct PageQuery {
    after: Option<String>,
    limit: Option<usize>,
}

/// `GET /light/slots/{slot}/bidders?after=<address>&limit=N`: the slot's bidders in ascending
/// address order, a page at a time.
pub(super) async fn bidders(State(s): State<AppState>, Path(slot): Path<String>, Query(q): Query<PageQuery>) -> RpcResult {
    let slot_number = slot.parse::<u64>().map_err(|_| LightRpcError::BadSlot { text: slot.chars().take(40).collect() })?;
    let limit = q.limit.unwrap_or(MAX_BIDDERS_PAGE);
    if limit == 0 || limit > MAX_BIDDERS_PAGE {
        return Err(LightRpcError::BadLimit { limit }.into());
    }
    let after = match &q.after {
        Some(text) => Some(keys::bid(slot_number, &parse_address(text)?)),
        None => None,
    };
    let prefix = keys::slot_bids(slot_number);
    let page = s.store.state_keys_page(&prefix, after.as_deref(), limit).map_err(LightRpcError::from)?;
    let list: Vec<String> = page.iter().filter_map(|key| keys::trailing_address(key)).map(hex::encode).collect();
    Ok(Json(json!({ "slot": slot_number, "bidders": list })))
}

fn parse_address(text: &str) -> Result<[u8; 32], LightRpcError> {
    let shown = || text.chars().take(80).collect::<String>();
    let bytes = hex::decode(text).map_err(|e| LightRpcError::BadAddress { text: shown(), why: e.to_string() })?;
    bytes.try_into().map_err(|b: Vec<u8>| LightRpcError::BadAddress { text: shown(), why: format!("{} bytes, an address is 32", b.len()) })
}
