#!/usr/bin/env bash
# Builds an earlier release, given as a git revision, and its node image, for an upgrade run
# (testnet/manifests/upgrade.toml starts the docker testnet on it and upgrades it to this
# checkout's release). Usage: scripts/release-image.sh <revision>
# Prints two lines for the e2e runner: `image=<tag>` and `bin=<directory of its binaries>`.
# The source is checked out under target/releases/<commit>/src and built with its own target
# directory (shared by every earlier release), so this checkout's build is not disturbed; a
# release already built is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:?usage: scripts/release-image.sh <git revision>}"
commit="$(git rev-parse --verify --quiet "$rev^{commit}")" || { echo "release-image: $rev is not a revision of this repository (a shallow clone lacks history: git fetch --unshallow)" >&2; exit 1; }
short="${commit:0:12}"
root="target/releases/$short"
image="solartrade:release-$short"
bin="$root/bin"

if [ ! -x "$bin/solartrade" ] || [ ! -x "$bin/solartrade-delay-proxy" ]; then
  if [ ! -d "$root/src" ]; then
    mkdir -p "$root"
    git worktree add --detach "$root/src" "$commit" >&2
  fi
  echo "release-image: building release $short (its own target directory, target/releases/target; 10 to 20 minutes on 2 cores)" >&2
  (cd "$root/src" && CARGO_TARGET_DIR="$PWD/../../target" ${CARGO:-cargo} build --release -p solartrade -p testnet --bins >&2)
  mkdir -p "$bin"
  cp target/releases/target/release/solartrade target/releases/target/release/solartrade-delay-proxy "$bin/"
fi
if ! docker image inspect "$image" >/dev/null 2>&1; then
  IMAGE="$image" BIN_DIR="$bin" DOCKER_IMAGE_MODE=scratch bash scripts/docker-image.sh >&2
fi
echo "image=$image"
echo "bin=$bin"
