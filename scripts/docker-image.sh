#!/usr/bin/env bash
# Builds the node image `solartrade:local`. With registry access the multi-stage Dockerfile
# is the conventional path; without one (no base image can be pulled) the image is
# assembled from the locally built release binary and the shared libraries it links.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE="${IMAGE:-solartrade:local}"
MODE="${DOCKER_IMAGE_MODE:-auto}"   # auto | dockerfile | scratch
# Where the two binaries are; another directory (an earlier release, built by
# scripts/release-image.sh) is taken as it is, without building.
BIN_DIR="${BIN_DIR:-target/release}"

command -v docker >/dev/null || { echo "docker-image: docker is not installed" >&2; exit 1; }

build_dockerfile() {
  echo "docker-image: building $IMAGE with the multi-stage Dockerfile (needs a registry)"
  docker build -t "$IMAGE" .
}

build_scratch() {
  echo "docker-image: no registry needed: assembling $IMAGE from target/release/solartrade and its shared libraries"
  # The build `make test` does (the testnet crate's tests build its binaries): after it, this
  # is a no-op rather than a second build with other dependency features.
  if [ "$BIN_DIR" = target/release ]; then
    ${CARGO:-cargo} test --release --workspace --no-run
  fi
  local root
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/data"
  chmod 1777 "$root/tmp"
  # Debug line tables make the binary ~450 MB; the image does not need them.
  strip -o "$root/usr/local/bin/solartrade" "$BIN_DIR/solartrade"
  # The relay that emulates WAN delay where the kernel has no netem.
  strip -o "$root/usr/local/bin/solartrade-delay-proxy" "$BIN_DIR/solartrade-delay-proxy"
  # Every library ldd resolves (absolute paths), plus the dynamic loader, at the same path.
  { ldd "$BIN_DIR/solartrade"; ldd "$BIN_DIR/solartrade-delay-proxy"; } | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  echo "root:x:0:0:root:/root:/usr/local/bin/solartrade" > "$root/etc/passwd"
  echo "root:x:0:" > "$root/etc/group"
  tar -C "$root" -c . | docker import \
    -c 'ENTRYPOINT ["/usr/local/bin/solartrade"]' -c 'WORKDIR /data' \
    -c 'EXPOSE 36656 36657 36660' - "$IMAGE" >/dev/null
  echo "docker-image: imported $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE") bytes)"
}

case "$MODE" in
  dockerfile) build_dockerfile ;;
  scratch) build_scratch ;;
  auto)
    # A registry is reachable when the Dockerfile's base images can be pulled.
    if docker pull -q rust:1-bookworm >/dev/null 2>&1 && docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
      build_dockerfile
    else
      echo "docker-image: cannot pull rust:1-bookworm / debian:bookworm-slim (no registry): using the scratch build"
      build_scratch
    fi ;;
  *) echo "docker-image: DOCKER_IMAGE_MODE must be auto, dockerfile or scratch, not '$MODE'" >&2; exit 2 ;;
esac
