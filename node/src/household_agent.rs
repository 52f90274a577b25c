//! The household agent inside `solartrade start` (`[agent]` in config.toml): each slot it
//! meters the household's profile, signs its bid with the reading attached and hands it to
//! this node's own mempool, which gossips it like any other transaction.

use crate::agent::{bid_slot, bid_tx, previous_day_forecast, HouseholdMeter};
use crate::config::{AgentConfig, ProfileSource};
use crate::home::Home;
use crate::mempool::PoolTx;
use crate::shared::{Shared, TxState};
use ledger::sign::Keypair;
use market_runtime::model::community::Profile;
use market_runtime::model::BatteryStrategy;
use market_runtime::{HouseholdSpec, HouseholdStatus};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A loaded agent: the household's key, its profile and its row in it, and how it runs its battery.
pub struct HouseholdAgent {
    key: Keypair,
    profile: Profile,
    index: usize,
    margin_ms: u64,
    battery_strategy: BatteryStrategy,
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("agent.key_file: {0}")]
    Key(#[from] ledger::sign::KeyFileError),
    #[error("agent.csv_file {path}: {source}")]
    CsvOpen { path: PathBuf, source: std::io::Error },
    #[error("agent.csv_file {path}: {source}")]
    Csv { path: PathBuf, source: market_runtime::model::CsvError },
    #[error("agent.profile_index {index} is outside the profile's {households} households")]
    Index { index: usize, households: usize },
    #[error("agent.site or agent.day: {0}")]
    Season(#[from] market_runtime::model::SiteError),
}

fn under_home(home: &Home, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        home.root().join(p)
    }
}

impl HouseholdAgent {
    pub fn load(home: &Home, config: &AgentConfig) -> Result<Self, AgentError> {
        let key = Keypair::load(&under_home(home, &config.key_file))?;
        let profile = match config.profile {
            ProfileSource::Simulated => {
                let (site, day) = (market_runtime::model::Site::by_name(&config.site)?, market_runtime::model::parse_day(&config.day)?);
                crate::localnet::community_at(config.profile_index + 1, config.seed, site, day).1
            }
            ProfileSource::Csv => {
                let path = under_home(home, &config.csv_file);
                let file = std::fs::File::open(&path).map_err(|source| AgentError::CsvOpen { path: path.clone(), source })?;
                let rows = market_runtime::model::read_csv(std::io::BufReader::new(file))
                    .map_err(|source| AgentError::Csv { path: path.clone(), source })?;
                Profile::from_rows(&rows)
            }
        };
        if config.profile_index >= profile.households {
            return Err(AgentError::Index { index: config.profile_index, households: profile.households });
        }
        Ok(Self { key, profile, index: config.profile_index, margin_ms: config.margin_ms, battery_strategy: config.battery_strategy })
    }

    pub fn address(&self) -> [u8; 32] {
        self.key.public()
    }
}

/// The agent's next nonce: one past its last accepted bid, or the committed nonce again once
/// a bid of its own was refused (the mempool evicts a bid whose slot closed, which leaves a gap).
#[derive(Default)]
struct Nonces {
    next: Option<u64>,
    in_flight: Vec<[u8; 32]>,
}

impl Nonces {
    fn next(&mut self, shared: &Shared, committed: u64) -> u64 {
        if let Ok(statuses) = shared.txs.lock() {
            let refused = self.in_flight.iter().any(|h| statuses.get(h).is_some_and(|s| matches!(s.status, TxState::Rejected)));
            self.in_flight.retain(|h| statuses.get(h).is_some_and(|s| matches!(s.status, TxState::Pending)));
            if refused {
                self.next = None;
                self.in_flight.clear();
            }
        }
        self.next.map_or(committed, |n| n.max(committed))
    }

    fn accepted(&mut self, nonce: u64, hash: [u8; 32]) {
        self.next = Some(nonce.saturating_add(1));
        self.in_flight.push(hash);
    }
}

/// The household's registration once it is approved; logs once while it is not.
fn approved_spec(state: &crate::chain::CommittedState, address: &[u8; 32], waiting_logged: &mut bool) -> Option<HouseholdSpec> {
    match market_runtime::household(state, address) {
        Ok(Some(h)) if h.status == HouseholdStatus::Approved => Some(h.spec),
        other => {
            if !*waiting_logged {
                let status = match other {
                    Ok(Some(h)) => h.status.name().to_string(),
                    Ok(None) => "not registered".to_string(),
                    Err(e) => e.to_string(),
                };
                tracing::warn!(household = %hex::encode(address), status, "household agent waits: the household is not approved");
                *waiting_logged = true;
            }
            None
        }
    }
}

/// Bids for every slot until the node stops (a slot its battery balanced exactly gets a 0 Wh
/// bid that carries only the reading). A slot is skipped (and logged) when the household is
/// not approved yet or when the runtime refuses the bid.
pub async fn run(agent: HouseholdAgent, shared: Arc<Shared>) {
    let address = agent.address();
    let chain_id = shared.genesis.chain_id.clone();
    let (genesis_ms, slot_ms) = (shared.genesis.genesis_time_ms, shared.genesis.slot_ms);
    let poll = Duration::from_millis(if slot_ms == 0 { 2 } else { 20 });
    tracing::info!(household = %hex::encode(address), profile_index = agent.index, "household agent started");
    let mut meter: Option<HouseholdMeter> = None;
    let mut last_slot = 0u64;
    let mut nonces = Nonces::default();
    let mut waiting_logged = false;
    loop {
        tokio::time::sleep(poll).await;
        let height = match shared.status.read() {
            Ok(st) => st.latest_height,
            Err(_) => return,
        };
        let slot = bid_slot(height, genesis_ms, slot_ms, crate::clock::now_ms(), agent.margin_ms);
        if slot <= last_slot {
            continue;
        }
        let state = shared.state();
        let Some(spec) = approved_spec(&state, &address, &mut waiting_logged) else { continue };
        last_slot = slot;
        let meter = meter.get_or_insert_with(|| {
            let mut meter = HouseholdMeter::new(agent.index, &spec).with_strategy(agent.battery_strategy);
            if let Ok(Some(latest)) = market_runtime::meter_reading(&state, &address) {
                meter.resume_from(&latest.reading);
            }
            meter
        });
        // A market-aware battery forecasts by what the chain cleared a day earlier.
        let forecast = match meter.strategy() {
            BatteryStrategy::MarketAware if meter.has_battery() => previous_day_forecast(&state, slot, &spec),
            _ => Vec::new(),
        };
        let Some(decision) = meter.step_with(&agent.profile, slot, &forecast) else { continue };
        let (side, quantity_wh) = decision.side_and_quantity();
        let committed = market_runtime::account(&state, &address).map(|a| a.nonce).unwrap_or(0);
        let nonce = nonces.next(&shared, committed);
        let tx = bid_tx(address, nonce, slot, side, quantity_wh, Some(decision.reading));
        if let Err(e) = node_core::admission::check_state(&state, &tx, shared.max_nonce_ahead) {
            tracing::warn!(slot, error = %e, "household agent: bid refused");
            continue;
        }
        let bytes = match ledger::tx::encode_tx(&agent.key, &chain_id, &tx) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(slot, error = %e, "household agent: cannot sign the bid");
                continue;
            }
        };
        let hash = ledger::hash::sha256(&bytes);
        match shared.to_mempool(vec![PoolTx { hash, tx, bytes }]).await.map(|mut a| a.pop()) {
            Some(Some(Ok(()))) => {
                nonces.accepted(nonce, hash);
                tracing::debug!(slot, nonce, %side, quantity_wh, "household agent: bid submitted");
            }
            Some(Some(Err(e))) => tracing::warn!(slot, error = %e, "household agent: the mempool refused the bid"),
            Some(None) | None => return,
        }
    }
}
