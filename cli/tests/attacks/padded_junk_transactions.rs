//! Scenario (issue 11's second attack): 2,560 transfers from 40 fresh, unfunded keys with
//! nonces 1..64 (ahead of their accounts), each padded to 3,900 bytes with an unknown
//! protobuf field, posted to one node's `POST /txs/batch`. On the main, admission let
//! them all in, every proposal grew past the 4 MiB gossip limit and the chain halted for good.
//!
//! Half are padded inside the signed transaction, half in the envelope around the signature.
//! Whatever admission decides, each refusal must name its reason, and the chain must go on.

use crate::harness::craft::padded_transfer;
use crate::harness::raw_http;
use crate::harness::verdict::{rpc_error, short};
use crate::harness::{Scenario, ScenarioSpec};
use crate::step;
use ledger::sign::Keypair;
use std::time::Duration;

const KEYS: usize = 40;
const NONCES: u64 = 64;
const TX_BYTES: usize = 3_900;
/// Envelopes per request: under axum's default 2 MiB body limit at 3,900 bytes each.
const PER_REQUEST: usize = 500;

#[test]
fn padded_junk_transactions() {
    let mut s = Scenario::start(ScenarioSpec { name: "padded_junk_transactions", port_block: 2, hostile_peers: 0 });
    let chain = s.chain_id();
    let to = node::localnet::household_keypair(s.net.seed, 0).public();
    let mut junk = Vec::with_capacity(KEYS * NONCES as usize);
    for _ in 0..KEYS {
        let key = Keypair::generate();
        for nonce in 1..=NONCES {
            junk.push(padded_transfer(&key, &chain, nonce, to, TX_BYTES, nonce % 2 == 0));
        }
    }
    assert!(junk.iter().all(|t| t.len() == TX_BYTES), "set-up: padding missed {TX_BYTES} bytes");
    let (mut accepted, mut refused) = (0usize, 0usize);
    for chunk in junk.chunks(PER_REQUEST) {
        let body = ledger::batch::encode_tx_batch(chunk);
        match raw_http::request(&s.rpc_addr(0), "POST", "/txs/batch", "application/octet-stream", &body, Duration::from_secs(10)) {
            Ok(reply) if reply.status == 200 => {
                let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
                for r in v["results"].as_array().into_iter().flatten() {
                    match r["error"].as_str() {
                        None => accepted += 1,
                        Some(e) => {
                            if refused == 0 {
                                step!("first refusal: {}", short(e));
                            }
                            refused += 1;
                            let e = e.to_string();
                            s.verdict.check(!e.trim().is_empty(), || "a junk transaction was refused without a reason".into());
                        }
                    }
                }
            }
            Ok(reply) => {
                refused += chunk.len();
                let shape = rpc_error(&reply.body);
                let status = reply.status;
                s.verdict.check(shape.is_ok(), || format!("a refused batch ({status}) has no JSON error: {shape:?}"));
            }
            Err(e) => s.verdict.fail(format!("POST /txs/batch got no answer: {}", short(&e))),
        }
    }
    step!("junk admitted: {accepted}, refused: {refused} of {}", junk.len());
    s.run_for(Duration::from_secs(10), |_, _| {});
    s.finish(&[]);
}
