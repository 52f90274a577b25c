//! The simulation engine: household energy in, the chain's own clearing and settlement out.
//!
//! Every slot is cleared by `chain::settlement::settle`, the function the nodes'
//! `execute_block` runs, for the chosen mechanism and, in the pass that is reported, for every
//! other one too (so the no-trading baseline and the mechanisms' bills come from the same bids).

use crate::chain::settlement::{settle, BidLine, Settled};
use crate::model::{solve_demand_response, Battery, BatteryStrategy, DemandResponse, DrSettings, Priced, Profile, SlotOutlook, OUTLOOK_SLOTS};
use crate::{MarketParams, Mechanism, Side};

use super::grid::feeder_of;
use super::forecast::{community_forecast, household_outlook, shared, SlotPrice};
use super::run::{HouseholdSlot, RunSettings, ScenarioRun, SlotResult};
use super::scenario::Scenario;

/// Runs `scenario` over `profile` (already reflecting the scenario's PV); with demand response,
/// at the loads where every household best-replies to the prices those loads give
/// (`model::dr_equilibrium`).
pub fn run_scenario(profile: &Profile, scenario: &Scenario, settings: &RunSettings) -> ScenarioRun {
    if !settings.dr {
        return pass(profile, &profile.load_wh, scenario, settings, true);
    }
    // The solver only needs the chosen mechanism's prices; the other mechanisms are settled
    // once, at the loads it stops at.
    let mut price_map = |loads: &[u64]| faced_prices(profile, &pass(profile, loads, scenario, settings, false));
    let eq = solve_demand_response(profile, &DemandResponse::default(), &DrSettings::default(), &mut price_map);
    let mut run = pass(profile, &eq.loads, scenario, settings, true);
    run.dr_iterations = eq.iterations;
    run.dr_converged = eq.converged;
    run.dr_price_movement = eq.price_movement;
    run
}

/// The one place the sim builds a bid line, so a field added to `BidLine` is set here.
/// Every bid carries a limit price (`zi_limit_price`); only the auctions read it.
/// Under a topology the household's lot is `sim::grid::feeder_of`.
fn bid_line(side: Side, quantity_wh: u64, slot: usize, (household, households): (usize, usize), params: &MarketParams) -> BidLine {
    let price = zi_limit_price(slot, household, params.grid_buy_price, params.grid_sell_price);
    let feeder = feeder_of(household, households, params);
    BidLine { limit_price: Some(price), feeder, ..BidLine::new(side, quantity_wh) }
}

/// A simulated household's limit price for one slot: uniform in [Ls, Lb], drawn by a hash of
/// (slot, household). This is the zero-intelligence-constrained trader of Gode and Sunder
/// (1993), the usual baseline for double auctions: it bids anywhere its outside option (the
/// grid) allows, with no strategy, so an auction's result reflects the mechanism, not a
/// bidding model. A hash rather than the profile's RNG keeps every other figure of a run
/// identical whatever the mechanism.
pub fn zi_limit_price(slot: usize, household: usize, lb: u64, ls: u64) -> u64 {
    let (low, high) = (ls.min(lb), ls.max(lb));
    // splitmix64's finaliser over the two indices.
    let mut x = (slot as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (household as u64).wrapping_add(0x632B_E59B_D9B4_E019);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    low + x % (high - low).saturating_add(1)
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

/// The households' side of a pass: their batteries and what they bid.
struct Homes<'a> {
    profile: &'a Profile,
    loads: &'a [u64],
    params: &'a MarketParams,
    strategy: BatteryStrategy,
    batteries: Vec<Option<Battery>>,
    /// The community forecast with one battery's share of the flows, for market-aware batteries only.
    forecast: Option<Vec<SlotPrice>>,
}

/// Community sums of one slot.
#[derive(Default)]
struct SlotSums {
    load_wh: u64,
    pv_wh: u64,
    soc_wh: u64,
    net_wh: i64,
}

impl Homes<'_> {
    /// Steps every battery through slot `s`, records each household's slot in `households`
    /// and its bid (if not zero) in `bids`/`bidder`.
    fn step(&mut self, s: usize, households: &mut [HouseholdSlot], bids: &mut Vec<BidLine>, bidder: &mut Vec<usize>) -> SlotSums {
        bids.clear();
        bidder.clear();
        let mut sums = SlotSums::default();
        let mut outlook = [SlotOutlook::default(); OUTLOOK_SLOTS];
        for h in 0..self.profile.households {
            let i = self.profile.at(s, h);
            let (load, pv) = (self.loads[i], self.profile.pv_wh[i]);
            let raw = load as i64 - pv as i64;
            let mut hs = HouseholdSlot { load_wh: load, pv_wh: pv, ..HouseholdSlot::default() };
            let mut net = raw as f64;
            if let Some(b) = self.batteries[h].as_mut() {
                let len = match &self.forecast {
                    Some(prices) => household_outlook(self.profile, self.loads, prices, h, s, &mut outlook),
                    None => 0,
                };
                let step = self.strategy.step(b, net, 1.0, &outlook[..len]);
                net += step.charged_wh - step.discharged_wh;
                hs.soc_wh = step.soc_wh.round() as u64;
                (hs.charged_wh, hs.discharged_wh) = (step.charged_wh, step.discharged_wh);
            }
            hs.net_wh = net.round() as i64;
            households[i] = hs;
            sums.load_wh += load;
            sums.pv_wh += pv;
            sums.soc_wh += hs.soc_wh;
            sums.net_wh += raw;
            if hs.net_wh != 0 {
                let side = if hs.net_wh > 0 { Side::Buy } else { Side::Sell };
                bids.push(bid_line(side, hs.net_wh.unsigned_abs(), s, (h, self.profile.households), self.params));
                bidder.push(h);
            }
        }
        sums
    }
}

/// One pass over all slots with the given loads: batteries, bids, clearing for the chosen
/// mechanism (and every other one when `settle_all`).
fn pass(profile: &Profile, loads: &[u64], scenario: &Scenario, settings: &RunSettings, settle_all: bool) -> ScenarioRun {
    let n = profile.households;
    let prosumer: Vec<bool> = profile.pv_capacity_w.iter().map(|&w| w > 0).collect();
    let strategy = settings.battery_strategy;
    let market_aware = scenario.batteries && strategy == BatteryStrategy::MarketAware;
    let batteries: Vec<Option<Battery>> = prosumer.iter().map(|&p| (scenario.batteries && p).then(Battery::default)).collect();
    // Every battery is `Battery::default`: they share the forecast flows equally (by power).
    let share = 1.0 / batteries.iter().flatten().count().max(1) as f64;
    let forecast = market_aware.then(|| {
        let plain = RunSettings { battery_strategy: BatteryStrategy::SelfConsumption, ..settings.clone() };
        shared(&community_forecast(&pass(profile, loads, scenario, &plain, false)), share)
    });
    let mut homes = Homes { profile, loads, params: &settings.params, strategy, batteries, forecast };
    let mut bills = vec![vec![0i64; n]; Mechanism::ALL.len()];
    let mut slots = Vec::with_capacity(profile.slots);
    let mut households = vec![HouseholdSlot::default(); n * profile.slots];
    let (mut bids, mut bidder) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for s in 0..profile.slots {
        let sums = homes.step(s, &mut households, &mut bids, &mut bidder);
        let row = &mut households[s * n..(s + 1) * n];
        let settled = settle_slot(&settings.params, settle_all, &bids, &bidder, &mut bills, row);
        let Some(c) = settled else { continue };
        slots.push(slot_result(s, &c, &sums));
    }
    ScenarioRun {
        scenario: scenario.clone(),
        mechanism: settings.params.mechanism,
        battery_strategy: strategy,
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

/// Settles one slot's bids under each mechanism (or the chosen one alone), adds each bidder's
/// payment to its bills and fills its household slot in `row` (the slot's households);
/// returns the chosen mechanism's result.
fn settle_slot(
    params: &MarketParams,
    settle_all: bool,
    bids: &[BidLine],
    bidder: &[usize],
    bills: &mut [Vec<i64>],
    row: &mut [HouseholdSlot],
) -> Option<Settled> {
    let mut chosen = None;
    for (m_index, m) in Mechanism::ALL.iter().enumerate() {
        if !settle_all && *m != params.mechanism {
            continue;
        }
        let p = MarketParams { mechanism: *m, ..params.clone() };
        let settled = settle(&p, bids);
        for ((bid, line), &h) in bids.iter().zip(&settled.lines).zip(bidder) {
            let signed = if bid.side == Side::Buy { line.amount as i64 } else { -(line.amount as i64) };
            bills[m_index][h] += signed;
            let hs = &mut row[h];
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
    chosen
}

fn slot_result(s: usize, c: &Settled, sums: &SlotSums) -> SlotResult {
    SlotResult {
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
        load_wh: sums.load_wh,
        pv_wh: sums.pv_wh,
        soc_wh: sums.soc_wh,
        net_wh: sums.net_wh,
        flows: c.flows.clone(),
    }
}
