//! Honest households bidding while the attack runs: one bid per household per slot, sent
//! over RPC to the honest nodes in turn; each must settle in the slot it was made for.

use ledger::sign::Keypair;
use market_runtime::{Side, Tx, TxBody};
use node::client::Client;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A bid is sent for the first slot that does not close within this margin.
const MARGIN_MS: u64 = 300;
const QUANTITY_WH: u64 = 200;

#[derive(Debug, Default)]
pub struct BidLog {
    /// (slot, household address) of every bid a node admitted.
    pub sent: Vec<(u64, [u8; 32])>,
    /// Bids a node refused or did not answer, with the reason.
    pub refused: Vec<String>,
}

pub struct Bidder {
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
    handle: Option<JoinHandle<BidLog>>,
}

pub struct Household {
    pub key: Keypair,
    pub side: Side,
    pub nonce: u64,
    /// The slot of the latest admitted bid: until it closes, that bid may still be pending.
    pub last_bid_slot: u64,
}

pub fn bid_tx(key: &Keypair, chain_id: &str, nonce: u64, slot: u64, side: Side, quantity_wh: u64) -> Vec<u8> {
    let tx = Tx { sender: key.public(), nonce, body: TxBody::Bid { slot, side, quantity_wh, meter: None, limit_price: None } };
    ledger::tx::encode_tx(key, chain_id, &tx).expect("a bid always encodes")
}

/// The localnet's households with the side each may bid (only a home with PV may sell).
pub fn households(seed: u64, count: usize, nonce_of: impl Fn(&[u8; 32]) -> u64) -> Vec<Household> {
    let (community, _) = node::localnet::community(count, seed);
    (0..count)
        .map(|i| {
            let key = node::localnet::household_keypair(seed, i);
            let side = if community.households[i].pv_capacity_w > 0.0 { Side::Sell } else { Side::Buy };
            let nonce = nonce_of(&key.public());
            Household { key, side, nonce, last_bid_slot: 0 }
        })
        .collect()
}

impl Bidder {
    /// Bids through `clients` (honest nodes' RPC, used in turn).
    pub fn start(clients: Vec<Client>, chain_id: String, mut homes: Vec<Household>) -> Bidder {
        let stop = Arc::new(AtomicBool::new(false));
        let paused = Arc::new(AtomicBool::new(false));
        let handle = std::thread::spawn({
            let (stop, paused) = (stop.clone(), paused.clone());
            move || {
                let mut log = BidLog::default();
                let mut last_slot = 0;
                let mut turn = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(50));
                    turn = turn.wrapping_add(1);
                    let client = &clients[turn % clients.len()];
                    let Some(slot) = next_slot(client) else { continue };
                    if slot <= last_slot || paused.load(Ordering::Relaxed) {
                        continue;
                    }
                    last_slot = slot;
                    let committed_height = client.get("/status").ok().and_then(|v| v["latest_height"].as_u64()).unwrap_or(0);
                    for h in &mut homes {
                        // Like the household agent: once its last bid's slot has closed, a
                        // household goes on from the committed nonce, so a bid that was lost does
                        // not leave a gap that strands the next ones.
                        if h.last_bid_slot <= committed_height {
                            let path = format!("/accounts/{}", hex::encode(h.key.public()));
                            if let Some(nonce) = client.get(&path).ok().and_then(|v| v["nonce"].as_u64()) {
                                h.nonce = nonce;
                            }
                        }
                        let mut result = Err(String::new());
                        // A block may commit between the status read and the bid (the chain runs
                        // a little ahead of the wall clock after a slow round): then the bid is
                        // stale, the household's timing and not the attack; it bids for the next.
                        for slot in [slot, slot + 1] {
                            let tx = bid_tx(&h.key, &chain_id, h.nonce, slot, h.side, QUANTITY_WH);
                            result = client.submit(&tx).map(|_| slot).map_err(|e| format!("slot {slot}: {e}"));
                            if !result.as_ref().is_err_and(|e| e.contains("is stale")) {
                                break;
                            }
                        }
                        match result {
                            Ok(slot) => {
                                h.nonce += 1;
                                h.last_bid_slot = slot;
                                log.sent.push((slot, h.key.public()));
                            }
                            Err(e) => log.refused.push(e),
                        }
                    }
                }
                log
            }
        });
        Bidder { stop, paused, handle: Some(handle) }
    }

    /// Stops bidding for new slots (e.g. while the administrator closes the market).
    pub fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    pub fn stop(mut self) -> BidLog {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.take().and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

impl Drop for Bidder {
    /// A scenario that panics mid-attack must not leave its bidder polling dead nodes.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn next_slot(client: &Client) -> Option<u64> {
    let st = client.get("/status").ok()?;
    Some(node::agent::target_slot(
        st["latest_height"].as_u64()?,
        st["genesis_time_ms"].as_u64()?,
        st["slot_ms"].as_u64()?,
        node::service::now_ms(),
        MARGIN_MS,
    ))
}

/// Which admitted bids did not settle in their slot, as messages (empty when all did).
pub fn unsettled(client: &Client, sent: &[(u64, [u8; 32])]) -> Vec<String> {
    let mut missing = Vec::new();
    let mut slots: Vec<u64> = sent.iter().map(|(s, _)| *s).collect();
    slots.sort_unstable();
    slots.dedup();
    for slot in slots {
        let view = client.get(&format!("/market/slots/{slot}"));
        for (_, household) in sent.iter().filter(|(s, _)| *s == slot) {
            let hex = hex::encode(household);
            let settled = view.as_ref().is_ok_and(|v| {
                v["settlements"].as_array().is_some_and(|a| a.iter().any(|s| s["household"] == hex.as_str()))
            });
            if !settled {
                let why = match &view {
                    Ok(_) => "not among the settlements".to_string(),
                    Err(e) => e.to_string(),
                };
                missing.push(format!("bid of {}.. for slot {slot}: {why}", &hex[..8]));
            }
        }
    }
    missing
}
