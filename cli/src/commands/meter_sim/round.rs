//! One round of meter-sim: every household meters the slot and signs its due meter reports and
//! its bid, and each thread submits its households' transactions in batches.

use super::{ChainInfo, Household, Summary};
use market_runtime::model::community::Profile;
use node::client::Client;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Readings a household holds back for slots not cleared yet (a chain that stopped does not
/// make them pile up).
const MAX_PENDING_REPORTS: usize = 8;

/// What one signed transaction of a round is.
#[derive(Clone, Copy)]
enum Sent {
    Bid,
    /// A 0 Wh bid that only carries a reading.
    ReadingOnly,
    Report,
}

/// A bid is a forecast: under `--meter-reports` the quantity is the metered one off by a
/// deterministic error of up to ±10 % (by slot and household), so metered settlement has
/// deviations to settle.
fn forecast_wh(metered_wh: u64, slot: u64, index: usize) -> u64 {
    let mut seed = [0u8; 16];
    seed[..8].copy_from_slice(&slot.to_le_bytes());
    seed[8..].copy_from_slice(&(index as u64).to_le_bytes());
    let hash = ledger::hash::sha256(&seed);
    let permille = i128::from(u16::from_le_bytes([hash[0], hash[1]]) % 201) - 100;
    let forecast = i128::from(metered_wh) * (1_000 + permille) / 1_000;
    u64::try_from(forecast.max(0)).unwrap_or(u64::MAX)
}

/// The run's tallies, shared by the submitting threads of every round.
#[derive(Default)]
pub(super) struct Counters {
    submitted: AtomicU64,
    accepted: AtomicU64,
    accepted_reading_only: AtomicU64,
    reports_accepted: AtomicU64,
    rejected: AtomicU64,
    unreachable: AtomicU64,
    /// The first few errors, for the summary.
    errors: Mutex<Vec<String>>,
}

impl Counters {
    fn note(&self, slot: u64, index: usize, e: String) {
        if let Ok(mut errs) = self.errors.lock() {
            if errs.len() < 5 {
                errs.push(format!("slot {slot} household {index}: {e}"));
            }
        }
    }

    /// Transactions refused or not delivered so far.
    pub(super) fn failed(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed) + self.unreachable.load(Ordering::Relaxed)
    }

    pub(super) fn fill(self, summary: &mut Summary) {
        summary.submitted = self.submitted.load(Ordering::Relaxed);
        summary.accepted = self.accepted.load(Ordering::Relaxed);
        summary.accepted_reading_only = self.accepted_reading_only.load(Ordering::Relaxed);
        summary.meter_reports_accepted = self.reports_accepted.load(Ordering::Relaxed);
        summary.rejected = self.rejected.load(Ordering::Relaxed);
        summary.unreachable = self.unreachable.load(Ordering::Relaxed);
        summary.first_errors = self.errors.into_inner().unwrap_or_default();
    }
}

/// One slot's bidding: what every household's transactions of the round depend on.
pub(super) struct Round<'a> {
    pub slot: u64,
    /// The chain's height when the round started: the last slot a meter report can be for.
    pub height: u64,
    pub profile: &'a Profile,
    pub chain: &'a ChainInfo,
    pub meter_reports: bool,
    /// Transactions per request (1: one POST /txs each).
    pub batch: usize,
}

impl Round<'_> {
    /// Signs and submits the round for `households`, split over `threads` threads and the
    /// nodes of `clients` in turn.
    pub(super) fn run(&self, households: &mut [Household], clients: &[Client], threads: usize, counters: &Counters) {
        let chunk = households.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            for (t, part) in households.chunks_mut(chunk).enumerate() {
                let client = &clients[t % clients.len()];
                scope.spawn(move || {
                    let signed = self.sign(part);
                    self.submit(client, part, &signed, counters);
                });
            }
        });
    }

    /// The round's transactions of `part` in household order: (position in `part`, envelope, kind).
    fn sign(&self, part: &mut [Household]) -> Vec<(usize, Vec<u8>, Sent)> {
        let mut signed = Vec::new();
        for (pos, h) in part.iter_mut().enumerate() {
            self.sign_household(pos, h, &mut signed);
        }
        signed
    }

    /// A household's due reports, then its bid; nonces follow on from its last accepted one.
    fn sign_household(&self, pos: usize, h: &mut Household, signed: &mut Vec<(usize, Vec<u8>, Sent)>) {
        let (slot, chain_id) = (self.slot, &self.chain.chain_id);
        let Some(decision) = h.meter.step(self.profile, slot) else { return };
        let mut nonce = h.nonce;
        // A report is accepted only for a cleared slot: the chain's height is its last.
        let (due, later): (Vec<_>, Vec<_>) = h.pending_reports.drain(..).partition(|(s, _)| *s <= self.height);
        h.pending_reports = later;
        for (read_slot, reading) in due {
            let tx = market_runtime::Tx { sender: h.key.public(), nonce, body: market_runtime::TxBody::MeterReport { slot: read_slot, reading } };
            if let Ok(bytes) = ledger::tx::encode_tx(&h.key, chain_id, &tx) {
                signed.push((pos, bytes, Sent::Report));
                nonce += 1;
            }
        }
        let (side, qty) = decision.side_and_quantity();
        let qty = if self.meter_reports { forecast_wh(qty, slot, h.index) } else { qty };
        let mut tx = node::agent::bid_tx(h.key.public(), nonce, slot, side, qty, Some(decision.reading));
        if let market_runtime::TxBody::Bid { limit_price: price, .. } = &mut tx.body {
            *price = self.chain.limit_price(slot, h.index);
        }
        // Only a slot with a bid opens a metering window; a home's reports wait at
        // most a few slots, so the list stays short.
        if self.meter_reports && h.pending_reports.len() < MAX_PENDING_REPORTS {
            h.pending_reports.push((slot, decision.reading));
        }
        let Ok(bytes) = ledger::tx::encode_tx(&h.key, chain_id, &tx) else { return };
        signed.push((pos, bytes, if qty == 0 { Sent::ReadingOnly } else { Sent::Bid }));
    }

    /// Submits `signed` in batches and counts the answers; an accepted transaction moves its
    /// household's nonce on.
    fn submit(&self, client: &Client, part: &mut [Household], signed: &[(usize, Vec<u8>, Sent)], counters: &Counters) {
        for group in signed.chunks(self.batch) {
            counters.submitted.fetch_add(group.len() as u64, Ordering::Relaxed);
            let answers: Vec<Result<(), String>> = if self.batch == 1 {
                group.iter().map(|(_, b, _)| client.submit(b).map(|_| ()).map_err(|e| e.to_string())).collect()
            } else {
                let bytes: Vec<Vec<u8>> = group.iter().map(|(_, b, _)| b.clone()).collect();
                match client.submit_batch(&bytes) {
                    Ok(a) => a,
                    Err(e) => {
                        counters.unreachable.fetch_add(group.len() as u64, Ordering::Relaxed);
                        counters.note(self.slot, part[group[0].0].index, e.to_string());
                        continue;
                    }
                }
            };
            for ((pos, _, sent), answer) in group.iter().zip(answers) {
                let h = &mut part[*pos];
                match answer {
                    Ok(()) => {
                        counters.accepted.fetch_add(1, Ordering::Relaxed);
                        match sent {
                            Sent::ReadingOnly => counters.accepted_reading_only.fetch_add(1, Ordering::Relaxed),
                            Sent::Report => counters.reports_accepted.fetch_add(1, Ordering::Relaxed),
                            Sent::Bid => 0,
                        };
                        h.nonce += 1;
                    }
                    Err(e) => {
                        counters.rejected.fetch_add(1, Ordering::Relaxed);
                        counters.note(self.slot, h.index, e);
                    }
                }
            }
        }
    }
}
