//! A flood of 10,000 bad transactions is refused, each with its error, while valid bids
//! sent at the same time all settle in their slots.

mod common;

use common::Net;
use ledger::sign::Keypair;
use market_runtime::{Side, Tx, TxBody};
use node::client::ClientError;
use node::localnet::household_keypair;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const BAD_PER_KIND: usize = 1667;

fn bid(key: &Keypair, chain: &str, nonce: u64, slot: u64, side: Side, qty: u64) -> Vec<u8> {
    ledger::tx::encode_tx(key, chain, &Tx { sender: key.public(), nonce, body: TxBody::Bid { slot, side, quantity_wh: qty, meter: None, limit_price: None } }).unwrap()
}

fn transfer(key: &Keypair, chain: &str, nonce: u64, to: [u8; 32], amount: u64) -> Vec<u8> {
    ledger::tx::encode_tx(key, chain, &Tx { sender: key.public(), nonce, body: TxBody::Transfer { to, amount } }).unwrap()
}

#[test]
fn ten_thousand_bad_transactions_are_refused_while_valid_bids_all_settle() {
    let _g = common::SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let net = Net::new(4, 20, 500, 27500, &[0, 1, 2, 3]);
    net.wait_height(0, 2, Duration::from_secs(30));
    let chain = net.chain_id.clone();
    let client = net.client(0);
    let h0 = household_keypair(net.seed, 0);
    let h1 = household_keypair(net.seed, 1);
    let h2 = household_keypair(net.seed, 2);
    // Use household 0's nonce 0, so that replaying nonce 0 is a replay.
    let hash = client.submit(&transfer(&h0, &chain, 0, h1.public(), 1)).unwrap();
    let started = Instant::now();
    while client.get(&format!("/txs/{hash}")).map(|s| s["status"] != "committed").unwrap_or(true) {
        assert!(started.elapsed() < Duration::from_secs(20), "the first transfer did not commit");
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut bad: Vec<(&'static str, Vec<u8>)> = Vec::new();
    for i in 0..BAD_PER_KIND {
        let mut forged = bid(&h1, &chain, i as u64, 1_000, Side::Buy, 100 + i as u64);
        let last = forged.len() - 1;
        forged[last] ^= 0x55;
        bad.push(("bad signature", forged));
        bad.push(("wrong chain", bid(&h1, "another-chain", 0, 1_000, Side::Buy, 100 + i as u64)));
        bad.push(("replayed nonce", transfer(&h0, &chain, 0, h1.public(), 2 + i as u64)));
        let stranger = Keypair::from_seed(&[(i % 251) as u8 + 1; 32]);
        bad.push(("unknown household", bid(&stranger, &chain, 0, 1_000, Side::Sell, 100 + i as u64)));
        bad.push(("overspending", transfer(&h2, &chain, 0, h1.public(), u64::MAX - i as u64)));
        bad.push(("malformed bytes", (0..(10 + i % 90)).map(|b| (b * 7 + i) as u8).collect()));
    }
    let bad: Vec<(&'static str, Vec<u8>)> = bad.into_iter().take(10_000).collect();

    // Valid bids from households 3..20 for five slots, sent while the flood runs.
    let valid = std::thread::spawn({
        let client = net.client(1);
        let seed = net.seed;
        let chain = chain.clone();
        move || {
            let (community, _) = node::localnet::community(20, seed);
            let mut sent: Vec<(u64, [u8; 32])> = Vec::new();
            let mut last_slot = 0;
            let mut round = 0u64;
            while round < 5 {
                let st = client.get("/status").unwrap();
                let slot = node::agent::target_slot(
                    st["latest_height"].as_u64().unwrap(),
                    st["genesis_time_ms"].as_u64().unwrap(),
                    st["slot_ms"].as_u64().unwrap(),
                    node::service::now_ms(),
                    200,
                );
                if slot <= last_slot {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                last_slot = slot;
                for i in 3..20 {
                    let key = household_keypair(seed, i);
                    // Only a household with PV may sell.
                    let side = if community.households[i].pv_capacity_w > 0.0 { Side::Sell } else { Side::Buy };
                    client.submit(&bid(&key, &chain, round, slot, side, 200)).expect("valid bid admitted");
                    sent.push((slot, key.public()));
                }
                round += 1;
            }
            sent
        }
    });

    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    let mut examples: BTreeMap<&str, String> = BTreeMap::new();
    for (kind, bytes) in &bad {
        match client.submit(bytes) {
            Ok(hash) => panic!("a {kind} transaction was admitted as {hash}"),
            Err(ClientError::Rejected { status, message, .. }) => {
                assert_eq!(status, 400);
                assert!(!message.is_empty(), "{kind}: rejected without a reason");
                *refused.entry(kind).or_default() += 1;
                examples.entry(kind).or_insert(message);
            }
            Err(e) => panic!("{kind}: {e}"),
        }
    }
    assert_eq!(refused.values().sum::<usize>(), 10_000, "{refused:?}");
    println!("refused: {refused:?}\nexamples: {examples:#?}");

    let sent = valid.join().unwrap();
    let last_slot = sent.iter().map(|(s, _)| *s).max().unwrap();
    net.wait_height(0, last_slot + 1, Duration::from_secs(30));
    let mut settled = 0;
    for (slot, household) in &sent {
        let clearing = client.get(&format!("/market/slots/{slot}")).unwrap();
        let hex = hex::encode(household);
        let found = clearing["settlements"].as_array().unwrap().iter().any(|s| s["household"] == hex.as_str());
        assert!(found, "the bid of {hex} for slot {slot} did not settle in its slot");
        settled += 1;
    }
    assert_eq!(settled, 5 * 17);
}
