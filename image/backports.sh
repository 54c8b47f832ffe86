#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Make bookworm-backports an apt source, as root, for image/setup-host.sh (mkosi, udev,
# python3-virt-firmware) and tests/install-deps.sh (tests/deps/bookworm-backports/*.list).
# Idempotent: nothing is written when apt already has the suite (from any source file). The
# source uses the host's own mirror (image/mirror.sh), never a host name written here; the caller
# runs apt-get update.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=/etc/apt/sources.list.d/bootproof-bookworm-backports.sources

# shellcheck disable=SC2016 # apt's own format string, not a shell expansion
if apt-get indextargets --format '$(RELEASE)' 2>/dev/null | grep -qx 'bookworm-backports'; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "backports.sh: must run as root to add the bookworm-backports apt source" >&2
	exit 1
fi
eval "$("$here/mirror.sh")"
echo "backports.sh: adding bookworm-backports from $DEBIAN_MIRROR ($src)"
cat > "$src.tmp" <<EOT
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
mv "$src.tmp" "$src"
