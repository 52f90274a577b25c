//! Compact binary encodings of stored values: fixed-width little-endian integers, length-prefixed strings.
//!
//! Hand-written rather than a general format because the hot path decodes a million bid records
//! and accounts per slot, and the encoding is part of the state root (it must never change silently).

mod market_params;

pub use market_params::{decode_params, encode_params};

use super::grid::codec::{decode_flows, encode_flows};
use super::meter::LatestReading;
use super::outcome::SlotClearing;
use market_params::{mechanism_code, mechanism_from};
use super::ratio::Ratio;
use super::types::{Account, Address, Household, HouseholdKind, HouseholdSpec, HouseholdStatus, MeterReading, Side};

/// Reads a value back; `None` means the bytes are not a valid encoding.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Some(head)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub(crate) fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }
    pub(crate) fn string(&mut self) -> Option<String> {
        let len = u16::from_le_bytes(self.take(2)?.try_into().ok()?) as usize;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
    pub(crate) fn address(&mut self) -> Option<Address> {
        self.take(32)?.try_into().ok()
    }
    pub(crate) fn end(self) -> Option<()> {
        self.bytes.is_empty().then_some(())
    }
}

pub(crate) fn put_string(out: &mut Vec<u8>, s: &str) {
    // Callers bound strings far below u16::MAX (MAX_LOT_LEN, MAX_REASON_LEN).
    let len = s.len().min(u16::MAX as usize);
    out.extend_from_slice(&(len as u16).to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..len]);
}

pub fn encode_u64(v: u64) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

pub fn decode_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}

/// `val/<addr>`: power (u64 LE), then the node key (32 bytes) if one was given.
pub fn encode_validator(power: u64, node_key: Option<&Address>) -> Vec<u8> {
    let mut out = power.to_le_bytes().to_vec();
    if let Some(key) = node_key {
        out.extend_from_slice(key);
    }
    out
}

pub fn decode_validator(bytes: &[u8]) -> Option<(u64, Option<Address>)> {
    let mut r = Reader { bytes };
    let power = r.u64()?;
    let node_key = if r.bytes.is_empty() { None } else { Some(r.address()?) };
    r.end()?;
    Some((power, node_key))
}

pub fn encode_account(a: &Account) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    encode_account_into(a, &mut out);
    out
}

/// Encodes into `out`, replacing its content and reusing its allocation.
pub fn encode_account_into(a: &Account, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&a.balance.to_le_bytes());
    out.extend_from_slice(&a.reserved.to_le_bytes());
    out.extend_from_slice(&a.nonce.to_le_bytes());
}

pub fn decode_account(bytes: &[u8]) -> Option<Account> {
    let mut r = Reader { bytes };
    let a = Account { balance: r.u64()?, reserved: r.u64()?, nonce: r.u64()? };
    r.end()?;
    Some(a)
}

pub fn encode_household(h: &Household) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + 2 + 32 + 4 + h.spec.lot.len());
    out.extend_from_slice(&h.address);
    out.push(match h.spec.kind {
        HouseholdKind::Villa => 0,
        HouseholdKind::Flat => 1,
    });
    for v in [h.spec.pv_capacity_w, h.spec.battery_wh, h.spec.battery_w, h.spec.import_limit_w] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    put_string(&mut out, &h.spec.lot);
    match &h.status {
        HouseholdStatus::Pending => out.push(0),
        HouseholdStatus::Approved => out.push(1),
        HouseholdStatus::Rejected { reason } => {
            out.push(2);
            put_string(&mut out, reason);
        }
    }
    // Absent rather than a flag byte when there is no key, so records written before node
    // keys existed keep their bytes (and the state root its value).
    if let Some(key) = &h.spec.node_key {
        out.extend_from_slice(key);
    }
    out
}

pub fn decode_household(bytes: &[u8]) -> Option<Household> {
    let mut r = Reader { bytes };
    let address = r.address()?;
    let kind = match r.u8()? {
        0 => HouseholdKind::Villa,
        1 => HouseholdKind::Flat,
        _ => return None,
    };
    let spec = HouseholdSpec {
        pv_capacity_w: r.u64()?,
        battery_wh: r.u64()?,
        battery_w: r.u64()?,
        import_limit_w: r.u64()?,
        kind,
        lot: r.string()?,
        node_key: None,
    };
    let status = match r.u8()? {
        0 => HouseholdStatus::Pending,
        1 => HouseholdStatus::Approved,
        2 => HouseholdStatus::Rejected { reason: r.string()? },
        _ => return None,
    };
    let node_key = if r.bytes.is_empty() { None } else { Some(r.address()?) };
    r.end()?;
    Some(Household { address, spec: HouseholdSpec { node_key, ..spec }, status })
}

/// A stored bid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidRecord {
    pub side: Side,
    pub quantity_wh: u64,
    /// The bid's limit price (micro-tokens per kWh), if it gave one.
    pub limit_price: Option<u64>,
    /// The bidder's feeder index, recorded only under a genesis topology.
    pub feeder: Option<u16>,
}

/// One bid's settlement, stored with its slot's others in one value (bid order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettledPart {
    pub p2p_wh: u64,
    pub grid_wh: u64,
    pub amount: u64,
    pub solar_reward: u64,
}

/// `bid/<slot>/<addr>`: side (1 byte), quantity (u64 LE), then the limit price (u64 LE) only
/// if the bid has one, so a bid without a price keeps the 9 bytes (and the state root) it had
/// before limit prices existed; then the feeder index (u16 LE) only under a topology. The
/// four lengths (9, 17, 11, 19) tell which fields are there.
pub fn encode_bid(b: &BidRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(17);
    out.push(match b.side {
        Side::Buy => 0,
        Side::Sell => 1,
    });
    out.extend_from_slice(&b.quantity_wh.to_le_bytes());
    if let Some(price) = b.limit_price {
        out.extend_from_slice(&price.to_le_bytes());
    }
    if let Some(feeder) = b.feeder {
        out.extend_from_slice(&feeder.to_le_bytes());
    }
    out
}

pub fn decode_bid(bytes: &[u8]) -> Option<BidRecord> {
    let mut r = Reader { bytes };
    let side = match r.u8()? {
        0 => Side::Buy,
        1 => Side::Sell,
        _ => return None,
    };
    let quantity_wh = r.u64()?;
    let limit_price = if matches!(r.bytes.len(), 8 | 10) { Some(r.u64()?) } else { None };
    let feeder = if r.bytes.len() == 2 { Some(u16::from_le_bytes(r.take(2)?.try_into().ok()?)) } else { None };
    r.end()?;
    Some(BidRecord { side, quantity_wh, limit_price, feeder })
}

/// `meter/<addr>`: slot, generation, load, battery SoC, battery capacity (5 x u64 LE).
pub fn encode_meter(m: &LatestReading) -> Vec<u8> {
    let r = &m.reading;
    let mut out = Vec::with_capacity(40);
    for v in [m.slot, r.generation_wh, r.load_wh, r.battery_soc_wh, r.battery_capacity_wh] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

pub fn decode_meter(bytes: &[u8]) -> Option<LatestReading> {
    let mut r = Reader { bytes };
    let m = LatestReading {
        slot: r.u64()?,
        reading: MeterReading { generation_wh: r.u64()?, load_wh: r.u64()?, battery_soc_wh: r.u64()?, battery_capacity_wh: r.u64()? },
    };
    r.end()?;
    Some(m)
}

const SETTLED_LEN: usize = 32;

/// A slot's settlements as one value: 32 bytes per bid, in the slot's bid-key order. One write
/// per slot instead of one per bid keeps a million-household slot inside its time budget.
pub fn encode_settlements(parts: impl ExactSizeIterator<Item = SettledPart>) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.len() * SETTLED_LEN);
    for s in parts {
        for v in [s.p2p_wh, s.grid_wh, s.amount, s.solar_reward] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

pub fn decode_settlements(bytes: &[u8]) -> Option<Vec<SettledPart>> {
    if !bytes.chunks_exact(SETTLED_LEN).remainder().is_empty() {
        return None;
    }
    let mut r = Reader { bytes };
    let mut out = Vec::with_capacity(bytes.len() / SETTLED_LEN);
    while !r.bytes.is_empty() {
        out.push(SettledPart { p2p_wh: r.u64()?, grid_wh: r.u64()?, amount: r.u64()?, solar_reward: r.u64()? });
    }
    Some(out)
}

/// The clearing summary; settlements are not part of it (they are in the slot's bid records).
/// The slot's grid flows follow only under a topology.
pub fn encode_clearing(c: &SlotClearing) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 32 + 15 * 8);
    out.push(mechanism_code(c.mechanism));
    out.extend_from_slice(&c.sdr.num.to_le_bytes());
    out.extend_from_slice(&c.sdr.den.to_le_bytes());
    for v in [
        c.slot,
        c.tsp_wh,
        c.tbp_wh,
        c.price_sell,
        c.price_buy,
        c.grid_buy_price,
        c.grid_sell_price,
        c.p2p_wh,
        c.grid_import_wh,
        c.grid_export_wh,
        c.buyers_paid,
        c.sellers_received,
        c.grid_received,
        c.grid_paid,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    if let Some(flows) = &c.flows {
        encode_flows(flows, &mut out);
    }
    out
}

pub fn decode_clearing(bytes: &[u8]) -> Option<SlotClearing> {
    let mut r = Reader { bytes };
    let mechanism = mechanism_from(r.u8()?)?;
    let sdr = Ratio::new(r.u128()?, r.u128()?);
    let c = SlotClearing {
        mechanism,
        sdr,
        slot: r.u64()?,
        tsp_wh: r.u64()?,
        tbp_wh: r.u64()?,
        price_sell: r.u64()?,
        price_buy: r.u64()?,
        grid_buy_price: r.u64()?,
        grid_sell_price: r.u64()?,
        p2p_wh: r.u64()?,
        grid_import_wh: r.u64()?,
        grid_export_wh: r.u64()?,
        buyers_paid: r.u64()?,
        sellers_received: r.u64()?,
        grid_received: r.u64()?,
        grid_paid: r.u64()?,
        settlements: Vec::new(),
        flows: None,
    };
    let flows = if r.bytes.is_empty() { None } else { Some(decode_flows(&mut r)?) };
    let c = SlotClearing { flows, ..c };
    r.end()?;
    Some(c)
}

