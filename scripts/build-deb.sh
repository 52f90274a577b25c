#!/usr/bin/env bash
# Builds out/solartrade_<version>_<arch>.deb from the release binary: /usr/bin/solartrade, the
# systemd unit, the alerting rules and the operator's guide; the package creates the
# `solartrade` system user and /var/lib/solartrade (docs/operator.md, "Installing the package").
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is not installed (apt-get install dpkg)" >&2; exit 1; }
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
arch="$(dpkg --print-architecture)"
# The build make test does, so this adds no second build.
${CARGO:-cargo} test --release --workspace --no-run >/dev/null
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/usr/share/doc/solartrade" "$root/usr/share/solartrade/prometheus"
# Debug line tables make the binary ~450 MB; the package does not need them.
strip -o "$root/usr/bin/solartrade" target/release/solartrade
install -m 0644 deploy/solartrade.service "$root/lib/systemd/system/solartrade.service"
install -m 0644 deploy/prometheus/solartrade-alerts.yml "$root/usr/share/solartrade/prometheus/"
install -m 0644 docs/operator.md README.md "$root/usr/share/doc/solartrade/"
depends="$(dpkg-shlibdeps -O --ignore-missing-info -e "$root/usr/bin/solartrade" 2>/dev/null | sed -n 's/^shlibs:Depends=//p' || true)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: solartrade
Version: $version
Architecture: $arch
Maintainer: solartrade maintainers <maintainers@solartrade.invalid>
Depends: ${depends:-libc6, libgcc-s1, libstdc++6}, adduser
Section: net
Priority: optional
Description: community microgrid energy trading on a permissioned BFT chain
 A node of solartrade: households' smart meters sign hourly bids, validators agree on one
 block per market slot, and every node clears the market and settles the tokens.
CONTROL
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  getent passwd solartrade >/dev/null || adduser --system --group --home /var/lib/solartrade --no-create-home solartrade
  install -d -o solartrade -g solartrade -m 0750 /var/lib/solartrade
  if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
fi
POSTINST
cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then systemctl stop solartrade || true; fi
PRERM
cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
# The home holds the node's keys and chain: it is kept on remove and purge alike.
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
POSTRM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
mkdir -p out
deb="out/solartrade_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1))"
