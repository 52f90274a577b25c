//! A blocking client of the node's RPC, for the CLI, the load generator and testnets.

use serde_json::Value;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach {url}: {why}")]
    Unreachable { url: String, why: String },
    #[error("{url} answered {status}: {code}: {message}")]
    Rejected { url: String, status: u16, code: String, message: String },
    #[error("{url} answered with a body that is not JSON: {why}")]
    BadBody { url: String, why: String },
}

#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build();
        let base = if base.starts_with("http") { base.to_string() } else { format!("http://{base}") };
        Client { agent: ureq::Agent::new_with_config(config), base: base.trim_end_matches('/').to_string() }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn finish(&self, url: String, result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Value, ClientError> {
        let mut response = result.map_err(|e| ClientError::Unreachable { url: url.clone(), why: e.to_string() })?;
        let status = response.status().as_u16();
        let body: Value = response.body_mut().read_json().map_err(|e| ClientError::BadBody { url: url.clone(), why: e.to_string() })?;
        if status >= 400 {
            let code = body["error"]["code"].as_str().unwrap_or("error").to_string();
            let message = body["error"]["message"].as_str().unwrap_or("").to_string();
            return Err(ClientError::Rejected { url, status, code, message });
        }
        Ok(body)
    }

    pub fn get(&self, path: &str) -> Result<Value, ClientError> {
        let url = format!("{}{path}", self.base);
        let result = self.agent.get(&url).call();
        self.finish(url, result)
    }

    /// Submits a signed envelope; returns the transaction hash.
    pub fn submit(&self, tx: &[u8]) -> Result<String, ClientError> {
        let url = format!("{}/txs", self.base);
        let result = self.agent.post(&url).header("content-type", "application/octet-stream").send(tx);
        let body = self.finish(url, result)?;
        Ok(body["hash"].as_str().unwrap_or_default().to_string())
    }

    /// Submits many envelopes in one request; one `Err(reason)` per refused transaction.
    pub fn submit_batch(&self, txs: &[Vec<u8>]) -> Result<Vec<Result<(), String>>, ClientError> {
        let url = format!("{}/txs/batch", self.base);
        let body = ledger::batch::encode_tx_batch(txs);
        let result = self.agent.post(&url).header("content-type", "application/octet-stream").send(&body[..]);
        let body = self.finish(url, result)?;
        Ok(body["results"]
            .as_array()
            .map(|rs| rs.iter().map(|r| match r["error"].as_str() { Some(e) => Err(e.to_string()), None => Ok(()) }).collect())
            .unwrap_or_default())
    }

    /// The raw text of a URL (e.g. Prometheus metrics on another port).
    pub fn get_text(&self, url: &str) -> Result<String, ClientError> {
        let mut response = self.agent.get(url).call().map_err(|e| ClientError::Unreachable { url: url.into(), why: e.to_string() })?;
        response.body_mut().read_to_string().map_err(|e| ClientError::BadBody { url: url.into(), why: e.to_string() })
    }
}
