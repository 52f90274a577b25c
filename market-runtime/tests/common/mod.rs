//! Shared fixtures for the runtime's integration tests.
#![allow(dead_code)]

pub mod topologies;

use market_runtime::*;

pub const ADMIN: Address = [0xAA; 32];
pub const GRID: Address = [0xEE; 32];
pub const VALIDATOR: Address = [0x77; 32];

pub fn household_addr(i: u32) -> Address {
    let mut a = [0x10u8; 32];
    a[..4].copy_from_slice(&i.to_be_bytes());
    a
}

pub fn spec() -> HouseholdSpec {
    HouseholdSpec {
        pv_capacity_w: 5_000,
        battery_wh: 5_000,
        battery_w: 2_500,
        import_limit_w: 10_000,
        kind: HouseholdKind::Villa,
        lot: "A-1".into(),
        node_key: None,
    }
}

pub fn params(mechanism: Mechanism) -> MarketParams {
    MarketParams { grid_buy_price: 1_000_000, grid_sell_price: 400_000, mechanism, ..MarketParams::default() }
}

/// A genesis with `n` approved households holding `balance` each, a funded grid, the market open.
pub fn genesis(n: u32, balance: u64, mechanism: Mechanism) -> AppGenesis {
    let mut balances: Vec<GenesisBalance> =
        (0..n).map(|i| GenesisBalance { address: household_addr(i), amount: balance }).collect();
    balances.push(GenesisBalance { address: GRID, amount: 1_000_000_000_000_000 });
    AppGenesis {
        administrator: ADMIN,
        administrator_set: None,
        grid_account: GRID,
        params: params(mechanism),
        balances,
        households: (0..n).map(|i| GenesisHousehold { address: household_addr(i), spec: spec() }).collect(),
        validators: vec![GenesisValidator { address: VALIDATOR, power: 10 }],
        market_open: true,
    }
}

pub fn store_with(g: &AppGenesis) -> MemStore {
    let mut store = MemStore::new();
    init_genesis(&mut store, g).expect("test genesis is valid");
    store
}

pub fn ctx(height: u64, slot: u64) -> BlockContext {
    BlockContext { height, slot, proposer: VALIDATOR, signers: vec![VALIDATOR] }
}

pub fn bid(sender: Address, nonce: u64, slot: u64, side: Side, quantity_wh: u64) -> Tx {
    Tx { sender, nonce, body: TxBody::Bid { slot, side, quantity_wh, meter: None, limit_price: None } }
}

/// A bid with a limit price (micro-tokens per kWh).
pub fn priced_bid(sender: Address, nonce: u64, slot: u64, side: Side, quantity_wh: u64, limit_price: u64) -> Tx {
    Tx { sender, nonce, body: TxBody::Bid { slot, side, quantity_wh, meter: None, limit_price: Some(limit_price) } }
}

/// Sum of every account balance in the store.
pub fn total_balance(store: &MemStore) -> u128 {
    store
        .iter()
        .filter(|(k, _)| k.starts_with(b"acct/"))
        .map(|(_, v)| u64::from_le_bytes(v[..8].try_into().expect("account value has a balance")) as u128)
        .sum()
}

pub fn tx(sender: Address, nonce: u64, body: TxBody) -> Tx {
    Tx { sender, nonce, body }
}

/// Applies `t` alone in a block at the current slot (nothing new is cleared) and returns its
/// result, after checking that admission (`check_tx`) gave the same answer beforehand.
pub fn run_one(store: &mut MemStore, t: Tx) -> Result<(), TxError> {
    let checked = check_tx(store, &t);
    let last = market_runtime::query::last_cleared_slot(store).ok().flatten().unwrap_or(0);
    let out = execute_block(store, &BlockContext { height: 1, slot: last, proposer: VALIDATOR, signers: vec![] }, &[t]);
    let applied = out.tx_results[0].clone();
    assert_eq!(checked, applied, "check_tx and execution disagree");
    applied
}

/// Two lots "A" and "B", each feeder with (import, export) limits in Wh per slot.
pub fn two_lots(a: (Option<u64>, Option<u64>), b: (Option<u64>, Option<u64>), transformer: Transformer, loss_ppm: u32) -> Topology {
    let feeder = |lot: &str, (import_limit_wh, export_limit_wh): (Option<u64>, Option<u64>)| Feeder { lot: lot.into(), import_limit_wh, export_limit_wh };
    Topology { feeders: vec![feeder("A", a), feeder("B", b)], transformer, loss_ppm }
}

/// `genesis(lots.len(), ...)` under `topology`, household `i` on lot `lots[i]`, prices Lb 1.0, Ls 0.4.
pub fn genesis_on(topology: Topology, lots: &[&str], mechanism: Mechanism) -> AppGenesis {
    let mut g = genesis(lots.len() as u32, 1_000_000_000, mechanism);
    g.params.topology = Some(topology);
    for (h, lot) in g.households.iter_mut().zip(lots) {
        h.spec.lot = (*lot).into();
        (h.spec.pv_capacity_w, h.spec.import_limit_w) = (20_000, 20_000);
    }
    g
}

/// Clears one slot of `bids` (household index, side, Wh) on `g` through `execute_block`.
pub fn clear_on(g: &AppGenesis, bids: &[(u32, Side, u64)]) -> (MemStore, SlotClearing, u128, u128) {
    let mut store = store_with(g);
    let before = total_balance(&store);
    let txs: Vec<Tx> = bids.iter().map(|&(i, side, q)| bid(household_addr(i), 0, 1, side, q)).collect();
    let out = execute_block(&mut store, &ctx(1, 1), &txs);
    assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
    let after = total_balance(&store);
    let minted = out.minted.total() as u128;
    (store, out.clearing.expect("slot 1 is cleared"), before + minted, after)
}

/// The part of a household's bid that was neither traded locally nor with the grid.
pub fn cut_wh(c: &SlotClearing, i: u32) -> u64 {
    let s = c.settlements.iter().find(|s| s.household == household_addr(i)).expect("household settled");
    s.quantity_wh - s.p2p_wh - s.grid_wh
}

/// `genesis` with metered settlement on.
pub fn metered_genesis(n: u32, balance: u64, metering: MeteringParams) -> AppGenesis {
    let mut g = genesis(n, balance, Mechanism::Sdr);
    g.params.metering = Some(metering);
    g
}

pub fn report(sender: Address, nonce: u64, slot: u64, reading: MeterReading) -> Tx {
    Tx { sender, nonce, body: TxBody::MeterReport { slot, reading } }
}

/// A reading with no battery: `generation_wh` produced, `load_wh` consumed.
pub fn reading(generation_wh: u64, load_wh: u64) -> MeterReading {
    MeterReading { generation_wh, load_wh, battery_soc_wh: 0, battery_capacity_wh: 0 }
}

/// Executes a block at `slot` (height = slot) and asserts that every transaction was accepted
/// and that the block moved no token other than what it minted.
pub fn run_block_conserving(store: &mut MemStore, slot: u64, txs: &[Tx]) -> BlockOutcome {
    let before = total_balance(store);
    let out = execute_block(store, &ctx(slot, slot), txs);
    assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
    assert_eq!(total_balance(store), before + out.minted.total() as u128, "tokens created or lost");
    out
}

pub fn balance(store: &MemStore, addr: &Address) -> u64 {
    account(store, addr).expect("account reads").balance
}

/// Members of the 2-of-3 administrator of `council_genesis`: the utility (the lead), the
/// community board and a deputy.
pub const UTILITY: Address = [0xA1; 32];
pub const BOARD: Address = [0xA2; 32];
pub const DEPUTY: Address = [0xA3; 32];
/// A household that registers after genesis and waits for the administrator.
pub const NEWCOMER: Address = [0x55; 32];

/// `genesis(1, ..)` ruled by `threshold` of (UTILITY, BOARD, DEPUTY), UTILITY the lead.
pub fn council_genesis(threshold: u32) -> AppGenesis {
    let mut g = genesis(1, 1_000_000, Mechanism::Sdr);
    g.administrator = UTILITY;
    g.administrator_set = Some(AdministratorSet { threshold, members: vec![UTILITY, BOARD, DEPUTY] });
    g
}

/// `g`'s store with NEWCOMER registered and pending.
pub fn with_newcomer(g: &AppGenesis) -> MemStore {
    let mut s = store_with(g);
    run_one(&mut s, tx(NEWCOMER, 0, TxBody::RegisterHousehold(spec()))).expect("the newcomer registers");
    s
}

pub fn status_of(s: &MemStore, addr: &Address) -> HouseholdStatus {
    household(s, addr).expect("the store reads").expect("the household is registered").status
}
