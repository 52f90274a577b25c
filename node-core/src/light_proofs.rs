//! State proofs for light clients, made by the task that owns the state tree: values and proofs of one committed state, bounded in bytes.

use ledger::state::Proof;
use ledger::store::{Backend, StoreError};

use crate::chain::Chain;

/// Committed values (`None`: absent) with their proofs against the state root after
/// `height`, which header `height + 1` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proven {
    pub height: u64,
    pub entries: Vec<(Option<Vec<u8>>, Proof)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the values and proofs of the first {keys} keys take {bytes} bytes, over the {max} one answer may hold: ask for fewer keys")]
    TooLarge { keys: usize, bytes: usize, max: usize },
}

/// Proves `keys` in the committed state, refusing once values and proofs exceed `max_bytes`
/// (a slot's settlements grow with the community: a few of them could be megabytes).
pub fn prove<B: Backend>(chain: &mut Chain<B>, keys: &[Vec<u8>], max_bytes: usize) -> Result<Proven, ProveError> {
    let height = chain.tip().height;
    let store = chain.store().clone();
    let state = chain.state_mut();
    // Between two commits the state has no pending writes: values and proofs are of one state.
    debug_assert!(state.pending().is_empty(), "proofs are asked between commits");
    let mut entries = Vec::with_capacity(keys.len());
    let mut bytes = 0usize;
    for (index, key) in keys.iter().enumerate() {
        let value = store.state_get(key)?;
        let proof = state.prove(key);
        let size = value.as_ref().map_or(0, Vec::len) + 64 * proof.entries.len() + 32 * proof.siblings.len();
        bytes = bytes.saturating_add(size);
        if bytes > max_bytes {
            return Err(ProveError::TooLarge { keys: index + 1, bytes, max: max_bytes });
        }
        entries.push((value, proof));
    }
    Ok(Proven { height, entries })
}
