//! `solartrade meter-sim`: meters each slot for many simulated households (PV, load and
//! a battery whose charge carries over from slot to slot), signs their bids with the
//! readings attached and submits them over RPC (the load generator of testnets).

use anyhow::Context;
use ledger::sign::Keypair;
use node::client::Client;
use node::agent::HouseholdMeter;
use node::localnet::{community_at, household_keypair, household_spec};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod round;

use market_runtime::model::community::Profile;
use round::{Counters, Round};

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
    let status = wait_for_node(first, started)?;
    let chain = ChainInfo::read(&status, args)?;
    let (mut households, profile) = simulated_households(args, first)?;
    fetch_nonces(first, &mut households, args.threads, true)?;

    let counters = Counters::default();
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
        let slot = node::agent::bid_slot(height, chain.genesis_ms, chain.slot_ms, node::service::now_ms(), margin);
        if slot <= last_slot {
            // Wait for the chain (back-to-back slots) or the clock (timed slots) to move on.
            std::thread::sleep(Duration::from_millis(if chain.slot_ms == 0 { 2 } else { 20 }));
            continue;
        }
        if summary.first_slot == 0 {
            summary.first_slot = slot;
        }
        last_slot = slot;
        summary.slots += 1;
        let round_started = Instant::now();
        let round = Round { slot, height, profile: &profile, chain: &chain, meter_reports: args.meter_reports, batch: args.batch.max(1) };
        round.run(&mut households, &clients, threads, &counters);
        last_round_ms = round_started.elapsed().as_millis() as u64;
        let failed = counters.failed();
        if failed > failed_at_refetch && summary.slots % 10 == 0 {
            // A refused bid may mean an accepted one was evicted since (its slot closed),
            // leaving a nonce gap; re-read the accounts, but only after new failures: for
            // 10,000 households a re-read is 10,000 requests.
            failed_at_refetch = failed;
            let _ = fetch_nonces(first, &mut households, threads, false);
        }
    }
    summary.last_slot = last_slot;
    counters.fill(&mut summary);
    summary.seconds = started.elapsed().as_secs_f64();
    summary.bids_per_second = summary.accepted as f64 / summary.seconds.max(1e-9);
    Ok(summary)
}

/// The node's /status once it answers; a node still starting gets 30 s from `started`.
fn wait_for_node(first: &Client, started: Instant) -> anyhow::Result<serde_json::Value> {
    loop {
        match first.get("/status") {
            Ok(s) => return Ok(s),
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                tracing::debug!(error = %e, "waiting for the node");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(e).context("the node's /status"),
        }
    }
}

/// What signing and timing the bids needs from the chain, read once from its /status.
struct ChainInfo {
    chain_id: String,
    slot_ms: u64,
    genesis_ms: u64,
    /// The grid prices (Lb, Ls) limit prices are drawn between; `None` without `--limit-prices`.
    limit_price_range: Option<(u64, u64)>,
}

impl ChainInfo {
    fn read(status: &serde_json::Value, args: &Args) -> anyhow::Result<Self> {
        let chain_id = status["chain_id"].as_str().context("/status has no chain_id")?.to_string();
        let slot_ms = status["slot_ms"].as_u64().unwrap_or(0);
        let genesis_ms = status["genesis_time_ms"].as_u64().unwrap_or(0);
        let grid_prices = match (status["grid_buy_price"].as_u64(), status["grid_sell_price"].as_u64()) {
            (Some(lb), Some(ls)) => Some((lb, ls)),
            _ if args.limit_prices => anyhow::bail!("--limit-prices: the node's /status has no grid_buy_price / grid_sell_price"),
            _ => None,
        };
        let limit_price_range = grid_prices.filter(|_| args.limit_prices);
        Ok(Self { chain_id, slot_ms, genesis_ms, limit_price_range })
    }

    /// The zero-intelligence limit price of household `index` in `slot`, as `sim` draws it.
    fn limit_price(&self, slot: u64, index: usize) -> Option<u64> {
        let (lb, ls) = self.limit_price_range?;
        Some(market_runtime::sim::engine::zi_limit_price(slot as usize, index, lb, ls))
    }
}

/// The households this run bids for: the one of `--key`, or the first `--households` of the
/// seeded community; with the community's profile their meters step through.
fn simulated_households(args: &Args, first: &Client) -> anyhow::Result<(Vec<Household>, Profile)> {
    let size = if args.key.is_some() { args.households.max(args.profile_index + 1) } else { args.households };
    let (site, start_day) = args.season.resolve()?;
    let (simulated, profile) = community_at(size, args.seed, site, start_day);
    let spec_of = |i: usize| simulated.households.get(i).map(|h| household_spec(i, h));
    let households: Vec<Household> = match &args.key {
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
    Ok((households, profile))
}
