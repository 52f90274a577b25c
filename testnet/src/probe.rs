//! Probe bids: bids the runner signs itself, for households meter-sim leaves alone, sent
//! right before a fault so their fate afterwards can be checked (settled exactly once).

use crate::history::History;
use market_runtime::Side;
use node::client::Client;

#[derive(Debug, Clone)]
pub struct Probe {
    pub step: usize,
    /// The validator that acknowledged it (the one that knows its mempool fate).
    pub via: usize,
    pub household: String,
    pub slot: u64,
    pub hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{0}")]
    Rpc(#[from] node::client::ClientError),
    #[error("/status of {0} lacks {1}")]
    Status(String, &'static str),
    #[error("cannot sign the probe bid: {0}")]
    Sign(String),
}

/// What became of a probe bid once the network healed.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// In exactly one block, and settled once in its slot's clearing.
    SettledOnce,
    /// Its slot had no block at all (the chain was halted then) and no block includes it.
    SlotSkipped,
    Violation(String),
}

/// Signs and submits a 100 Wh buy bid for `index`'s next slot; returns it once acknowledged.
pub fn submit(client: &Client, via: usize, seed: u64, index: usize, step: usize) -> Result<Probe, ProbeError> {
    let st = client.get("/status")?;
    let base = client.base().to_string();
    let chain_id = st["chain_id"].as_str().ok_or_else(|| ProbeError::Status(base.clone(), "chain_id"))?.to_string();
    let height = st["latest_height"].as_u64().ok_or_else(|| ProbeError::Status(base.clone(), "latest_height"))?;
    let genesis_ms = st["genesis_time_ms"].as_u64().unwrap_or(0);
    let slot_ms = st["slot_ms"].as_u64().unwrap_or(0);
    let key = node::localnet::household_keypair(seed, index);
    let address = hex::encode(key.public());
    let nonce = client.get(&format!("/accounts/{address}"))?["nonce"].as_u64().unwrap_or(0);
    // Two slots past the earliest one: under load, gossip to the next proposer can take
    // longer than the slot margin, and a bid that misses its slot is refused, not settled.
    let slot = node::agent::target_slot(height, genesis_ms, slot_ms, node::service::now_ms(), 300) + 2;
    let tx = node::agent::bid_tx(key.public(), nonce, slot, Side::Buy, 100, None);
    let bytes = ledger::tx::encode_tx(&key, &chain_id, &tx).map_err(|e| ProbeError::Sign(e.to_string()))?;
    let hash = client.submit(&bytes)?;
    Ok(Probe { step, via, household: address, slot, hash })
}

/// Judges a probe against the verified history and the slot's clearing; `client` should be
/// the validator that acknowledged it (its /txs status says why a bid was dropped).
pub fn fate(p: &Probe, history: &History, client: &Client) -> Fate {
    let heights = history.tx_heights.get(&p.hash).cloned().unwrap_or_default();
    match heights.len() {
        0 if !history.has_slot(p.slot) => Fate::SlotSkipped,
        0 => {
            let status = client.get(&format!("/txs/{}", p.hash)).map(|s| format!("{} {}", s["status"], s["error"])).unwrap_or_else(|e| e.to_string());
            Fate::Violation(format!("bid {} (slot {}) was acknowledged but is in no block, though slot {} has one; status: {status}", p.hash, p.slot, p.slot))
        }
        1 => {
            let clearing = match client.get(&format!("/market/slots/{}", p.slot)) {
                Ok(c) => c,
                Err(e) => return Fate::Violation(format!("cannot read the clearing of slot {}: {e}", p.slot)),
            };
            let times = clearing["settlements"]
                .as_array()
                .map(|s| s.iter().filter(|x| x["household"].as_str() == Some(p.household.as_str())).count())
                .unwrap_or(0);
            if times == 1 {
                Fate::SettledOnce
            } else {
                Fate::Violation(format!("bid {} is in block {} but settled {times} times in slot {}", p.hash, heights[0], p.slot))
            }
        }
        _ => Fate::Violation(format!("bid {} is in blocks {heights:?}", p.hash)),
    }
}
