//! A household's bill, verified: its account and its settlements in the last cleared slots, each value proven against a certificate-verified header.

use ledger::Address;
use market_runtime::codec::{decode_account, decode_u64};
use market_runtime::{keys, Account};

use crate::error::LightError;
use crate::proofs::{display_key, prove, MAX_KEYS_PER_REQUEST};
use crate::settlement::{check_slot, SlotVerdict};
use crate::source::Source;
use crate::verifier::Verifier;

/// Most bidders of one slot the light client proves (each costs a proof of about 1 KB):
/// a community of thousands of homes, not a benchmark of a million.
pub const MAX_BIDDERS_PER_SLOT: usize = 20_000;

/// What was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub address: Address,
    /// `None`: the account is proven absent (it holds nothing).
    pub account: Option<Account>,
    /// The height whose post-state proved the account; header `state_height + 1` was verified.
    pub state_height: u64,
    /// The last cleared slot in that state (`None`: none yet).
    pub last_cleared: Option<u64>,
    /// Newest slot first.
    pub slots: Vec<SlotVerdict>,
    /// Headers fetched and checked, bisection included.
    pub headers_checked: usize,
}

/// Verifies `address`'s account and its settlements in the last `slots` cleared slots.
pub fn verify_bill<S: Source>(verifier: &mut Verifier, source: &mut S, address: &Address, slots: u64) -> Result<Bill, LightError> {
    let account_key = keys::account(address);
    let proven = prove(verifier, source, &[account_key.clone(), keys::CLEARED.to_vec()])?;
    let state_height = proven.height;
    let account = match proven.values.first().and_then(Option::as_deref) {
        None => None,
        Some(raw) => Some(decode_account(raw).ok_or_else(|| LightError::AccountUndecodable {
            height: state_height,
            key: display_key(&account_key),
            len: raw.len(),
        })?),
    };
    let last_cleared = match proven.values.get(1).and_then(Option::as_deref) {
        None => None,
        Some(raw) => Some(decode_u64(raw).ok_or(LightError::ClearedUndecodable { height: state_height, len: raw.len() })?),
    };
    let mut verdicts = Vec::new();
    if let Some(newest) = last_cleared.filter(|_| slots > 0) {
        let oldest = newest.saturating_sub(slots - 1).max(1);
        for slot in (oldest..=newest).rev() {
            verdicts.push(verify_slot(verifier, source, address, slot)?);
        }
    }
    let headers_checked = verifier.headers_fetched();
    Ok(Bill { address: *address, account, state_height, last_cleared, slots: verdicts, headers_checked })
}

/// The household's verdict in `slot`: the node's list of bidders, then proofs of the slot's
/// settlements and of every listed bid, in requests of at most [`MAX_KEYS_PER_REQUEST`] keys.
fn verify_slot<S: Source>(verifier: &mut Verifier, source: &mut S, address: &Address, slot: u64) -> Result<SlotVerdict, LightError> {
    let bidders = list_bidders(source, slot)?;
    let mut keys_asked: Vec<Vec<u8>> = Vec::with_capacity(bidders.len() + 1);
    keys_asked.push(keys::settlements(slot));
    keys_asked.extend(bidders.iter().map(|bidder| keys::bid(slot, bidder)));
    let mut values = Vec::with_capacity(keys_asked.len());
    for chunk in keys_asked.chunks(MAX_KEYS_PER_REQUEST) {
        values.extend(prove(verifier, source, chunk)?.values);
    }
    let mut values = values.into_iter();
    let settlements = values.next().flatten();
    let bids: Vec<Option<Vec<u8>>> = values.collect();
    check_slot(slot, address, settlements.as_deref(), &bidders, &bids)
}

/// The node's list of `slot`'s bidders, page by page. Untrusted: [`check_slot`] proves it.
fn list_bidders<S: Source>(source: &mut S, slot: u64) -> Result<Vec<Address>, LightError> {
    let mut bidders: Vec<Address> = Vec::new();
    loop {
        let page = source
            .bidders(slot, bidders.last(), MAX_KEYS_PER_REQUEST)
            .map_err(|e| LightError::source(format!("the bidders of slot {slot}"), e))?;
        let full = page.len() >= MAX_KEYS_PER_REQUEST;
        if page.len() > MAX_KEYS_PER_REQUEST || bidders.len().saturating_add(page.len()) > MAX_BIDDERS_PER_SLOT {
            return Err(LightError::TooManyBidders { slot, max: MAX_BIDDERS_PER_SLOT });
        }
        bidders.extend(page);
        if !full {
            return Ok(bidders);
        }
    }
}
