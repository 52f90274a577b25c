//! Cost of processing one vote with the test signer (`consensus::testing`): a whole height's prevotes
//! and precommits (signature check, tally, rules, the own votes it triggers, the decision)
//! divided by the number of votes.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

use consensus::testing::{validator_id, SimSigner, SimVerifier};
use consensus::{Consensus, Input, Params, SignedVote, Signer, ValidatorSet, Vote, VoteType};

fn signed(t: VoteType, who: usize, value: [u8; 32]) -> SignedVote {
    let vote = Vote { vote_type: t, height: 1, round: 0, value: Some(value), validator: validator_id(who) };
    let signature = SimSigner(validator_id(who)).sign(t.domain(), &vote.sign_bytes());
    SignedVote { vote, signature }
}

fn votes_of_a_height(c: &mut Criterion) {
    let mut group = c.benchmark_group("vote_processing");
    for n in [4usize, 64, 623] {
        let set = ValidatorSet::equal((0..n).map(validator_id)).unwrap_or_else(|e| panic!("{e}"));
        let value = [7u8; 32];
        // Validator 0 runs the core; the others' votes arrive.
        let votes: Vec<SignedVote> = [VoteType::Prevote, VoteType::Precommit]
            .into_iter()
            .flat_map(|t| (1..n).map(move |who| signed(t, who, value)))
            .collect();
        group.throughput(Throughput::Elements(votes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter_batched(
                || {
                    let me = validator_id(0);
                    let mut core = Consensus::new(Params::default(), Some(me), Box::new(SimSigner(me)), Box::new(SimVerifier));
                    core.handle(Input::StartHeight { height: 1, validators: set.clone() });
                    (core, votes.clone())
                },
                |(mut core, votes)| {
                    let mut outputs = 0usize;
                    for vote in votes {
                        outputs += core.handle(Input::Vote(vote)).len();
                    }
                    outputs
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, votes_of_a_height);
criterion_main!(benches);
