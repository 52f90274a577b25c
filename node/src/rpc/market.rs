//! The market reads: households with their recent slots, and slot clearings with their grid
//! flows and metered settlements.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde_json::{json, Value};

use super::{parse_addr, AppState, RpcError, RpcResult};
use crate::json;
use crate::shared::Shared;

/// One household: its registration, balance, latest reading, and its last slots from the
/// node's in-memory history (readings, bids, settlements).
pub(super) async fn household_detail(State(s): State<AppState>, Path(addr): Path<String>) -> RpcResult {
    let address = parse_addr(&addr)?;
    let state = s.state();
    let household = market_runtime::household(&state, &address)
        .map_err(|e| RpcError::internal(e.to_string()))?
        .ok_or_else(|| RpcError::not_found(format!("{addr} is not a registered household")))?;
    let acct = market_runtime::account(&state, &address).map_err(|e| RpcError::internal(e.to_string()))?;
    let meter = market_runtime::meter_reading(&state, &address).map_err(|e| RpcError::internal(e.to_string()))?;
    let slots = s.history.lock().map_err(|_| RpcError::internal("history lock poisoned"))?.of(&address);
    let mut out = json::household(&household, acct.balance, meter.as_ref());
    out["reserved"] = json!(acct.reserved);
    out["nonce"] = json!(acct.nonce);
    out["history_slots"] = json!(crate::history::HISTORY_SLOTS);
    out["history"] = json::history(&slots);
    if s.genesis.app_state.params.metering.is_some() {
        add_metered(&mut out["history"], &state, &address)?;
    }
    Ok(Json(out))
}

/// Each history entry's metered settlement, once the slot's reading (or its window's close) has
/// settled it on chain.
fn add_metered(history: &mut Value, state: &crate::chain::CommittedState, address: &[u8; 32]) -> Result<(), RpcError> {
    for entry in history.as_array_mut().into_iter().flatten() {
        let Some(slot) = entry["slot"].as_u64() else { continue };
        let record = market_runtime::metered_settlement(state, slot, address).map_err(|e| RpcError::internal(e.to_string()))?;
        // `null` until the slot's reading (or its window's close) settles it.
        entry["metered"] = record.as_ref().map_or(Value::Null, json::metered_one);
    }
    Ok(())
}

pub(super) async fn households(State(s): State<AppState>) -> RpcResult {
    let state = s.state();
    let list = market_runtime::households(&state).map_err(|e| RpcError::internal(e.to_string()))?;
    let out: Vec<Value> = list
        .iter()
        .map(|h| {
            let balance = market_runtime::account(&state, &h.address).map(|a| a.balance).unwrap_or(0);
            let meter = market_runtime::meter_reading(&state, &h.address).ok().flatten();
            json::household(h, balance, meter.as_ref())
        })
        .collect();
    Ok(Json(json!({ "households": out })))
}

fn latest_cleared(s: &Shared) -> Result<Option<u64>, RpcError> {
    market_runtime::query::last_cleared_slot(&s.state()).map_err(|e| RpcError::internal(e.to_string()))
}

pub(super) async fn slot(State(s): State<AppState>, Path(which): Path<String>) -> RpcResult {
    let slot = if which == "latest" {
        latest_cleared(&s)?.ok_or_else(|| RpcError::not_found("no slot has cleared yet"))?
    } else {
        which.parse::<u64>().map_err(|_| RpcError::bad_request("bad-slot", format!("{which:?} is neither a slot nor \"latest\"")))?
    };
    let clearing = market_runtime::slot_clearing(&s.state(), slot)
        .map_err(|e| RpcError::internal(e.to_string()))?
        .ok_or_else(|| slot_missing(&s, slot))?;
    // One block per slot: the block at height `slot` cleared it.
    let mut out = json::slot(&clearing, Some(slot), None, true);
    if let Some(flows) = &clearing.flows {
        out["flows"] = json!(flows);
    }
    let metered = market_runtime::metered_settlements(&s.state(), slot).map_err(|e| RpcError::internal(e.to_string()))?;
    if !metered.is_empty() {
        out["metered"] = json::metered(&metered);
    }
    if let (Ok(history), Some(settlements)) = (s.history.lock(), out["settlements"].as_array_mut()) {
        for (entry, settlement) in settlements.iter_mut().zip(&clearing.settlements) {
            if let Some(m) = history.reading(&settlement.household, slot) {
                entry["battery_soc_wh"] = json!(m.battery_soc_wh);
            }
        }
    }
    Ok(Json(out))
}

#[derive(serde::Deserialize)]
pub(super) struct LastQuery {
    last: Option<u64>,
}

pub(super) async fn slots(State(s): State<AppState>, Query(q): Query<LastQuery>) -> RpcResult {
    let last = q.last.unwrap_or(48).min(1000);
    let mut out = Vec::new();
    if let Some(latest) = latest_cleared(&s)? {
        let state = s.state();
        let mut slot = latest;
        while out.len() < last as usize && slot > 0 {
            if let Ok(Some(c)) = market_runtime::slot_clearing(&state, slot) {
                out.push(json::slot(&c, Some(slot), None, false));
            }
            slot -= 1;
        }
    }
    out.reverse();
    Ok(Json(json!({ "slots": out })))
}

/// Why a slot has no clearing: pruned under the genesis's retention, or not cleared (yet).
fn slot_missing(s: &AppState, slot: u64) -> RpcError {
    let retention = s.genesis.app_state.params.retention_slots;
    match (retention, market_runtime::retention::kept_from(&s.state())) {
        (Some(retention), Some(kept_from)) if slot < kept_from => RpcError::pruned(format!(
            "slot {slot} was pruned: this chain keeps a cleared slot's records in its state for {retention} slots, and the oldest kept is slot {kept_from}; its bids are still in the block that cleared it"
        )),
        _ => RpcError::not_found(format!("slot {slot} has not cleared")),
    }
}
