//! Updating the state root for 10,000 changed keys in a state of 1,000,000 accounts.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ledger::state::StateTree;
use rand::{Rng, SeedableRng};

const ACCOUNTS: u64 = 1_000_000;
const CHANGED: u64 = 10_000;

fn account_key(n: u64) -> Vec<u8> {
    let mut key = b"acct/".to_vec();
    key.extend_from_slice(&ledger::hash::sha256(&n.to_be_bytes()));
    key
}

fn state_root(c: &mut Criterion) {
    let mut tree = StateTree::new();
    for n in 0..ACCOUNTS {
        tree.set(&account_key(n), Some(&n.to_le_bytes()));
    }
    tree.root();
    let keys: Vec<Vec<u8>> = (0..ACCOUNTS).map(account_key).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut round = 0u64;
    // Wall time is what criterion reports; the thread's CPU time is printed too, since
    // on a shared machine the wall time includes waiting for a core.
    let mut cpu = Duration::ZERO;
    let mut cpu_iters = 0u32;
    let mut group = c.benchmark_group("state_root");
    group.throughput(Throughput::Elements(CHANGED));
    group.bench_function("update_10k_of_1m", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let changed: Vec<usize> = (0..CHANGED).map(|_| rng.gen_range(0..ACCOUNTS as usize)).collect();
                let value = round.to_le_bytes();
                // Timed: hashing the changed keys and values, updating their buckets, rehashing the paths.
                let started = Instant::now();
                let cpu_started = thread_cpu_time();
                for index in &changed {
                    tree.set(&keys[*index], Some(&value));
                }
                std::hint::black_box(tree.root());
                total += started.elapsed();
                cpu += thread_cpu_time().saturating_sub(cpu_started);
                cpu_iters += 1;
            }
            total
        })
    });
    group.finish();
    if cpu_iters > 0 {
        println!(
            "state_root/update_10k_of_1m: mean thread CPU time {:.2} ms over {cpu_iters} updates",
            cpu.as_secs_f64() * 1e3 / f64::from(cpu_iters)
        );
    }
}

/// CPU time consumed by the calling thread.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = state_root
}
criterion_main!(benches);
