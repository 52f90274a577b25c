//! A household's bill, verified: its account and its settlements in the last cleared slots, each value proven against a certificate-verified header.
//!
//! Everything is asked first and checked after: the node proves the state after its latest
//! block H, which only header H+1 commits to, so asking first lets one wait for block H+1
//! cover every answer given at H.

use ledger::Address;
use market_runtime::codec::{decode_account, decode_u64};
use market_runtime::{keys, Account};

use crate::error::LightError;
use crate::proofs::{ask, check, display_key, Claimed, MAX_KEYS_PER_REQUEST};
use crate::settlement::{check_slot, SlotVerdict};
use crate::source::Source;
use crate::verifier::Verifier;

/// Most bidders of one slot the light client proves (each costs a proof of about 1 KB):
/// a community of thousands of homes, not a benchmark of a million.
pub const MAX_BIDDERS_PER_SLOT: usize = 20_000;

/// Most slots one verification checks: the node's answers for all of them are held until
/// checked (up to a proof per bidder per slot).
pub const MAX_SLOTS: u64 = 48;

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

/// One slot's questions: the node's list of bidders and its answers for the slot's keys.
struct SlotClaims {
    slot: u64,
    bidders: Vec<Address>,
    answers: Vec<Claimed>,
}

/// Verifies `address`'s account and its settlements in the last `slots` cleared slots.
pub fn verify_bill<S: Source>(verifier: &mut Verifier, source: &mut S, address: &Address, slots: u64) -> Result<Bill, LightError> {
    if slots > MAX_SLOTS {
        return Err(LightError::TooManySlots { asked: slots, max: MAX_SLOTS });
    }
    let account_key = keys::account(address);
    let account_claim = ask(source, vec![account_key.clone(), keys::CLEARED.to_vec()])?;
    // The claimed last slot only chooses what to ask; its proof is checked below.
    let claimed_cleared = account_claim.claimed_value(1).and_then(decode_u64);
    let mut claims = Vec::new();
    if let Some(newest) = claimed_cleared.filter(|_| slots > 0) {
        let oldest = newest.saturating_sub(slots - 1).max(1);
        for slot in (oldest..=newest).rev() {
            claims.push(ask_slot(source, slot)?);
        }
    }
    let proven = check(verifier, source, account_claim)?;
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
    let mut verdicts = Vec::with_capacity(claims.len());
    for claim in claims {
        verdicts.push(check_slot_claims(verifier, source, address, claim)?);
    }
    let headers_checked = verifier.headers_fetched();
    Ok(Bill { address: *address, account, state_height, last_cleared, slots: verdicts, headers_checked })
}

/// Asks for `slot`'s bidders, then for its settlements and every listed bid, in requests of at
/// most [`MAX_KEYS_PER_REQUEST`] keys.
fn ask_slot<S: Source>(source: &mut S, slot: u64) -> Result<SlotClaims, LightError> {
    let bidders = list_bidders(source, slot)?;
    let mut keys_asked: Vec<Vec<u8>> = Vec::with_capacity(bidders.len() + 1);
    keys_asked.push(keys::settlements(slot));
    keys_asked.extend(bidders.iter().map(|bidder| keys::bid(slot, bidder)));
    let mut answers = Vec::new();
    for chunk in keys_asked.chunks(MAX_KEYS_PER_REQUEST) {
        answers.push(ask(source, chunk.to_vec())?);
    }
    Ok(SlotClaims { slot, bidders, answers })
}

fn check_slot_claims<S: Source>(verifier: &mut Verifier, source: &mut S, address: &Address, claims: SlotClaims) -> Result<SlotVerdict, LightError> {
    let mut values = Vec::with_capacity(claims.bidders.len() + 1);
    for answer in claims.answers {
        values.extend(check(verifier, source, answer)?.values);
    }
    let mut values = values.into_iter();
    let settlements = values.next().flatten();
    let bids: Vec<Option<Vec<u8>>> = values.collect();
    check_slot(claims.slot, address, settlements.as_deref(), &claims.bidders, &bids)
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
