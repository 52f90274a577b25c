//! Typed errors of the consensus crate.

use crate::types::{Height, Round, ValidatorId};

fn hex(id: &ValidatorId) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValidatorSetError {
    #[error("a validator set needs at least one validator")]
    Empty,
    #[error("validator {} has zero voting power", hex(.0))]
    ZeroPower(ValidatorId),
    #[error("validator {} appears twice", hex(.0))]
    Duplicate(ValidatorId),
    #[error("total voting power overflows u64")]
    PowerOverflow,
}

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum CertificateError {
    #[error("certificate is for height {found}, expected {expected}")]
    WrongHeight { expected: Height, found: Height },
    #[error("signer {} of the certificate at height {height} round {round} is not in the validator set", hex(.signer))]
    UnknownSigner { height: Height, round: Round, signer: ValidatorId },
    #[error("signer {} appears twice in the certificate", hex(.0))]
    DuplicateSigner(ValidatorId),
    #[error("signature of {} on the precommit does not verify", hex(.0))]
    BadSignature(ValidatorId),
    #[error("certificate carries {signed} of {total} voting power; more than two thirds are needed")]
    InsufficientPower { signed: u64, total: u64 },
}
