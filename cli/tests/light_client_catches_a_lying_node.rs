//! Scenario: a household verifies its bill through a node that lies (a proxy in front of an honest node of a real 4-validator network): a wrong balance, a wrong settlement, a forged header and a forged header re-signed by keys of the forger's own are each caught and named; through the honest node it prints verified.

mod common;
mod lying_proxy;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Net, SERIAL};
use ledger::block::{validators_hash, Header};
use ledger::certificate::{certificate, precommit_payload};
use ledger::sign::{Domain, Keypair};
use lying_proxy::{LyingProxy, Rewrite};
use market_runtime::codec::{decode_account, decode_settlements, encode_account, encode_settlements};
use prost::Message;
use serde_json::{json, Value};

const BASE_PORT: u16 = 28800;
const HOUSEHOLD_PORT: u16 = 28840;
const PROXY_PORT: u16 = 28850;

/// Changes the value of every proven key whose hex starts with `prefix`.
fn rewrite_values(prefix: &'static str, change: fn(&[u8]) -> Vec<u8>) -> Rewrite {
    Arc::new(move |path: &str, mut body: Value| {
        if path.starts_with("/light/proofs") {
            for entry in body["proofs"].as_array_mut().into_iter().flatten() {
                let key = entry["key"].as_str().unwrap_or_default();
                if let (true, Some(value)) = (key.starts_with(prefix), entry["value"].as_str()) {
                    entry["value"] = json!(hex::encode(change(&hex::decode(value).expect("hex value"))));
                }
            }
        }
        body
    })
}

fn richer(raw: &[u8]) -> Vec<u8> {
    let mut account = decode_account(raw).expect("an account");
    account.balance += 1_000_000;
    encode_account(&account)
}

fn better_paid(raw: &[u8]) -> Vec<u8> {
    let mut parts = decode_settlements(raw).expect("settlements");
    for part in &mut parts {
        part.amount += 1;
    }
    encode_settlements(parts.into_iter())
}

/// Every header with another state root; `resign`: with its validators_hash and certificate
/// replaced by a set of the forger's keys, which the forger's node also serves as the set.
fn forged_headers(resign: bool) -> Rewrite {
    let forgers: Vec<Keypair> = (0..4u8).map(|i| Keypair::from_seed(&[200 + i; 32])).collect();
    let mut set: Vec<([u8; 32], u64)> = forgers.iter().map(|k| (k.public(), 1)).collect();
    set.sort_by_key(|(id, _)| *id);
    Arc::new(move |path: &str, mut body: Value| {
        if resign && path.starts_with("/light/validators/") {
            body["validators"] = json!(set.iter().map(|(id, power)| json!({ "id": hex::encode(id), "power": power })).collect::<Vec<_>>());
        }
        if path.starts_with("/light/headers/") {
            let bytes = hex::decode(body["header"].as_str().expect("header")).expect("hex header");
            let mut header = Header::decode(&bytes[..]).expect("a header");
            header.state_root = vec![0xab; 32];
            if resign {
                header.validators_hash = validators_hash(&set).to_vec();
                let hash = header.hash();
                let payload = precommit_payload(&header.chain_id, header.height, 0, &hash);
                let signatures = forgers.iter().map(|k| (k.public(), k.sign(Domain::Precommit, &header.chain_id, &payload).to_vec())).collect();
                body["certificate"] = json!(hex::encode(certificate(header.height, 0, &hash, signatures).encode_to_vec()));
            }
            body["header"] = json!(hex::encode(header.encode_to_vec()));
        }
        body
    })
}

/// `solartrade verify account` through `rpc`: its exit status, stdout and stderr.
fn verify(rpc: &str, address: &str, genesis: &std::path::Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_solartrade"))
        .args(["verify", "account", address, "--rpc", rpc, "--slots", "4", "--max-wait-secs", "30", "--genesis"])
        .arg(genesis)
        .output()
        .expect("run solartrade verify");
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (output.status.success(), text(output.stdout), text(output.stderr))
}

/// Waits until the household has `count` settled slots in the node's history.
fn wait_for_settlements(net: &Net, address: &str, count: usize) {
    let started = Instant::now();
    loop {
        let detail = net.client(0).get(&format!("/households/{address}")).expect("household detail");
        let settled = detail["history"].as_array().map_or(0, |h| h.iter().filter(|e| !e["settlement"].is_null()).count());
        if settled >= count {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "household has {settled} settled slots after 90 s: {detail}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn each_lie_of_a_node_is_caught_by_name_and_the_honest_answer_is_verified() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut net = Net::new(4, 8, 300, BASE_PORT, &[]);
    let household = 1;
    let address = hex::encode(node::localnet::household_keypair(net.seed, household).public());
    let household_node = net.add_household_node(household, HOUSEHOLD_PORT);
    for i in 0..=household_node {
        net.start(i);
    }
    net.wait_height(0, 3, Duration::from_secs(60));
    wait_for_settlements(&net, &address, 3);
    let genesis = net.nodes[0].home.join("config/genesis.json");
    let upstream = format!("127.0.0.1:{}", net.nodes[0].rpc_port);

    let honest = LyingProxy::start(PROXY_PORT, &upstream, Arc::new(|_: &str, body: Value| body));
    let (ok, out, err) = verify(&honest.rpc, &address, &genesis);
    drop(honest);
    eprintln!("honest node:\n{out}");
    assert!(ok && out.starts_with(&format!("verified account {address}")), "honest node:\n{out}\n{err}");
    // The household bids every slot: at least one of the last four has its settlement proven.
    assert!(out.contains("  balance ") && out.contains(", entry "), "no balance or settlement verified:\n{out}");

    let account_named = format!("key acct/{address} after height");
    let lies: [(&str, Rewrite, &str); 4] = [
        ("a wrong balance", rewrite_values("616363742f", richer), &account_named),
        ("a wrong settlement", rewrite_values("73746c2f", better_paid), "key stl/"),
        ("a forged header", forged_headers(false), "does not commit it: certificate is for block"),
        ("a forged header re-signed", forged_headers(true), "header 1 is signed by 0 of the 40 power of the set trusted at height 0"),
    ];
    for (offset, (lie, rewrite, named)) in lies.into_iter().enumerate() {
        let proxy = LyingProxy::start(PROXY_PORT + 1 + offset as u16, &upstream, rewrite);
        let (ok, out, err) = verify(&proxy.rpc, &address, &genesis);
        assert!(!ok, "{lie} was not caught:\n{out}\n{err}");
        eprintln!("{lie}: {}", err.trim());
        assert!(err.contains("verification failed") && err.contains(named), "{lie}: the error does not name {named:?}:\n{err}");
    }
}
