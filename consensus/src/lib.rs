//! Sans-IO, stake-weighted Tendermint-style BFT consensus: inputs in, messages, timers and decisions out.

mod certificate;
mod consensus;
mod error;
mod evidence;
mod io;
mod params;
mod proposal;
mod round_state;
mod signing;
mod types;
mod validator_set;
mod vote;
mod vote_tally;

#[cfg(feature = "test-util")]
pub mod testing;

pub use certificate::CommitCertificate;
pub use consensus::{Consensus, RoundStep};
pub use error::{CertificateError, ValidatorSetError};
pub use evidence::Evidence;
pub use io::{Input, Message, Output, SignedStep, Timeout, TimeoutStep};
pub use params::Params;
pub use proposal::{Proposal, SignedProposal, PROPOSAL_SIGN_BYTES_LEN};
pub use signing::{Signer, Verifier};
pub use types::{Height, Round, SignDomain, Step, ValidatorId, ValueId};
pub use validator_set::ValidatorSet;
pub use vote::{SignedVote, Vote, VoteType, VOTE_SIGN_BYTES_LEN};
