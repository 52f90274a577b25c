//! A real node under a 2-of-2 administrator serves its rule and open proposals on `/admin`:
//! one member's approval of closing the market shows as a proposal with one approval while the
//! market stays open; the second member's closes it, and the proposal is gone.

mod common;

use common::{Net, SERIAL};
use ledger::sign::Keypair;
use market_runtime::{AdministratorSet, Tx, TxBody};
use std::time::{Duration, Instant};

fn send(net: &Net, key: &Keypair, body: TxBody) {
    let client = net.client(0);
    let nonce = client.get(&format!("/accounts/{}", hex::encode(key.public()))).unwrap()["nonce"].as_u64().unwrap();
    let tx = Tx { sender: key.public(), nonce, body };
    client.submit(&ledger::tx::encode_tx(key, &net.chain_id, &tx).unwrap()).expect("admitted");
}

fn wait_admin(net: &Net, what: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let admin = net.client(0).get("/admin").unwrap();
        if done(&admin) {
            return admin;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{what} never happened: {admin}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_k_of_n_administrators_open_proposals_are_served_with_their_approvals() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut net = Net::new(1, 0, 100, 28_300, &[]);
    let utility = node::localnet::admin_keypair(net.seed);
    let board = Keypair::from_seed(&[0xB0; 32]);
    let home = node::home::Home::new(&net.nodes[0].home);
    let mut genesis = node::genesis::Genesis::load(&home.genesis_file()).unwrap();
    genesis.app_state.administrator_set = Some(AdministratorSet { threshold: 2, members: vec![utility.public(), board.public()] });
    genesis.app_state.market_open = true;
    genesis.save(&home.genesis_file()).unwrap();
    net.start(0);
    net.wait_height(0, 2, Duration::from_secs(30));

    let admin = net.client(0).get("/admin").unwrap();
    assert_eq!(admin["threshold"], 2);
    assert_eq!(admin["members"], serde_json::json!([hex::encode(utility.public()), hex::encode(board.public())]));
    assert_eq!(admin["proposals"], serde_json::json!([]));

    send(&net, &utility, TxBody::CloseMarket);
    let admin = wait_admin(&net, "the utility's approval", |a| a["proposals"].as_array().is_some_and(|p| p.len() == 1));
    let proposal = &admin["proposals"][0];
    assert_eq!(proposal["approvals"], 1);
    assert_eq!(proposal["approvers"], serde_json::json!([hex::encode(utility.public())]));
    assert_eq!(proposal["expires_after_slot"].as_u64(), proposal["opened_at_slot"].as_u64().map(|s| s + 168));
    assert_eq!(net.client(0).get("/status").unwrap()["market_open"], true, "one approval of two closes nothing");

    send(&net, &board, TxBody::CloseMarket);
    wait_admin(&net, "the board's approval", |a| a["proposals"].as_array().is_some_and(|p| p.is_empty()));
    assert_eq!(net.client(0).get("/status").unwrap()["market_open"], false, "the second approval closed the market");
}
