//! Why the RPC server refused a request before a handler judged it: a limit was reached. Each
//! names the limit and its `[rpc]` setting, so an operator or a client knows what to change.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the body is over {limit} bytes, the limit of {route} (rpc.{setting})")]
    BodyTooLarge { route: String, limit: usize, setting: &'static str },
    #[error("the body did not arrive within {ms} ms (rpc.body_timeout_ms)")]
    BodyTimeout { ms: u64 },
    #[error("the body could not be read: {why}")]
    BodyUnreadable { why: String },
    #[error("the node did not answer within {ms} ms (rpc.request_timeout_ms); it may be overloaded")]
    RequestTimeout { ms: u64 },
    #[error("{limit} signature checks are already running or waiting (rpc.max_pending_verifications); retry shortly")]
    VerifierBusy { limit: usize },
    #[error("the signature check stopped before it finished: {why}")]
    VerifierFailed { why: String },
    #[error("{limit} event streams are already open (rpc.max_event_subscribers); retry later")]
    TooManySubscribers { limit: usize },
    #[error("{limit} connections are already open (rpc.max_connections); retry later")]
    TooManyConnections { limit: usize },
    #[error("{limit} connections from this address are already open (rpc.max_connections_per_address); close one or retry later")]
    TooManyFromAddress { limit: usize },
}

impl From<crate::verifier::VerifierError> for Refusal {
    fn from(error: crate::verifier::VerifierError) -> Self {
        match error {
            crate::verifier::VerifierError::Busy { limit } => Refusal::VerifierBusy { limit },
            crate::verifier::VerifierError::Stopped { why } => Refusal::VerifierFailed { why },
        }
    }
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Refusal::BodyUnreadable { .. } => StatusCode::BAD_REQUEST,
            Refusal::VerifierFailed { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            Refusal::RequestTimeout { .. }
            | Refusal::VerifierBusy { .. }
            | Refusal::TooManySubscribers { .. }
            | Refusal::TooManyConnections { .. }
            | Refusal::TooManyFromAddress { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The `error.code` of the JSON answer (docs/rpc.md lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::BodyTooLarge { .. } => "body-too-large",
            Refusal::BodyTimeout { .. } => "body-timeout",
            Refusal::BodyUnreadable { .. } => "bad-body",
            Refusal::RequestTimeout { .. } => "request-timeout",
            Refusal::VerifierBusy { .. } => "verifier-busy",
            Refusal::VerifierFailed { .. } => "internal",
            Refusal::TooManySubscribers { .. } => "too-many-subscribers",
            Refusal::TooManyConnections { .. } => "too-many-connections",
            Refusal::TooManyFromAddress { .. } => "too-many-connections-from-address",
        }
    }

    /// The same JSON shape as every RPC error: `{"error": {"code", "message"}}`.
    pub fn json_body(&self) -> String {
        json!({ "error": { "code": self.code(), "message": self.to_string() } }).to_string()
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = status == StatusCode::SERVICE_UNAVAILABLE;
        let body: serde_json::Value = json!({ "error": { "code": self.code(), "message": self.to_string() } });
        let mut response = (status, Json(body)).into_response();
        if retry {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
