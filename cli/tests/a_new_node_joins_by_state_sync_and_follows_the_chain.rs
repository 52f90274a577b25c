//! A new node with an empty home joins a running chain by state sync: it installs the newest
//! snapshot a validator serves, checked against a header it verified from the genesis, holds
//! no block below it, and follows the chain with the validators' state roots. With no snapshot
//! offered it falls back to syncing every block from genesis.

mod common;

use common::{Net, SERIAL};
use std::time::Duration;

const INTERVAL: u64 = 20;

/// A 2-validator network with 4 bidding homes whose validators snapshot every INTERVAL blocks
/// (or never), and a non-validator node, not started, that joins from validator 0's RPC.
fn network(base_port: u16, snapshot_interval: u64) -> (Net, usize) {
    let mut net = Net::new(2, 4, 100, base_port, &[]);
    let joiner = net.add_household_node(0, base_port + 50);
    for i in 0..2 {
        let path = node::home::Home::new(&net.nodes[i].home).config_file();
        let mut config = node::config::Config::load(&path).unwrap();
        config.statesync.snapshot_interval = snapshot_interval;
        config.save(&path).unwrap();
    }
    let path = node::home::Home::new(&net.nodes[joiner].home).config_file();
    let mut config = node::config::Config::load(&path).unwrap();
    config.agent.enabled = false;
    config.statesync.rpc_servers = vec![format!("127.0.0.1:{}", net.nodes[0].rpc_port)];
    config.save(&path).unwrap();
    net.start(0);
    net.start(1);
    (net, joiner)
}

#[test]
fn a_new_node_joins_by_state_sync_and_follows_the_chain() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut net, joiner) = network(28_400, INTERVAL);
    net.wait_height(0, 3 * INTERVAL + 5, Duration::from_secs(120));
    net.start(joiner);
    let tip = net.height(0).unwrap();
    let reached = net.wait_height(joiner, tip + 10, Duration::from_secs(60));
    let log = net.log(joiner);
    assert!(log.contains("state sync: installed the state at this height"), "{}", net.log_tail(joiner));
    // It holds no block below the snapshot it installed, and none from genesis.
    let missing = net.client(joiner).get("/blocks/5");
    assert!(missing.is_err(), "the joiner has block 5, so it did not state sync: {missing:?}");
    net.assert_same_chain(&[0, 1, joiner], reached);
    let roots: Vec<String> = [0, joiner].iter().map(|&i| net.client(i).get(&format!("/blocks/{}", reached)).unwrap()["header"]["state_root"].to_string()).collect();
    assert_eq!(roots[0], roots[1]);
}

#[test]
fn with_no_snapshot_offered_a_new_node_syncs_every_block_from_genesis() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut net, joiner) = network(28_500, 0);
    net.wait_height(0, 30, Duration::from_secs(120));
    net.start(joiner);
    let tip = net.height(0).unwrap();
    net.wait_height(joiner, tip + 5, Duration::from_secs(60));
    assert!(net.log(joiner).contains("syncing every block from genesis"), "{}", net.log_tail(joiner));
    assert!(net.client(joiner).get("/blocks/5").is_ok(), "the joiner synced block 5");
    net.assert_same_chain(&[0, joiner], tip);
}

#[test]
fn a_snapshot_that_does_not_lead_to_the_trusted_header_is_refused() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut net, joiner) = network(28_600, INTERVAL);
    net.wait_height(0, INTERVAL + 5, Duration::from_secs(120));
    // The operator trusts a header hash the chain does not have at that height.
    let path = node::home::Home::new(&net.nodes[joiner].home).config_file();
    let mut config = node::config::Config::load(&path).unwrap();
    config.statesync.trust_height = 3;
    config.statesync.trust_hash = "ab".repeat(32);
    config.save(&path).unwrap();
    net.start(joiner);
    let tip = net.height(0).unwrap();
    net.wait_height(joiner, tip + 3, Duration::from_secs(60));
    let log = net.log(joiner);
    assert!(log.contains("snapshot refused") && log.contains("not the trusted hash"), "{}", net.log_tail(joiner));
    assert!(log.contains("syncing every block from genesis"), "{}", net.log_tail(joiner));
    assert!(net.client(joiner).get("/blocks/5").is_ok(), "the joiner fell back to syncing from block 1");
}
