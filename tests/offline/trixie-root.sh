#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A clean Debian 13 (trixie) system for the audit (issue 20): a root made with mmdebstrap from Debian's
# mirror with only what an auditor needs besides the bundle (the C build dependencies of bootproof,
# python3, apt/dpkg, gpgv + Debian's keyring, git, make, jq). It has NO mkosi and NO bubblewrap: the
# audit must run the release's own from its package bundle.
#   trixie-root.sh make ROOT                 mmdebstrap (needs the network, a Debian mirror)
#   trixie-root.sh run ROOT [BIND...] -- CMD...
#       run CMD as root inside ROOT, in a private mount namespace: ROOT is bind-mounted onto itself (a
#       mount point, so that bwrap's pivot_root works inside the chroot), /proc is a new proc, /dev and
#       /sys are the host's (bind), /tmp a tmpfs; each BIND is a host folder (an absolute path) bound at
#       the same path inside. The host's network is not removed here (the audit's rebuild runs under
#       unshare -n itself).
set -eu
usage() { echo "usage: trixie-root.sh make ROOT | run ROOT [BIND...] -- CMD..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

# Debian packages of the auditor's trixie machine: what the audit needs that is not in the bundle
PKGS="make git ca-certificates cmake gcc libc6-dev pkg-config libssl-dev libjansson-dev libarchive-dev
      libtss2-dev libcurl4-openssl-dev jq gpgv debian-archive-keyring python3 util-linux mount fdisk
      mtools dosfstools openssl xz-utils zstd cpio kmod systemd
      python3-cryptography python3-pefile python3-pkg-resources"

do_make() {
	r=$1
	command -v mmdebstrap >/dev/null || { echo "trixie-root: mmdebstrap is not installed (apt-get install mmdebstrap)" >&2; exit 1; }
	eval "$("$here/../../image/mirror.sh")"
	rm -rf "$r"
	mkdir -p "$(dirname "$r")"
	mmdebstrap --variant=apt --mode=root --include="$(echo $PKGS | tr ' ' ',')" \
		--aptopt='Acquire::Languages "none"' trixie "$r" \
		"deb $DEBIAN_MIRROR trixie main" "deb $DEBIAN_MIRROR trixie-updates main" \
		"deb $DEBIAN_SECURITY_MIRROR trixie-security main"
	# TRIXIE_DEBS: .debs of the release's package bundle to install as the auditor's own host
	# tools (virt-fw-vars for the AWS --uefi-data blob: the bundle's version, so its bytes are the
	# release's; its Python dependencies come from trixie above)
	for deb in ${TRIXIE_DEBS:-}; do
		cp "$deb" "$r/tmp/"
		chroot "$r" dpkg -i "/tmp/$(basename "$deb")" >/dev/null
		rm -f "$r/tmp/$(basename "$deb")"
	done
	for t in mkosi bwrap; do
		if chroot "$r" sh -c "command -v $t" >/dev/null 2>&1; then
			echo "trixie-root: $t is installed in $r: the audit would not prove it runs the bundle's" >&2
			exit 1
		fi
	done
	echo "trixie root $r: $(chroot "$r" cat /etc/debian_version), python3 $(chroot "$r" python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])'), $(du -sm "$r" | cut -f1) MB"
}

do_run() {
	r=$(cd "$1" && pwd); shift
	binds=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do binds="$binds $1"; shift; done
	[ "${1:-}" = -- ] || usage
	shift
	[ $# -gt 0 ] || usage
	# shellcheck disable=SC2016
	unshare -m --propagation private sh -c '
		set -e
		r=$1 binds=$2; shift 2
		mount --bind "$r" "$r"
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mount --rbind /sys "$r/sys"
		mount -t tmpfs tmpfs "$r/tmp"
		for b in $binds; do mkdir -p "$r$b"; mount --bind "$b" "$r$b"; done
		exec chroot "$r" "$@"' sh "$r" "$binds" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

case "${1:-}" in
make) [ $# = 2 ] || usage; do_make "$2" ;;
run) [ $# -ge 4 ] || usage; shift; do_run "$@" ;;
*) usage ;;
esac
