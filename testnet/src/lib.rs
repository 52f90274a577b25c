//! Docker testnet runner: applies a manifest of perturbations and checks the network's invariants over RPC.
