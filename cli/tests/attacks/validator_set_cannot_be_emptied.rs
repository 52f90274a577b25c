//! Scenario: the administrator's key sets validator 0's power to u64::MAX - 1 (the total
//! would overflow), then, in one batch, every validator's power to 0 (the set would be empty).
//! The overflow and the update that would empty the set must be refused with an error naming
//! why (at admission, or as the transaction's execution error), and the chain keeps running.

use crate::harness::craft::signed_tx;
use crate::harness::verdict::{rpc_error, short};
use crate::harness::{raw_http, Scenario, ScenarioSpec, VALIDATORS};
use crate::step;
use market_runtime::{Tx, TxBody};
use std::time::{Duration, Instant};

/// Where a refused update's reason showed: at admission or in the transaction's status.
fn refusal(s: &Scenario, admission: Result<String, String>) -> Option<String> {
    let hash = match admission {
        Err(why) => return Some(format!("admission: {why}")),
        Ok(hash) => hash,
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        if let Ok(st) = s.net.client(1).get(&format!("/txs/{hash}")) {
            if st["status"] == "rejected" || !st["error"].is_null() {
                return Some(format!("execution: {}", st["error"]));
            }
            if st["status"] == "committed" {
                return None;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn submit(s: &Scenario, tx: &[u8]) -> Result<String, String> {
    let reply = raw_http::request(&s.rpc_addr(1), "POST", "/txs", "application/octet-stream", tx, Duration::from_secs(5))?;
    if reply.status < 300 {
        let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
        return Ok(v["hash"].as_str().unwrap_or_default().to_string());
    }
    rpc_error(&reply.body).map(|(code, message)| format!("{code}: {message}")).and_then(Err)
}

fn admin_nonce(s: &Scenario, admin: &[u8; 32]) -> u64 {
    let account = s.net.client(1).get(&format!("/accounts/{}", hex::encode(admin))).ok();
    account.and_then(|a| a["nonce"].as_u64()).unwrap_or(0)
}

#[test]
fn validator_set_cannot_be_emptied() {
    let mut s = Scenario::start(ScenarioSpec { name: "validator_set_cannot_be_emptied", port_block: 9, hostile_peers: 0 });
    let admin = node::localnet::admin_keypair(s.net.seed);
    let chain = s.chain_id();
    let update = |nonce: u64, validator: [u8; 32], power: u64| {
        signed_tx(&admin, &chain, &Tx { sender: admin.public(), nonce, body: TxBody::ValidatorUpdate { validator, power, node_key: None } })
    };
    let huge = update(admin_nonce(&s, &admin.public()), s.validator_address(0), u64::MAX - 1);
    let admitted = submit(&s, &huge);
    let refused = refusal(&s, admitted.clone());
    step!("power u64::MAX - 1: {admitted:?} -> {refused:?}");
    s.verdict.check(refused.is_some(), || "validator 0's power was set to u64::MAX - 1 (total power overflows u64)".into());
    s.run_for(Duration::from_secs(3), |_, _| {});
    // A refused transaction changes nothing, its nonce included: read the nonce again.
    let first = admin_nonce(&s, &admin.public());
    let zeros: Vec<Vec<u8>> = (0..VALIDATORS).map(|i| update(first + i as u64, s.validator_address(i), 0)).collect();
    let results = s.net.client(1).submit_batch(&zeros);
    step!("every validator's power to 0, in one batch: {results:?}");
    s.run_for(Duration::from_secs(6), |_, _| {});
    let validators = s.net.client(1).get("/validators").map(|v| v["validators"].as_array().map(|a| a.len()).unwrap_or(0));
    step!("validators after the updates: {validators:?}");
    s.verdict.check(validators.as_ref().is_ok_and(|n| *n > 0), || format!("the validator set is empty or unreadable: {validators:?}"));
    let last = zeros.last().map(|t| ledger::hash::sha256(t)).map(hex::encode).unwrap_or_default();
    let last_refused = match results {
        Ok(r) => match r.last() {
            Some(Err(e)) => Some(format!("admission: {e}")),
            _ => refusal(&s, Ok(last)),
        },
        Err(e) => Some(format!("batch: {e}")),
    };
    s.verdict.check(last_refused.as_ref().is_some_and(|r| r.len() > 12), || "the update that empties the set was not refused with a reason".into());
    step!("the emptying update: {}", short(&format!("{last_refused:?}")));
    s.finish(&[]);
}
