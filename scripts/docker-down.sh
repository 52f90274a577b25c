#!/usr/bin/env bash
# Removes the docker testnet: containers, its network, volumes and the homes directory.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${DIR:-out/docker}"
PROJECT="${PROJECT:-solartrade}"
if [ -f "$DIR/docker-compose.yml" ]; then
  docker-compose -f "$DIR/docker-compose.yml" -p "$PROJECT" down -v --remove-orphans -t 5
fi
# Containers may outlive a deleted compose file; remove them by their label.
ids=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
[ -n "$ids" ] && docker rm -f $ids >/dev/null
docker network rm "$PROJECT-net" >/dev/null 2>&1 || true
rm -rf "$DIR"
echo "docker testnet removed ($PROJECT)"
