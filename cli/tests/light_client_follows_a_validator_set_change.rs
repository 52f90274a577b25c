//! Scenario: on a real 4-validator network the administrator raises one validator's power by transaction; the node serves the set of every height (the genesis set before the change, the new one from its height on), and a household's light client, trusting only the genesis, verifies its account in a header the changed set signed.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Net, SERIAL};
use market_runtime::{Tx, TxBody};
use serde_json::Value;

const BASE_PORT: u16 = 28900;

fn powers(set: &Value) -> Vec<u64> {
    set["validators"].as_array().into_iter().flatten().filter_map(|v| v["power"].as_u64()).collect()
}

#[test]
fn the_light_client_verifies_a_header_signed_by_a_changed_validator_set() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let net = Net::new(4, 2, 200, BASE_PORT, &[0, 1, 2, 3]);
    net.wait_height(0, 3, Duration::from_secs(60));
    let admin = node::localnet::admin_keypair(net.seed);
    let nonce = net.client(0).get(&format!("/accounts/{}", hex::encode(admin.public()))).expect("admin account")["nonce"].as_u64().unwrap_or(0);
    let body = TxBody::ValidatorUpdate { validator: net.nodes[0].validator, power: 100, node_key: None };
    let tx = ledger::tx::encode_tx(&admin, &net.chain_id, &Tx { sender: admin.public(), nonce, body }).expect("a signed update");
    net.client(0).submit(&tx).expect("the update is admitted");

    // The height from which the new set votes, as the node records it.
    let started = Instant::now();
    let changed_at = loop {
        let latest = net.height(1).unwrap_or(0);
        let set = net.client(1).get(&format!("/light/validators/{}", latest + 1)).expect("the next height's set");
        if powers(&set).contains(&100) {
            break set["from_height"].as_u64().expect("from_height");
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the update did not take effect in 30 s: {set}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(changed_at > 3, "the set changed at height {changed_at}, before the update was sent");
    net.wait_height(1, changed_at + 3, Duration::from_secs(30));
    let before = net.client(1).get(&format!("/light/validators/{}", changed_at - 1)).expect("the set before");
    assert_eq!((before["from_height"].as_u64(), powers(&before)), (Some(1), vec![10; 4]), "{before}");
    let after = net.client(1).get(&format!("/light/validators/{}", changed_at + 1)).expect("the set after");
    assert_eq!(after["from_height"].as_u64(), Some(changed_at), "{after}");
    let header = net.client(1).get(&format!("/blocks/{changed_at}")).expect("the block where the set changed");
    assert_ne!(header["header"]["validators_hash"], net.client(1).get("/blocks/1").expect("block 1")["header"]["validators_hash"]);

    let household = hex::encode(node::localnet::household_keypair(net.seed, 0).public());
    let genesis = net.nodes[1].home.join("config/genesis.json");
    let output = Command::new(env!("CARGO_BIN_EXE_solartrade"))
        .args(["verify", "account", &household, "--rpc", &format!("127.0.0.1:{}", net.nodes[1].rpc_port), "--slots", "1", "--max-wait-secs", "30", "--genesis"])
        .arg(&genesis)
        .output()
        .expect("run solartrade verify");
    let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "verify failed after the set changed:\n{out}\n{err}");
    let height: u64 = out.split(" after height ").nth(1).and_then(|t| t.split_whitespace().next()).and_then(|h| h.parse().ok()).unwrap_or(0);
    assert!(height >= changed_at, "the verified state (after height {height}) is not from the changed set's heights (from {changed_at}):\n{out}");
}
