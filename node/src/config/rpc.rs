//! `[rpc]`: where the HTTP server listens and the limits that keep a hostile client from
//! starving it (docs/rpc.md, "Limits").

use super::{invalid, ConfigError, DEFAULT_RPC_PORT};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RpcConfig {
    pub listen: String,
    /// Origins whose pages may read this RPC ("https://dash.example.org"); empty: same origin
    /// only; "*": any page.
    pub cors_allowed_origins: Vec<String>,
    /// Connections served at once; one more is answered 503 and closed.
    pub max_connections: usize,
    /// Connections served at once from one IP address (at most `max_connections`), so one
    /// client cannot hold them all.
    pub max_connections_per_address: usize,
    /// A request's headers must arrive within this; also how long an idle keep-alive
    /// connection is kept.
    pub header_timeout_ms: u64,
    /// A request's whole body must arrive within this.
    pub body_timeout_ms: u64,
    /// A request must be answered within this (body, verification and mempool included).
    pub request_timeout_ms: u64,
    /// Largest body of any request but `POST /txs/batch` (a transaction, hex in JSON, fits).
    pub max_body_bytes: usize,
    /// Largest body of `POST /txs/batch`.
    pub max_batch_body_bytes: usize,
    /// Signature checks of submitted transactions running or waiting; one more is answered 503.
    pub max_pending_verifications: usize,
    /// `/events` streams open at once; one more is answered 503.
    pub max_event_subscribers: usize,
}

impl Default for RpcConfig {
    fn default() -> Self {
        RpcConfig {
            listen: format!("127.0.0.1:{DEFAULT_RPC_PORT}"),
            cors_allowed_origins: Vec::new(),
            max_connections: 256,
            max_connections_per_address: 64,
            header_timeout_ms: 10_000,
            body_timeout_ms: 15_000,
            request_timeout_ms: 30_000,
            // A 4 KiB envelope as hex in `{"tx": ...}` is about 8.2 KiB.
            max_body_bytes: 16 * 1024,
            // Room for the 2,048-envelope batches of `meter-sim` at a few hundred bytes each.
            max_batch_body_bytes: 4 * 1024 * 1024,
            max_pending_verifications: 64,
            max_event_subscribers: 64,
        }
    }
}

impl RpcConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        self.listen.parse::<std::net::SocketAddr>().map_err(|e| invalid("rpc.listen", &self.listen, &e.to_string()))?;
        for (field, value) in [
            ("rpc.max_connections", self.max_connections as u64),
            ("rpc.max_connections_per_address", self.max_connections_per_address as u64),
            ("rpc.header_timeout_ms", self.header_timeout_ms),
            ("rpc.body_timeout_ms", self.body_timeout_ms),
            ("rpc.request_timeout_ms", self.request_timeout_ms),
            ("rpc.max_body_bytes", self.max_body_bytes as u64),
            ("rpc.max_batch_body_bytes", self.max_batch_body_bytes as u64),
            ("rpc.max_pending_verifications", self.max_pending_verifications as u64),
            ("rpc.max_event_subscribers", self.max_event_subscribers as u64),
        ] {
            if value == 0 {
                return Err(invalid(field, "0", "must be at least 1"));
            }
        }
        for origin in &self.cors_allowed_origins {
            check_origin(origin).map_err(|why| invalid("rpc.cors_allowed_origins", origin, why))?;
        }
        Ok(())
    }

    /// The `[rpc]` section of `config.toml`, a comment above every setting.
    pub(super) fn documented_toml(&self) -> String {
        let origins: Vec<String> = self.cors_allowed_origins.iter().map(|s| format!("{s:?}")).collect();
        format!(
            r#"[rpc]
# HTTP JSON RPC, server-sent events and the dashboard. Default port {DEFAULT_RPC_PORT}.
listen = {listen:?}
# Origins whose web pages may read this RPC ("https://dash.example.org"). Empty: only the
# dashboard this node serves itself (same origin). "*": any page on the web.
cors_allowed_origins = [{origins}]
# Connections served at once; one more is answered 503 and closed.
max_connections = {max_connections}
# Of those, how many one IP address may hold (so one client cannot take them all).
max_connections_per_address = {max_connections_per_address}
# A request's headers must arrive within this many ms (a client trickling bytes is cut off);
# an idle keep-alive connection is closed after as long.
header_timeout_ms = {header_timeout_ms}
# A request's whole body must arrive within this many ms (408 otherwise).
body_timeout_ms = {body_timeout_ms}
# A request must be answered within this many ms (503 otherwise).
request_timeout_ms = {request_timeout_ms}
# Largest request body in bytes (413 otherwise), and the larger one allowed for POST /txs/batch.
max_body_bytes = {max_body_bytes}
max_batch_body_bytes = {max_batch_body_bytes}
# Signature checks of submitted transactions running or waiting at once; more are answered 503.
max_pending_verifications = {max_pending_verifications}
# /events streams open at once; more are answered 503.
max_event_subscribers = {max_event_subscribers}
"#,
            listen = self.listen,
            origins = origins.join(", "),
            max_connections = self.max_connections,
            max_connections_per_address = self.max_connections_per_address,
            header_timeout_ms = self.header_timeout_ms,
            body_timeout_ms = self.body_timeout_ms,
            request_timeout_ms = self.request_timeout_ms,
            max_body_bytes = self.max_body_bytes,
            max_batch_body_bytes = self.max_batch_body_bytes,
            max_pending_verifications = self.max_pending_verifications,
            max_event_subscribers = self.max_event_subscribers,
        )
    }
}

/// An origin is what a browser sends in `Origin`: `scheme://host[:port]`, nothing after.
fn check_origin(origin: &str) -> Result<(), &'static str> {
    if origin == "*" {
        return Ok(());
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err("an origin is scheme://host[:port], e.g. \"https://dash.example.org\"");
    };
    if scheme != "http" && scheme != "https" {
        return Err("the scheme must be http or https");
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err("an origin has a host and no path, query or spaces");
    }
    if axum::http::HeaderValue::from_str(origin).is_err() {
        return Err("not a valid header value");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cors_origin_with_a_path_is_refused_with_the_field_and_value() {
        let config = RpcConfig { cors_allowed_origins: vec!["https://a.example/x".into()], ..RpcConfig::default() };
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("rpc.cors_allowed_origins") && err.contains("https://a.example/x"), "{err}");
    }

    #[test]
    fn a_zero_connection_cap_is_refused() {
        let config = RpcConfig { max_connections: 0, ..RpcConfig::default() };
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("rpc.max_connections"), "{err}");
    }

    #[test]
    fn the_default_rpc_section_reads_back_and_is_closed_to_other_origins() {
        let config = RpcConfig::default();
        assert!(config.cors_allowed_origins.is_empty());
        let back: RpcConfig = toml::from_str(&config.documented_toml().replace("[rpc]\n", "")).unwrap();
        assert_eq!(back, config);
    }
}
