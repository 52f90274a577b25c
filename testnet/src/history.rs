//! The chain as every node reports it: each height's header, compared across nodes and
//! remembered, so a later answer that differs (a fork) or is missing (a lost block) shows.

use node::client::Client;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What identifies a committed block: its hash, and the state root its header commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub hash: String,
    pub state_root: String,
    pub slot: u64,
}

#[derive(Debug, Default)]
pub struct History {
    headers: BTreeMap<u64, Header>,
    /// Per node: the highest height verified against `headers`.
    verified: Vec<u64>,
    /// Every transaction hash and the heights whose blocks include it.
    pub tx_heights: HashMap<String, Vec<u64>>,
    /// (height, accused validator) of every evidence transaction.
    pub evidence: Vec<(u64, String)>,
}

pub fn header_of(block: &Value) -> Option<Header> {
    Some(Header {
        hash: block["hash"].as_str()?.to_string(),
        state_root: block["header"]["state_root"].as_str()?.to_string(),
        slot: block["header"]["slot"].as_u64()?,
    })
}

pub fn latest_height(c: &Client) -> Option<u64> {
    c.get("/status").ok()?["latest_height"].as_u64()
}

impl History {
    pub fn new(nodes: usize) -> History {
        History { verified: vec![0; nodes], ..History::default() }
    }

    pub fn max_height(&self) -> u64 {
        self.headers.keys().next_back().copied().unwrap_or(0)
    }

    pub fn has_slot(&self, slot: u64) -> bool {
        self.headers.values().any(|h| h.slot == slot)
    }

    pub fn verified(&self) -> &[u64] {
        &self.verified
    }

    /// Compares one node's block against the remembered header, or remembers it (and its
    /// transactions) when it is the first time this height is seen.
    fn record(&mut self, moniker: &str, height: u64, block: &Value, violations: &mut Vec<String>) {
        let Some(h) = header_of(block) else {
            violations.push(format!("{moniker}: block {height} has no hash, state root or slot"));
            return;
        };
        match self.headers.get(&height) {
            Some(known) if *known != h => violations.push(format!(
                "{moniker}: block {height} is {} (state root {}), other nodes have {} (state root {})",
                h.hash, h.state_root, known.hash, known.state_root
            )),
            Some(_) => {}
            None => {
                for tx in block["txs"].as_array().map(Vec::as_slice).unwrap_or_default() {
                    let hash = tx["hash"].as_str().unwrap_or_default().to_string();
                    self.tx_heights.entry(hash).or_default().push(height);
                    if tx["kind"].as_str() == Some("evidence") {
                        let accused = tx["body"]["validator"].as_str().unwrap_or_default().to_string();
                        self.evidence.push((height, accused));
                    }
                }
                self.headers.insert(height, h);
            }
        }
    }

    /// Checks every node's new blocks against the others', and that the block at the
    /// height each node had reached before is still there (no committed block lost).
    /// Unreachable nodes are skipped; the recovery check catches those that stay down.
    pub fn verify(&mut self, nodes: &[(String, Client)], violations: &mut Vec<String>) {
        for (i, (moniker, client)) in nodes.iter().enumerate() {
            let Some(latest) = latest_height(client) else { continue };
            let before = self.verified[i];
            if latest < before {
                violations.push(format!("{moniker}: latest height went back from {before} to {latest} (committed blocks lost)"));
                continue;
            }
            if before > 0 {
                match client.get(&format!("/blocks/{before}")) {
                    Ok(b) => self.record(moniker, before, &b, violations),
                    Err(e) => {
                        violations.push(format!("{moniker}: block {before}, committed earlier, is gone: {e}"));
                        continue;
                    }
                }
            }
            for height in before + 1..=latest {
                match client.get(&format!("/blocks/{height}")) {
                    Ok(b) => self.record(moniker, height, &b, violations),
                    // The node may have gone down mid-scan; resume from here next time.
                    Err(_) => break,
                }
                self.verified[i] = height;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block(hash: &str, root: &str, slot: u64, txs: Value) -> Value {
        json!({"hash": hash, "header": {"state_root": root, "slot": slot}, "txs": txs})
    }

    #[test]
    fn a_different_header_at_a_known_height_is_a_fork() {
        let mut h = History::new(2);
        let mut v = Vec::new();
        h.record("a", 5, &block("aa", "r1", 5, json!([])), &mut v);
        h.record("b", 5, &block("aa", "r1", 5, json!([])), &mut v);
        assert!(v.is_empty());
        h.record("b", 5, &block("aa", "r2", 5, json!([])), &mut v);
        assert_eq!(v.len(), 1);
        assert!(v[0].contains("state root r2"));
    }

    #[test]
    fn transactions_and_evidence_are_indexed_once_per_height() {
        let mut h = History::new(2);
        let mut v = Vec::new();
        let txs = json!([{"hash": "t1", "kind": "bid"}, {"hash": "t2", "kind": "evidence", "body": {"validator": "v9"}}]);
        h.record("a", 3, &block("x", "r", 3, txs.clone()), &mut v);
        h.record("b", 3, &block("x", "r", 3, txs), &mut v);
        assert_eq!(h.tx_heights["t1"], vec![3]);
        assert_eq!(h.evidence, vec![(3, "v9".to_string())]);
        assert!(h.has_slot(3) && !h.has_slot(4));
    }
}
