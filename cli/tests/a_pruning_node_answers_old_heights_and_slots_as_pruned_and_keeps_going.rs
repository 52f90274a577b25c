//! A real node with a genesis `retention_slots` and `[storage] retain_blocks`: old blocks and
//! slots are answered `410 pruned` naming what it keeps, recent ones are served, and the node
//! restarts on its pruned store and keeps committing.

mod common;

use common::{Net, SERIAL};
use node::client::ClientError;
use std::time::Duration;

const RETENTION_SLOTS: u64 = 24;
const RETAIN_BLOCKS: u64 = 100;

fn pruned(result: Result<serde_json::Value, ClientError>) -> String {
    match result {
        Err(ClientError::Rejected { status: 410, code, message, .. }) if code == "pruned" => message,
        other => panic!("expected 410 pruned, got {other:?}"),
    }
}

#[test]
fn a_pruning_node_answers_old_heights_and_slots_as_pruned_and_keeps_going() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut net = Net::new(1, 0, 0, 28_100, &[]);
    let home = node::home::Home::new(&net.nodes[0].home);
    let mut genesis = node::genesis::Genesis::load(&home.genesis_file()).unwrap();
    genesis.app_state.params.retention_slots = Some(RETENTION_SLOTS);
    genesis.save(&home.genesis_file()).unwrap();
    let mut config = node::config::Config::load(&home.config_file()).unwrap();
    config.storage.retain_blocks = RETAIN_BLOCKS;
    config.save(&home.config_file()).unwrap();
    net.start(0);

    let tip = net.wait_height(0, RETAIN_BLOCKS + 60, Duration::from_secs(90));
    let client = net.client(0);
    let message = pruned(client.get("/blocks/5"));
    assert!(message.contains("block 5 was pruned") && message.contains("retain_blocks"), "{message}");
    assert!(client.get(&format!("/blocks/{}", tip - 10)).is_ok(), "a recent block is served");
    let message = pruned(client.get("/market/slots/3"));
    assert!(message.contains("slot 3 was pruned") && message.contains("24 slots"), "{message}");
    assert!(client.get(&format!("/market/slots/{}", tip - 5)).is_ok(), "a slot in the window is served");
    let status = client.get("/status").unwrap();
    assert_eq!(status["latest_height"].as_u64().map(|h| h >= tip), Some(true));

    net.kill9(0);
    net.start(0);
    let after = net.wait_height(0, tip + 20, Duration::from_secs(60));
    assert!(after >= tip + 20, "the node restarted on its pruned store and kept committing");
    let message = pruned(net.client(0).get("/blocks/50"));
    assert!(message.contains("block 50 was pruned"), "{message}");
}
