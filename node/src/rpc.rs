//! The HTTP JSON RPC (docs/rpc.md) with server-sent events, and the dashboard at `/`.

mod admin;
mod events;
mod guard;
pub mod light;
mod market;
mod statesync;
mod refusal;
mod server;

pub use refusal::Refusal;
pub use server::{serve, ServerLimits};

use crate::config::RpcConfig;
use crate::json;
use crate::mempool::PoolTx;
use crate::shared::{Shared, TxState, TxStatus};
use node_core::admission::{self, AdmissionError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use crate::verifier::Verifier;

type AppState = Arc<Shared>;

/// What the handlers share; each takes the part it needs (`State<AppState>`, `State<Verifier>`).
#[derive(Clone, FromRef)]
struct RpcState {
    shared: AppState,
    verifier: Verifier,
    subscribers: events::Subscribers,
}

pub struct RpcError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl RpcError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        RpcError { status, code, message: message.into() }
    }
    fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", message)
    }
    /// Data this node had but removed under the chain's retention or its own pruning: asking
    /// again will not help, another node (or the blocks) may still hold it.
    fn pruned(message: impl Into<String>) -> Self {
        Self::new(StatusCode::GONE, "pruned", message)
    }
    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<Refusal> for RpcError {
    fn from(refusal: Refusal) -> Self {
        RpcError::new(refusal.status(), refusal.code(), refusal.to_string())
    }
}

impl From<crate::verifier::VerifierError> for RpcError {
    fn from(error: crate::verifier::VerifierError) -> Self {
        Refusal::from(error).into()
    }
}

impl IntoResponse for RpcError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": { "code": self.code, "message": self.message } }))).into_response()
    }
}

type RpcResult = Result<Json<Value>, RpcError>;

/// The RPC and the dashboard, with the limits of `[rpc]` (docs/rpc.md, "Limits").
pub fn router(shared: Arc<Shared>, config: &RpcConfig) -> Router {
    let state = RpcState {
        shared,
        verifier: Verifier::new(config.max_pending_verifications),
        subscribers: events::Subscribers::new(config.max_event_subscribers),
    };
    let timeout = Duration::from_millis(config.body_timeout_ms);
    let tx_body =
        guard::BodyRule { route: "POST /txs", limit_bytes: config.max_body_bytes, setting: "max_body_bytes", timeout };
    let batch_body = guard::BodyRule {
        route: "POST /txs/batch",
        limit_bytes: config.max_batch_body_bytes,
        setting: "max_batch_body_bytes",
        timeout,
    };
    let proofs_body = guard::BodyRule {
        route: "POST /light/proofs",
        limit_bytes: config.max_batch_body_bytes,
        setting: "max_batch_body_bytes",
        timeout,
    };
    let api = Router::new()
        .route("/health", get(|| async { Json(json!({ "ok": true })) }))
        .route("/status", get(status))
        .route("/blocks/{height}", get(block))
        .route("/accounts/{addr}", get(account))
        .route("/households", get(market::households))
        .route("/households/{addr}", get(market::household_detail))
        .route("/market/slots", get(market::slots))
        .route("/market/slots/{slot}", get(market::slot))
        .route("/validators", get(validators))
        .route("/admin", get(admin::admin))
        .route("/statesync/snapshots", get(statesync::snapshots))
        .route("/statesync/snapshots/{height}/state", get(statesync::state))
        .route("/statesync/snapshots/{height}/tip", get(statesync::tip))
        .route("/consensus/latency", get(commit_latencies))
        .route("/txs", post(submit_tx).layer(from_fn_with_state(tx_body, guard::read_body)))
        .route(
            "/txs/batch",
            post(submit_batch)
                .layer(DefaultBodyLimit::max(config.max_batch_body_bytes))
                .layer(from_fn_with_state(batch_body, guard::read_body)),
        )
        .route("/txs/{hash}", get(tx_status))
        .route("/light/headers/{height}", get(light::header))
        .route("/light/validators/{height}", get(light::validators))
        .route(
            "/light/proofs",
            post(light::proofs)
                .layer(DefaultBodyLimit::max(config.max_batch_body_bytes))
                .layer(from_fn_with_state(proofs_body, guard::read_body)),
        )
        .route("/light/slots/{slot}/bidders", get(light::bidders))
        .route("/events", get(events::events))
        .with_state(state);
    let app = api
        .merge(crate::dashboard::router())
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(from_fn_with_state(Duration::from_millis(config.request_timeout_ms), guard::deadline));
    let app = match guard::cors(&config.cors_allowed_origins) {
        Some(cors) => app.layer(cors),
        None => app,
    };
    app.layer(from_fn(crate::dashboard::security_headers))
}

fn parse_addr(text: &str) -> Result<[u8; 32], RpcError> {
    let bytes = hex::decode(text).map_err(|e| RpcError::bad_request("bad-address", format!("{text:?} is not hex: {e}")))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| RpcError::bad_request("bad-address", format!("{text:?} is {} bytes, an address is 32", b.len())))
}

async fn status(State(s): State<AppState>) -> RpcResult {
    let st = s.status.read().map_err(|_| RpcError::internal("status lock poisoned"))?.clone();
    let market = &s.genesis.app_state.params;
    let state = s.state();
    let upgrade = market_runtime::upgrade::scheduled(&state).map(|u| json!({ "version": u.version, "height": u.height }));
    Ok(Json(json!({
        "release": ledger::store::format::RELEASE, "protocol_version": market_runtime::upgrade::active_version(&state),
        "protocol_versions_supported": node_core::protocol::PROTOCOL_VERSION, "upgrade": upgrade,
        "chain_id": s.genesis.chain_id, "node_id": s.node_id, "moniker": s.moniker, "validator": s.validator,
        "latest_height": st.latest_height, "latest_slot": st.latest_slot, "latest_block_hash": st.latest_block_hash,
        "latest_state_root": st.latest_state_root, "latest_block_time_ms": st.latest_block_time_ms,
        "catching_up": st.catching_up, "peers": st.peers, "mempool_size": st.mempool_size,
        "market_open": st.market_open, "slot_ms": s.genesis.slot_ms, "genesis_time_ms": s.genesis.genesis_time_ms,
        "mechanism": market.mechanism.name(), "grid_buy_price": market.grid_buy_price, "grid_sell_price": market.grid_sell_price,
        "topology": market.topology, "metering": market.metering,
    })))
}

fn power_of(s: &Shared) -> impl Fn(&[u8]) -> u64 + '_ {
    move |addr: &[u8]| s.genesis.validators.iter().find(|v| v.address.as_slice() == addr).map_or(0, |v| v.power)
}

async fn block(State(s): State<AppState>, Path(which): Path<String>) -> RpcResult {
    let latest = s.store.latest_height().map_err(|e| RpcError::internal(e.to_string()))?.unwrap_or(0);
    let height = if which == "latest" {
        latest
    } else {
        which.parse::<u64>().map_err(|_| RpcError::bad_request("bad-height", format!("{which:?} is neither a height nor \"latest\"")))?
    };
    let base = s.store.blocks_base().map_err(|e| RpcError::internal(e.to_string()))?;
    if height < base && height >= 1 {
        return Err(RpcError::pruned(format!(
            "block {height} was pruned from this node, which keeps blocks from height {base} ([storage] retain_blocks); ask a node that keeps every block"
        )));
    }
    let block = s
        .store
        .block(height)
        .map_err(|e| RpcError::internal(e.to_string()))?
        .ok_or_else(|| RpcError::not_found(format!("no block at height {height} (latest is {latest})")))?;
    let cert = s.store.certificate(height).map_err(|e| RpcError::internal(e.to_string()))?;
    Ok(Json(json::block(&block, cert.as_ref(), &s.genesis.chain_id, s.commit_latency_of(height), power_of(&s))))
}

#[derive(serde::Deserialize)]
struct FromQuery {
    from: Option<u64>,
}

/// `GET /consensus/latency?from=H`: this node's commit latency (proposal time to commit, ms)
/// of every height from H that it decided itself (not synced), oldest first; the last
/// 100,000 heights are kept. The raw data behind the latency histogram, for researchers.
async fn commit_latencies(State(s): State<AppState>, Query(q): Query<FromQuery>) -> RpcResult {
    let rows = s.commit_latencies_from(q.from.unwrap_or(0));
    let rows: Vec<Value> = rows.into_iter().map(|(height, ms)| json!({ "height": height, "commit_latency_ms": ms })).collect();
    Ok(Json(Value::Array(rows)))
}

async fn account(State(s): State<AppState>, Path(addr): Path<String>) -> RpcResult {
    let address = parse_addr(&addr)?;
    let state = s.state();
    let acct = market_runtime::account(&state, &address).map_err(|e| RpcError::internal(e.to_string()))?;
    let household = market_runtime::household(&state, &address).map_err(|e| RpcError::internal(e.to_string()))?;
    let meter = market_runtime::meter_reading(&state, &address).map_err(|e| RpcError::internal(e.to_string()))?;
    Ok(Json(json!({
        "address": addr, "balance": acct.balance, "reserved": acct.reserved, "nonce": acct.nonce,
        "household": household.map(|h| json::household(&h, acct.balance, meter.as_ref())),
    })))
}

async fn validators(State(s): State<AppState>) -> RpcResult {
    let state = s.state();
    let list = market_runtime::validators(&state).map_err(|e| RpcError::internal(e.to_string()))?;
    let height = s.status.read().map(|st| st.latest_height).unwrap_or(0);
    let out: Vec<Value> = list
        .iter()
        .map(|(addr, power)| json!({ "address": json::hex32(addr), "power": power, "proposer_priority": Value::Null,
            "moniker": s.genesis.moniker_of(addr) }))
        .collect();
    Ok(Json(json!({ "height": height, "validators": out })))
}

fn tx_bytes(headers: &HeaderMap, body: &Bytes) -> Result<Vec<u8>, RpcError> {
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Ok(body.to_vec());
    }
    #[derive(serde::Deserialize)]
    struct HexTx {
        tx: String,
    }
    let parsed: HexTx = serde_json::from_slice(body).map_err(|e| RpcError::bad_request("bad-request", format!("body is not {{\"tx\": \"<hex>\"}}: {e}")))?;
    hex::decode(parsed.tx.trim()).map_err(|e| RpcError::bad_request("bad-request", format!("tx is not hex: {e}")))
}

/// Admission: envelope and signature, then the runtime's checks against committed state,
/// then the mempool's own limits in the node task.
async fn submit_tx(
    State(s): State<AppState>,
    State(verifier): State<Verifier>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), RpcError> {
    let bytes = tx_bytes(&headers, &body)?;
    let reject = |code: &'static str, message: String| {
        s.metrics.txs_rejected.inc();
        RpcError::bad_request(code, message)
    };
    let chain_id = s.genesis.chain_id.clone();
    // The signature check is CPU work: off the runtime that drives consensus.
    let verified = verifier
        .run(move || ledger::tx::decode_tx(&bytes, &chain_id))
        .await?
        .map_err(|e| reject("invalid-transaction", e.to_string()))?;
    if let Err(e) = admission::check_state(&s.state(), &verified.tx, s.max_nonce_ahead) {
        s.set_tx_status(verified.hash, TxStatus { status: TxState::Rejected, height: None, error: Some(e.to_string()) });
        return Err(reject(e.code(), e.to_string()));
    }
    let hash = verified.hash;
    let tx = PoolTx { hash, tx: verified.tx, bytes: verified.bytes };
    match to_mempool(&s, vec![tx]).await?.pop() {
        Some(Ok(())) => Ok((StatusCode::ACCEPTED, Json(json!({ "hash": json::hex32(&hash) })))),
        Some(Err(e)) => Err(reject(e.code(), e.to_string())),
        None => Err(RpcError::internal("the mempool gave no answer")),
    }
}

fn stopping() -> RpcError {
    RpcError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting-down", "the node is stopping")
}

async fn to_mempool(s: &Shared, txs: Vec<PoolTx>) -> Result<Vec<Result<(), AdmissionError>>, RpcError> {
    s.to_mempool(txs).await.ok_or_else(stopping)
}

/// `POST /txs/batch`: many envelopes in one request (a `TxBatch`, ledger/proto/solartrade/v1/batch.proto),
/// signatures verified as one batch; one result per transaction, in order.
async fn submit_batch(State(s): State<AppState>, State(verifier): State<Verifier>, body: Bytes) -> RpcResult {
    let chain_id = s.genesis.chain_id.clone();
    // Decoding and the signature checks are CPU work: off the runtime that drives consensus.
    let decoded: Vec<Result<ledger::tx::VerifiedTx, AdmissionError>> = verifier
        .run(move || -> Result<_, RpcError> {
            let items = ledger::batch::decode_tx_batch(&body).map_err(|e| {
                RpcError::bad_request("bad-request", format!("body is not a canonical TxBatch (ledger/proto/solartrade/v1/batch.proto) within its limits: {e}"))
            })?;
            // One batch verification; if any signature fails, ledger checks each alone to name it.
            Ok(match ledger::tx::verify_batch(&items, &chain_id) {
                Ok(all) => all.into_iter().map(Ok).collect(),
                Err(_) => items.iter().map(|b| ledger::tx::decode_tx(b, &chain_id).map_err(AdmissionError::from)).collect(),
            })
        })
        .await??;
    let state = s.state();
    let mut results: Vec<Value> = Vec::with_capacity(decoded.len());
    let mut admitted = Vec::new();
    let mut slots = Vec::new();
    for d in decoded {
        match d.and_then(|v| admission::check_state(&state, &v.tx, s.max_nonce_ahead).map(|()| v)) {
            Ok(v) => {
                slots.push(results.len());
                results.push(json!({ "hash": json::hex32(&v.hash), "error": Value::Null }));
                admitted.push(PoolTx { hash: v.hash, tx: v.tx, bytes: v.bytes });
            }
            Err(e) => {
                s.metrics.txs_rejected.inc();
                results.push(json!({ "hash": Value::Null, "error": e.to_string() }));
            }
        }
    }
    let answers = if admitted.is_empty() { Vec::new() } else { to_mempool(&s, admitted).await? };
    for (slot, answer) in slots.into_iter().zip(answers) {
        if let Err(e) = answer {
            s.metrics.txs_rejected.inc();
            results[slot]["error"] = json!(e.to_string());
        }
    }
    let accepted = results.iter().filter(|r| r["error"].is_null()).count();
    Ok(Json(json!({ "accepted": accepted, "results": results })))
}

async fn tx_status(State(s): State<AppState>, Path(hash): Path<String>) -> RpcResult {
    let key = parse_addr(&hash)?;
    let status = s.txs.lock().map_err(|_| RpcError::internal("lock poisoned"))?.get(&key);
    let status = status.ok_or_else(|| RpcError::not_found(format!("transaction {hash} is not known to this node")))?;
    Ok(Json(json!({ "hash": hash, "status": status.status, "height": status.height, "error": status.error })))
}
