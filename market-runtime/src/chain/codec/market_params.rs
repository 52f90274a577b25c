//! The market parameters' encoding: the nine fixed values, then tagged optional sections.
//!
//! Apart from the other stored values because its sections grow with the chain's features, and
//! each must leave an older genesis's bytes (and so its state root) as they were.

use super::Reader;
use crate::chain::grid::codec::{decode_topology, encode_topology};
use crate::chain::params::{MarketParams, Mechanism, MeteringParams, MissingReading, DEFAULT_MAX_PENDING, DEFAULT_PENDING_TTL_SLOTS};

pub(super) fn mechanism_code(m: Mechanism) -> u8 {
    match m {
        Mechanism::Sdr => 0,
        Mechanism::Mmr => 1,
        Mechanism::BillSharing => 2,
        Mechanism::NoTrading => 3,
        Mechanism::PayAsClear => 4,
        Mechanism::PayAsBid => 5,
    }
}

pub(super) fn mechanism_from(code: u8) -> Option<Mechanism> {
    Some(match code {
        0 => Mechanism::Sdr,
        1 => Mechanism::Mmr,
        2 => Mechanism::BillSharing,
        3 => Mechanism::NoTrading,
        4 => Mechanism::PayAsClear,
        5 => Mechanism::PayAsBid,
        _ => return None,
    })
}

/// Tags of the optional sections after the market parameters' nine values.
const SECTION_TOPOLOGY: u8 = 1;
const SECTION_METERING: u8 = 2;
const SECTION_RETENTION: u8 = 3;

pub fn encode_params(p: &MarketParams) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 9 * 8);
    out.push(mechanism_code(p.mechanism));
    for v in [
        p.grid_buy_price,
        p.grid_sell_price,
        p.block_reward,
        p.solar_reward_per_kwh,
        p.slot_ms,
        p.max_future_slots,
        p.slash_amount,
        p.max_pending_registrations,
        p.pending_registration_ttl_slots,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    // Optional sections, each appended only when present and tagged, in tag order: a genesis
    // with neither keeps the bytes (and the state root) it had before they existed.
    if let Some(t) = &p.topology {
        out.push(SECTION_TOPOLOGY);
        encode_topology(t, &mut out);
    }
    // Prices are >= 1, so 0 stands for "absent".
    if let Some(m) = &p.metering {
        out.push(SECTION_METERING);
        for v in [m.metering_window_slots, m.shortfall_price.unwrap_or(0), m.surplus_price.unwrap_or(0)] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.push(match m.missing_reading {
            MissingReading::AsAllocated => 0,
            MissingReading::WorstPlausible => 1,
        });
    }
    if let Some(retention) = p.retention_slots {
        out.push(SECTION_RETENTION);
        out.extend_from_slice(&retention.to_le_bytes());
    }
    out
}

fn decode_metering(r: &mut Reader<'_>) -> Option<MeteringParams> {
    let metering_window_slots = r.u64()?;
    let price = |v: u64| (v != 0).then_some(v);
    let shortfall_price = price(r.u64()?);
    let surplus_price = price(r.u64()?);
    let missing_reading = match r.u8()? {
        0 => MissingReading::AsAllocated,
        1 => MissingReading::WorstPlausible,
        _ => return None,
    };
    Some(MeteringParams { metering_window_slots, shortfall_price, surplus_price, missing_reading })
}

pub fn decode_params(bytes: &[u8]) -> Option<MarketParams> {
    let mut r = Reader { bytes };
    let mechanism = mechanism_from(r.u8()?)?;
    // Chains created before the registration bound stored seven values; they get the defaults.
    let legacy = r.bytes.len() == 7 * 8;
    let p = MarketParams {
        mechanism,
        grid_buy_price: r.u64()?,
        grid_sell_price: r.u64()?,
        block_reward: r.u64()?,
        solar_reward_per_kwh: r.u64()?,
        slot_ms: r.u64()?,
        max_future_slots: r.u64()?,
        slash_amount: r.u64()?,
        max_pending_registrations: if legacy { DEFAULT_MAX_PENDING } else { r.u64()? },
        pending_registration_ttl_slots: if legacy { DEFAULT_PENDING_TTL_SLOTS } else { r.u64()? },
        topology: None,
        metering: None,
        retention_slots: None,
    };
    let mut p = p;
    // Whatever follows the nine values is tagged sections, each at most once, in tag order.
    let mut last_tag = 0u8;
    while !r.bytes.is_empty() {
        let tag = r.u8()?;
        if tag <= last_tag {
            return None;
        }
        last_tag = tag;
        match tag {
            SECTION_TOPOLOGY => p.topology = Some(decode_topology(&mut r)?),
            SECTION_METERING => p.metering = Some(decode_metering(&mut r)?),
            SECTION_RETENTION => p.retention_slots = Some(r.u64()?),
            _ => return None,
        }
    }
    r.end()?;
    Some(p)
}
