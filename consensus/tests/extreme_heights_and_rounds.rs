//! Scenario: messages name heights, rounds and powers at the edge of their types (a hostile
//! or buggy validator, or a corrupt record replayed from the WAL). The core neither panics
//! nor keeps state per round named, and timeouts saturate instead of wrapping.

use consensus::testing::{validator_id, SimSigner, SimVerifier};
use consensus::{
    CommitCertificate, Consensus, Input, Output, Params, Signer, SignedVote, Timeout, TimeoutStep, ValidatorSet, Vote,
    VoteType,
};

fn set(n: usize) -> ValidatorSet {
    ValidatorSet::equal((0..n).map(validator_id)).unwrap()
}

fn core_with(params: Params) -> Consensus {
    let id = validator_id(0);
    Consensus::new(params, Some(id), Box::new(SimSigner(id)), Box::new(SimVerifier))
}

fn vote(t: VoteType, who: usize, height: u64, round: u32) -> SignedVote {
    let vote = Vote { vote_type: t, height, round, value: Some([5; 32]), validator: validator_id(who) };
    let signature = SimSigner(validator_id(who)).sign(t.domain(), &vote.sign_bytes());
    SignedVote { vote, signature }
}

fn timeouts(outputs: &[Output]) -> Vec<(Timeout, u64)> {
    outputs
        .iter()
        .filter_map(|o| if let Output::ScheduleTimeout { timeout, after_ms } = o { Some((*timeout, *after_ms)) } else { None })
        .collect()
}

#[test]
fn a_vote_arriving_at_height_u64_max_does_not_overflow_the_next_height_check() {
    let mut core = core_with(Params::default());
    core.handle(Input::StartHeight { height: u64::MAX, validators: set(4) });
    // Before the fix, `self.height + 1` overflowed here, for any vote.
    core.handle(Input::Vote(vote(VoteType::Prevote, 1, u64::MAX, 0)));
    core.handle(Input::Vote(vote(VoteType::Prevote, 2, 7, 0)));
    assert_eq!(core.height(), u64::MAX);
}

#[test]
fn a_vote_for_round_u32_max_is_dropped_without_keeping_state_for_it() {
    let mut core = core_with(Params::default());
    core.handle(Input::StartHeight { height: 1, validators: set(4) });
    let held = core.rounds_held();
    for who in 1..4 {
        let out = core.handle(Input::Vote(vote(VoteType::Precommit, who, 1, u32::MAX)));
        assert!(out.is_empty(), "a round far ahead must be ignored: {out:?}");
    }
    assert_eq!(core.rounds_held(), held);
    assert_eq!(core.round(), 0);
}

#[test]
fn validators_jumping_to_round_u32_max_get_saturated_timeouts_and_no_round_after_it() {
    // A host that allows any round ahead, and timeouts whose growth overflows u64 at once.
    let params = Params { max_rounds_ahead: u32::MAX, timeout_propose_delta_ms: u64::MAX, ..Params::default() };
    let mut core = core_with(params);
    core.handle(Input::StartHeight { height: 1, validators: set(4) });
    // Two of four validators (more than a third) in round u32::MAX: round skip follows them.
    core.handle(Input::Vote(vote(VoteType::Prevote, 1, 1, u32::MAX)));
    let out = core.handle(Input::Vote(vote(VoteType::Prevote, 2, 1, u32::MAX)));
    assert_eq!(core.round(), u32::MAX);
    let propose = timeouts(&out).into_iter().find(|(t, _)| t.step == TimeoutStep::Propose).expect("a propose timeout");
    assert_eq!(propose.1, u64::MAX);
    // The precommit timeout of the last round has no next round to start.
    let out = core.handle(Input::Timeout(Timeout { height: 1, round: u32::MAX, step: TimeoutStep::Precommit }));
    assert!(timeouts(&out).is_empty());
    assert_eq!(core.round(), u32::MAX);
    assert!(core.rounds_held() <= 2);
}

#[test]
fn timeouts_of_round_u32_max_with_default_parameters_do_not_wrap() {
    let params = Params::default();
    let expected = params.timeout_propose_ms + params.timeout_propose_delta_ms * u64::from(u32::MAX);
    assert_eq!(params.propose_timeout(u32::MAX), expected);
    let huge = Params { timeout_prevote_ms: u64::MAX, ..Params::default() };
    assert_eq!(huge.prevote_timeout(u32::MAX), u64::MAX);
}

#[test]
fn a_certificate_signed_by_powers_summing_to_u64_max_verifies() {
    let validators = ValidatorSet::new(vec![(validator_id(0), u64::MAX - 1), (validator_id(1), 1)]).unwrap();
    let value = [9; 32];
    let mut certificate = CommitCertificate { height: u64::MAX, round: u32::MAX, value, signatures: Vec::new() };
    for who in 0..2 {
        let precommit = certificate.precommit_of(validator_id(who));
        let signature = SimSigner(validator_id(who)).sign(VoteType::Precommit.domain(), &precommit.sign_bytes());
        certificate.signatures.push((validator_id(who), signature));
    }
    assert_eq!(certificate.verify(u64::MAX, &validators, &SimVerifier), Ok(u64::MAX));
}
