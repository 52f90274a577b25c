//! The core's contract, input by input: signing bytes, evidence, the double-sign guard,
//! certificates, round skip, growing timeouts and deterministic replay.

use consensus::testing::{validator_id, SimSigner, SimVerifier};
use consensus::{
    CertificateError, CommitCertificate, Consensus, Evidence, Input, Message, Output, Params, Proposal, SignDomain,
    SignedProposal, SignedStep, SignedVote, Signer, Step, Timeout, TimeoutStep, ValidatorSet, Vote, VoteType,
};

fn set(n: usize) -> ValidatorSet {
    ValidatorSet::equal((0..n).map(validator_id)).unwrap()
}

fn core(me: usize) -> Consensus {
    let id = validator_id(me);
    Consensus::new(Params::default(), Some(id), Box::new(SimSigner(id)), Box::new(SimVerifier))
}

fn vote(t: VoteType, who: usize, height: u64, round: u32, value: Option<[u8; 32]>) -> SignedVote {
    let vote = Vote { vote_type: t, height, round, value, validator: validator_id(who) };
    let signature = SimSigner(validator_id(who)).sign(t.domain(), &vote.sign_bytes());
    SignedVote { vote, signature }
}

fn proposal(who: usize, height: u64, round: u32, value: [u8; 32]) -> SignedProposal {
    let proposal = Proposal { height, round, pol_round: None, value, proposer: validator_id(who) };
    let signature = SimSigner(validator_id(who)).sign(SignDomain::Proposal, &proposal.sign_bytes());
    SignedProposal { proposal, signature }
}

fn broadcasts(outputs: &[Output]) -> Vec<&Message> {
    outputs.iter().filter_map(|o| if let Output::Broadcast(m) = o { Some(m) } else { None }).collect()
}

/// A validator of `set(4)` that does not propose at (1, 0).
fn non_proposer() -> usize {
    (0..4).find(|i| set(4).proposer(1, 0) != validator_id(*i)).unwrap()
}

#[test]
fn vote_sign_bytes_follow_the_documented_fixed_layout() {
    let v = Vote { vote_type: VoteType::Precommit, height: 0x0102, round: 3, value: Some([7; 32]), validator: [9; 32] };
    let b = v.sign_bytes();
    assert_eq!(b.len(), 78);
    assert_eq!(b[0], 0x02);
    assert_eq!(&b[1..9], &[0, 0, 0, 0, 0, 0, 1, 2]);
    assert_eq!(&b[9..13], &[0, 0, 0, 3]);
    assert_eq!(b[13], 1);
    assert_eq!(&b[14..46], &[7; 32]);
    assert_eq!(&b[46..78], &[9; 32]);
    let nil = Vote { value: None, vote_type: VoteType::Prevote, ..v }.sign_bytes();
    assert_eq!((nil[0], nil[13], &nil[14..46]), (0x01, 0, &[0u8; 32][..]));
}

#[test]
fn proposal_sign_bytes_follow_the_documented_fixed_layout() {
    let p = Proposal { height: 5, round: 2, pol_round: Some(1), value: [3; 32], proposer: [4; 32] };
    let b = p.sign_bytes();
    assert_eq!(b.len(), 82);
    assert_eq!(b[0], 0x03);
    assert_eq!(&b[9..13], &[0, 0, 0, 2]);
    assert_eq!((b[13], &b[14..18]), (1, &[0u8, 0, 0, 1][..]));
    assert_eq!(&b[18..50], &[3; 32]);
    assert_eq!(&b[50..82], &[4; 32]);
    assert_eq!(Proposal { pol_round: None, ..p }.sign_bytes()[13], 0);
}

#[test]
fn two_conflicting_prevotes_of_one_validator_become_evidence_once() {
    let mut c = core(0);
    c.handle(Input::StartHeight { height: 1, validators: set(4) });
    let a = vote(VoteType::Prevote, 2, 1, 0, Some([1; 32]));
    let b = vote(VoteType::Prevote, 2, 1, 0, Some([2; 32]));
    assert!(c.handle(Input::Vote(a.clone())).iter().all(|o| !matches!(o, Output::Evidence(_))));
    let out = c.handle(Input::Vote(b.clone()));
    assert!(out.contains(&Output::Evidence(Evidence::ConflictingVotes(a, b))), "{out:?}");
    let again = c.handle(Input::Vote(vote(VoteType::Prevote, 2, 1, 0, None)));
    assert!(again.iter().all(|o| !matches!(o, Output::Evidence(_))), "reported twice");
}

#[test]
fn two_different_proposals_of_the_proposer_become_evidence() {
    let proposer = (0..4).find(|i| set(4).proposer(1, 0) == validator_id(*i)).unwrap();
    let mut c = core(non_proposer());
    c.handle(Input::StartHeight { height: 1, validators: set(4) });
    let a = proposal(proposer, 1, 0, [1; 32]);
    let b = proposal(proposer, 1, 0, [2; 32]);
    c.handle(Input::Proposal { proposal: a.clone(), valid: true });
    let out = c.handle(Input::Proposal { proposal: b.clone(), valid: true });
    assert!(out.contains(&Output::Evidence(Evidence::ConflictingProposals(a, b))), "{out:?}");
}

#[test]
fn a_vote_with_a_bad_signature_is_ignored() {
    let mut c = core(0);
    c.handle(Input::StartHeight { height: 1, validators: set(4) });
    let mut forged = vote(VoteType::Prevote, 2, 1, 0, Some([1; 32]));
    forged.vote.validator = validator_id(3);
    let forged_out = c.handle(Input::Vote(forged.clone()));
    // Had it counted, the real vote of validator 3 for another value would now be evidence.
    let real = c.handle(Input::Vote(vote(VoteType::Prevote, 3, 1, 0, Some([2; 32]))));
    assert!(forged_out.is_empty());
    assert!(real.iter().all(|o| !matches!(o, Output::Evidence(_))));
}

#[test]
fn a_restarted_validator_refuses_to_sign_at_or_below_its_last_signed_step() {
    let me = non_proposer();
    let mut c = core(me);
    c.restore_signer_state(Some(SignedStep { height: 1, round: 0, step: Step::Prevote }));
    c.handle(Input::StartHeight { height: 1, validators: set(4) });
    let out = c.handle(Input::Timeout(Timeout { height: 1, round: 0, step: TimeoutStep::Propose }));
    assert!(broadcasts(&out).is_empty(), "signed a prevote at the guarded step: {out:?}");
    // Its own prevote comes back from the write-ahead log; with three prevotes for nil the
    // precommit step (above the guard) is signed.
    c.handle(Input::Vote(vote(VoteType::Prevote, me, 1, 0, None)));
    let others: Vec<usize> = (0..4).filter(|i| *i != me).take(2).collect();
    let mut signed = Vec::new();
    for o in others {
        signed.extend(c.handle(Input::Vote(vote(VoteType::Prevote, o, 1, 0, None))));
    }
    let sent = broadcasts(&signed);
    assert_eq!(sent.len(), 1, "{signed:?}");
    assert!(matches!(sent[0], Message::Vote(v) if v.vote.vote_type == VoteType::Precommit && v.vote.value.is_none()));
    assert_eq!(c.last_signed(), Some(SignedStep { height: 1, round: 0, step: Step::Precommit }));
}

#[test]
fn precommits_of_more_than_two_thirds_decide_with_a_certificate_that_verifies() {
    let mut c = core(0);
    c.handle(Input::StartHeight { height: 1, validators: set(4) });
    let value = [5; 32];
    let mut outputs = Vec::new();
    for who in 1..4 {
        outputs.extend(c.handle(Input::Vote(vote(VoteType::Precommit, who, 1, 0, Some(value)))));
    }
    let certificate = outputs
        .iter()
        .find_map(|o| if let Output::Decide { certificate, value: v, .. } = o { (*v == value).then(|| certificate.clone()) } else { None })
        .expect("no decision");
    assert_eq!(certificate.verify(1, &set(4), &SimVerifier), Ok(3));
}

#[test]
fn certificates_with_too_little_power_or_bad_signers_are_rejected() {
    let value = [5; 32];
    let sig = |who: usize| vote(VoteType::Precommit, who, 1, 0, Some(value)).signature;
    let two = CommitCertificate { height: 1, round: 0, value, signatures: vec![(validator_id(0), sig(0)), (validator_id(1), sig(1))] };
    assert_eq!(two.verify(1, &set(4), &SimVerifier), Err(CertificateError::InsufficientPower { signed: 2, total: 4 }));
    let mut dup = two.clone();
    dup.signatures.push((validator_id(1), sig(1)));
    assert_eq!(dup.verify(1, &set(4), &SimVerifier), Err(CertificateError::DuplicateSigner(validator_id(1))));
    let mut stranger = two.clone();
    stranger.signatures.push((validator_id(9), sig(9)));
    assert!(matches!(stranger.verify(1, &set(4), &SimVerifier), Err(CertificateError::UnknownSigner { .. })));
    let mut forged = two.clone();
    forged.signatures.push((validator_id(2), sig(3)));
    assert_eq!(forged.verify(1, &set(4), &SimVerifier), Err(CertificateError::BadSignature(validator_id(2))));
    assert!(matches!(two.verify(2, &set(4), &SimVerifier), Err(CertificateError::WrongHeight { .. })));
}

#[test]
fn messages_from_more_than_a_third_in_a_higher_round_make_the_validator_skip_to_it() {
    let mut c = core(0);
    c.handle(Input::StartHeight { height: 1, validators: set(4) });
    c.handle(Input::Vote(vote(VoteType::Prevote, 1, 1, 5, None)));
    assert_eq!(c.round(), 0, "one of four is not more than a third");
    c.handle(Input::Vote(vote(VoteType::Precommit, 2, 1, 5, None)));
    assert_eq!(c.round(), 5);
}

#[test]
fn timeouts_grow_with_the_round() {
    let p = Params::default();
    assert!(p.propose_timeout(3) > p.propose_timeout(0));
    assert_eq!(p.prevote_timeout(2), p.timeout_prevote_ms + 2 * p.timeout_prevote_delta_ms);
    let mut c = core(0);
    let start = c.handle(Input::StartHeight { height: 1, validators: set(4) });
    let after = |out: &[Output], step| {
        out.iter().find_map(|o| match o {
            Output::ScheduleTimeout { timeout, after_ms } if timeout.step == step => Some(*after_ms),
            _ => None,
        })
    };
    assert_eq!(after(&start, TimeoutStep::Propose), Some(p.propose_timeout(0)));
    let next = c.handle(Input::Timeout(Timeout { height: 1, round: 0, step: TimeoutStep::Precommit }));
    assert_eq!(after(&next, TimeoutStep::Propose), Some(p.propose_timeout(1)));
}

#[test]
fn replaying_the_same_inputs_gives_the_same_outputs() {
    let inputs = [
        Input::StartHeight { height: 1, validators: set(4) },
        Input::Vote(vote(VoteType::Prevote, 1, 1, 0, Some([1; 32]))),
        Input::Timeout(Timeout { height: 1, round: 0, step: TimeoutStep::Propose }),
        Input::Vote(vote(VoteType::Prevote, 2, 1, 0, None)),
        Input::Vote(vote(VoteType::Prevote, 3, 1, 0, None)),
        Input::Vote(vote(VoteType::Precommit, 1, 1, 0, None)),
    ];
    let run = || {
        let mut c = core(0);
        inputs.iter().cloned().map(|i| c.handle(i)).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}
