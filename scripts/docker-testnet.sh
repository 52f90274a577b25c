#!/usr/bin/env bash
# Starts the docker compose testnet: VALIDATORS validators (default 4) and a meter-sim
# container bidding for 623 homes. The genesis approves PROBES more households that no
# one bids for, so the e2e runner can track bids of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
VALIDATORS="${VALIDATORS:-4}"
HOMES="${HOMES:-623}"
PROBES="${PROBES:-16}"
SLOT_MS="${SLOT_MS:-1000}"
DIR="${DIR:-out/docker}"
PROJECT="${PROJECT:-solartrade}"
BASE_PORT="${BASE_PORT:-27600}"
BIN="${BIN:-target/release/solartrade}"
IMAGE="${IMAGE:-solartrade:local}"  # another release's image for an upgrade run (scripts/release-image.sh)
WAN_DELAY_MS="${WAN_DELAY_MS:-0}"   # one-way delay between validators, through relay containers
WAN_JITTER_MS="${WAN_JITTER_MS:-0}" # uniform jitter on top of it
WAN_LOSS_PPM="${WAN_LOSS_PPM:-0}"   # TCP segments lost per million (10000 = 1 %)

command -v docker >/dev/null || { echo "docker-testnet: docker is not installed" >&2; exit 1; }
command -v docker-compose >/dev/null || { echo "docker-testnet: docker-compose is not installed" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "docker-testnet: no image $IMAGE; run make docker-image" >&2; exit 1; }

bash scripts/docker-down.sh >/dev/null 2>&1 || true
mkdir -p "$DIR"
"$BIN" testnet files --docker --project "$PROJECT" --validators "$VALIDATORS" \
  --households $((HOMES + PROBES)) --meter-households "$HOMES" --slot-ms "$SLOT_MS" \
  --dir "$DIR" --base-port "$BASE_PORT" --host 0.0.0.0 --image "$IMAGE" --wan-delay-ms "$WAN_DELAY_MS" \
  --wan-jitter-ms "$WAN_JITTER_MS" --wan-loss-ppm "$WAN_LOSS_PPM" >/dev/null
docker-compose -f "$DIR/docker-compose.yml" -p "$PROJECT" up -d
for i in $(seq 0 $((VALIDATORS - 1))); do
  port=$((BASE_PORT + 10 * i + 1))
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { echo "docker-testnet: validator-$i does not answer on port $port" >&2; exit 1; }
done
echo "docker testnet up: $VALIDATORS validators, meter-sim bidding for $HOMES homes (homes in $DIR)"
for i in $(seq 0 $((VALIDATORS - 1))); do
  echo "  validator-$i  rpc http://127.0.0.1:$((BASE_PORT + 10 * i + 1))  metrics http://127.0.0.1:$((BASE_PORT + 10 * i + 2))/metrics"
done
echo "dashboard: http://127.0.0.1:$((BASE_PORT + 1))/"
echo "stop and clean up: make docker-down"
