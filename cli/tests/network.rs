//! End-to-end tests on real processes: a 4-validator network on loopback.

mod common;

use common::{Net, SERIAL};
use std::time::Duration;

fn lock() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn four_validators_commit_blocks_with_equal_state_roots() {
    let _g = lock();
    let net = Net::new(4, 0, 50, 27000, &[0, 1, 2, 3]);
    net.wait_height(0, 20, Duration::from_secs(30));
    let common = (0..4).map(|i| net.wait_height(i, 20, Duration::from_secs(10))).min().unwrap();
    net.assert_same_chain(&[0, 1, 2, 3], common);
    let roots: Vec<String> = (0..4)
        .map(|i| net.client(i).get(&format!("/blocks/{common}")).unwrap()["header"]["state_root"].as_str().unwrap().to_string())
        .collect();
    assert!(roots.windows(2).all(|w| w[0] == w[1]), "{roots:?}");
}

#[test]
fn validator_killed_with_sigkill_restarts_and_catches_up_without_double_signing() {
    let _g = lock();
    let mut net = Net::new(4, 0, 50, 27100, &[0, 1, 2, 3]);
    net.wait_height(3, 10, Duration::from_secs(30));
    net.kill9(3);
    // One of four down: the other three keep committing.
    let h = net.height(0).unwrap();
    net.wait_height(0, h + 20, Duration::from_secs(30));
    net.start(3);
    let target = net.height(0).unwrap() + 5;
    net.wait_height(3, target, Duration::from_secs(30));
    net.assert_same_chain(&[0, 1, 2, 3], target);
    net.no_double_signing();
}

#[test]
fn two_of_four_down_halts_the_chain_and_it_resumes_when_one_returns() {
    let _g = lock();
    let mut net = Net::new(4, 0, 50, 27200, &[0, 1, 2, 3]);
    net.wait_height(0, 10, Duration::from_secs(30));
    net.kill9(2);
    net.kill9(3);
    std::thread::sleep(Duration::from_millis(500));
    let stalled = net.height(0).unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert!(net.height(0).unwrap() <= stalled + 1, "two of four validators down, yet the chain went from {stalled} to {:?}", net.height(0));
    net.start(2);
    net.wait_height(0, stalled + 10, Duration::from_secs(60));
    net.wait_height(2, stalled + 10, Duration::from_secs(30));
    net.assert_same_chain(&[0, 1, 2], stalled + 10);
    net.no_double_signing();
}

#[test]
fn a_late_node_syncs_the_chain_it_missed() {
    let _g = lock();
    let mut net = Net::new(4, 0, 0, 27300, &[0, 1, 2]);
    net.wait_height(0, 300, Duration::from_secs(60));
    net.start(3);
    let target = net.height(0).unwrap();
    net.wait_height(3, target, Duration::from_secs(30));
    net.assert_same_chain(&[0, 3], target);
    assert!(net.log(3).contains("synced blocks"), "node 3 caught up without block sync:\n{}", net.log_tail(3));
}

#[test]
fn a_peer_not_in_the_genesis_cannot_join() {
    let _g = lock();
    let net = Net::new(4, 0, 100, 27400, &[0, 1, 2, 3]);
    net.wait_height(0, 3, Duration::from_secs(30));
    // An outsider with the same genesis and config but its own, unlisted node key.
    let outsider = net.dir.path().join("outsider");
    copy_dir(&net.nodes[0].home, &outsider);
    std::fs::remove_dir_all(outsider.join("data")).unwrap();
    std::fs::create_dir_all(outsider.join("data")).unwrap();
    std::fs::remove_file(outsider.join("config/validator_key.json")).unwrap();
    ledger::sign::Keypair::generate().save(&outsider.join("config/node_key.json")).unwrap();
    let config_path = outsider.join("config/config.toml");
    let mut config = node::config::Config::load(&config_path).unwrap();
    config.p2p.listen = "/ip4/127.0.0.1/tcp/27490".into();
    config.rpc.listen = "127.0.0.1:27491".into();
    config.metrics.listen = "127.0.0.1:27492".into();
    config.p2p.persistent_peers.push(format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", net.nodes[0].p2p_port, net.nodes[0].node_id));
    config.save(&config_path).unwrap();
    let _child = common::spawn(&["start", "--home", outsider.to_str().unwrap()], &outsider.join("node.log"));
    std::thread::sleep(Duration::from_secs(4));
    let outsider_rpc = node::client::Client::new("127.0.0.1:27491");
    let status = outsider_rpc.get("/status").expect("outsider RPC");
    assert_eq!(status["latest_height"], 0, "outsider synced blocks: {status}");
    for i in 0..4 {
        let peers = net.client(i).get("/status").unwrap()["peers"].as_u64().unwrap();
        assert!(peers <= 3, "validator {i} has {peers} peers: the outsider stayed connected");
    }
    assert!(net.height(0).unwrap() > 3);
    let refused = (0..4).any(|i| net.log(i).contains("refused incoming connection"));
    assert!(refused, "no validator logged the refused connection");
}

/// A household node started with `solartrade start` and `[agent] enabled = true` meters its
/// simulated home, signs its own bids and gossips them from its own mempool: they settle, the
/// readings (the profile's PV and load, the battery's state of charge) reach the chain.
#[test]
fn a_household_node_with_its_agent_enabled_gets_its_bids_settled() {
    let _g = lock();
    let mut net = Net::new(4, 40, 300, 27500, &[]);
    // A home with PV and a battery.
    let (community, profile) = node::localnet::community(40, net.seed);
    let household = (0..community.households.len())
        .find(|&i| node::localnet::household_spec(i, &community.households[i]).battery_wh > 0)
        .expect("a home with PV and a battery");
    let address = hex::encode(node::localnet::household_keypair(net.seed, household).public());
    let hh_node = net.add_household_node(household, 27540);
    for i in 0..=hh_node {
        net.start(i);
    }
    net.wait_height(0, 3, Duration::from_secs(30));
    let started = std::time::Instant::now();
    let (settled, readings) = loop {
        let detail = net.client(0).get(&format!("/households/{address}")).expect("household detail");
        let history = detail["history"].as_array().cloned().unwrap_or_default();
        let settled: Vec<serde_json::Value> = history.iter().filter(|e| !e["settlement"].is_null()).cloned().collect();
        if settled.len() >= 6 {
            break (settled, detail);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "household {household} has {} settled slots after 60 s: {detail}\nhousehold node log:\n{}",
            settled.len(),
            net.log_tail(hh_node)
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    // Every settled bid carried its slot's profile hour and a reading of the registered
    // 5 kWh battery, within its 10-100 % state-of-charge bounds.
    for e in &settled {
        let slot = e["slot"].as_u64().expect("slot");
        let at = profile.at(((slot - 1) % profile.slots as u64) as usize, household);
        let m = &e["meter"];
        assert_eq!((m["load_wh"].as_u64(), m["generation_wh"].as_u64()), (Some(profile.load_wh[at]), Some(profile.pv_wh[at])), "{e}");
        assert_eq!(m["battery_capacity_wh"].as_u64(), Some(5_000), "{e}");
        assert!(m["battery_soc_wh"].as_u64().is_some_and(|soc| (500..=5_000).contains(&soc)), "{e}");
    }
    assert!(!readings["meter"].is_null(), "no latest reading in state: {readings}");
    // The household node itself follows the chain and saw its bids committed.
    let acct = net.client(hh_node).get(&format!("/accounts/{address}")).expect("household node RPC");
    assert!(acct["nonce"].as_u64().unwrap_or(0) >= 6, "{acct}");
    // And the validator's slot view shows the home's battery for a slot it settled in.
    let slot = settled[0]["slot"].as_u64().expect("slot");
    let view = net.client(0).get(&format!("/market/slots/{slot}")).expect("slot");
    let mine = view["settlements"].as_array().and_then(|s| s.iter().find(|x| x["household"] == address.as_str()).cloned()).expect("settled");
    assert_eq!(mine["battery_soc_wh"], settled[0]["meter"]["battery_soc_wh"]);

    // The history is in memory: a validator restarted after SIGKILL rebuilds it from its blocks.
    net.kill9(1);
    net.start(1);
    let now = net.height(0).expect("node 0 height");
    net.wait_height(1, now, Duration::from_secs(30));
    let rebuilt = net.client(1).get(&format!("/households/{address}")).expect("restarted node's household detail");
    let rebuilt_history = rebuilt["history"].as_array().cloned().unwrap_or_default();
    let mut compared = 0;
    for e in &settled {
        if let Some(r) = rebuilt_history.iter().find(|r| r["slot"] == e["slot"]) {
            assert_eq!((&r["meter"], &r["bid"], &r["settlement"]), (&e["meter"], &e["bid"], &e["settlement"]), "slot {}", e["slot"]);
            compared += 1;
        }
    }
    assert!(compared > 0, "the restarted node's history shares no settled slot with node 0's: {rebuilt}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Balances of the validators at one committed height (read while the chain stood still).
fn balances_at_a_stable_height(net: &Net) -> (u64, Vec<u64>) {
    let c = net.client(0);
    for _ in 0..200 {
        let before = net.height(0).unwrap();
        let balances: Vec<u64> = net
            .nodes
            .iter()
            .map(|n| c.get(&format!("/accounts/{}", hex::encode(n.validator))).unwrap()["balance"].as_u64().unwrap_or(0))
            .collect();
        if net.height(0).unwrap() == before {
            return (before, balances);
        }
    }
    panic!("the chain never stood still long enough to read the validators' balances");
}

#[test]
fn the_block_reward_goes_to_the_signers_of_each_last_commit() {
    let _g = lock();
    let mut net = Net::new(4, 0, 50, 27700, &[0, 1, 2, 3]);
    net.wait_height(0, 5, Duration::from_secs(30));
    let genesis = node::genesis::Genesis::load(&net.nodes[0].home.join("config/genesis.json")).unwrap();
    let reward = genesis.app_state.params.block_reward;
    assert!(reward > 0, "the test genesis mints no block reward");
    let (h1, before) = balances_at_a_stable_height(&net);
    // Validator 3 is down for a while: the last commits of those heights lack its signature.
    net.kill9(3);
    net.wait_height(0, h1 + 15, Duration::from_secs(30));
    net.start(3);
    net.wait_height(3, net.height(0).unwrap() + 5, Duration::from_secs(30));
    let (h2, after) = balances_at_a_stable_height(&net);

    let mut expected = vec![0u64; 4];
    let index: std::collections::HashMap<String, usize> =
        net.nodes.iter().enumerate().map(|(i, n)| (hex::encode(n.validator), i)).collect();
    for h in h1 + 1..=h2 {
        let block = net.client(0).get(&format!("/blocks/{h}")).unwrap();
        let mut signers: Vec<String> = block["last_commit"]["signers"]
            .as_array()
            .unwrap_or_else(|| panic!("block {h} has no last commit: {block}"))
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        signers.sort();
        let n = signers.len() as u64;
        for (i, s) in signers.iter().enumerate() {
            expected[index[s]] += reward / n + u64::from((i as u64) < reward % n);
        }
    }
    let earned: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(earned, expected, "rewards between heights {h1} and {h2}");
    assert!(earned[3] < earned[0], "validator 3 was down yet earned as much as validator 0: {earned:?}");
}

#[test]
fn four_validators_connected_only_over_quic_commit_blocks() {
    let _g = lock();
    let mut net = Net::new(4, 0, 50, 27600, &[]);
    let quic = |n: &node::localnet::LocalnetNode| format!("/ip4/127.0.0.1/udp/{}/quic-v1", n.p2p_port);
    let peers: Vec<String> = net.nodes.iter().map(|n| format!("{}/p2p/{}", quic(n), n.node_id)).collect();
    for n in &net.nodes {
        let path = n.home.join("config/config.toml");
        let mut config = node::config::Config::load(&path).unwrap();
        // TCP on a throwaway port nobody dials: every connection has to be QUIC.
        config.p2p.listen = "/ip4/127.0.0.1/tcp/0".into();
        config.p2p.quic_listen = quic(n);
        config.p2p.persistent_peers = peers.clone();
        config.save(&path).unwrap();
    }
    for i in 0..4 {
        net.start(i);
    }
    let common = (0..4).map(|i| net.wait_height(i, 10, Duration::from_secs(30))).min().unwrap();
    net.assert_same_chain(&[0, 1, 2, 3], common);
    for i in 0..4 {
        let log = net.log(i);
        let connected: Vec<&str> = log.lines().filter(|l| l.contains("peer connected")).collect();
        assert!(!connected.is_empty(), "node {i} logged no connection");
        assert!(connected.iter().all(|l| l.contains("quic-v1")), "node {i} has a non-QUIC connection: {connected:?}");
    }
}
