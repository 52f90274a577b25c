//! Commit certificates: the +2/3 precommits that prove a decision, checkable by anyone
//! who knows the height's validator set (block sync uses this).

use std::collections::HashSet;

use crate::error::CertificateError;
use crate::signing::Verifier;
use crate::types::{Height, Round, SignDomain, ValidatorId, ValueId};
use crate::validator_set::ValidatorSet;
use crate::vote::{Vote, VoteType};

/// Precommit signatures of more than two thirds of the power for `value` at `(height, round)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CommitCertificate {
    pub height: Height,
    pub round: Round,
    pub value: ValueId,
    /// `(validator, signature over the precommit's sign bytes)`, in canonical validator order.
    pub signatures: Vec<(ValidatorId, Vec<u8>)>,
}

impl CommitCertificate {
    /// The precommit a signer of this certificate signed.
    pub fn precommit_of(&self, validator: ValidatorId) -> Vote {
        Vote {
            vote_type: VoteType::Precommit,
            height: self.height,
            round: self.round,
            value: Some(self.value),
            validator,
        }
    }

    /// Checks every signature and that the signers hold more than two thirds of `validators`'
    /// power at `height`. Returns the signed power.
    pub fn verify(&self, height: Height, validators: &ValidatorSet, verifier: &dyn Verifier) -> Result<u64, CertificateError> {
        if self.height != height {
            return Err(CertificateError::WrongHeight { expected: height, found: self.height });
        }
        let mut seen = HashSet::with_capacity(self.signatures.len());
        let mut signed: u64 = 0;
        for (validator, signature) in &self.signatures {
            let power = validators.power_of(validator).ok_or(CertificateError::UnknownSigner {
                height: self.height,
                round: self.round,
                signer: *validator,
            })?;
            if !seen.insert(*validator) {
                return Err(CertificateError::DuplicateSigner(*validator));
            }
            let bytes = self.precommit_of(*validator).sign_bytes();
            if !verifier.verify(SignDomain::Precommit, validator, &bytes, signature) {
                return Err(CertificateError::BadSignature(*validator));
            }
            // Cannot exceed the set's total (signers are distinct); saturating all the same.
            signed = signed.saturating_add(power);
        }
        if !validators.is_quorum(signed) {
            return Err(CertificateError::InsufficientPower { signed, total: validators.total_power() });
        }
        Ok(signed)
    }
}
