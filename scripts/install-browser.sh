#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium when it is missing; the dashboard's browser test drives it.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "install-browser: installing Debian's chromium package" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "install-browser: chromium still missing after apt-get" >&2; exit 1; }
