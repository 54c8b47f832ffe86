#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the image pipeline needs on a Debian 12 (bookworm) host, as root:
#  - mkosi 24.3 from bookworm-backports (bookworm's own mkosi 14 cannot build this image). mkosi 24.3
#    needs systemd >= 254, which upgrades libudev1 to the backport, so udev must come from backports
#    too (else tpm2-tools -> tpm-udev -> udev is uninstallable). Always --no-install-recommends:
#    recommends pull dnf/zypper/pacman.
#  - QEMU, OVMF, swtpm, tpm2-tools for the boot test; the C build dependencies of bootproof.
# Idempotent: does nothing when everything is already there. The backports source is added by
# image/backports.sh (shared with tests/install-deps.sh) from the host's own mirror.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

BPO_PKGS="mkosi bubblewrap systemd-container udev python3-virt-firmware"
PKGS="qemu-system-x86 qemu-utils ovmf swtpm swtpm-tools tpm2-tools
      dosfstools mtools cpio zstd xz-utils fdisk kmod
      cmake gcc make pkg-config libssl-dev libarchive-dev libjansson-dev libcurl4-openssl-dev libtss2-dev
      openssl jq sbsigntool osslsigncode gpgv debian-archive-keyring"

need=
mkosi_ver=$(mkosi --version 2>/dev/null | awk '{print $2}') || true
[ "$mkosi_ver" = "24.3" ] || need=1
for p in $BPO_PKGS $PKGS; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || { need=1; break; }
done
if [ -z "$need" ]; then
	echo "setup-host: mkosi $mkosi_ver and all host packages present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "setup-host: must run as root to install packages (apt-get)" >&2
	exit 1
fi
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
	echo "setup-host: warning: written for Debian 12 (bookworm), this is '${VERSION_CODENAME:-unknown}'" >&2
fi

"$here/backports.sh"
export DEBIAN_FRONTEND=noninteractive
echo "setup-host: apt-get update"
apt-get -o DPkg::Lock::Timeout=900 update -q
echo "setup-host: installing mkosi 24.3 + udev from bookworm-backports"
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends -t bookworm-backports $BPO_PKGS
echo "setup-host: installing QEMU/OVMF/swtpm and build dependencies"
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $PKGS
mkosi_ver=$(mkosi --version | awk '{print $2}')
if [ "$mkosi_ver" != "24.3" ]; then
	echo "setup-host: expected mkosi 24.3 from bookworm-backports, got '$mkosi_ver'" >&2
	exit 1
fi
echo "setup-host: done (mkosi $mkosi_ver)"
