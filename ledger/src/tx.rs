//! Transactions on the wire: a `market_runtime::Tx` into a signed envelope, and back after every check.

use market_runtime::{HouseholdKind, HouseholdSpec, MeterReading, Side, Tx, TxBody};
use prost::Message;

use crate::consensus_msg::decode_vote;
use crate::envelope::{open, seal, OpenedEnvelope};
use crate::error::{bytes32, check_chain_id, WireError};
use crate::hash::{sha256, to_hex, Hash};
use crate::limits::{MAX_CHAIN_ID_LEN, MAX_REASON_LEN, MAX_TX_BYTES};
use crate::sign::{verify_batch as verify_signatures, BatchItem, Keypair};
use crate::wire::{self, transaction::Body, EnvelopeKind, SignedEnvelope, Transaction};

/// Errors of transaction decoding are those of every decoder.
pub type TxError = WireError;

/// Longest lot identifier (the runtime's `MAX_LOT_LEN`, checked here before the runtime sees it).
pub const MAX_LOT_LEN: usize = market_runtime::params::MAX_LOT_LEN;

/// Most members of an administrator (the runtime's `MAX_ADMIN_MEMBERS`, checked here first).
pub const MAX_ADMIN_MEMBERS: usize = market_runtime::MAX_ADMIN_MEMBERS;

/// A transaction whose envelope, chain id and signature have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTx {
    /// sha256 of the envelope bytes: the transaction's id.
    pub hash: Hash,
    pub tx: Tx,
    /// The envelope exactly as received, to gossip and to put in blocks.
    pub bytes: Vec<u8>,
}

/// Signs `tx` and returns the envelope bytes. The sender is the key's public half,
/// whatever `tx.sender` says (a key cannot sign for another account). Evidence
/// transactions carry the two signed votes and are built by [`encode_evidence_tx`].
pub fn encode_tx(keypair: &Keypair, chain_id: &str, tx: &Tx) -> Result<Vec<u8>, WireError> {
    let body = match &tx.body {
        TxBody::Evidence { .. } => {
            return Err(WireError::field(
                "transaction",
                "body",
                "evidence must carry the two conflicting votes; use encode_evidence_tx",
            ))
        }
        other => body_to_wire(other),
    };
    Ok(seal_transaction(keypair, chain_id, tx.nonce, body))
}

/// Signs an equivocation report carrying two conflicting vote envelopes. The votes are
/// checked as [`decode_tx`] will check them, so a node never gossips evidence it would refuse.
pub fn encode_evidence_tx(
    keypair: &Keypair,
    chain_id: &str,
    nonce: u64,
    first_vote: &[u8],
    second_vote: &[u8],
) -> Result<Vec<u8>, WireError> {
    let evidence = evidence_of(first_vote, second_vote)?;
    check_evidence(&evidence, chain_id)?;
    Ok(seal_transaction(keypair, chain_id, nonce, Body::EquivocationEvidence(evidence)))
}

/// Checks that two vote envelopes prove a double vote, as a block would check them, without
/// signing anything: for nodes that relay evidence but cannot report it. Returns
/// (validator, height, round).
pub fn verify_evidence_votes(first_vote: &[u8], second_vote: &[u8], chain_id: &str) -> Result<([u8; 32], u64, u32), WireError> {
    check_evidence(&evidence_of(first_vote, second_vote)?, chain_id)
}

fn evidence_of(first_vote: &[u8], second_vote: &[u8]) -> Result<wire::EquivocationEvidence, WireError> {
    Ok(wire::EquivocationEvidence {
        first: Some(SignedEnvelope::decode(first_vote).map_err(|e| WireError::malformed("evidence vote", e))?),
        second: Some(SignedEnvelope::decode(second_vote).map_err(|e| WireError::malformed("evidence vote", e))?),
    })
}

fn seal_transaction(keypair: &Keypair, chain_id: &str, nonce: u64, body: Body) -> Vec<u8> {
    let payload = Transaction { chain_id: chain_id.to_string(), nonce, body: Some(body) }.encode_to_vec();
    seal(keypair, EnvelopeKind::Transaction, chain_id, payload)
}

/// Decodes, checks and verifies one transaction envelope.
pub fn decode_tx(bytes: &[u8], chain_id: &str) -> Result<VerifiedTx, WireError> {
    let (opened, tx) = decode_unverified(bytes, chain_id)?;
    opened.verify(chain_id)?;
    Ok(VerifiedTx { hash: sha256(bytes), tx, bytes: bytes.to_vec() })
}

/// Decodes a transaction of a block this node already committed, without verifying its
/// signature again: the signature was checked before the block was executed, and the store
/// is trusted. For read paths (indexes rebuilt at start), never for admission.
pub fn decode_committed_tx(bytes: &[u8], chain_id: &str) -> Result<Tx, WireError> {
    decode_unverified(bytes, chain_id).map(|(_, tx)| tx)
}

/// Decodes and checks many transactions, verifying all signatures in one batch (a
/// block's transactions, a mempool batch). The first failure is returned with its
/// index in `txs` (`Batch { index }` for a bad signature).
pub fn verify_batch<T: AsRef<[u8]>>(txs: &[T], chain_id: &str) -> Result<Vec<VerifiedTx>, IndexedTxError> {
    let mut verified = Vec::with_capacity(txs.len());
    let mut items = Vec::with_capacity(txs.len());
    for (index, bytes) in txs.iter().enumerate() {
        let bytes = bytes.as_ref();
        let (opened, tx) = decode_unverified(bytes, chain_id).map_err(|error| IndexedTxError { index, error })?;
        items.push(BatchItem {
            key: opened.key,
            domain: opened.domain,
            digest: opened.digest(chain_id),
            signature: opened.signature,
        });
        verified.push(VerifiedTx { hash: sha256(bytes), tx, bytes: bytes.to_vec() });
    }
    verify_signatures(&items).map_err(|err| IndexedTxError { index: err.index, error: WireError::Batch(err) })?;
    Ok(verified)
}

/// A transaction of a batch that was refused, and its index in the batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("transaction {index}: {error}")]
pub struct IndexedTxError {
    pub index: usize,
    pub error: WireError,
}

/// Checks a transaction's nonce against the sender's next nonce, for the mempool
/// (the runtime checks it again when executing).
pub fn check_nonce(next_nonce: u64, tx: &Tx) -> Result<(), WireError> {
    let sender = to_hex(&tx.sender);
    match tx.nonce.cmp(&next_nonce) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Less => Err(WireError::NonceReused { sender, got: tx.nonce, expected: next_nonce }),
        std::cmp::Ordering::Greater => Err(WireError::NonceGap { sender, got: tx.nonce, expected: next_nonce }),
    }
}

fn decode_unverified(bytes: &[u8], chain_id: &str) -> Result<(OpenedEnvelope, Tx), WireError> {
    let opened = open(bytes, MAX_TX_BYTES, &[EnvelopeKind::Transaction], "transaction")?;
    let transaction =
        Transaction::decode(opened.payload.as_slice()).map_err(|e| WireError::malformed("transaction", e))?;
    crate::canonical::check_canonical("transaction", &opened.payload, &transaction)?;
    if transaction.chain_id.len() > MAX_CHAIN_ID_LEN {
        return Err(WireError::Oversize { what: "chain id", len: transaction.chain_id.len(), max: MAX_CHAIN_ID_LEN });
    }
    check_chain_id(chain_id, &transaction.chain_id)?;
    let body = transaction
        .body
        .ok_or_else(|| WireError::field("transaction", "body", "is missing"))?;
    let body = body_from_wire(body, chain_id)?;
    let tx = Tx { sender: opened.signer, nonce: transaction.nonce, body };
    Ok((opened, tx))
}

fn body_to_wire(body: &TxBody) -> Body {
    match body {
        TxBody::RegisterHousehold(spec) => Body::RegisterHousehold(wire::RegisterHousehold {
            pv_capacity_w: spec.pv_capacity_w,
            battery_wh: spec.battery_wh,
            battery_w: spec.battery_w,
            import_limit_w: spec.import_limit_w,
            kind: match spec.kind {
                HouseholdKind::Villa => wire::HouseholdKind::Villa,
                HouseholdKind::Flat => wire::HouseholdKind::Flat,
            } as i32,
            lot: spec.lot.clone(),
            node_key: spec.node_key.map(|k| k.to_vec()).unwrap_or_default(),
        }),
        TxBody::ApproveHousehold { household } => {
            Body::ApproveHousehold(wire::ApproveHousehold { household: household.to_vec() })
        }
        TxBody::RejectHousehold { household, reason } => Body::RejectHousehold(wire::RejectHousehold {
            household: household.to_vec(),
            reason: reason.clone(),
        }),
        TxBody::OpenMarket => Body::OpenMarket(wire::OpenMarket {}),
        TxBody::CloseMarket => Body::CloseMarket(wire::CloseMarket {}),
        TxBody::Bid { slot, side, quantity_wh, meter, limit_price } => Body::Bid(wire::Bid {
            slot: *slot,
            side: match side {
                Side::Buy => wire::Side::Buy,
                Side::Sell => wire::Side::Sell,
            } as i32,
            quantity_wh: *quantity_wh,
            meter: meter.as_ref().map(reading_to_wire),
            limit_price: *limit_price,
        }),
        TxBody::MeterReport { slot, reading } => {
            Body::MeterReport(wire::MeterReport { slot: *slot, reading: Some(reading_to_wire(reading)) })
        }
        TxBody::Transfer { to, amount } => Body::Transfer(wire::Transfer { to: to.to_vec(), amount: *amount }),
        TxBody::ValidatorUpdate { validator, power, node_key } => Body::ValidatorUpdate(wire::ValidatorUpdate {
            validator: validator.to_vec(),
            power: *power,
            node_key: node_key.map(|k| k.to_vec()).unwrap_or_default(),
        }),
        TxBody::SetAdministrator { threshold, members } => Body::SetAdministrator(wire::SetAdministrator {
            threshold: *threshold,
            members: members.iter().map(|m| m.to_vec()).collect(),
        }),
        TxBody::ScheduleUpgrade { version, height } => {
            Body::ScheduleUpgrade(wire::ScheduleUpgrade { version: *version, height: *height })
        }
        // Refused by encode_tx before we get here; an empty evidence is what it would
        // be without votes, and decode_tx refuses it.
        TxBody::Evidence { .. } => Body::EquivocationEvidence(wire::EquivocationEvidence::default()),
    }
}

fn body_from_wire(body: Body, chain_id: &str) -> Result<TxBody, WireError> {
    const WHAT: &str = "transaction";
    Ok(match body {
        Body::RegisterHousehold(spec) => {
            if spec.lot.len() > MAX_LOT_LEN {
                return Err(WireError::Oversize { what: "lot", len: spec.lot.len(), max: MAX_LOT_LEN });
            }
            let kind = match wire::HouseholdKind::try_from(spec.kind) {
                Ok(wire::HouseholdKind::Villa) => HouseholdKind::Villa,
                Ok(wire::HouseholdKind::Flat) => HouseholdKind::Flat,
                _ => return Err(WireError::UnknownKind { what: "household", value: spec.kind }),
            };
            TxBody::RegisterHousehold(HouseholdSpec {
                pv_capacity_w: spec.pv_capacity_w,
                battery_wh: spec.battery_wh,
                battery_w: spec.battery_w,
                import_limit_w: spec.import_limit_w,
                kind,
                lot: spec.lot,
                node_key: optional_key(WHAT, &spec.node_key)?,
            })
        }
        Body::ApproveHousehold(approve) => TxBody::ApproveHousehold {
            household: bytes32(WHAT, "household", &approve.household)?,
        },
        Body::RejectHousehold(reject) => {
            if reject.reason.len() > MAX_REASON_LEN {
                return Err(WireError::Oversize { what: "reason", len: reject.reason.len(), max: MAX_REASON_LEN });
            }
            TxBody::RejectHousehold { household: bytes32(WHAT, "household", &reject.household)?, reason: reject.reason }
        }
        Body::OpenMarket(_) => TxBody::OpenMarket,
        Body::CloseMarket(_) => TxBody::CloseMarket,
        Body::Bid(bid) => {
            let side = match wire::Side::try_from(bid.side) {
                Ok(wire::Side::Buy) => Side::Buy,
                Ok(wire::Side::Sell) => Side::Sell,
                _ => return Err(WireError::UnknownKind { what: "bid side", value: bid.side }),
            };
            // Range checks are the runtime's (`market_runtime::chain::meter`), so that a
            // rejected reading gets a typed error naming the field, like every other bid check.
            let meter = bid.meter.map(reading_from_wire);
            // The price's range is the runtime's too (`LimitPriceOutOfRange` names the bounds).
            TxBody::Bid { slot: bid.slot, side, quantity_wh: bid.quantity_wh, meter, limit_price: bid.limit_price }
        }
        Body::Transfer(transfer) => TxBody::Transfer { to: bytes32(WHAT, "to", &transfer.to)?, amount: transfer.amount },
        Body::ValidatorUpdate(update) => TxBody::ValidatorUpdate {
            validator: bytes32(WHAT, "validator", &update.validator)?,
            power: update.power,
            node_key: optional_key(WHAT, &update.node_key)?,
        },
        Body::SetAdministrator(set) => {
            // Counted before the keys are copied; the threshold and repeats are the runtime's
            // to refuse (`AdminSetError` names what is wrong).
            if set.members.len() > MAX_ADMIN_MEMBERS {
                return Err(WireError::Oversize { what: "administrator members", len: set.members.len(), max: MAX_ADMIN_MEMBERS });
            }
            let members = set.members.iter().map(|m| bytes32(WHAT, "members", m)).collect::<Result<Vec<_>, _>>()?;
            TxBody::SetAdministrator { threshold: set.threshold, members }
        }
        Body::ScheduleUpgrade(up) => TxBody::ScheduleUpgrade { version: up.version, height: up.height },
        Body::EquivocationEvidence(evidence) => {
            let (validator, height, round) = check_evidence(&evidence, chain_id)?;
            TxBody::Evidence { validator, height, round }
        }
        Body::MeterReport(report) => {
            // A report without a reading says nothing; its values' ranges are the runtime's,
            // as for a bid's reading.
            let reading = report.reading.ok_or_else(|| WireError::field("meter report", "reading", "is missing"))?;
            TxBody::MeterReport { slot: report.slot, reading: reading_from_wire(reading) }
        }
    })
}

fn reading_to_wire(m: &MeterReading) -> wire::MeterReading {
    wire::MeterReading {
        generation_wh: m.generation_wh,
        load_wh: m.load_wh,
        battery_soc_wh: m.battery_soc_wh,
        battery_capacity_wh: m.battery_capacity_wh,
    }
}

fn reading_from_wire(m: wire::MeterReading) -> MeterReading {
    MeterReading {
        generation_wh: m.generation_wh,
        load_wh: m.load_wh,
        battery_soc_wh: m.battery_soc_wh,
        battery_capacity_wh: m.battery_capacity_wh,
    }
}

/// An optional 32-byte key field: empty is none, anything else must be exactly 32 bytes.
fn optional_key(what: &'static str, bytes: &[u8]) -> Result<Option<[u8; 32]>, WireError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    bytes32(what, "node_key", bytes).map(Some)
}

/// Checks that the two votes are validly signed by one validator, of one type, for one
/// height and round, and for different blocks. Returns (validator, height, round).
fn check_evidence(evidence: &wire::EquivocationEvidence, chain_id: &str) -> Result<([u8; 32], u64, u32), WireError> {
    const WHAT: &str = "equivocation evidence";
    let first = evidence.first.as_ref().ok_or_else(|| WireError::field(WHAT, "first", "is missing"))?;
    let second = evidence.second.as_ref().ok_or_else(|| WireError::field(WHAT, "second", "is missing"))?;
    let first = decode_vote(&first.encode_to_vec(), chain_id)?;
    let second = decode_vote(&second.encode_to_vec(), chain_id)?;
    if first.validator != second.validator {
        return Err(WireError::field(WHAT, "second", "is signed by another validator"));
    }
    if (first.vote_type, first.height, first.round) != (second.vote_type, second.height, second.round) {
        return Err(WireError::field(WHAT, "second", "is for another step, height or round"));
    }
    if first.block_hash == second.block_hash {
        return Err(WireError::field(WHAT, "second", "votes for the same block: no equivocation"));
    }
    Ok((first.validator, first.height, first.round))
}
