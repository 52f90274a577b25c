//! Per-request limits: a body must fit its route's byte limit and arrive in time, an answer must
//! come within the request deadline, and only the configured origins may read across sites.

use super::refusal::Refusal;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use futures::StreamExt;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The body limit of one route.
#[derive(Debug, Clone, Copy)]
pub struct BodyRule {
    /// How the route is named in the refusal ("POST /txs").
    pub route: &'static str,
    pub limit_bytes: usize,
    /// The `[rpc]` setting that raises the limit.
    pub setting: &'static str,
    pub timeout: Duration,
}

/// Reads the whole body within the rule's limit and deadline before the handler sees it, so a
/// handler never waits on a slow client or buffers more than the limit.
pub async fn read_body(State(rule): State<BodyRule>, request: Request, next: Next) -> Response {
    match buffer(rule, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

async fn buffer(rule: BodyRule, request: Request) -> Result<Request, Refusal> {
    let too_large = || Refusal::BodyTooLarge { route: rule.route.to_string(), limit: rule.limit_bytes, setting: rule.setting };
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > rule.limit_bytes as u64) {
        return Err(too_large());
    }
    let (parts, body) = request.into_parts();
    let mut chunks = body.into_data_stream();
    let mut bytes = BytesMut::new();
    let read = async {
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| Refusal::BodyUnreadable { why: e.to_string() })?;
            if bytes.len().saturating_add(chunk.len()) > rule.limit_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok::<(), Refusal>(())
    };
    let ms = u64::try_from(rule.timeout.as_millis()).unwrap_or(u64::MAX);
    tokio::time::timeout(rule.timeout, read).await.map_err(|_| Refusal::BodyTimeout { ms })??;
    Ok(Request::from_parts(parts, Body::from(bytes.freeze())))
}

/// Answers 503 when the handler has not answered within `limit`. A stream (`/events`) counts as
/// answered once its headers are ready.
pub async fn deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Refusal::RequestTimeout { ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX) }.into_response(),
    }
}

/// The CORS layer for `rpc.cors_allowed_origins`; none when the list is empty, so browsers
/// keep every other site's pages from reading the answers (same origin only).
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        // Config validation refused origins that are not header values.
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}
