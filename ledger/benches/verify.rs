//! Signature verification of bids: one by one versus in one batch (bids per second).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ledger::sign::{verify_digest, BatchItem};
use market_runtime::Side;

mod common;

use common::CHAIN;

fn bids(count: u64) -> Vec<Vec<u8>> {
    common::bids(count, Side::Buy, 1_500)
}

fn items(txs: &[Vec<u8>]) -> Vec<BatchItem> {
    txs.iter()
        .map(|bytes| {
            let opened = ledger::envelope::open(bytes, ledger::limits::MAX_TX_BYTES, &[ledger::wire::EnvelopeKind::Transaction], "transaction")
                .expect("bench bids open");
            BatchItem { key: opened.key, domain: opened.domain, digest: opened.digest(CHAIN), signature: opened.signature }
        })
        .collect()
}

fn verification(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify_bids");
    for count in [64u64, 1_024] {
        let txs = bids(count);
        let prepared = items(&txs);
        group.throughput(Throughput::Elements(count));
        group.bench_with_input(BenchmarkId::new("signature_single", count), &prepared, |b, items| {
            b.iter(|| {
                for item in items {
                    verify_digest(&item.key, item.domain, &item.digest, &item.signature).expect("valid");
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("signature_batch", count), &prepared, |b, items| {
            b.iter(|| ledger::sign::verify_batch(items).expect("valid"))
        });
        group.bench_with_input(BenchmarkId::new("decode_tx_single", count), &txs, |b, txs| {
            b.iter(|| {
                for tx in txs {
                    ledger::tx::decode_tx(tx, CHAIN).expect("valid");
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("decode_tx_batch", count), &txs, |b, txs| {
            b.iter(|| ledger::tx::verify_batch(txs, CHAIN).expect("valid"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = verification
}
criterion_main!(benches);
