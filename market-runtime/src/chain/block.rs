//! Executing a block: its transactions in order, then the slot's clearing and settlement, then the mint.

use super::codec::{self, BidRecord, SettledPart};
use super::keys;
use super::error::TxError;
use super::metering;
use super::metering_close;
use super::outcome::{BlockContext, BlockOutcome, MeteredSettlement, Minted, Settlement, SlotClearing};
use super::params::MarketParams;
use super::retention;
use super::upgrade;
use super::settlement::{self, BidLine, Settled};
use super::state;
use super::store::StateStore;
use super::tx::{apply_tx, reservation};
use super::types::{Account, Address, Side, Tx, TxBody};
use super::validators;

/// Applies `txs` in order (an invalid one is skipped and its error recorded), clears and settles
/// `ctx.slot` unless an earlier block already did, and mints. Deterministic: the same store and
/// inputs give the same writes and outcome on every machine.
///
/// Bids for slots before `ctx.slot` that were never cleared (the chain skipped them) expire here:
/// their reservations are released and the bids deleted, so no balance stays locked forever.
pub fn execute_block(store: &mut impl StateStore, ctx: &BlockContext, txs: &[Tx]) -> BlockOutcome {
    upgrade::activate(store, ctx.height);
    let changes_registry =
        txs.iter().any(|tx| matches!(tx.body, TxBody::ValidatorUpdate { .. } | TxBody::Evidence { .. }));
    // A registry that cannot be read refuses every validator tx below as well, so there is
    // nothing to keep; the next block's last-commit check then falls back to the registry.
    if changes_registry {
        let _ = validators::snapshot_signing_set(store, ctx.height);
    }
    let tx_results = txs.iter().map(|tx| apply_tx(store, tx)).collect();
    let mut outcome = BlockOutcome {
        height: ctx.height,
        tx_results,
        clearing: None,
        expired_bids: 0,
        minted: Minted::default(),
        metered: Vec::new(),
        window_closed: None,
        pruned_records: 0,
    };
    // State written by init_genesis is always present; if it is not, nothing can be cleared or minted.
    let (Ok(params), Ok(grid)) = (state::params(store), state::grid_account(store)) else {
        return outcome;
    };
    let already_cleared = matches!(state::last_cleared(store), Ok(Some(last)) if ctx.slot <= last);
    if !already_cleared {
        outcome.expired_bids = expire_before(store, ctx.slot, &params, &grid);
        let clearing = clear_slot(store, ctx.slot, &params, &grid);
        // Per-seller rewards saturate at u64::MAX under a large genesis rate; so does their sum.
        outcome.minted.solar_reward = clearing.settlements.iter().fold(0u64, |sum, s| sum.saturating_add(s.solar_reward));
        outcome.clearing = Some(clearing);
    }
    if let Some(metering) = &params.metering {
        outcome.metered = reported(store, txs, &outcome.tx_results);
        if !already_cleared {
            if let Some(step) = metering_close::close_due_window(store, &params, metering, &grid, ctx.slot) {
                outcome.metered.extend(step.settled);
                outcome.window_closed = step.closed;
            }
        }
    }
    if !already_cleared {
        outcome.pruned_records = retention::prune(store, &params, ctx.slot).records;
    }
    mint_block_reward(store, ctx, &params, &mut outcome.minted);
    outcome
}

/// The metered settlements the block's accepted meter reports wrote, in block order.
fn reported(store: &impl StateStore, txs: &[Tx], results: &[Result<(), TxError>]) -> Vec<MeteredSettlement> {
    txs.iter()
        .zip(results)
        .filter_map(|(tx, result)| match (&tx.body, result) {
            (TxBody::MeterReport { slot, .. }, Ok(())) => {
                let raw = store.get(&keys::metered(*slot, &tx.sender))?;
                metering::decode_record(tx.sender, *slot, &raw)
            }
            _ => None,
        })
        .collect()
}

fn read_account(store: &impl StateStore, key: &[u8]) -> Account {
    store.get(key).and_then(|raw| codec::decode_account(&raw)).unwrap_or_default()
}

/// Clears and settles `slot`: pays every bid's owner, then the grid, then records the slot as
/// cleared. The write order is part of the state transition, so it stays fixed.
fn clear_slot(store: &mut impl StateStore, slot: u64, params: &MarketParams, grid: &Address) -> SlotClearing {
    let (lines, owners) = slot_bid_lines(store, slot, params);
    let settled = settlement::settle(params, &lines);
    let settlements = pay_households(store, params, &lines, &settled.lines, &owners);
    pay_grid(store, params, grid, &lines, &settled);
    let clearing = slot_clearing(slot, params, &settled, settlements);
    let parts = settled.lines.iter().map(|l| SettledPart { p2p_wh: l.p2p_wh, grid_wh: l.grid_wh, amount: l.amount, solar_reward: l.solar_reward });
    store.put(&keys::settlements(slot), codec::encode_settlements(parts));
    store.put(&keys::slot(slot), codec::encode_clearing(&clearing));
    store.delete(&keys::side_totals(slot));
    store.put(keys::CLEARED, codec::encode_u64(slot));
    if params.metering.is_some() && !lines.is_empty() {
        metering_close::open_window(store, slot, lines.len() as u64);
    }
    clearing
}

/// The slot's stored bids in key order, with their owners alongside.
fn slot_bid_lines(store: &impl StateStore, slot: u64, params: &MarketParams) -> (Vec<BidLine>, Vec<Address>) {
    let entries = store.scan_prefix(&keys::slot_bids(slot));
    let mut lines = Vec::with_capacity(entries.len());
    let mut owners = Vec::with_capacity(entries.len());
    for (key, value) in &entries {
        // A record that does not decode cannot have been written by this runtime; skip it rather
        // than guess its content.
        if let (Some(owner), Some(BidRecord { side, quantity_wh, limit_price, feeder })) =
            (keys::trailing_address(key), codec::decode_bid(value))
        {
            // Under a topology every bid this runtime stores carries its feeder; one without
            // gets an index no topology has, so it takes no part (`grid::pool`).
            let feeder = feeder.unwrap_or(if params.topology.is_some() { u16::MAX } else { 0 });
            lines.push(BidLine { side, quantity_wh, limit_price, feeder });
            owners.push(owner);
        }
    }
    (lines, owners)
}

/// Credits or debits each bid's owner with its settled line, in bid order.
fn pay_households(
    store: &mut impl StateStore,
    params: &MarketParams,
    lines: &[BidLine],
    settled: &[settlement::Line],
    owners: &[Address],
) -> Vec<Settlement> {
    let mut settlements = Vec::with_capacity(lines.len());
    // One key buffer for the whole loop: only the address part changes.
    let mut acct_key = keys::account(&[0; 32]);
    let prefix_len = keys::ACCOUNT_PREFIX.len();
    for ((bid, line), owner) in lines.iter().zip(settled).zip(owners) {
        acct_key.truncate(prefix_len);
        acct_key.extend_from_slice(owner);
        store.update(&acct_key, &mut |old| {
            let mut acct = old.as_deref().and_then(codec::decode_account).unwrap_or_default();
            match bid.side {
                Side::Buy => {
                    // The reservation made at bid time covers the worst case, so the payment fits.
                    acct.reserved = acct.reserved.saturating_sub(reservation(Side::Buy, bid.quantity_wh, params));
                    acct.balance = acct.balance.saturating_sub(line.amount);
                }
                Side::Sell => {
                    acct.balance = acct.balance.saturating_add(line.amount).saturating_add(line.solar_reward);
                }
            }
            let mut buf = old.unwrap_or_default();
            codec::encode_account_into(&acct, &mut buf);
            buf
        });
        settlements.push(Settlement {
            household: *owner,
            side: bid.side,
            quantity_wh: bid.quantity_wh,
            p2p_wh: line.p2p_wh,
            grid_wh: line.grid_wh,
            amount: line.amount,
            solar_reward: line.solar_reward,
        });
    }
    settlements
}

/// Releases the sellers' reservations held on the grid account and books its net flow.
fn pay_grid(store: &mut impl StateStore, params: &MarketParams, grid: &Address, lines: &[BidLine], settled: &Settled) {
    let grid_key = keys::account(grid);
    let mut grid_acct = read_account(store, &grid_key);
    let sell_reserved = lines
        .iter()
        .filter(|b| b.side == Side::Sell)
        .fold(0u64, |sum, b| sum.saturating_add(reservation(Side::Sell, b.quantity_wh, params)));
    grid_acct.reserved = grid_acct.reserved.saturating_sub(sell_reserved);
    grid_acct.balance = grid_acct.balance.saturating_add(settled.grid_received).saturating_sub(settled.grid_paid);
    store.put(&grid_key, codec::encode_account(&grid_acct));
}

fn slot_clearing(slot: u64, params: &MarketParams, settled: &Settled, settlements: Vec<Settlement>) -> SlotClearing {
    SlotClearing {
        slot,
        mechanism: params.mechanism,
        tsp_wh: settled.tsp_wh,
        tbp_wh: settled.tbp_wh,
        sdr: settled.prices.sdr,
        price_sell: settled.price_sell,
        price_buy: settled.price_buy,
        grid_buy_price: params.grid_buy_price,
        grid_sell_price: params.grid_sell_price,
        p2p_wh: settled.prices.p2p_wh,
        grid_import_wh: settled.prices.grid_import_wh,
        grid_export_wh: settled.prices.grid_export_wh,
        buyers_paid: settled.buyers_paid,
        sellers_received: settled.sellers_received,
        grid_received: settled.grid_received,
        grid_paid: settled.grid_paid,
        settlements,
        flows: settled.flows.clone(),
    }
}

/// Releases the reservations of bids for uncleared slots before `slot` and deletes them.
fn expire_before(store: &mut impl StateStore, slot: u64, params: &MarketParams, grid: &Address) -> u64 {
    let mut expired = 0;
    for (totals_key, _) in store.scan_prefix(b"side/") {
        let Some(old_slot) = totals_key.get(5..13).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes) else {
            continue;
        };
        if old_slot >= slot {
            break;
        }
        for (bid_key, value) in store.scan_prefix(&keys::slot_bids(old_slot)) {
            let (Some(owner), Some(bid)) = (keys::trailing_address(&bid_key), codec::decode_bid(&value)) else {
                continue;
            };
            let payer = if bid.side == Side::Buy { owner } else { *grid };
            let acct_key = keys::account(&payer);
            let mut acct = read_account(store, &acct_key);
            acct.reserved = acct.reserved.saturating_sub(reservation(bid.side, bid.quantity_wh, params));
            store.put(&acct_key, codec::encode_account(&acct));
            store.delete(&bid_key);
            expired += 1;
        }
        store.delete(&totals_key);
    }
    expired
}

/// Splits the block reward equally among the distinct signers; the remainder goes one
/// micro-token each to the lowest addresses.
fn mint_block_reward(store: &mut impl StateStore, ctx: &BlockContext, params: &MarketParams, minted: &mut Minted) {
    let mut signers = ctx.signers.clone();
    signers.sort_unstable();
    signers.dedup();
    if signers.is_empty() || params.block_reward == 0 {
        return;
    }
    let n = signers.len() as u64;
    let (each, extra) = (params.block_reward / n, params.block_reward % n);
    for (i, signer) in signers.iter().enumerate() {
        // extra > 0 only with two or more signers, so each < block_reward and this cannot overflow.
        let amount = each.saturating_add(u64::from((i as u64) < extra));
        let key = keys::account(signer);
        let mut acct = read_account(store, &key);
        acct.balance = acct.balance.saturating_add(amount);
        store.put(&key, codec::encode_account(&acct));
        minted.validators.push((*signer, amount));
    }
    minted.block_reward = params.block_reward;
}
