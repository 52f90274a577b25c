//! A bid acknowledged for a later slot waits in the mempool of the only validator. The node is
//! stopped (SIGTERM, as systemd, docker and an upgrade stop do) before that slot and started
//! again: the bid is kept in the home over the stop, admitted again, and settled in its slot.

mod common;

use common::{Net, SERIAL};
use market_runtime::Side;
use std::time::{Duration, Instant};

#[test]
fn an_acknowledged_bid_survives_a_stop_of_the_node_that_holds_it() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut net = Net::new(1, 1, 1_000, 28_700, &[0]);
    net.wait_height(0, 2, Duration::from_secs(30));
    let client = net.client(0);
    let status = client.get("/status").unwrap();
    let (height, genesis_ms) = (status["latest_height"].as_u64().unwrap(), status["genesis_time_ms"].as_u64().unwrap());
    let slot = node::agent::target_slot(height, genesis_ms, 1_000, node::service::now_ms(), 300) + 8;
    let key = node::localnet::household_keypair(net.seed, 0);
    let nonce = client.get(&format!("/accounts/{}", hex::encode(key.public()))).unwrap()["nonce"].as_u64().unwrap();
    let tx = node::agent::bid_tx(key.public(), nonce, slot, Side::Buy, 100, None);
    let hash = client.submit(&ledger::tx::encode_tx(&key, &net.chain_id, &tx).unwrap()).expect("the bid is acknowledged");

    let mut child = net.children[0].take().unwrap();
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    child.wait().unwrap();
    let pending = net.nodes[0].home.join("data/pending-txs");
    assert!(pending.exists(), "the stop kept no pending transactions; log tail:\n{}", net.log_tail(0));
    assert!(net.height(0).is_none());

    net.start(0);
    let started = Instant::now();
    while !net.log(0).contains("pending transactions of the last stop restored") {
        assert!(started.elapsed() < Duration::from_secs(20), "no restore logged:\n{}", net.log_tail(0));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!pending.exists(), "the file is read once");
    net.wait_height(0, slot, Duration::from_secs(30));
    let block = net.client(0).get(&format!("/blocks/{slot}")).unwrap();
    let hashes: Vec<&str> = block["txs"].as_array().unwrap().iter().filter_map(|t| t["hash"].as_str()).collect();
    assert!(hashes.contains(&hash.as_str()), "block {slot} lacks the acknowledged bid {hash}: {hashes:?}");
    let clearing = net.client(0).get(&format!("/market/slots/{slot}")).unwrap();
    let settled = clearing["settlements"].as_array().unwrap().iter().filter(|s| s["household"].as_str() == Some(&hex::encode(key.public()))).count();
    assert_eq!(settled, 1, "the bid is settled once in its slot: {clearing}");
}
