//! A running hash of everything that happens in a run: equal hashes for equal seeds is
//! how the tests prove the simulator replays exactly.

use crate::testing::fnv1a;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Trace {
    hash: u64,
}

impl Trace {
    pub(crate) fn new(seed: u64) -> Self {
        Self { hash: fnv1a(&[&seed.to_be_bytes()]) }
    }

    pub(crate) fn record(&mut self, parts: &[&[u8]]) {
        let part = fnv1a(parts);
        self.hash = fnv1a(&[&self.hash.to_be_bytes(), &part.to_be_bytes()]);
    }

    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }
}
