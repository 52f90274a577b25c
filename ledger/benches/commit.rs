//! Committing a block to RocksDB (synced WriteBatch: block, certificate, state changes, root).

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ledger::block::{txs_root, Block, Header};
use ledger::certificate::{certificate, precommit_payload};
use ledger::sign::{Domain, Keypair};
use ledger::state::StateDb;
use ledger::store::{ChainStore, RocksBackend};
use market_runtime::{Side, StateStore};

mod common;

use common::CHAIN;

fn bids(count: u64) -> Vec<Vec<u8>> {
    common::bids(count, Side::Sell, 900)
}

fn next_block(store: &ChainStore<RocksBackend>, db: &StateDb<RocksBackend>, txs: &[Vec<u8>], validators: &[Keypair]) -> (Block, ledger::wire::CommitCertificate) {
    let height = store.latest_height().expect("reads").unwrap_or(0) + 1;
    let prev = store.latest_hash().expect("reads").unwrap_or([0; 32]);
    let header = Header {
        chain_id: CHAIN.into(),
        height,
        slot: height,
        time_ms: height * 1_000,
        prev_hash: prev.to_vec(),
        txs_root: txs_root(txs).to_vec(),
        state_root: db.root().to_vec(),
        proposer: validators[0].public().to_vec(),
        validators_hash: vec![0; 32],
        // The bench times the commit, which does not look at the previous commit.
        last_commit_hash: vec![0; 32],
        protocol_version: 0,
    };
    let block = Block { header: Some(header), txs: txs.to_vec(), last_commit: None };
    let hash = block.hash();
    let payload = precommit_payload(CHAIN, height, 0, &hash);
    let signatures = validators.iter().map(|v| (v.public(), v.sign(Domain::Precommit, CHAIN, &payload).to_vec())).collect();
    let cert = certificate(height, 0, &hash, signatures);
    (block, cert)
}

fn commit(c: &mut Criterion) {
    let validators: Vec<Keypair> = (200..204u8).map(|i| Keypair::from_seed(&[i; 32])).collect();
    let mut group = c.benchmark_group("block_commit");
    for count in [1_000u64, 10_000] {
        let txs = bids(count);
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(ChainStore::open(dir.path()).expect("opens"));
        let mut db = StateDb::open(store.clone()).expect("opens");
        let mut cpu_with_state = CpuTally::default();
        let mut cpu_store_only = CpuTally::default();
        group.throughput(Throughput::Elements(count));
        group.bench_function(BenchmarkId::new("synced_with_state", count), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    // Execution's writes (not timed): per bid its record and the sender's account.
                    let (block, cert) = next_block(&store, &db, &txs, &validators);
                    let height = block.height();
                    for n in 0..count {
                        db.put(format!("bid/{height:016x}/{n:08}").as_bytes(), vec![1; 40]);
                        db.put(format!("acct/{:04}", n % 100).as_bytes(), (height + n).to_le_bytes().to_vec());
                    }
                    let started = Instant::now();
                    let cpu_started = process_cpu_time();
                    db.commit(&block, &cert).expect("commits");
                    total += started.elapsed();
                    cpu_with_state.add(process_cpu_time().saturating_sub(cpu_started));
                }
                total
            })
        });
        // The same block without the state tree: RocksDB's share of the commit.
        let dir = tempfile::tempdir().expect("tempdir");
        let bare = Arc::new(ChainStore::open(dir.path()).expect("opens"));
        let bare_db = StateDb::open(bare.clone()).expect("opens");
        group.bench_function(BenchmarkId::new("synced_store_only", count), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (block, cert) = next_block(&bare, &bare_db, &txs, &validators);
                    let height = block.height();
                    let mut changes = ledger::store::StateChanges::default();
                    for n in 0..count {
                        changes.writes.insert(format!("bid/{height:016x}/{n:08}").into_bytes(), Some(vec![1; 40]));
                        changes.writes.insert(format!("acct/{:04}", n % 100).into_bytes(), Some((height + n).to_le_bytes().to_vec()));
                    }
                    let started = Instant::now();
                    let cpu_started = process_cpu_time();
                    bare.commit(&block, &cert, &changes).expect("commits");
                    total += started.elapsed();
                    cpu_store_only.add(process_cpu_time().saturating_sub(cpu_started));
                }
                total
            })
        });
        cpu_with_state.print(&format!("block_commit/synced_with_state/{count}"));
        cpu_store_only.print(&format!("block_commit/synced_store_only/{count}"));
    }
    group.finish();
}

/// CPU time spent by the whole process during the timed commits. Criterion reports wall
/// time, which on a shared machine includes waiting for a core; this counts every
/// thread of the process (the tree's worker, and RocksDB's own threads too), and not
/// the fsync wait.
#[derive(Default)]
struct CpuTally {
    total: Duration,
    commits: u32,
}

impl CpuTally {
    fn add(&mut self, cpu: Duration) {
        self.total += cpu;
        self.commits += 1;
    }

    fn print(&self, name: &str) {
        if self.commits > 0 {
            println!(
                "{name}: mean process CPU time {:.2} ms over {} commits",
                self.total.as_secs_f64() * 1e3 / f64::from(self.commits),
                self.commits
            );
        }
    }
}

/// CPU time consumed by all threads of the process.
fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(8));
    targets = commit
}
criterion_main!(benches);
