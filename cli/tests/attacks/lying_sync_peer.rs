//! Scenario: validator 3 is stopped for five slots and restarted. The hostile peer answers its
//! sync requests with lies, in turn: a claim of `latest_height = u64::MAX` with no blocks;
//! blocks of random bytes; and a well-formed block for the right height and parent whose
//! certificates are signed by the hostile key. Meanwhile it asks the other validators for
//! `u32::MAX` blocks from height 1, 20 times a second. Validator 3 must still catch up from the
//! honest peers within a few slots and rejoin consensus; serving sync must not stall anyone.

use crate::harness::craft::{self, Rng};
use crate::harness::{Reason, Rejections, Scenario, ScenarioSpec};
use crate::step;
use consensus::{SignDomain, Signer};
use ledger::wire::CommitSignature;
use ledger::sign::Keypair;
use node::consensus_wire::LedgerSigner;
use node::network::{SyncRequest, SyncResponse, SyncedBlock};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REASON: Reason = Reason::Is("invalid-block");
const LAGGING: usize = 3;
/// Validator 3 must be back at the others' height this soon after its restart.
const CATCH_UP: Duration = Duration::from_secs(6);

/// A certificate for `hash` at `height` carrying a precommit signature by `key`.
fn forged_certificate(key: &Keypair, chain: &str, height: u64, hash: [u8; 32]) -> ledger::block::CommitCertificate {
    let mut cert = craft::certificate(height, hash);
    let vote = consensus::Vote { vote_type: consensus::VoteType::Precommit, height, round: 0, value: Some(hash), validator: key.public() };
    let signer = LedgerSigner { keypair: Keypair::from_seed(&key.seed()), chain_id: chain.to_string() };
    let signature = signer.sign(SignDomain::Precommit, &vote.sign_bytes());
    cert.signatures.push(CommitSignature { validator: key.public().to_vec(), signature });
    cert
}

type Hashes = Arc<Mutex<HashMap<u64, ([u8; 32], u64)>>>;

fn liar(key: Keypair, chain: String, hashes: Hashes) -> crate::harness::hostile_peer::SyncLiar {
    let mut rng = Rng::new(6);
    let mut turn = 0u64;
    Box::new(move |req: &SyncRequest| {
        turn += 1;
        let from = req.from_height.max(1);
        let blocks = match turn % 3 {
            0 => Vec::new(),
            1 => (0..4).map(|_| SyncedBlock { block: rng.bytes(2048), certificate: rng.bytes(256) }).collect(),
            _ => {
                let (prev, time_ms) = hashes.lock().ok().and_then(|h| h.get(&(from - 1)).copied()).unwrap_or(([0; 32], 0));
                let last = (from > 1).then(|| forged_certificate(&key, &chain, from - 1, prev));
                let block = craft::block(&chain, from, prev, time_ms + 1000, key.public(), last);
                let cert = forged_certificate(&key, &chain, from, block.hash());
                vec![craft::synced(&block, &cert)]
            }
        };
        Some(SyncResponse { latest_height: u64::MAX, blocks })
    })
}

#[test]
fn lying_sync_peer() {
    let mut s = Scenario::start(ScenarioSpec { name: "lying_sync_peer", port_block: 6, hostile_peers: 1 });
    let chain = s.chain_id();
    let hashes: Hashes = Arc::new(Mutex::new(HashMap::new()));
    let key = Keypair::from_seed(&s.peers[0].key.seed());
    s.peers[0].answer_sync(liar(key, chain, hashes.clone()));
    s.stop_node(LAGGING);
    step!("validator {LAGGING} stopped for 5 slots");
    s.run_for(Duration::from_secs(5), |_, _| {});
    let (tip, _, _) = s.tip();
    if let Ok(mut h) = hashes.lock() {
        for height in 1..=tip + 10 {
            if let Ok(b) = s.net.client(0).get(&format!("/blocks/{height}")) {
                h.insert(height, (craft::hash_from_hex(b["hash"].as_str().unwrap_or("")), b["header"]["time_ms"].as_u64().unwrap_or(0)));
            }
        }
    }
    s.restart_node(LAGGING);
    let restarted = Instant::now();
    step!("validator {LAGGING} restarted at tip {tip}");
    let others: Vec<String> = (0..3).map(|i| s.net.nodes[i].node_id.clone()).collect();
    let mut caught_up: Option<Duration> = None;
    s.run_for(Duration::from_secs(8), |s, tick| {
        if tick % 2 == 0 {
            for id in &others {
                s.peers[0].request_blocks(id, SyncRequest { from_height: 1, max_blocks: u32::MAX });
            }
        }
        if caught_up.is_none() && s.net.height(LAGGING).is_some_and(|h| h + 1 >= s.net.height(0).unwrap_or(u64::MAX)) {
            caught_up = Some(restarted.elapsed());
        }
    });
    let stats = s.peers[0].stats();
    step!("hostile peer: {} sync requests got lies, {} of its own requests were answered", stats.sync_lies, stats.sync_responses);
    s.verdict.check(stats.sync_lies > 0, || "set-up: the restarted validator never asked the hostile peer".into());
    match caught_up {
        Some(d) => s.verdict.check(d <= CATCH_UP, || format!("validator {LAGGING} caught up only after {d:?} (bound {CATCH_UP:?})")),
        None => s.verdict.fail(format!("validator {LAGGING} never caught up (height {:?}, others {:?})", s.net.height(LAGGING), s.net.height(0))),
    }
    s.finish(&[Rejections { channel: "sync", reason: REASON, min_nodes: 1 }]);
}
