//! A real node follows the administrator's upgrade schedule: blocks carry each protocol this
//! release runs from its scheduled height on and the chain goes on; an upgrade to the next
//! protocol, which this release does not run, stops the node after the block before its height, with the message an operator
//! needs, and a restart on the same home refuses to start with the same message.

mod common;

use common::{Net, SERIAL};
use market_runtime::{Tx, TxBody};
use std::time::{Duration, Instant};

fn schedule(net: &Net, version: u32, height: u64) {
    let admin = node::localnet::admin_keypair(net.seed);
    let client = net.client(0);
    let nonce = client.get(&format!("/accounts/{}", hex::encode(admin.public()))).unwrap()["nonce"].as_u64().unwrap();
    let tx = Tx { sender: admin.public(), nonce, body: TxBody::ScheduleUpgrade { version, height } };
    client.submit(&ledger::tx::encode_tx(&admin, &net.chain_id, &tx).unwrap()).expect("the schedule is admitted");
}

/// Waits for node 0's process to end and returns how it ended.
fn wait_exit(net: &mut Net, timeout: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(exit) = net.children[0].as_mut().unwrap().try_wait().unwrap() {
            return exit;
        }
        assert!(started.elapsed() < timeout, "the node did not stop; log tail:\n{}", net.log_tail(0));
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn protocol_of(net: &Net, height: u64) -> u64 {
    net.client(0).get(&format!("/blocks/{height}")).unwrap()["header"]["protocol_version"].as_u64().unwrap()
}

#[test]
fn a_node_stops_before_an_upgrade_its_release_does_not_run() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut net = Net::new(1, 0, 100, 28_200, &[0]);
    // Every protocol this release runs is taken at its height, one after the other.
    let mut now = net.wait_height(0, 3, Duration::from_secs(30));
    for version in 1..=node::protocol::PROTOCOL_VERSION {
        let at = now + 15;
        schedule(&net, version, at);
        net.wait_height(0, at + 3, Duration::from_secs(30));
        assert_eq!(protocol_of(&net, at - 1), u64::from(version - 1));
        assert_eq!(protocol_of(&net, at), u64::from(version));
        assert_eq!(protocol_of(&net, at + 2), u64::from(version));
        assert_eq!(net.client(0).get("/status").unwrap()["protocol_version"].as_u64(), Some(u64::from(version)));
        now = net.wait_height(0, at + 4, Duration::from_secs(30));
    }

    let beyond = node::protocol::PROTOCOL_VERSION + 1;
    let second = now + 15;
    schedule(&net, beyond, second);
    let started = Instant::now();
    while net.client(0).get("/status").unwrap()["upgrade"]["version"].as_u64() != Some(u64::from(beyond)) {
        assert!(started.elapsed() < Duration::from_secs(10), "/status never showed the scheduled upgrade");
        std::thread::sleep(Duration::from_millis(20));
    }
    let exit = wait_exit(&mut net, Duration::from_secs(60));
    assert!(!exit.success(), "stopping for an upgrade is not a clean exit: {exit:?}");
    let expected = format!(
        "runs protocol {beyond} from height {second}, and this release (solartrade {}) runs protocols up to {}: stopping before height {second}",
        env!("CARGO_PKG_VERSION"),
        node::protocol::PROTOCOL_VERSION
    );
    assert!(net.log(0).contains(&expected), "log lacks {expected:?}:\n{}", net.log_tail(0));
    net.children[0] = None;
    let said = net.log(0).matches(&expected).count();

    // The store ends at the block before the upgrade: a restart opens it and refuses at once.
    net.start(0);
    let exit = wait_exit(&mut net, Duration::from_secs(20));
    assert!(!exit.success());
    assert!(net.log(0).matches(&expected).count() > said, "the restart says the same:\n{}", net.log_tail(0));
    let chain = node::chain::open(&node::home::Home::new(&net.nodes[0].home).chain_db(), node::genesis::Genesis::load(&node::home::Home::new(&net.nodes[0].home).genesis_file()).unwrap()).unwrap();
    assert_eq!(chain.tip().height, second - 1, "no block at or past the upgrade height was made by this release");
}
