//! Block-sync messages: a lagging node's request and a peer's response of committed blocks.

use prost::Message;

use crate::block::check_block;
use crate::canonical::check_canonical;
use crate::error::{check_len, WireError};
use crate::limits::{MAX_SYNC_BLOCKS, MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES, MAX_BLOCK_TXS, MAX_CERT_SIGNATURES};
use crate::prescan::{count_field, for_each_field};
use crate::wire::{SyncRequest, SyncResponse};

/// Decodes a sync request and checks its range.
pub fn decode_sync_request(bytes: &[u8]) -> Result<SyncRequest, WireError> {
    check_len("sync request", bytes, MAX_SYNC_REQUEST_BYTES)?;
    let request = SyncRequest::decode(bytes).map_err(|e| WireError::malformed("sync request", e))?;
    check_canonical("sync request", bytes, &request)?;
    if request.from_height == 0 {
        return Err(WireError::field("sync request", "from_height", "must be at least 1"));
    }
    let max = usize::try_from(request.max_blocks).unwrap_or(usize::MAX);
    if max == 0 || max > MAX_SYNC_BLOCKS {
        return Err(WireError::field(
            "sync request",
            "max_blocks",
            format!("is {}, must be 1 to {MAX_SYNC_BLOCKS}", request.max_blocks),
        ));
    }
    Ok(request)
}

/// Decodes a sync response: sizes and counts before decoding (blocks, and inside each
/// its transactions and signatures), then each block's shape, chain id and that the
/// heights ascend by one from the first. Certificates are checked by the node against
/// the validator set of each height.
pub fn decode_sync_response(bytes: &[u8], chain_id: &str) -> Result<SyncResponse, WireError> {
    check_len("sync response", bytes, MAX_SYNC_RESPONSE_BYTES)?;
    let count = count_field("sync response", bytes, 1)?;
    if count > MAX_SYNC_BLOCKS {
        return Err(WireError::TooMany { what: "sync response", items: "blocks", count, max: MAX_SYNC_BLOCKS });
    }
    let mut nested = Ok(());
    for_each_field("sync response", bytes, 1, |committed| {
        if nested.is_ok() {
            nested = check_committed_counts(committed);
        }
    })?;
    nested?;
    let response = SyncResponse::decode(bytes).map_err(|e| WireError::malformed("sync response", e))?;
    check_canonical("sync response", bytes, &response)?;
    let mut expected_height = None;
    for committed in &response.blocks {
        let block = committed
            .block
            .as_ref()
            .ok_or_else(|| WireError::field("sync response", "blocks.block", "is missing"))?;
        check_block(block, chain_id)?;
        let certificate = committed
            .certificate
            .as_ref()
            .ok_or_else(|| WireError::field("sync response", "blocks.certificate", "is missing"))?;
        let height = block.height();
        if certificate.height != height {
            return Err(WireError::field(
                "sync response",
                "blocks.certificate.height",
                format!("is {} for a block at height {height}", certificate.height),
            ));
        }
        if let Some(expected) = expected_height {
            if height != expected {
                return Err(WireError::field(
                    "sync response",
                    "blocks",
                    format!("height {height} follows where {expected} was expected"),
                ));
            }
        }
        expected_height = height.checked_add(1);
    }
    Ok(response)
}

/// Counts, inside one encoded CommittedBlock, the block's transactions (field 1, then
/// 2) and the certificate's signatures (field 2, then 4). Protobuf merges repeated
/// occurrences of a message field, so the counts are summed over all occurrences.
fn check_committed_counts(committed: &[u8]) -> Result<(), WireError> {
    let txs = nested_count("committed block", committed, 1, 2)?;
    if txs > MAX_BLOCK_TXS {
        return Err(WireError::TooMany { what: "block", items: "transactions", count: txs, max: MAX_BLOCK_TXS });
    }
    let signatures = nested_count("committed block", committed, 2, 4)?;
    if signatures > MAX_CERT_SIGNATURES {
        return Err(WireError::TooMany {
            what: "certificate",
            items: "signatures",
            count: signatures,
            max: MAX_CERT_SIGNATURES,
        });
    }
    Ok(())
}

/// The number of `inner` fields summed over every occurrence of message field `outer`.
fn nested_count(what: &'static str, bytes: &[u8], outer: u64, inner: u64) -> Result<usize, WireError> {
    let mut total = 0usize;
    let mut result = Ok(());
    for_each_field(what, bytes, outer, |message| match count_field(what, message, inner) {
        Ok(count) => total = total.saturating_add(count),
        Err(err) => result = Err(err),
    })?;
    result.map(|()| total)
}
