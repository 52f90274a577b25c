//! A household's settlement in a slot, proven without range proofs: the node lists the slot's bidders, every one is proven present and their number equals the slot's proven settlements.
//!
//! `stl/<slot>` holds one 32-byte entry per bid in `bid/<slot>/<address>` key order (ascending
//! address). A proof of one key says nothing about the keys beside it, so the household's index
//! in that order is proven by proving the whole bidder set: listed addresses that are distinct
//! and ascending, each with a proven bid, as many as the settlements have entries. Since the
//! slot has exactly that many bids, the list is the slot's bidder set.

use market_runtime::codec::{decode_bid, decode_settlements, BidRecord, SettledPart};
use market_runtime::Side;

use ledger::Address;

use crate::error::LightError;

/// What the proven state says of the household in one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotVerdict {
    /// The household's bid and its settlement (entry `index` of `bidders`).
    Settled { slot: u64, side: Side, quantity_wh: u64, part: SettledPart, index: usize, bidders: usize },
    /// The slot cleared without a bid of the household (`bidders` others bid).
    NoBid { slot: u64, bidders: usize },
    /// The slot has no settlements: it has not cleared (or its record is gone).
    NotCleared { slot: u64 },
}

impl SlotVerdict {
    pub fn slot(&self) -> u64 {
        match self {
            SlotVerdict::Settled { slot, .. } | SlotVerdict::NoBid { slot, .. } | SlotVerdict::NotCleared { slot } => *slot,
        }
    }
}

/// Decides the household's verdict for `slot` from proven values: the slot's settlements and
/// the bid of every listed bidder (`bids[i]` is `bidders[i]`'s proven bid).
pub(crate) fn check_slot(
    slot: u64,
    household: &Address,
    settlements: Option<&[u8]>,
    bidders: &[Address],
    bids: &[Option<Vec<u8>>],
) -> Result<SlotVerdict, LightError> {
    debug_assert_eq!(bidders.len(), bids.len(), "one proven bid per listed bidder");
    let Some(raw) = settlements else { return Ok(SlotVerdict::NotCleared { slot }) };
    let parts = decode_settlements(raw).ok_or(LightError::SettlementsUndecodable { slot, len: raw.len() })?;
    if let Some(index) = bidders.windows(2).position(|pair| pair[0] >= pair[1]) {
        return Err(LightError::BiddersNotAscending { slot, index: index + 1 });
    }
    let mut records: Vec<BidRecord> = Vec::with_capacity(bids.len());
    for (bidder, bid) in bidders.iter().zip(bids) {
        let bidder_hex = || hex::encode(bidder);
        let raw = bid.as_deref().ok_or_else(|| LightError::ListedBidAbsent { slot, bidder: bidder_hex() })?;
        records.push(decode_bid(raw).ok_or_else(|| LightError::BidUndecodable { slot, bidder: bidder_hex() })?);
    }
    if bidders.len() != parts.len() {
        return Err(LightError::BidderCountMismatch { slot, listed: bidders.len(), settled: parts.len() });
    }
    let Ok(index) = bidders.binary_search(household) else {
        return Ok(SlotVerdict::NoBid { slot, bidders: bidders.len() });
    };
    let (record, part) = (records[index], parts[index]);
    Ok(SlotVerdict::Settled { slot, side: record.side, quantity_wh: record.quantity_wh, part, index, bidders: bidders.len() })
}
