//! Crash safety: a child process committing blocks is SIGKILLed at random instants, hundreds of
//! times; every reopening finds every acknowledged block and never a torn one.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{bid_tx, block, cert, key, CHAIN};
use ledger::state::StateDb;
use ledger::store::ChainStore;
use market_runtime::StateStore;
use rand::{Rng, SeedableRng};

const CHILD_DIR: &str = "LEDGER_CRASH_CHILD_DIR";
const TEST_NAME: &str = "killed_writer_never_loses_nor_tears_a_committed_block";
const KILLS: usize = 200;
const TXS_PER_BLOCK: u64 = 40;

/// The child: commit blocks forever, printing each height and root once `commit` returned.
fn child(dir: &str) {
    let store = Arc::new(ChainStore::open(std::path::Path::new(dir)).expect("child opens the store"));
    let mut db = StateDb::open(store.clone()).expect("child opens the state");
    let sender = key(33);
    let mut out = std::io::stdout().lock();
    loop {
        let latest = store.latest_height().expect("reads").unwrap_or(0);
        let prev = store.latest_hash().expect("reads").unwrap_or([0; 32]);
        let height = latest + 1;
        let txs = (0..TXS_PER_BLOCK).map(|n| bid_tx(&sender, height * TXS_PER_BLOCK + n, height)).collect();
        let b = block(height, prev, txs, db.root());
        // Every block rewrites the height marker and a rotating window of accounts and
        // deletes an older one, so a torn batch would show as a state/block mismatch.
        db.put(b"meta/height", height.to_be_bytes().to_vec());
        // Every other block is wide enough (about 300 writes) for StateDb to hash the tree on a
        // second thread while the batch is laid out, so kills land in that path too.
        let window = if height % 2 == 0 { 300 } else { 50 };
        for i in 0..window {
            let account = (height * 7 + i) % 500;
            db.put(format!("acct/{account:04}").as_bytes(), height.to_le_bytes().to_vec());
        }
        db.delete(format!("acct/{:04}", (height * 13) % 500).as_bytes());
        let root = db.commit(&b, &cert(&b, 0, &[0, 1, 2])).expect("child commits");
        writeln!(out, "committed {height} {}", hex::encode(root)).expect("stdout");
        out.flush().expect("stdout");
    }
}

/// Reopens the store and checks it against what the child acknowledged.
fn check(dir: &std::path::Path, acknowledged: Option<(u64, String)>, checked_up_to: &mut u64) -> u64 {
    let store = Arc::new(ChainStore::open(dir).expect("the store reopens after SIGKILL"));
    // Opening the state recomputes the root from the entries and compares it with the
    // root written in the same batch as the latest block: a torn batch fails here.
    let mut db = StateDb::open(store.clone()).expect("state entries agree with the recorded root");
    let latest = store.latest_height().expect("reads").unwrap_or(0);
    if let Some((height, root)) = &acknowledged {
        assert!(latest >= *height, "acknowledged block {height} lost: latest is {latest}");
        if latest == *height {
            assert_eq!(&hex::encode(db.root()), root, "root of acknowledged block {height} differs");
        }
    }
    let marker = db.get(b"meta/height").map(|v| u64::from_be_bytes(v.try_into().expect("8 bytes")));
    assert_eq!(marker.unwrap_or(0), latest, "state is from another height than the latest block");
    // Blocks added since the last check: present, certified, chained, with their txs.
    let mut prev = if *checked_up_to == 0 { [0; 32] } else { store.block(*checked_up_to).expect("reads").expect("present").hash() };
    for height in *checked_up_to + 1..=latest {
        let b = store.block(height).expect("reads").unwrap_or_else(|| panic!("block {height} missing below latest {latest}"));
        let c = store.certificate(height).expect("reads").unwrap_or_else(|| panic!("certificate {height} missing"));
        assert_eq!(c.block_hash, b.hash().to_vec());
        assert_eq!(b.header.as_ref().expect("header").prev_hash, prev.to_vec());
        assert_eq!(b.txs.len() as u64, TXS_PER_BLOCK);
        ledger::block::check_block(&b, CHAIN).expect("stored block is well formed");
        assert_eq!(store.block_by_hash(&b.hash()).expect("reads"), Some(b.clone()));
        prev = b.hash();
    }
    *checked_up_to = latest;
    db.discard();
    latest
}

/// `(height, root)` from a child's "committed <height> <root>" line (the harness may
/// print its own text in front of the first one).
fn parse_ack(line: &str) -> Option<(u64, String)> {
    let rest = &line[line.find("committed ")? + "committed ".len()..];
    let mut parts = rest.split(' ');
    let height = parts.next()?.parse().ok()?;
    let root = parts.next()?.to_string();
    Some((height, root))
}

#[test]
fn killed_writer_never_loses_nor_tears_a_committed_block() {
    if let Ok(dir) = std::env::var(CHILD_DIR) {
        child(&dir);
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("test binary path");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x0050_17a5);
    let mut checked_up_to = 0u64;
    let mut killed_mid_run = 0usize;
    let started = Instant::now();
    for round in 0..KILLS {
        let mut child = Command::new(&exe)
            .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("child starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let mut last = None;
        // One kill in five lands during start-up (opening RocksDB, replaying its log);
        // the others after the child acknowledged 1 to 3 commits, a random instant
        // later, while it builds or writes the next block.
        if rng.gen_ratio(4, 5) {
            let wanted = rng.gen_range(1..=3usize);
            let mut seen = 0;
            for line in lines.by_ref().map_while(Result::ok) {
                if let Some(ack) = parse_ack(&line) {
                    last = Some(ack);
                    seen += 1;
                    if seen == wanted {
                        break;
                    }
                }
            }
            assert_eq!(seen, wanted, "child stopped before acknowledging {wanted} commits");
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..5_000)));
        } else {
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..25_000)));
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("child reaped");
        for line in lines.map_while(Result::ok) {
            if let Some(ack) = parse_ack(&line) {
                last = Some(ack);
            }
        }
        if last.is_some() {
            killed_mid_run += 1;
        }
        let latest = check(dir.path(), last, &mut checked_up_to);
        if round % 50 == 49 {
            eprintln!("crash test: {} kills, {latest} blocks, {:.1} s", round + 1, started.elapsed().as_secs_f64());
        }
    }
    assert!(checked_up_to > 0, "the child never committed a block");
    assert!(killed_mid_run * 2 > KILLS, "only {killed_mid_run} of {KILLS} kills came after a commit");
}
