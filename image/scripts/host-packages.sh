#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The host side of a release's package bundle (issue 20): the .debs the release build ran OUTSIDE the
# tools tree, so that an auditor years later, on another Debian, runs the release's own mkosi and
# bubblewrap instead of whatever their machine has.
#
#   host-packages.sh make BUNDLE [FROM_BUNDLE]
#       BUNDLE/host/debs/*.deb   the host packages the pipeline runs outside the tools tree (HOST_DEBS
#                                below) at their installed versions: from apt's archive cache, else
#                                downloaded (apt-get download PACKAGE=VERSION)
#       BUNDLE/host/lists/*_InRelease, *_Packages   for each .deb the smallest of the host's
#                                Debian-signed apt lists that has it (third-party lists are left out),
#                                uncompressed: the Packages files' sha256 are then those the InRelease
#                                lists, so verify-bundle.sh checks them like the trixie ones.
#                                bundle.sh indexes host/debs in packages-index.tsv.
#       FROM_BUNDLE (a rebuild from a bundle, no network): BUNDLE/host is a copy of FROM_BUNDLE/host,
#                                which is what that rebuild ran (MKOSI_FROM, lib.sh).
#   host-packages.sh unpack BUNDLE DIR
#       dpkg-deb -x the bundle's mkosi and bubblewrap into DIR (never installed: nothing of the host
#       changes) and write DIR/bin/mkosi (the host's python3 with the bundle's mkosi on its module path)
#       and DIR/bin/bwrap. With DIR/bin first on PATH the pipeline runs them (lib.sh: MKOSI_FROM=DIR).
#   host-packages.sh run DIR CMD...
#       run CMD in a private mount namespace in which /usr/bin is an overlay with the bundle's bwrap on
#       top (DIR/overlay-bin): mkosi's sandboxes see the host's /usr and call "bwrap" by name inside
#       it (its apt/dpkg wrapper scripts), so PATH alone cannot bring the bundle's bwrap there. Nothing
#       of the host changes: the overlay exists only in that namespace.
#   host-packages.sh check [DIR]
#       the host parts that stay the auditor's own, checked up front: python3 in the range mkosi 24.3
#       runs on, network and mount namespaces (unshare), overlayfs, dpkg, apt-get, dpkg-deb, gpgv; with
#       DIR: the unpacked mkosi and bwrap start and the overlay works. Exit 1 naming what is missing (CANNOT CHECK), 0 all there.
set -eu
. "$(dirname "$0")/lib.sh"

# What the release pipeline runs on the host, outside the tools tree, taken into the bundle: mkosi
# (python, arch all) and its sandbox bubblewrap, which the audit runs from the bundle; virt-fw-vars
# (python3-virt-firmware, arch all), which writes the AWS blob of the cloud formats, bundled for the
# record (it needs the host's python3-cryptography, so the audit runs the host's; compare.sh checks
# the blob's bytes). NOT bundled: their dependency closure (python3, libc6, apt, dpkg, ... about 100
# packages): a host that is not fully upgraded runs versions Debian's mirror no longer serves (on the
# project's build machine 17 of 104, dpkg and python3.11 among them), so they cannot be taken from
# Debian's signed lists at release time. host-tools.txt names them and says why that is safe.
HOST_DEBS="mkosi bubblewrap python3-virt-firmware"
# the interpreter range: mkosi 24.3 needs >= 3.9; tested with Debian 12's 3.11 and Debian 13's 3.13
PY_MIN=3.9 PY_MAX=3.13
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)

installed() {	# PKG: installed for this architecture or all -> "package version architecture"
	dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\t${Status}\n' "$1" 2>/dev/null |
		awk -F'\t' -v a="$arch" '$4 == "install ok installed" && ($3 == a || $3 == "all") { print $1, $2, $3; exit }'
}

copy_from() {	# BUNDLE FROM: BUNDLE/host = FROM/host (what a rebuild from FROM ran)
	if [ ! -d "$2/host/debs" ]; then
		echo "    the bundle $2 carries no host packages: none in this one either"
		return 0
	fi
	mkdir -p "$1/host"
	cp -al "$2/host/debs" "$2/host/lists" "$1/host/" 2>/dev/null || cp -a "$2/host/debs" "$2/host/lists" "$1/host/"
	echo "    host packages: $(ls "$1/host/debs" | wc -l) .debs of $2 (what this rebuild ran)"
}

fetch_debs() {	# DIR: the installed HOST_DEBS, from apt's archive cache or apt-get download
	_missing=
	for _p in $HOST_DEBS; do
		_l=$(installed "$_p")
		[ -n "$_l" ] || die "the host package $_p is not installed (image/setup-host.sh installs it)"
		# shellcheck disable=SC2086
		set -- $_l
		_f=${1}_$(echo "$2" | sed 's/:/%3a/g')_$3.deb
		if [ -f "/var/cache/apt/archives/$_f" ]; then cp "/var/cache/apt/archives/$_f" "$DIR_DEBS/"; else _missing="$_missing $1=$2"; fi
	done
	[ -n "$_missing" ] || return 0
	# shellcheck disable=SC2086
	(cd "$DIR_DEBS" && apt-get download -q $_missing) >"$LOGDIR/host-download.log" 2>&1 ||
		die "apt-get download of the host packages failed (log: $LOGDIR/host-download.log): a host package the release ran is not served by this host's apt sources at its installed version; upgrade the host (image/setup-host.sh, apt-get upgrade) and build again"
}

# every Debian-signed apt list of the host, uncompressed (apt keeps them lz4/gz compressed on some hosts)
signed_lists() {	# DIR
	for _ir in /var/lib/apt/lists/*_InRelease; do
		[ -f "$_ir" ] || continue
		gpgv --keyring /usr/share/keyrings/debian-archive-keyring.gpg "$_ir" >/dev/null 2>&1 || continue	# third-party
		for _pk in "${_ir%_InRelease}"_*_Packages "${_ir%_InRelease}"_*_Packages.*; do
			[ -f "$_pk" ] || continue
			_n=${_pk##*/}
			/usr/lib/apt/apt-helper cat-file "$_pk" >"$1/${_n%_Packages*}_Packages" || die "cannot read the apt list $_pk"
		done
	done
}

do_make() {
	b=$1
	rm -rf "$b/host"
	if [ -n "${2:-}" ]; then copy_from "$b" "$2"; return 0; fi
	DIR_DEBS=$b/host/debs
	mkdir -p "$DIR_DEBS" "$b/host/lists" "$b/host/lists.all"
	fetch_debs
	signed_lists "$b/host/lists.all"
	# per .deb the smallest signed list that has its package and version (bookworm's main list is
	# 50 MB; a point-release or backports list of 2 MB usually has it too), with its InRelease
	for d in "$DIR_DEBS"/*.deb; do
		p=$(dpkg-deb -f "$d" Package) v=$(dpkg-deb -f "$d" Version)
		found=
		for pk in $(ls -Sr "$b/host/lists.all/"*_Packages 2>/dev/null); do
			if awk -v p="$p" -v v="$v" 'BEGIN { RS = "" }
				index("\n" $0 "\n", "\nPackage: " p "\n") && index("\n" $0 "\n", "\nVersion: " v "\n") { f = 1; exit }
				END { exit !f }' "$pk"; then
				found=$pk
				break
			fi
		done
		[ -n "$found" ] || die "host package $p $v is in no Debian-signed apt list of this host (installed from elsewhere, or the lists moved on: apt-get update)"
		n=${found##*/}
		cp "$found" "$b/host/lists/"
		cp "/var/lib/apt/lists/${n%%_dists_*}_dists_$(echo "${n#*_dists_}" | cut -d_ -f1)_InRelease" "$b/host/lists/"
	done
	rm -rf "$b/host/lists.all"
	echo "    host packages: $(ls "$DIR_DEBS" | wc -l) .debs ($HOST_DEBS), $(ls "$b/host/lists" | wc -l) lists ($(du -sm "$b/host/lists" | cut -f1) MB)"
}

deb_of() {	# BUNDLE PACKAGE: the bundle file of that host package (from its packages-index.tsv)
	awk -F'\t' -v p="$2" '$1 == p && $6 ~ /^host\/debs\// { print $6; exit }' "$1/packages-index.tsv"
}

mkosi_version() {	# DIR: version of DIR's unpacked mkosi
	"$1/bin/mkosi" --version 2>/dev/null | awk '{print $2}'
}

do_unpack() {
	b=$1 d=$2
	rm -rf "$d"
	mkdir -p "$d/bin"
	for p in mkosi bubblewrap; do
		f=$(deb_of "$b" "$p")
		[ -n "$f" ] && [ -f "$b/$f" ] || die "the bundle $b has no host package $p (host/debs)"
		dpkg-deb -x "$b/$f" "$d" || die "dpkg-deb -x $b/$f failed"
	done
	[ -f "$d/usr/lib/python3/dist-packages/mkosi/__main__.py" ] || die "no mkosi python package in the bundle's mkosi .deb"
	[ -x "$d/usr/bin/bwrap" ] || die "no usr/bin/bwrap in the bundle's bubblewrap .deb"
	# the host's python3 (the pipeline's PATH has no pyenv shims) with the bundle's mkosi first on its
	# module path; mkosi passes PYTHONPATH on to nothing it runs, so the sandboxes never see it
	cat >"$d/bin/mkosi" <<EOF
#!/bin/sh
# the mkosi of the release's package bundle, unpacked by image/scripts/host-packages.sh (not installed)
PYTHONPATH=$d/usr/lib/python3/dist-packages exec /usr/bin/python3 $d/usr/bin/mkosi "\$@"
EOF
	chmod 0755 "$d/bin/mkosi"
	ln -s ../usr/bin/bwrap "$d/bin/bwrap"
	mkdir -p "$d/overlay-bin"
	cp "$d/usr/bin/bwrap" "$d/overlay-bin/bwrap"
	echo "    mkosi $(mkosi_version "$d") and bubblewrap $("$d/bin/bwrap" --version 2>/dev/null | awk '{print $2}') of the bundle unpacked into $d (not installed)"
}

do_run() {
	d=$(cd "$1" && pwd); shift
	[ -x "$d/overlay-bin/bwrap" ] || die "no $d/overlay-bin/bwrap: unpack the bundle first (host-packages.sh unpack)"
	# shellcheck disable=SC2016
	exec unshare -m --propagation private sh -c '
		mount -t overlay overlay -o "lowerdir=$1:/usr/bin" /usr/bin ||
			{ echo "CANNOT CHECK: cannot put the bundle'"'"'s bwrap over /usr/bin in a private mount namespace (overlayfs)" >&2; exit 1; }
		shift
		exec "$@"' sh "$d/overlay-bin" "$@"
}

num() { echo "$1" | awk -F. '{ print $1 * 1000 + $2 }'; }	# 3.9 -> 3009, 3.13 -> 3013

do_check() {
	d=${1:-}
	for t in dpkg dpkg-deb apt-get gpgv unshare; do
		command -v "$t" >/dev/null 2>&1 || cannot_check "'$t' is not installed on this host: the audit needs it"
	done
	[ -x /usr/bin/python3 ] || cannot_check "/usr/bin/python3 is missing: the bundle's mkosi runs with the host's python3 ($PY_MIN..$PY_MAX)"
	pv=$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) ||
		cannot_check "/usr/bin/python3 does not start"
	[ "$(num "$pv")" -ge "$(num "$PY_MIN")" ] || cannot_check "python3 $pv is older than $PY_MIN, which mkosi 24.3 needs"
	[ "$(num "$pv")" -le "$(num "$PY_MAX")" ] ||
		echo "    note: python3 $pv is newer than those the audit was tested with ($PY_MIN..$PY_MAX); if mkosi fails, audit in a Debian 12 or 13 root"
	unshare -n true 2>/dev/null || cannot_check "unshare -n failed: the offline rebuild needs network namespaces (run as root)"
	unshare -m true 2>/dev/null || cannot_check "unshare -m failed: mkosi's sandbox needs mount namespaces (run as root)"
	grep -q -w overlay /proc/filesystems 2>/dev/null || modprobe overlay 2>/dev/null ||
		cannot_check "the kernel has no overlayfs: the audit needs it to put the bundle's bwrap over /usr/bin in a private mount namespace"
	if [ -z "$d" ]; then
		echo "    host: python3 $pv, network and mount namespaces, dpkg, apt-get, gpgv"
		return 0
	fi
	[ -x "$d/bin/mkosi" ] || cannot_check "no unpacked mkosi in $d"
	"$d/bin/bwrap" --ro-bind / / true 2>/dev/null ||
		cannot_check "the bundle's bwrap ($d/usr/bin/bwrap) does not start on this host: $("$d/bin/bwrap" --ro-bind / / true 2>&1 | head -n 1)"
	"$0" run "$d" cmp -s /usr/bin/bwrap "$d/usr/bin/bwrap" ||
		cannot_check "the bundle's bwrap could not be put over /usr/bin in a private mount namespace (overlayfs)"
	v=$(mkosi_version "$d")
	[ -n "$v" ] || cannot_check "the bundle's mkosi does not start with /usr/bin/python3 $pv: $("$d/bin/mkosi" --version 2>&1 | tail -n 1)"
	echo "    host: python3 $pv, network and mount namespaces; from the bundle: mkosi $v ($d/bin/mkosi), bwrap ($d/usr/bin/bwrap)"
}

case "${1:-}" in
make) [ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: host-packages.sh make BUNDLE [FROM_BUNDLE]" >&2; exit 2; }; do_make "$2" "${3:-}" ;;
unpack) [ $# = 3 ] || { echo "usage: host-packages.sh unpack BUNDLE DIR" >&2; exit 2; }; do_unpack "$2" "$3" ;;
run) [ $# -ge 3 ] || { echo "usage: host-packages.sh run DIR CMD..." >&2; exit 2; }; shift; do_run "$@" ;;
check) [ $# -le 2 ] || { echo "usage: host-packages.sh check [DIR]" >&2; exit 2; }; do_check "${2:-}" ;;
*) echo "usage: host-packages.sh make BUNDLE [FROM_BUNDLE] | unpack BUNDLE DIR | check [DIR]" >&2; exit 2 ;;
esac
