//! Limits on every length and count that arrives from the network, checked before decoding.

/// Longest chain id, in bytes.
pub const MAX_CHAIN_ID_LEN: usize = 64;
/// Largest transaction envelope (an evidence transaction carries two votes).
pub const MAX_TX_BYTES: usize = 4 * 1024;
/// Largest vote envelope.
pub const MAX_VOTE_BYTES: usize = 1024;
/// Most transactions in one block.
pub const MAX_BLOCK_TXS: usize = 20_000;
/// Largest encoded block: every transaction at its maximum would not fit, on purpose;
/// a block of typical bids (about 200 bytes each) fits many times over.
pub const MAX_BLOCK_BYTES: usize = 16 * 1024 * 1024;
/// Largest proposal envelope: a block plus the proposal's own fields.
pub const MAX_PROPOSAL_BYTES: usize = MAX_BLOCK_BYTES + 1024;
/// Largest consensus gossip message (`ConsensusGossip`): a proposal with the largest block,
/// whose own fields (82 sign bytes, a 64-byte signature, keys and length varints) take
/// under 200 bytes; votes and evidence are a few hundred bytes.
pub const MAX_CONSENSUS_GOSSIP_BYTES: usize = MAX_BLOCK_BYTES + 1024;
/// Most signatures in one commit certificate (at most one per validator).
pub const MAX_CERT_SIGNATURES: usize = 1_000;
/// Largest encoded commit certificate.
pub const MAX_CERT_BYTES: usize = MAX_CERT_SIGNATURES * 110 + 128;
/// Largest value of a bid's meter reading field, in Wh (the runtime's `MAX_METER_WH`; the
/// runtime checks it, so the refusal names the field). A reading adds at most 4 varints of
/// 10 bytes plus tags to a bid, well inside `MAX_TX_BYTES`.
pub const MAX_METER_WH: u64 = market_runtime::params::MAX_METER_WH;
/// Longest rejection reason, in bytes.
pub const MAX_REASON_LEN: usize = 256;
/// Most blocks in one sync response.
pub const MAX_SYNC_BLOCKS: usize = 64;
/// Largest sync request.
pub const MAX_SYNC_REQUEST_BYTES: usize = 64;
/// Largest sync response; a responder sends fewer blocks rather than exceed it.
pub const MAX_SYNC_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// Most transactions in one transaction batch (gossip, `POST /txs/batch`).
pub const MAX_TX_BATCH_TXS: usize = 2_048;
/// Largest transaction batch: every transaction at its maximum, each with its key byte and
/// a length varint of at most 2 bytes (4 KiB needs 2).
pub const MAX_TX_BATCH_BYTES: usize = MAX_TX_BATCH_TXS * (MAX_TX_BYTES + 3);
