//! The deterministic market state transition (registry, bids, clearing, settlement, mint) and the household models.
