//! Scenario: spam fills the mempool. 3,300 fresh, unfunded keys each send 64 ordinary-sized
//! transfers with nonces 1..64 (ahead of their accounts, so admission lets them in), more than
//! the mempool's 200,000 transactions, through two nodes' `POST /txs/batch`, while households
//! bid every slot and the administrator closes and reopens the market. The current slot's
//! bids and the administrator's transactions must still be admitted and commit.

use crate::harness::craft::{signed_tx, transfer};
use crate::harness::verdict::short;
use crate::harness::{Scenario, ScenarioSpec};
use crate::step;
use ledger::sign::Keypair;
use market_runtime::{Tx, TxBody};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const SPAM_KEYS: usize = 3_300;
const NONCES: u64 = 64;
const PER_REQUEST: usize = 2_048;
/// An administrator's transaction must commit within this many slots of its admission.
const ADMIN_COMMIT_SLOTS: u64 = 3;

/// Signs spam in one thread and posts it in another, so posting starts at once.
fn spam(rpc: Vec<node::client::Client>, chain: String, to: [u8; 32], stop: Arc<AtomicBool>) -> std::thread::JoinHandle<(usize, usize)> {
    let (tx, rx) = mpsc::sync_channel::<Vec<Vec<u8>>>(4);
    std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(PER_REQUEST);
        for _ in 0..SPAM_KEYS {
            let key = Keypair::generate();
            for nonce in 1..=NONCES {
                batch.push(transfer(&key, &chain, nonce, to, 1));
                if batch.len() == PER_REQUEST && tx.send(std::mem::take(&mut batch)).is_err() {
                    return;
                }
            }
        }
    });
    std::thread::spawn(move || {
        let (mut admitted, mut refused) = (0, 0);
        for (i, batch) in rx.into_iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            match rpc[i % rpc.len()].submit_batch(&batch) {
                Ok(results) => {
                    admitted += results.iter().filter(|r| r.is_ok()).count();
                    refused += results.iter().filter(|r| r.is_err()).count();
                }
                Err(_) => refused += batch.len(),
            }
        }
        (admitted, refused)
    })
}

fn wait_committed(s: &Scenario, hash: &str, within: Duration) -> Result<u64, String> {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < within {
        match s.net.client(2).get(&format!("/txs/{hash}")) {
            Ok(st) if st["status"] == "committed" => return Ok(st["height"].as_u64().unwrap_or(0)),
            Ok(st) => last = st.to_string(),
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(last)
}

/// The administrator closes the market and opens it again; each must commit in time.
fn close_and_reopen(s: &mut Scenario) {
    let admin = node::localnet::admin_keypair(s.net.seed);
    let chain = s.chain_id();
    let client = s.net.client(2);
    let account = client.get(&format!("/accounts/{}", hex::encode(admin.public()))).ok();
    let mut nonce = account.and_then(|a| a["nonce"].as_u64()).unwrap_or(0);
    s.pause_bids(true);
    // Bids already sent for the next slot settle before the market closes.
    std::thread::sleep(Duration::from_millis(2_200));
    for (what, body) in [("close", TxBody::CloseMarket), ("open", TxBody::OpenMarket)] {
        let tx = signed_tx(&admin, &chain, &Tx { sender: admin.public(), nonce, body });
        let within = Duration::from_millis(crate::harness::SLOT_MS * ADMIN_COMMIT_SLOTS + 500);
        match client.submit(&tx) {
            Ok(hash) => match wait_committed(s, &hash, within) {
                Ok(h) => step!("administrator's {what} committed at height {h}"),
                Err(last) => s.verdict.fail(format!("administrator's {what} did not commit within {within:?}: {}", short(&last))),
            },
            Err(e) => s.verdict.fail(format!("administrator's {what} was refused during the spam: {e}")),
        }
        nonce += 1;
    }
    s.pause_bids(false);
}

#[test]
fn mempool_spam_does_not_crowd_out_bids_and_admin() {
    let mut s = Scenario::start(ScenarioSpec { name: "mempool_spam_does_not_crowd_out_bids_and_admin", port_block: 3, hostile_peers: 0 });
    let to = node::localnet::household_keypair(s.net.seed, 0).public();
    let stop = Arc::new(AtomicBool::new(false));
    let spammer = spam(vec![s.net.client(0), s.net.client(1)], s.chain_id(), to, stop.clone());
    s.run_for(Duration::from_secs(6), |_, _| {});
    let sizes: Vec<String> = (0..4).map(|i| s.net.client(i).get("/status").map(|v| v["mempool_size"].to_string()).unwrap_or_default()).collect();
    step!("mempool sizes after 6 s of spam: {sizes:?}");
    close_and_reopen(&mut s);
    s.run_for(Duration::from_secs(5), |_, _| {});
    stop.store(true, Ordering::Relaxed);
    let (admitted, refused) = spammer.join().unwrap_or_default();
    step!("spam admitted: {admitted}, refused: {refused}");
    s.finish(&[]);
}
