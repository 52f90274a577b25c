//! Stored encodings of the topology (appended to `meta/params`) and of a slot's flows
//! (appended to `slot/<slot>`). Appended only when a topology exists, so that a chain without
//! one keeps every byte it had; each decoder reads exactly to the end of its value.

use super::flows::{Bound, FeederFlows, GridFlows};
use super::topology::{Feeder, Topology, Transformer, MAX_FEEDERS};
use crate::chain::codec::{put_string, Reader};

fn put_limit(out: &mut Vec<u8>, limit: Option<u64>) {
    match limit {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

fn limit(r: &mut Reader<'_>) -> Option<Option<u64>> {
    match r.u8()? {
        0 => Some(None),
        1 => Some(Some(r.u64()?)),
        _ => None,
    }
}

/// Loss (u32 LE), transformer import and export limits, feeder count (u16 LE), then per
/// feeder its lot (length-prefixed) and import and export limits. A limit is 0 (none) or 1
/// and a u64 LE.
pub fn encode_topology(t: &Topology, out: &mut Vec<u8>) {
    out.extend_from_slice(&t.loss_ppm.to_le_bytes());
    put_limit(out, t.transformer.import_limit_wh);
    put_limit(out, t.transformer.export_limit_wh);
    // A checked topology has at most MAX_FEEDERS (< u16::MAX) feeders.
    let count = t.feeders.len().min(MAX_FEEDERS);
    out.extend_from_slice(&(count as u16).to_le_bytes());
    for f in &t.feeders[..count] {
        put_string(out, &f.lot);
        put_limit(out, f.import_limit_wh);
        put_limit(out, f.export_limit_wh);
    }
}

/// Reads a topology from `r`, leaving what follows it.
pub(crate) fn decode_topology(r: &mut Reader<'_>) -> Option<Topology> {
    let loss_ppm = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
    let transformer = Transformer { import_limit_wh: limit(r)?, export_limit_wh: limit(r)? };
    let count = usize::from(u16::from_le_bytes(r.take(2)?.try_into().ok()?));
    if count > MAX_FEEDERS {
        return None;
    }
    let mut feeders = Vec::with_capacity(count);
    for _ in 0..count {
        feeders.push(Feeder { lot: r.string()?, import_limit_wh: limit(r)?, export_limit_wh: limit(r)? });
    }
    Some(Topology { feeders, transformer, loss_ppm })
}

fn bound_byte(b: Bound) -> u8 {
    u8::from(b.import) | (u8::from(b.export) << 1)
}

fn bound(r: &mut Reader<'_>) -> Option<Bound> {
    let byte = r.u8()?;
    (byte <= 3).then_some(Bound { import: byte & 1 == 1, export: byte & 2 == 2 })
}

/// Inter-lot, loss, grid import and export (4 x u64 LE), the transformer's bound byte (bit 0
/// import, bit 1 export), feeder count (u16 LE), then per feeder 10 x u64 LE and its bound byte.
pub fn encode_flows(g: &GridFlows, out: &mut Vec<u8>) {
    for v in [g.inter_lot_wh, g.loss_wh, g.grid_import_wh, g.grid_export_wh] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.push(bound_byte(g.transformer_bound));
    let count = g.feeders.len().min(MAX_FEEDERS);
    out.extend_from_slice(&(count as u16).to_le_bytes());
    for f in &g.feeders[..count] {
        for v in [
            f.sell_wh,
            f.buy_wh,
            f.local_wh,
            f.to_lots_wh,
            f.loss_wh,
            f.from_lots_wh,
            f.grid_export_wh,
            f.grid_import_wh,
            f.curtailed_wh,
            f.unserved_wh,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.push(bound_byte(f.bound));
    }
}

/// Reads a slot's flows from `r`, leaving what follows them.
pub(crate) fn decode_flows(r: &mut Reader<'_>) -> Option<GridFlows> {
    let (inter_lot_wh, loss_wh, grid_import_wh, grid_export_wh) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
    let transformer_bound = bound(r)?;
    let count = usize::from(u16::from_le_bytes(r.take(2)?.try_into().ok()?));
    if count > MAX_FEEDERS {
        return None;
    }
    let mut feeders = Vec::with_capacity(count);
    for _ in 0..count {
        feeders.push(FeederFlows {
            sell_wh: r.u64()?,
            buy_wh: r.u64()?,
            local_wh: r.u64()?,
            to_lots_wh: r.u64()?,
            loss_wh: r.u64()?,
            from_lots_wh: r.u64()?,
            grid_export_wh: r.u64()?,
            grid_import_wh: r.u64()?,
            curtailed_wh: r.u64()?,
            unserved_wh: r.u64()?,
            bound: bound(r)?,
        });
    }
    Some(GridFlows { inter_lot_wh, loss_wh, grid_import_wh, grid_export_wh, transformer_bound, feeders })
}
