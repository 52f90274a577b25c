//! The state's key layout. Integers in keys are big-endian so that key order is numeric order.
//!
//! | key | value (see `codec`) |
//! |---|---|
//! | `meta/admin` | the administrator (`admin`): a single key as its 32 bytes; a k-of-n rule as threshold (u8), count (u8), members (32 bytes each) |
//! | `adm/<action id>` | an open proposal of a k-of-n administrator (`admin_approvals`): opened-at slot (u64 LE), approvers (32 bytes each, ascending) |
//! | `meta/grid` | grid account address (32 bytes) |
//! | `meta/params` | `MarketParams` |
//! | `meta/open` | 1 byte: market open (1) or closed (0) |
//! | `meta/cleared` | u64 LE: last cleared slot (absent: none yet) |
//! | `meta/protocol` | u32 LE: the active protocol version (absent: 0, the genesis protocol) (`upgrade`) |
//! | `meta/upgrade` | a scheduled upgrade: version (u32 LE), height (u64 LE) (`upgrade`) |
//! | `meta/kept_from` | u64 LE: under a genesis `retention_slots`, the lowest slot whose `bid/`, `stl/`, `slot/`, `mrep/` and `mclose/` records may still be in the state (`retention`) |
//! | `acct/<addr>` | `Account`: balance, reserved, nonce (3 x u64 LE) |
//! | `hh/<addr>` | `Household`, then the node key (32 bytes) if the household gave one |
//! | `meter/<addr>` | the household's latest meter reading: slot, then 4 x u64 LE (see `codec`) |
//! | `bid/<slot BE>/<addr>` | `BidRecord`: side (1 byte), quantity Wh (u64 LE), then the limit price (u64 LE) if any and the feeder index (u16 LE) under a topology |
//! | `stl/<slot BE>` | the slot's settlements, 32 bytes per bid in `bid/` key order |
//! | `side/<slot BE>` | running totals of a slot's bids: sell Wh, buy Wh (2 x u64 LE) |
//! | `slot/<slot BE>` | the `SlotClearing` summary (settlements are under `stl/`), then its grid flows under a topology |
//! | `val/<addr>` | validator power (u64 LE), then the node key (32 bytes) if one was given |
//! | `meta/signing_set` | height (u64 LE), then per validator 32-byte address + power (u64 LE): the set that validated `height`, written when block `height` changes the registry |
//! | `evid/<addr>/<height BE>/<round BE>` | empty: evidence already handled |
//! | `pend/<addr>` | u64 LE: the last cleared slot when this household's pending registration was made |
//! | `meta/pending` | u64 LE: how many `pend/` entries there are (absent: 0) |
//! | `mrep/<slot BE>/<addr>` | a metered settlement of the household for the slot (`metering::encode_record`), from its report or the no-reading rule |
//! | `mwin/<slot BE>` | an open metering window: the slot's bidders, and how many of them reported (2 x u64 LE); once a `worst-plausible` close has started, also the households settled by the rule so far (u64 LE) and the last address visited (32 bytes) |
//! | `mclose/<slot BE>` | a closed metering window: rule (1 byte), bidders, reported, settled by the rule (3 x u64 LE) |
//! | `mdebt/<addr>` | u64 LE: shortfall charges the household's balance could not cover (absent: none) |
//!
//! The `m*` keys are written only under a genesis with `metering`.

use super::types::Address;

pub const ADMIN: &[u8] = b"meta/admin";
pub const GRID: &[u8] = b"meta/grid";
pub const PARAMS: &[u8] = b"meta/params";
pub const OPEN: &[u8] = b"meta/open";
pub const CLEARED: &[u8] = b"meta/cleared";
pub const KEPT_FROM: &[u8] = b"meta/kept_from";
pub const PROTOCOL: &[u8] = b"meta/protocol";
pub const UPGRADE: &[u8] = b"meta/upgrade";
pub const SIGNING_SET: &[u8] = b"meta/signing_set";
pub const ACCOUNT_PREFIX: &[u8] = b"acct/";
pub const HOUSEHOLD_PREFIX: &[u8] = b"hh/";
pub const BID_PREFIX: &[u8] = b"bid/";
pub const VALIDATOR_PREFIX: &[u8] = b"val/";
pub const PENDING_PREFIX: &[u8] = b"pend/";
pub const PENDING_COUNT: &[u8] = b"meta/pending";
pub const ADMIN_PROPOSAL_PREFIX: &[u8] = b"adm/";

fn join(prefix: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let len = prefix.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut key = Vec::with_capacity(len);
    key.extend_from_slice(prefix);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push(b'/');
        }
        key.extend_from_slice(part);
    }
    key
}

pub fn account(addr: &Address) -> Vec<u8> {
    join(ACCOUNT_PREFIX, &[addr])
}

pub fn household(addr: &Address) -> Vec<u8> {
    join(HOUSEHOLD_PREFIX, &[addr])
}

/// One key per household, overwritten by each newer reading, so state does not grow per slot.
pub fn meter(addr: &Address) -> Vec<u8> {
    join(b"meter/", &[addr])
}

/// All bids of a slot share this prefix; a scan returns them in address order.
pub fn slot_bids(slot: u64) -> Vec<u8> {
    let mut key = join(BID_PREFIX, &[&slot.to_be_bytes()]);
    key.push(b'/');
    key
}

pub fn bid(slot: u64, addr: &Address) -> Vec<u8> {
    join(BID_PREFIX, &[&slot.to_be_bytes(), addr])
}

/// The address at the end of a key (`bid/<slot>/<addr>`, `val/<addr>`, `acct/<addr>`).
pub fn trailing_address(key: &[u8]) -> Option<Address> {
    let tail = key.len().checked_sub(32)?;
    key[tail..].try_into().ok()
}

pub fn side_totals(slot: u64) -> Vec<u8> {
    join(b"side/", &[&slot.to_be_bytes()])
}

pub fn slot(slot: u64) -> Vec<u8> {
    join(b"slot/", &[&slot.to_be_bytes()])
}

pub fn settlements(slot: u64) -> Vec<u8> {
    join(b"stl/", &[&slot.to_be_bytes()])
}

/// One key per pending registration, so the queue's oldest can be found without reading `hh/`.
pub fn pending(addr: &Address) -> Vec<u8> {
    join(PENDING_PREFIX, &[addr])
}

/// One key per open admin proposal, named by the action's id (`AdminAction::id`).
pub fn admin_proposal(id: &[u8; 32]) -> Vec<u8> {
    join(ADMIN_PROPOSAL_PREFIX, &[id])
}

pub fn validator(addr: &Address) -> Vec<u8> {
    join(VALIDATOR_PREFIX, &[addr])
}

pub fn evidence(addr: &Address, height: u64, round: u32) -> Vec<u8> {
    join(b"evid/", &[addr, &height.to_be_bytes(), &round.to_be_bytes()])
}

pub const METER_WINDOW_PREFIX: &[u8] = b"mwin/";

pub fn metered(slot: u64, addr: &Address) -> Vec<u8> {
    join(b"mrep/", &[&slot.to_be_bytes(), addr])
}

/// All metered settlements of a slot share this prefix; a scan returns them in address order.
pub fn slot_metered(slot: u64) -> Vec<u8> {
    let mut key = join(b"mrep/", &[&slot.to_be_bytes()]);
    key.push(b'/');
    key
}

/// Open windows are few (at most the window's length, plus slots a jump of the chain made due
/// at once), so scanning the prefix each block is cheap.
pub fn meter_window(slot: u64) -> Vec<u8> {
    join(METER_WINDOW_PREFIX, &[&slot.to_be_bytes()])
}

pub fn meter_window_closed(slot: u64) -> Vec<u8> {
    join(b"mclose/", &[&slot.to_be_bytes()])
}

pub fn meter_debt(addr: &Address) -> Vec<u8> {
    join(b"mdebt/", &[addr])
}

/// Printable form of a key for error messages.
pub fn display(key: &[u8]) -> String {
    key.iter()
        .map(|b| if b.is_ascii_graphic() { (*b as char).to_string() } else { format!("{b:02x}") })
        .collect()
}
