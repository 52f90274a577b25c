#!/usr/bin/env bash
# Fuzz smoke run: every ledger fuzz target for a few seconds from its committed seed corpus
# (ledger/fuzz/corpus/<target>), built with overflow checks and debug assertions.
# Exits non-zero on the first crash, leaving the crashing input in ledger/fuzz/artifacts/.
#   scripts/fuzz-smoke.sh            # every target, 10 s each
#   FUZZ_SECONDS=30 scripts/fuzz-smoke.sh decode_block decode_tx
set -euo pipefail

cd "$(dirname "$0")/../ledger/fuzz"
seconds="${FUZZ_SECONDS:-10}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
fi

# cargo-fuzz needs nightly flags; the stable toolchain accepts them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
start=$(date +%s)
echo "fuzz-smoke: building ${#targets[@]} targets"
if [ "$#" -gt 0 ]; then
    for target in "${targets[@]}"; do cargo fuzz build -O "$target"; done
else
    cargo fuzz build -O
fi
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    if [ ! -d "$corpus" ]; then
        echo "fuzz-smoke: $target has no seed corpus in ledger/fuzz/$corpus" >&2
        exit 1
    fi
    # Fuzz a scratch copy so the run does not grow the committed corpus.
    scratch=$(mktemp -d)
    cp "$corpus"/* "$scratch"/
    echo "fuzz-smoke: $target for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
    if ! cargo fuzz run -O "$target" "$scratch" -- -max_total_time="$seconds" -max_len=65536 \
        >"$scratch.log" 2>&1; then
        tail -n 40 "$scratch.log" >&2
        echo "fuzz-smoke: $target CRASHED; the input is in ledger/fuzz/artifacts/$target/" >&2
        rm -rf "$scratch"
        exit 1
    fi
    grep -E '^Done [0-9]+ runs' "$scratch.log" | sed "s/^/fuzz-smoke: $target: /" || true
    rm -rf "$scratch" "$scratch.log"
done
echo "fuzz-smoke: ${#targets[@]} targets, no crash, $(( $(date +%s) - start ))s in all"
