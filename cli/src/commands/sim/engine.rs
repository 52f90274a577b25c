//! The simulation engine: household energy in, the chain's own clearing and settlement out.
//!
//! Every slot is cleared by `market_runtime::chain::settlement::settle`, the function the nodes'
//! `execute_block` runs, for the chosen mechanism and for the others (so the report can compare
//! them and the no-trading baseline from one run).

use market_runtime::chain::settlement::{settle, BidLine, Settled};
use market_runtime::chain::Ratio;
use market_runtime::model::{solve_demand_response, Battery, DemandResponse, DrSettings, Priced, Profile};
use market_runtime::{MarketParams, Mechanism, Side};

/// A scenario of the paper: S1 PV as configured, S2 with batteries, S3 PV raised to 10 kW.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: &'static str,
    pub label: &'static str,
    pub batteries: bool,
    /// Every PV household's kWp, when the scenario overrides it.
    pub pv_kw: Option<f64>,
}

pub const S1: Scenario = Scenario { name: "s1", label: "S1: trading, PV as configured, no battery", batteries: false, pv_kw: None };
pub const S2: Scenario = Scenario { name: "s2", label: "S2: trading with 5 kWh batteries", batteries: true, pv_kw: None };
pub const S3: Scenario = Scenario { name: "s3", label: "S3: trading with PV raised to 10 kW", batteries: false, pv_kw: Some(10.0) };

/// One slot of one scenario, community-wide.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotResult {
    pub slot: usize,
    pub tsp_wh: u64,
    pub tbp_wh: u64,
    pub sdr: Ratio,
    pub price_sell: u64,
    pub price_buy: u64,
    pub p2p_wh: u64,
    pub grid_import_wh: u64,
    pub grid_export_wh: u64,
    pub buyers_paid: u64,
    pub solar_reward: u64,
    /// Community load (after demand response) and PV.
    pub load_wh: u64,
    pub pv_wh: u64,
    /// Sum of battery states of charge at the end of the slot (Wh).
    pub soc_wh: u64,
    /// Community net position load - PV before batteries (Wh; negative = surplus).
    pub net_wh: i64,
}

/// One household in one slot.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HouseholdSlot {
    pub load_wh: u64,
    pub pv_wh: u64,
    pub soc_wh: u64,
    /// Bid: positive buys, negative sells.
    pub net_wh: i64,
    pub p2p_wh: u64,
    pub grid_wh: u64,
    /// Paid (+) or received (−) for energy under the chosen mechanism and under no trading.
    pub bill: i64,
    pub baseline_bill: i64,
    pub solar_reward: u64,
}

/// A scenario's full run.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioRun {
    pub scenario: Scenario,
    pub mechanism: Mechanism,
    pub slots: Vec<SlotResult>,
    /// Slot-major: `slot * households + h`.
    pub households: Vec<HouseholdSlot>,
    pub n_households: usize,
    /// Whole-run bill of each household under each mechanism (index = position in `Mechanism::ALL`).
    pub bills: [Vec<i64>; Mechanism::ALL.len()],
    /// Households with PV (prosumers).
    pub prosumer: Vec<bool>,
    /// Demand-response price iterations used, and whether prices settled within epsilon.
    pub dr_iterations: usize,
    pub dr_converged: bool,
    /// The largest slot price change in the last demand-response iteration (micro-tokens/kWh).
    pub dr_price_movement: u64,
}

impl ScenarioRun {
    pub fn bills_of(&self, m: Mechanism) -> &[i64] {
        let i = Mechanism::ALL.iter().position(|x| *x == m).unwrap_or(0);
        &self.bills[i]
    }
}

/// Runs `scenario` over `profile` (already reflecting the scenario's PV) with `mechanism`;
/// with `dr`, at the loads where every household best-replies to the prices those loads give
/// (`market_runtime::model::dr_equilibrium`).
pub fn run_scenario(profile: &Profile, scenario: &Scenario, params: &MarketParams, dr: bool) -> ScenarioRun {
    if !dr {
        return pass(profile, &profile.load_wh, scenario, params);
    }
    let mut price_map = |loads: &[u64]| faced_prices(profile, &pass(profile, loads, scenario, params));
    let eq = solve_demand_response(profile, &DemandResponse::default(), &DrSettings::default(), &mut price_map);
    let mut run = pass(profile, &eq.loads, scenario, params);
    run.dr_iterations = eq.iterations;
    run.dr_converged = eq.converged;
    run.dr_price_movement = eq.price_movement;
    run
}

/// The price each household faced in `run` (buy where it imported, sell where it exported),
/// and every slot's buy and sell price, whose movement decides convergence.
fn faced_prices(profile: &Profile, run: &ScenarioRun) -> Priced {
    let mut faced = vec![0; run.households.len()];
    let mut watched = Vec::with_capacity(2 * run.slots.len());
    for slot in &run.slots {
        for h in 0..profile.households {
            let i = profile.at(slot.slot, h);
            faced[i] = if run.households[i].net_wh >= 0 { slot.price_buy } else { slot.price_sell };
        }
        watched.push(slot.price_buy);
        watched.push(slot.price_sell);
    }
    Priced { faced, watched }
}

/// One pass over all slots with the given loads: batteries, bids, clearing for every mechanism.
fn pass(profile: &Profile, loads: &[u64], scenario: &Scenario, params: &MarketParams) -> ScenarioRun {
    let n = profile.households;
    let prosumer: Vec<bool> = profile.pv_capacity_w.iter().map(|&w| w > 0).collect();
    let mut batteries: Vec<Option<Battery>> =
        prosumer.iter().map(|&p| (scenario.batteries && p).then(Battery::default)).collect();
    let mut bills: [Vec<i64>; Mechanism::ALL.len()] = std::array::from_fn(|_| vec![0i64; n]);
    let mut slots = Vec::with_capacity(profile.slots);
    let mut households = vec![HouseholdSlot::default(); n * profile.slots];
    let mut bids = Vec::with_capacity(n);
    let mut bidder = Vec::with_capacity(n);
    for s in 0..profile.slots {
        bids.clear();
        bidder.clear();
        let (mut load_sum, mut pv_sum, mut soc_sum, mut net_sum) = (0u64, 0u64, 0u64, 0i64);
        for (h, battery) in batteries.iter_mut().enumerate() {
            let i = profile.at(s, h);
            let (load, pv) = (loads[i], profile.pv_wh[i]);
            let raw = load as i64 - pv as i64;
            net_sum += raw;
            let mut net = raw as f64;
            let mut soc = 0u64;
            if let Some(b) = battery.as_mut() {
                let step = b.step(net, 1.0);
                net += step.charged_wh - step.discharged_wh;
                soc = step.soc_wh.round() as u64;
            }
            let net = net.round() as i64;
            households[i] = HouseholdSlot { load_wh: load, pv_wh: pv, soc_wh: soc, net_wh: net, ..HouseholdSlot::default() };
            load_sum += load;
            pv_sum += pv;
            soc_sum += soc;
            if net != 0 {
                bids.push(BidLine::new(if net > 0 { Side::Buy } else { Side::Sell }, net.unsigned_abs()));
                bidder.push(h);
            }
        }
        let mut chosen: Option<Settled> = None;
        for (m_index, m) in Mechanism::ALL.iter().enumerate() {
            let p = MarketParams { mechanism: *m, ..params.clone() };
            let settled = settle(&p, &bids);
            for ((bid, line), &h) in bids.iter().zip(&settled.lines).zip(&bidder) {
                let signed = if bid.side == Side::Buy { line.amount as i64 } else { -(line.amount as i64) };
                bills[m_index][h] += signed;
                let hs = &mut households[profile.at(s, h)];
                if *m == Mechanism::NoTrading {
                    hs.baseline_bill = signed;
                }
                if *m == params.mechanism {
                    hs.bill = signed;
                    hs.p2p_wh = line.p2p_wh;
                    hs.grid_wh = line.grid_wh;
                    hs.solar_reward = line.solar_reward;
                }
            }
            if *m == params.mechanism {
                chosen = Some(settled);
            }
        }
        let Some(c) = chosen else { continue };
        slots.push(SlotResult {
            slot: s,
            tsp_wh: c.tsp_wh,
            tbp_wh: c.tbp_wh,
            sdr: c.prices.sdr,
            price_sell: c.price_sell,
            price_buy: c.price_buy,
            p2p_wh: c.prices.p2p_wh,
            grid_import_wh: c.prices.grid_import_wh,
            grid_export_wh: c.prices.grid_export_wh,
            buyers_paid: c.buyers_paid,
            solar_reward: c.solar_reward,
            load_wh: load_sum,
            pv_wh: pv_sum,
            soc_wh: soc_sum,
            net_wh: net_sum,
        });
    }
    ScenarioRun {
        scenario: scenario.clone(),
        mechanism: params.mechanism,
        slots,
        households,
        n_households: n,
        bills,
        prosumer,
        dr_iterations: 0,
        dr_converged: true,
        dr_price_movement: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use market_runtime::model::{Community, CommunityConfig};
    use market_runtime::*;

    fn addr(h: usize) -> Address {
        let mut a = [0x10u8; 32];
        a[..8].copy_from_slice(&(h as u64).to_be_bytes());
        a
    }

    /// The sim's slots, replayed as signed-off bid transactions through `execute_block` on a
    /// `MemStore`, give the same prices and flows: the sim runs the nodes' market, not a copy.
    #[test]
    fn sim_slots_equal_execute_block_on_the_same_bids() {
        let cfg = CommunityConfig { households: 40, hours: 24, seed: 9, ..CommunityConfig::default() };
        let profile = Community::generate(&cfg).profile();
        let params = MarketParams::default();
        let run = run_scenario(&profile, &S1, &params, false);

        let spec = HouseholdSpec {
            pv_capacity_w: 50_000,
            battery_wh: 0,
            battery_w: 0,
            import_limit_w: 50_000,
            kind: HouseholdKind::Villa,
            lot: String::new(),
            node_key: None,
        };
        let grid = [0xEE; 32];
        let mut balances: Vec<GenesisBalance> =
            (0..40).map(|h| GenesisBalance { address: addr(h), amount: 1_000_000_000_000 }).collect();
        balances.push(GenesisBalance { address: grid, amount: 1_000_000_000_000 });
        let genesis = AppGenesis {
            administrator: [0xAA; 32],
            grid_account: grid,
            params: params.clone(),
            balances,
            households: (0..40).map(|h| GenesisHousehold { address: addr(h), spec: spec.clone() }).collect(),
            validators: vec![],
            market_open: true,
        };
        let mut store = MemStore::new();
        init_genesis(&mut store, &genesis).expect("genesis");
        let mut nonces = [0u64; 40];
        for slot in &run.slots {
            let txs: Vec<Tx> = (0..40)
                .filter_map(|h| {
                    let net = run.households[slot.slot * 40 + h].net_wh;
                    (net != 0).then(|| {
                        let side = if net > 0 { Side::Buy } else { Side::Sell };
                        let tx = Tx { sender: addr(h), nonce: nonces[h], body: TxBody::Bid { slot: slot.slot as u64, side, quantity_wh: net.unsigned_abs(), meter: None, limit_price: None } };
                        nonces[h] += 1;
                        tx
                    })
                })
                .collect();
            let ctx = BlockContext { height: slot.slot as u64 + 1, slot: slot.slot as u64, proposer: [0x77; 32], signers: vec![] };
            let out = execute_block(&mut store, &ctx, &txs);
            assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
            let c = out.clearing.expect("cleared");
            assert_eq!(
                (c.price_sell, c.price_buy, c.p2p_wh, c.grid_import_wh, c.grid_export_wh, c.buyers_paid),
                (slot.price_sell, slot.price_buy, slot.p2p_wh, slot.grid_import_wh, slot.grid_export_wh, slot.buyers_paid),
                "slot {}",
                slot.slot
            );
        }
    }
}
