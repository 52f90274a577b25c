use super::*;
use crate::genesis::{Genesis, GenesisValidator};
use crate::mempool::Limits;
use crate::verdict::Verdict;
use crate::wal::MemWal;
use ledger::store::{ChainStore, MemBackend};
use std::sync::Arc;

/// A node's disk: its chain store and its WAL, which outlive a driver (a restart).
#[derive(Clone)]
struct Disk {
    store: Arc<ChainStore<MemBackend>>,
    wal: MemWal,
}

fn disk() -> Disk {
    Disk { store: Arc::new(ChainStore::with_backend(MemBackend::new())), wal: MemWal::new() }
}

type TestDriver = Driver<MemBackend, MemWal>;

fn limits() -> Limits {
    Limits { max_txs: 100, max_bytes: 1 << 20, max_per_account: 4, max_tx_bytes: 4096 }
}

fn genesis(validators: &[&Keypair]) -> Genesis {
    let admin = Keypair::from_seed(&[1; 32]);
    let mut g = Genesis::new("driver-test", 0, 0, admin.public(), [9; 32]);
    for (i, v) in validators.iter().enumerate() {
        let node_key = Keypair::from_seed(&[100 + i as u8; 32]);
        let node_id = format!("node-{}", hex::encode(node_key.public()));
        g.add_validator(GenesisValidator { address: v.public(), power: 10, moniker: format!("v{i}"), node_id });
    }
    g
}

fn driver(dir: &Disk, g: &Genesis, me: &Keypair) -> TestDriver {
    let chain = Chain::open(dir.store.clone(), g.clone()).unwrap();
    let next = chain.tip().height + 1;
    let wal = dir.wal.clone();
    let settings = DriverSettings { params: Params::default(), max_block_txs: 100, max_message_bytes: 4 << 20, bid_wait_ms: 0, planted_bug_skip_wal_sync: false };
    Driver::new(chain, Mempool::new(limits(), next, g.app_state.administrator), Some(me.clone()), wal, settings)
}

fn published_votes(effects: &[Effect]) -> Vec<consensus::SignedVote> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Publish(Channel::Consensus, bytes) => match GossipMessage::decode(bytes) {
                Ok(GossipMessage::Vote(v)) => Some(v),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Four validators (keys from `seed`), this node the first, running height 1, its WAL synced.
struct Running {
    keys: Vec<Keypair>,
    g: Genesis,
    d: TestDriver,
}

fn running_at_height_one(seed: u8) -> Running {
    let dir = disk();
    let keys: Vec<Keypair> = (0..4).map(|i| Keypair::from_seed(&[seed + i; 32])).collect();
    let g = genesis(&keys.iter().collect::<Vec<_>>());
    let mut d = driver(&dir, &g, &keys[0]);
    d.start(1_000).unwrap();
    d.start_height(1, 1_000).unwrap();
    d.wal.sync().unwrap();
    Running { keys, g, d }
}

#[test]
fn a_lone_validator_proposes_votes_and_commits_without_sockets() {
    let dir = disk();
    let me = Keypair::from_seed(&[3; 32]);
    let g = genesis(&[&me]);
    let mut d = driver(&dir, &g, &me);
    let start = d.start(1_000).unwrap();
    assert!(matches!(start.as_slice(), [Effect::StartAt { height: 1, at_ms: 0 }]), "{start:?}");
    let effects = d.start_height(1, 1_000).unwrap();
    let committed: Vec<&Committed> = effects.iter().filter_map(|e| if let Effect::Committed(c) = e { Some(&**c) } else { None }).collect();
    assert_eq!(committed.len(), 1, "{effects:?}");
    assert_eq!(committed[0].block.height(), 1);
    assert_eq!(d.chain().tip().height, 1);
    assert_eq!(published_votes(&effects).len(), 2, "one prevote and one precommit");
    assert!(effects.iter().any(|e| matches!(e, Effect::StartAt { height: 2, .. })));
}

#[test]
fn a_restarted_validator_replays_its_wal_and_signs_nothing_new_at_the_same_step() {
    let dir = disk();
    let keys: Vec<Keypair> = (0..4).map(|i| Keypair::from_seed(&[10 + i; 32])).collect();
    let g = genesis(&keys.iter().collect::<Vec<_>>());
    let me = &keys[0];
    let first_votes = {
        let mut d = driver(&dir, &g, me);
        d.start(1_000).unwrap();
        let mut effects = d.start_height(1, 1_000).unwrap();
        // Nothing from the others: the propose timeout makes it prevote (nil or its own block).
        let timers: Vec<Timeout> = effects.iter().filter_map(|e| if let Effect::Timer { timeout, .. } = e { Some(*timeout) } else { None }).collect();
        for t in timers.into_iter().filter(|t| t.step == consensus::TimeoutStep::Propose) {
            effects.extend(d.on_timeout(t, 2_000).unwrap());
        }
        published_votes(&effects)
    };
    assert!(!first_votes.is_empty(), "the validator prevoted before the crash");
    // "Crash" and restart on the same store and WAL.
    let mut d = driver(&dir, &g, me);
    let replay = d.start(3_000).unwrap();
    for vote in published_votes(&replay) {
        let same = first_votes.iter().any(|v| v.vote == vote.vote);
        let conflicting = first_votes.iter().any(|v| {
            v.vote.height == vote.vote.height && v.vote.round == vote.vote.round && v.vote.vote_type == vote.vote.vote_type && v.vote.value != vote.vote.value
        });
        assert!(same || !conflicting, "after the restart it signed a conflicting vote: {vote:?}");
    }
    let step = d.chain().signed_step().unwrap().expect("the signed step was persisted");
    assert_eq!(step.height, 1);
}

#[test]
fn the_wal_alone_restores_the_signer_guard_when_the_stores_unsynced_record_is_lost() {
    let dir = disk();
    let keys: Vec<Keypair> = (0..4).map(|i| Keypair::from_seed(&[20 + i; 32])).collect();
    let g = genesis(&keys.iter().collect::<Vec<_>>());
    let proposer = driver(&disk(), &g, &keys[0]).chain().validators().proposer(1, 0);
    let me = keys.iter().find(|k| k.public() != proposer).expect("four validators, one proposer");
    // Before the power loss it prevoted for a block at (1, 0); the WAL (synced) shows it, the
    // store's unsynced record is gone. The replay does not reproduce that prevote (the
    // proposal it saw is not in the log), so only the guard stops a second prevote.
    let own = signed_prevote(me, &g.chain_id, 1, 0, 7);
    let mut wal = dir.wal.clone();
    wal.append(&WalEntry::StartHeight(1)).unwrap();
    wal.append(&WalEntry::Vote(Input::Vote(own.clone()))).unwrap();
    wal.sync().unwrap();
    let mut d = driver(&dir, &g, me);
    assert_eq!(d.chain().signed_step().unwrap(), None, "the store recorded nothing");
    d.start(3_000).unwrap();
    let propose = Timeout { height: 1, round: 0, step: consensus::TimeoutStep::Propose };
    let effects = d.on_timeout(propose, 4_000).unwrap();
    let conflicting: Vec<_> = published_votes(&effects).into_iter().filter(|v| v.vote.round == 0 && v.vote.vote_type == own.vote.vote_type && v.vote.value != own.vote.value).collect();
    assert!(conflicting.is_empty(), "a second prevote at (1, 0) after the restart: {conflicting:?}");
}

#[test]
fn a_double_vote_from_another_validator_becomes_one_evidence_transaction() {
    let Running { keys, g, mut d, .. } = running_at_height_one(30);
    let vote = |value: u8| signed_vote(&keys[2], &g.chain_id, 1, 0, value);
    let mut effects = Vec::new();
    for bytes in [vote(1), vote(2), vote(2)] {
        effects.extend(d.on_gossip(&bytes, 1_100).unwrap().1);
    }
    let reports: Vec<&Vec<u8>> = effects.iter().filter_map(|e| if let Effect::SubmitTx(tx) = e { Some(tx) } else { None }).collect();
    assert_eq!(reports.len(), 1, "{effects:?}");
    let tx = ledger::tx::decode_tx(reports[0], &g.chain_id).unwrap().tx;
    assert_eq!(tx.sender, keys[0].public());
    assert_eq!(tx.body, market_runtime::TxBody::Evidence { validator: keys[2].public(), height: 1, round: 0 });
    assert!(effects.iter().any(|e| matches!(e, Effect::Publish(Channel::Evidence, _))), "the evidence is gossiped too");
}

fn signed_prevote(key: &Keypair, chain_id: &str, height: u64, round: u32, value: u8) -> consensus::SignedVote {
    let signer = LedgerSigner { keypair: key.clone(), chain_id: chain_id.into() };
    let vote = consensus::Vote { vote_type: consensus::VoteType::Prevote, height, round, value: Some([value; 32]), validator: key.public() };
    let signature = consensus::Signer::sign(&signer, consensus::SignDomain::Prevote, &vote.sign_bytes());
    consensus::SignedVote { vote, signature }
}

fn signed_vote(key: &Keypair, chain_id: &str, height: u64, round: u32, value: u8) -> Vec<u8> {
    GossipMessage::Vote(signed_prevote(key, chain_id, height, round, value)).encode()
}

#[test]
fn votes_from_outside_the_validator_set_are_rejected_before_the_wal() {
    let Running { g, mut d, .. } = running_at_height_one(50);
    let before = d.wal.len();
    let outsider = Keypair::from_seed(&[99; 32]);
    for round in 0..50 {
        let (verdict, effects) = d.on_gossip(&signed_vote(&outsider, &g.chain_id, 1, round, 7), 1_100).unwrap();
        assert_eq!(verdict, Verdict::Reject("not-a-validator"));
        assert!(effects.is_empty());
    }
    assert_eq!(d.wal.len(), before, "nothing of the outsider reached the WAL");
}

#[test]
fn a_vote_with_a_round_beyond_what_the_core_keeps_is_ignored_not_logged() {
    let Running { keys, g, mut d, .. } = running_at_height_one(60);
    let before = d.wal.len();
    let (verdict, _) = d.on_gossip(&signed_vote(&keys[1], &g.chain_id, 1, u32::MAX, 7), 1_100).unwrap();
    assert_eq!(verdict, Verdict::Ignore("round-too-far"));
    assert_eq!(d.wal.len(), before);
}

#[test]
fn a_vote_with_a_forged_signature_is_rejected() {
    let Running { keys, g, mut d, .. } = running_at_height_one(70);
    let mut bytes = signed_vote(&keys[1], &g.chain_id, 1, 0, 7);
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    assert_eq!(d.on_gossip(&bytes, 1_100).unwrap().0, Verdict::Reject("bad-signature"));
}

#[test]
fn a_mempool_of_large_transactions_still_gives_a_proposal_that_fits_one_gossip_message() {
    let dir = disk();
    let me = Keypair::from_seed(&[80; 32]);
    let g = genesis(&[&me]);
    let chain = Chain::open(dir.store.clone(), g.clone()).unwrap();
    let wal = dir.wal.clone();
    let max_message_bytes = 64 * 1024;
    let settings = DriverSettings { params: Params::default(), max_block_txs: 10_000, max_message_bytes, bid_wait_ms: 0, planted_bug_skip_wal_sync: false };
    let pool_limits = Limits { max_txs: 1_000, max_bytes: 8 << 20, max_per_account: 4, max_tx_bytes: 4096 };
    let mut d = Driver::new(chain, Mempool::new(pool_limits, 1, g.app_state.administrator), Some(me.clone()), wal, settings);
    for i in 0..200u32 {
        let mut sender = [0u8; 32];
        sender[..4].copy_from_slice(&i.to_be_bytes());
        let tx = market_runtime::Tx { sender, nonce: 0, body: market_runtime::TxBody::Transfer { to: [1; 32], amount: 1 } };
        let mut hash = [0u8; 32];
        hash[..4].copy_from_slice(&i.to_be_bytes());
        d.mempool_mut().insert(crate::mempool::PoolTx { hash, tx, bytes: vec![7; 3_900] }).unwrap();
    }
    d.start(1_000).unwrap();
    let effects = d.start_height(1, 1_000).unwrap();
    let proposals: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Publish(Channel::Consensus, bytes) if matches!(GossipMessage::decode(bytes), Ok(GossipMessage::Proposal(..))) => Some(bytes.len()),
            _ => None,
        })
        .collect();
    assert_eq!(proposals.len(), 1, "{effects:?}");
    assert!(proposals[0] <= max_message_bytes, "the proposal is {} bytes, over {max_message_bytes}", proposals[0]);
    assert!(proposals[0] > max_message_bytes / 2, "the budget was used ({} bytes)", proposals[0]);
}

#[test]
fn a_validator_whose_pool_is_cold_proposes_only_once_it_is_warm() {
    let dir = disk();
    let me = Keypair::from_seed(&[3; 32]);
    let g = genesis(&[&me]);
    let mut d = driver(&dir, &g, &me);
    d.start(1_000).unwrap();
    d.hold_proposals_until(2_000);
    let effects = d.start_height(1, 1_000).unwrap();
    assert!(!effects.iter().any(|e| matches!(e, Effect::Committed(_) | Effect::Publish(..))), "nothing proposed while cold: {effects:?}");
    assert!(effects.iter().any(|e| matches!(e, Effect::ProposeAt { height: 1, round: 0, at_ms } if *at_ms <= 2_000)), "{effects:?}");
    let still_cold = d.propose_deferred(1, 0, 1_900).unwrap();
    assert!(matches!(still_cold.as_slice(), [Effect::ProposeAt { height: 1, round: 0, .. }]), "looks again later: {still_cold:?}");
    assert!(d.propose_deferred(1, 1, 2_000).unwrap().is_empty(), "a round the core is not in is ignored");
    let warm = d.propose_deferred(1, 0, 2_000).unwrap();
    assert!(warm.iter().any(|e| matches!(e, Effect::Committed(_))), "proposed and committed once warm: {warm:?}");
    assert_eq!(d.chain().tip().height, 1);
}

/// A lone validator whose genesis approves one household, waiting up to 200 ms for bids.
fn waiting_for_one_household(dir: &Disk) -> (TestDriver, Keypair, Genesis) {
    let me = Keypair::from_seed(&[3; 32]);
    let home = Keypair::from_seed(&[4; 32]);
    let mut g = genesis(&[&me]);
    let spec = market_runtime::HouseholdSpec {
        pv_capacity_w: 0,
        battery_wh: 0,
        battery_w: 0,
        import_limit_w: 10_000,
        kind: market_runtime::HouseholdKind::Flat,
        lot: "a".into(),
        node_key: None,
    };
    g.add_household(home.public(), spec, 1_000_000_000);
    let chain = Chain::open(dir.store.clone(), g.clone()).unwrap();
    let wal = dir.wal.clone();
    let settings = DriverSettings { params: Params::default(), max_block_txs: 100, max_message_bytes: 4 << 20, bid_wait_ms: 200, planted_bug_skip_wal_sync: false };
    let mut d = Driver::new(chain, Mempool::new(limits(), 1, g.app_state.administrator), Some(me), wal, settings);
    d.start(1_000).unwrap();
    (d, home, g)
}

fn committed(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Committed(_)))
}

#[test]
fn a_proposer_past_the_deadline_waits_for_households_that_have_not_bid_but_not_beyond_the_bound() {
    let dir = disk();
    let (mut d, _, _) = waiting_for_one_household(&dir);
    let effects = d.start_height(1, 1_000).unwrap();
    assert!(!committed(&effects) && effects.iter().any(|e| matches!(e, Effect::ProposeAt { height: 1, .. })), "{effects:?}");
    assert!(!committed(&d.propose_deferred(1, 0, 1_150).unwrap()), "still within the 200 ms");
    assert!(committed(&d.propose_deferred(1, 0, 1_200).unwrap()), "proposed at the bound without the bid");
}

#[test]
fn a_proposer_whose_every_household_has_bid_proposes_at_once() {
    let dir = disk();
    let (mut d, home, g) = waiting_for_one_household(&dir);
    let tx = market_runtime::Tx { sender: home.public(), nonce: 0, body: market_runtime::TxBody::Bid { slot: 1, side: market_runtime::Side::Buy, quantity_wh: 100, meter: None, limit_price: None } };
    let v = ledger::tx::decode_tx(&ledger::tx::encode_tx(&home, &g.chain_id, &tx).unwrap(), &g.chain_id).unwrap();
    d.mempool_mut().insert(crate::mempool::PoolTx { hash: v.hash, tx: v.tx, bytes: v.bytes }).unwrap();
    let effects = d.start_height(1, 1_000).unwrap();
    let Some(Effect::Committed(c)) = effects.iter().find(|e| matches!(e, Effect::Committed(_))) else { panic!("no commit: {effects:?}") };
    assert_eq!(c.txs.len(), 1, "the bid is in the block");
}
