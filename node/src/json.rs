//! JSON shapes of the RPC (docs/rpc.md), built from the ledger's and the runtime's types.

use ledger::wire::{Block, CommitCertificate};
use market_runtime::chain::meter::LatestReading;
use market_runtime::{Household, HouseholdStatus, MeterReading, SlotClearing, TxBody};
use serde_json::{json, Value};

pub fn hex32(b: &[u8]) -> String {
    hex::encode(b)
}

pub fn tx_body(body: &TxBody) -> Value {
    match body {
        TxBody::RegisterHousehold(spec) => serde_json::to_value(spec).unwrap_or(Value::Null),
        TxBody::ApproveHousehold { household } => json!({ "household": hex32(household) }),
        TxBody::RejectHousehold { household, reason } => json!({ "household": hex32(household), "reason": reason }),
        TxBody::OpenMarket | TxBody::CloseMarket => json!({}),
        TxBody::Bid { slot, side, quantity_wh, meter, limit_price } => {
            let mut v = json!({ "slot": slot, "side": side.to_string(), "quantity_wh": quantity_wh });
            if let Some(m) = meter {
                v["meter"] = meter_reading(m);
            }
            if let Some(price) = limit_price {
                v["limit_price"] = json!(price);
            }
            v
        }
        TxBody::Transfer { to, amount } => json!({ "to": hex32(to), "amount": amount }),
        TxBody::ValidatorUpdate { validator, power, .. } => json!({ "validator": hex32(validator), "power": power }),
        TxBody::Evidence { validator, height, round } => json!({ "validator": hex32(validator), "height": height, "round": round }),
        TxBody::MeterReport { slot, reading } => json!({ "slot": slot, "reading": meter_reading(reading) }),
        TxBody::ScheduleUpgrade { version, height } => json!({ "version": version, "height": height }),
        TxBody::SetAdministrator { threshold, members } => {
            json!({ "threshold": threshold, "members": members.iter().map(|m| hex32(m)).collect::<Vec<String>>() })
        }
    }
}

pub fn meter_reading(m: &MeterReading) -> Value {
    json!({
        "generation_wh": m.generation_wh, "load_wh": m.load_wh,
        "battery_soc_wh": m.battery_soc_wh, "battery_capacity_wh": m.battery_capacity_wh,
    })
}

/// A household's latest reading as `/households` and `/accounts` show it (`null` without one).
pub fn latest_meter(m: Option<&LatestReading>) -> Value {
    match m {
        None => Value::Null,
        Some(m) => {
            let mut v = meter_reading(&m.reading);
            v["slot"] = json!(m.slot);
            v
        }
    }
}

pub fn block(block: &Block, cert: Option<&CommitCertificate>, chain_id: &str, latency_ms: Option<f64>, power_of: impl Fn(&[u8]) -> u64) -> Value {
    let h = block.header.clone().unwrap_or_default();
    let txs: Vec<Value> = block
        .txs
        .iter()
        .map(|bytes| match ledger::tx::decode_tx(bytes, chain_id) {
            Ok(v) => json!({
                "hash": hex32(&v.hash), "sender": hex32(&v.tx.sender), "nonce": v.tx.nonce,
                "kind": v.tx.body.kind(), "body": tx_body(&v.tx.body),
            }),
            Err(e) => json!({ "hash": hex32(&ledger::hash::sha256(bytes)), "error": e.to_string() }),
        })
        .collect();
    let signed = |c: &CommitCertificate| {
        let signers: Vec<String> = c.signatures.iter().map(|s| hex32(&s.validator)).collect();
        let power: u64 = c.signatures.iter().map(|s| power_of(&s.validator)).sum();
        json!({ "height": c.height, "round": c.round, "signers": signers, "power": power })
    };
    let certificate = cert.map(signed);
    let last_commit = block.last_commit.as_ref().map(signed);
    json!({
        "height": h.height,
        "hash": hex32(&block.hash()),
        "header": {
            "chain_id": h.chain_id, "height": h.height, "slot": h.slot, "time_ms": h.time_ms,
            "prev_hash": hex32(&h.prev_hash), "txs_root": hex32(&h.txs_root), "state_root": hex32(&h.state_root),
            "proposer": hex32(&h.proposer), "validators_hash": hex32(&h.validators_hash),
            "last_commit_hash": hex32(&h.last_commit_hash), "protocol_version": h.protocol_version,
        },
        "last_commit": last_commit,
        "txs": txs,
        "certificate": certificate,
        "commit_latency_ms": latency_ms,
    })
}

/// `/households/{addr}`'s `history`: one entry per kept slot, oldest first; a field is `null`
/// when the slot has no reading, bid or settlement for the household.
pub fn history(slots: &[(u64, crate::history::SlotRecord)]) -> Value {
    let entries: Vec<Value> = slots
        .iter()
        .map(|(slot, r)| {
            json!({
                "slot": slot,
                "meter": r.meter.as_ref().map(meter_reading),
                "bid": r.bid.map(|(side, q)| json!({ "side": side.to_string(), "quantity_wh": q })),
                "settlement": r.settlement.map(|s| json!({
                    "p2p_wh": s.p2p_wh, "grid_wh": s.grid_wh, "amount": s.amount, "solar_reward": s.solar_reward,
                })),
            })
        })
        .collect();
    Value::Array(entries)
}

pub fn block_summary(block: &Block, latency_ms: Option<f64>) -> Value {
    let h = block.header.clone().unwrap_or_default();
    json!({
        "height": h.height, "slot": h.slot, "hash": hex32(&block.hash()), "proposer": hex32(&h.proposer),
        "txs": block.txs.len(), "commit_latency_ms": latency_ms, "time_ms": h.time_ms,
    })
}

/// A household with its balance and its latest meter reading (`meter`, `null` without one).
pub fn household(h: &Household, balance: u64, meter: Option<&LatestReading>) -> Value {
    let kind = match h.spec.kind {
        market_runtime::HouseholdKind::Villa => "villa",
        market_runtime::HouseholdKind::Flat => "flat",
    };
    let mut v = json!({
        "address": hex32(&h.address), "status": h.status.name(), "kind": kind, "lot": h.spec.lot,
        "pv_capacity_w": h.spec.pv_capacity_w, "battery_wh": h.spec.battery_wh, "battery_w": h.spec.battery_w,
        "import_limit_w": h.spec.import_limit_w, "balance": balance, "meter": latest_meter(meter),
    });
    if let HouseholdStatus::Rejected { reason } = &h.status {
        v["reason"] = json!(reason);
    }
    v
}

/// A slot clearing; `with_settlements` false gives the summary form of `/market/slots?last`.
/// Settlements carry `battery_soc_wh: null`; the RPC fills it from the node's history.
pub fn slot(c: &SlotClearing, height: Option<u64>, minted: Option<u64>, with_settlements: bool) -> Value {
    let mut v = json!({
        "slot": c.slot, "height": height, "mechanism": c.mechanism.name(),
        "tsp_wh": c.tsp_wh, "tbp_wh": c.tbp_wh,
        "sdr": { "num": c.sdr.num, "den": c.sdr.den },
        "sdr_decimal": if c.sdr.is_infinite() { "inf".to_string() } else { c.sdr.to_decimal(6) },
        "price_sell": c.price_sell, "price_buy": c.price_buy,
        "grid_buy_price": c.grid_buy_price, "grid_sell_price": c.grid_sell_price,
        "p2p_wh": c.p2p_wh, "grid_import_wh": c.grid_import_wh, "grid_export_wh": c.grid_export_wh,
        "minted": minted,
    });
    if let Some(flows) = &c.flows {
        v["grid"] = grid_summary(flows);
    }
    if with_settlements {
        let s: Vec<Value> = c
            .settlements
            .iter()
            .map(|s| json!({
                "household": hex32(&s.household), "side": s.side.to_string(), "quantity_wh": s.quantity_wh,
                "p2p_wh": s.p2p_wh, "grid_wh": s.grid_wh, "amount": s.amount, "battery_soc_wh": Value::Null,
            }))
            .collect();
        v["settlements"] = Value::Array(s);
    }
    v
}

/// What the charts of the last slots need from a slot's flows: the totals, and which limits
/// bound (`feeders_bound` holds the indices, in the topology's order, of feeders that did).
fn grid_summary(f: &market_runtime::chain::grid::GridFlows) -> Value {
    let sum = |g: fn(&market_runtime::chain::grid::FeederFlows) -> u64| f.feeders.iter().map(g).fold(0u64, u64::saturating_add);
    let feeders_bound: Vec<usize> = f.feeders.iter().enumerate().filter(|(_, x)| x.bound.any()).map(|(i, _)| i).collect();
    json!({
        "inter_lot_wh": f.inter_lot_wh, "loss_wh": f.loss_wh,
        "curtailed_wh": sum(|x| x.curtailed_wh), "unserved_wh": sum(|x| x.unserved_wh),
        "transformer_bound": f.transformer_bound, "feeders_bound": feeders_bound,
    })
}

/// One metered settlement (`chain::metering`), the household in hex.
pub fn metered_one(m: &market_runtime::MeteredSettlement) -> Value {
    json!({
        "household": hex32(&m.household), "source": m.source, "allocated_wh": m.allocated_wh,
        "metered_wh": m.metered_wh, "shortfall_wh": m.shortfall_wh, "surplus_wh": m.surplus_wh,
        "price": m.price, "charged": m.charged, "credited": m.credited, "debt_added": m.debt_added,
        "debt_collected": m.debt_collected, "credit_unpaid": m.credit_unpaid,
    })
}

/// A slot's metered settlements, in household order.
pub fn metered(settlements: &[market_runtime::MeteredSettlement]) -> Value {
    Value::Array(settlements.iter().map(metered_one).collect())
}
