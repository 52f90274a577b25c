//! The attack suite (issue 11): hostile peers and RPC clients against real `solartrade start`
//! processes, one scenario per file. One test binary, because each links RocksDB and libp2p;
//! scenarios run one at a time, each on a fresh four-validator network on its own ports.
//!
//! Run one: `cargo test --release -p solartrade --test attacks -- <scenario>`.

mod harness;

mod crafted_block_last_commit_overflow;
mod future_proposal_and_evidence_flood;
mod gossip_garbage_and_oversize;
mod lying_sync_peer;
mod mempool_spam_does_not_crowd_out_bids_and_admin;
mod non_validator_votes_and_proposals;
mod padded_junk_transactions;
mod quiet_network_baseline;
mod rpc_slowloris_and_connection_flood;
mod validator_set_cannot_be_emptied;
