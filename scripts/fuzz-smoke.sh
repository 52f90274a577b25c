#!/usr/bin/env bash
# Fuzz smoke run: every fuzz target (ledger/fuzz/fuzz_targets) for a few seconds from its
# committed seed corpus (ledger/fuzz/corpus/<target>), built with libFuzzer's coverage
# instrumentation, overflow checks and debug assertions, with plain cargo (no cargo-fuzz to
# install, no sanitizer: the decoders are safe Rust, a panic is what the run looks for).
# Exits non-zero on the first crash, leaving the crashing input in ledger/fuzz/artifacts/.
#   scripts/fuzz-smoke.sh                            # every target, 10 s each
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh read_wal  # one target, the long run of docs/ledger.md
#   FUZZ_BUILD_ONLY=1 scripts/fuzz-smoke.sh          # build the targets and stop (CI builds them
#                                                    # at low priority while the tests run)
set -euo pipefail

cd "$(dirname "$0")/../ledger/fuzz"
seconds="${FUZZ_SECONDS:-10}"
triple="$(rustc -vV | sed -n 's/^host: //p')"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^ledger-fuzz$')
fi

# The flags cargo-fuzz passes for libFuzzer's coverage feedback. `--target` keeps them off
# build scripts and proc macros.
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
start=$(date +%s)
echo "fuzz-smoke: building ${#targets[@]} targets for $triple"
bins=()
for target in "${targets[@]}"; do bins+=(--bin "$target"); done
cargo build --release --target "$triple" --target-dir target "${bins[@]}"
if [ -n "${FUZZ_BUILD_ONLY:-}" ]; then
    echo "fuzz-smoke: built in $(( $(date +%s) - start ))s"
    exit 0
fi
mkdir -p artifacts
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    if [ ! -d "$corpus" ]; then
        echo "fuzz-smoke: $target has no seed corpus in ledger/fuzz/$corpus" >&2
        exit 1
    fi
    # Fuzz a scratch copy so the run does not grow the committed corpus.
    scratch=$(mktemp -d)
    cp "$corpus"/* "$scratch"/
    mkdir -p "artifacts/$target"
    echo "fuzz-smoke: $target for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
    if ! "target/$triple/release/$target" "$scratch" -max_total_time="$seconds" -max_len=65536 \
        -artifact_prefix="artifacts/$target/" >"$scratch.log" 2>&1; then
        tail -n 40 "$scratch.log" >&2
        echo "fuzz-smoke: $target CRASHED; the input is in ledger/fuzz/artifacts/$target/" >&2
        rm -rf "$scratch"
        exit 1
    fi
    grep -E '^Done [0-9]+ runs' "$scratch.log" | sed "s/^/fuzz-smoke: $target: /" || true
    rm -rf "$scratch" "$scratch.log"
done
echo "fuzz-smoke: ${#targets[@]} targets, no crash, $(( $(date +%s) - start ))s in all"
