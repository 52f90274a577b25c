//! `solartrade meter-sim`: meters each slot for many simulated households (PV, load and
//! a battery whose charge carries over from slot to slot), signs their bids with the
//! readings attached and submits them over RPC (the load generator of testnets).

use anyhow::Context;
use ledger::sign::Keypair;
use node::client::Client;
use node::agent::HouseholdMeter;
use node::localnet::{community_at, household_keypair, household_spec};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Simulated households (the first M of the seeded community).
    #[arg(long, default_value_t = 10)]
    pub households: usize,
    /// RPC addresses, comma separated; bids are spread over them.
    #[arg(long, value_delimiter = ',', default_value = "127.0.0.1:36657")]
    pub rpc: Vec<String>,
    /// Seed of the household keys and profiles (the genesis must approve the same).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long)]
    pub duration: Option<f64>,
    /// Stop after bidding for this many slots.
    #[arg(long)]
    pub slots: Option<u64>,
    /// Submitting threads.
    #[arg(long, default_value_t = 8)]
    pub threads: usize,
    /// Do not bid for a slot that closes sooner than this, ms.
    #[arg(long, default_value_t = 150)]
    pub margin_ms: u64,
    /// Bid as one household with this key file (a household running its own agent) instead
    /// of the seeded simulated households; its profile is `--profile-index` of the community.
    #[arg(long)]
    pub key: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 0)]
    pub profile_index: usize,
    /// Bids per request to POST /txs/batch (1: one POST /txs per bid).
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// Print the final summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Give every bid a zero-intelligence limit price, uniform in [Ls, Lb] by slot and
    /// household, as `sim` does (read only by the pay-as-clear and pay-as-bid mechanisms).
    #[arg(long)]
    pub limit_prices: bool,
    /// Bid a forecast (the metered energy off by up to ±10 %) and, once a slot is cleared,
    /// send the meter's reading for it (`meter_report`), which settles the deviation; the
    /// genesis must turn metering on (`testnet local --metering`).
    #[arg(long)]
    pub meter_reports: bool,
    #[command(flatten)]
    pub season: crate::commands::season_args::SeasonArgs,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub households: usize,
    pub slots: u64,
    pub first_slot: u64,
    pub last_slot: u64,
    pub submitted: u64,
    pub accepted: u64,
    /// Accepted 0 Wh bids that only carry a meter reading (a battery balanced the home):
    /// nothing of theirs is settled.
    pub accepted_reading_only: u64,
    /// Accepted meter reports (`--meter-reports`), counted in `accepted` too.
    pub meter_reports_accepted: u64,
    pub rejected: u64,
    pub unreachable: u64,
    pub seconds: f64,
    pub bids_per_second: f64,
    pub first_errors: Vec<String>,
}

struct Household {
    index: usize,
    key: Keypair,
    nonce: u64,
    meter: HouseholdMeter,
    /// The meter's readings of slots bid for, each sent once its slot is cleared.
    pending_reports: Vec<(u64, market_runtime::MeterReading)>,
}

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

/// The battery a household registered, as its node reports it; `None` if it is not registered.
fn registered_spec(client: &Client, address: &[u8; 32]) -> Option<market_runtime::HouseholdSpec> {
    let acct = client.get(&format!("/accounts/{}", hex::encode(address))).ok()?;
    let h = acct.get("household")?;
    let field = |name: &str| h[name].as_u64();
    Some(market_runtime::HouseholdSpec {
        pv_capacity_w: field("pv_capacity_w")?,
        battery_wh: field("battery_wh")?,
        battery_w: field("battery_w")?,
        import_limit_w: field("import_limit_w")?,
        kind: market_runtime::HouseholdKind::Villa,
        lot: String::new(),
        node_key: None,
    })
}

/// Reads each household's next nonce, on `threads` connections at once (10,000 households one
/// by one take seconds before the first bid); with `resume`, also continues its battery from
/// the state of charge of its latest reading on chain (so a restarted meter-sim does not reset it).
fn fetch_nonces(client: &Client, households: &mut [Household], threads: usize, resume: bool) -> anyhow::Result<()> {
    let chunk = households.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = households
            .chunks_mut(chunk)
            .map(|part| {
                scope.spawn(move || -> anyhow::Result<()> {
                    for h in part {
                        let acct = client.get(&format!("/accounts/{}", hex::encode(h.key.public())))?;
                        h.nonce = acct["nonce"].as_u64().unwrap_or(0);
                        let m = &acct["household"]["meter"];
                        if let (true, Some(soc), Some(capacity)) = (resume, m["battery_soc_wh"].as_u64(), m["battery_capacity_wh"].as_u64()) {
                            h.meter.resume_from(&market_runtime::MeterReading {
                                generation_wh: 0,
                                load_wh: 0,
                                battery_soc_wh: soc,
                                battery_capacity_wh: capacity,
                            });
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().map_err(|_| anyhow::anyhow!("a nonce-fetching thread panicked"))?)
    })
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let summary = simulate(&args, Arc::new(AtomicBool::new(false)))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "meter-sim: {} households, slots {}..{}: {} bids submitted, {} accepted, {} rejected, {} unreachable, {:.0} bids/s",
            summary.households, summary.first_slot, summary.last_slot, summary.submitted, summary.accepted, summary.rejected,
            summary.unreachable, summary.bids_per_second
        );
        for e in &summary.first_errors {
            println!("  error: {e}");
        }
    }
    Ok(())
}

pub fn simulate(args: &Args, stop: Arc<AtomicBool>) -> anyhow::Result<Summary> {
    let clients: Vec<Client> = args.rpc.iter().map(|u| Client::new(u)).collect();
    let first = clients.first().context("--rpc names no node")?;
    let started = Instant::now();
    let status = loop {
        match first.get("/status") {
            Ok(s) => break s,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                tracing::debug!(error = %e, "waiting for the node");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(e).context("the node's /status"),
        }
    };
    let chain_id = status["chain_id"].as_str().context("/status has no chain_id")?.to_string();
    let slot_ms = status["slot_ms"].as_u64().unwrap_or(0);
    let genesis_ms = status["genesis_time_ms"].as_u64().unwrap_or(0);
    let grid_prices = match (status["grid_buy_price"].as_u64(), status["grid_sell_price"].as_u64()) {
        (Some(lb), Some(ls)) => Some((lb, ls)),
        _ if args.limit_prices => anyhow::bail!("--limit-prices: the node's /status has no grid_buy_price / grid_sell_price"),
        _ => None,
    };
    let limit_price = |slot: u64, index: usize| match grid_prices {
        Some((lb, ls)) if args.limit_prices => Some(market_runtime::sim::engine::zi_limit_price(slot as usize, index, lb, ls)),
        _ => None,
    };
    let size = if args.key.is_some() { args.households.max(args.profile_index + 1) } else { args.households };
    let (site, start_day) = args.season.resolve()?;
    let (simulated, profile) = community_at(size, args.seed, site, start_day);
    let spec_of = |i: usize| simulated.households.get(i).map(|h| household_spec(i, h));
    let mut households: Vec<Household> = match &args.key {
        Some(path) => {
            let key = Keypair::load(path)?;
            // A household running its own agent may have registered another battery than the
            // simulated one; its readings must match what it registered.
            let spec = registered_spec(first, &key.public())
                .or_else(|| spec_of(args.profile_index))
                .context("--profile-index is outside the simulated community")?;
            vec![Household { index: args.profile_index, key, nonce: 0, meter: HouseholdMeter::new(args.profile_index, &spec), pending_reports: Vec::new() }]
        }
        None => (0..args.households)
            .filter_map(|i| {
                let spec = spec_of(i)?;
                Some(Household { index: i, key: household_keypair(args.seed, i), nonce: 0, meter: HouseholdMeter::new(i, &spec), pending_reports: Vec::new() })
            })
            .collect(),
    };
    fetch_nonces(first, &mut households, args.threads, true)?;

    let submitted = AtomicU64::new(0);
    let accepted = AtomicU64::new(0);
    let accepted_reading_only = AtomicU64::new(0);
    let reports_accepted = AtomicU64::new(0);
    let rejected = AtomicU64::new(0);
    let unreachable = AtomicU64::new(0);
    let errors = std::sync::Mutex::new(Vec::<String>::new());
    let mut summary = Summary { households: households.len(), ..Summary::default() };
    let deadline = args.duration.map(|d| started + Duration::from_secs_f64(d));
    let mut last_slot = 0u64;
    let mut last_round_ms = 0u64;
    let threads = args.threads.max(1);
    let mut failed_at_refetch = 0u64;
    loop {
        if stop.load(Ordering::Relaxed) || deadline.is_some_and(|d| Instant::now() >= d) || args.slots.is_some_and(|n| summary.slots >= n) {
            break;
        }
        let height = match first.get("/status") {
            Ok(s) => s["latest_height"].as_u64().unwrap_or(0),
            Err(_) => {
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // Aim far enough ahead that the whole round of bids arrives before the slot closes.
        let margin = args.margin_ms.max(last_round_ms * 3 / 2);
        let slot = node::agent::bid_slot(height, genesis_ms, slot_ms, node::service::now_ms(), margin);
        if slot <= last_slot {
            // Wait for the chain (back-to-back slots) or the clock (timed slots) to move on.
            std::thread::sleep(Duration::from_millis(if slot_ms == 0 { 2 } else { 20 }));
            continue;
        }
        if summary.first_slot == 0 {
            summary.first_slot = slot;
        }
        last_slot = slot;
        summary.slots += 1;
        let round_started = Instant::now();
        let chunk = households.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            for (t, part) in households.chunks_mut(chunk).enumerate() {
                let client = &clients[t % clients.len()];
                let (profile, chain_id) = (&profile, &chain_id);
                let (submitted, accepted, rejected, unreachable, errors) = (&submitted, &accepted, &rejected, &unreachable, &errors);
                let (accepted_reading_only, reports_accepted) = (&accepted_reading_only, &reports_accepted);
                let meter_reports = args.meter_reports;
                let batch = args.batch.max(1);
                scope.spawn(move || {
                    let note = |index: usize, e: String| {
                        if let Ok(mut errs) = errors.lock() {
                            if errs.len() < 5 {
                                errs.push(format!("slot {slot} household {index}: {e}"));
                            }
                        }
                    };
                    // (household position in `part`, envelope, what it is).
                    let mut signed: Vec<(usize, Vec<u8>, Sent)> = Vec::new();
                    for (pos, h) in part.iter_mut().enumerate() {
                        let Some(decision) = h.meter.step(profile, slot) else { continue };
                        let mut nonce = h.nonce;
                        // A report is accepted only for a cleared slot: the chain's height is its last.
                        let (due, later): (Vec<_>, Vec<_>) = h.pending_reports.drain(..).partition(|(s, _)| *s <= height);
                        h.pending_reports = later;
                        for (read_slot, reading) in due {
                            let tx = market_runtime::Tx { sender: h.key.public(), nonce, body: market_runtime::TxBody::MeterReport { slot: read_slot, reading } };
                            if let Ok(bytes) = ledger::tx::encode_tx(&h.key, chain_id, &tx) {
                                signed.push((pos, bytes, Sent::Report));
                                nonce += 1;
                            }
                        }
                        let (side, qty) = decision.side_and_quantity();
                        let qty = if meter_reports { forecast_wh(qty, slot, h.index) } else { qty };
                        let mut tx = node::agent::bid_tx(h.key.public(), nonce, slot, side, qty, Some(decision.reading));
                        if let market_runtime::TxBody::Bid { limit_price: price, .. } = &mut tx.body {
                            *price = limit_price(slot, h.index);
                        }
                        // Only a slot with a bid opens a metering window; a home's reports wait at
                        // most a few slots, so the list stays short.
                        if meter_reports && h.pending_reports.len() < MAX_PENDING_REPORTS {
                            h.pending_reports.push((slot, decision.reading));
                        }
                        let Ok(bytes) = ledger::tx::encode_tx(&h.key, chain_id, &tx) else { continue };
                        signed.push((pos, bytes, if qty == 0 { Sent::ReadingOnly } else { Sent::Bid }));
                    }
                    for group in signed.chunks(batch) {
                        submitted.fetch_add(group.len() as u64, Ordering::Relaxed);
                        let answers: Vec<Result<(), String>> = if batch == 1 {
                            group.iter().map(|(_, b, _)| client.submit(b).map(|_| ()).map_err(|e| e.to_string())).collect()
                        } else {
                            let bytes: Vec<Vec<u8>> = group.iter().map(|(_, b, _)| b.clone()).collect();
                            match client.submit_batch(&bytes) {
                                Ok(a) => a,
                                Err(e) => {
                                    unreachable.fetch_add(group.len() as u64, Ordering::Relaxed);
                                    note(part[group[0].0].index, e.to_string());
                                    continue;
                                }
                            }
                        };
                        for ((pos, _, sent), answer) in group.iter().zip(answers) {
                            let h = &mut part[*pos];
                            match answer {
                                Ok(()) => {
                                    accepted.fetch_add(1, Ordering::Relaxed);
                                    match sent {
                                        Sent::ReadingOnly => accepted_reading_only.fetch_add(1, Ordering::Relaxed),
                                        Sent::Report => reports_accepted.fetch_add(1, Ordering::Relaxed),
                                        Sent::Bid => 0,
                                    };
                                    h.nonce += 1;
                                }
                                Err(e) => {
                                    rejected.fetch_add(1, Ordering::Relaxed);
                                    note(h.index, e);
                                }
                            }
                        }
                    }
                });
            }
        });
        last_round_ms = round_started.elapsed().as_millis() as u64;
        let failed = rejected.load(Ordering::Relaxed) + unreachable.load(Ordering::Relaxed);
        if failed > failed_at_refetch && summary.slots % 10 == 0 {
            // A refused bid may mean an accepted one was evicted since (its slot closed),
            // leaving a nonce gap; re-read the accounts, but only after new failures: for
            // 10,000 households a re-read is 10,000 requests.
            failed_at_refetch = failed;
            let _ = fetch_nonces(first, &mut households, threads, false);
        }
    }
    summary.last_slot = last_slot;
    summary.submitted = submitted.load(Ordering::Relaxed);
    summary.accepted = accepted.load(Ordering::Relaxed);
    summary.accepted_reading_only = accepted_reading_only.load(Ordering::Relaxed);
    summary.meter_reports_accepted = reports_accepted.load(Ordering::Relaxed);
    summary.rejected = rejected.load(Ordering::Relaxed);
    summary.unreachable = unreachable.load(Ordering::Relaxed);
    summary.seconds = started.elapsed().as_secs_f64();
    summary.bids_per_second = summary.accepted as f64 / summary.seconds.max(1e-9);
    summary.first_errors = errors.into_inner().unwrap_or_default();
    Ok(summary)
}
