//! Sans-IO, stake-weighted Tendermint-style BFT consensus: inputs in, messages, timers and decisions out.
