#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The package bundle of a release (issue 8): everything an auditor needs, besides the release folder,
# to rebuild it offline after Debian's mirrors have moved on.
#
#   bundle.sh make PKGCACHE BUNDLE RELEASE_DIR
#       PKGCACHE is the mkosi package cache of a release build that started EMPTY: apt left in it
#       exactly the .debs the build used (tools tree, image, build overlay, default initrd) and the
#       metadata it resolved them against. Writes the folder BUNDLE:
#         debs/*.deb            the .debs, as apt downloaded them (hard links when possible)
#         lists/*_InRelease     Debian-signed suite indexes, as apt stored them (the names encode the
#         lists/*_Packages      mirror URIs, which is why mkosi.sources must be replayed unchanged)
#         mkosi.sources         the exact apt sources of the build
#         packages-index.tsv    package, version, architecture, size, sha256, file: one .deb a line
#         sources.tar           git archive of the commit built (reproducible: same commit, same bytes)
#         host/debs, host/lists the host side (issue 20): mkosi, bubblewrap, virt-fw-vars as the build ran
#                               them outside the tools tree, with the Debian-signed bookworm lists that
#                               name them (image/scripts/host-packages.sh); indexed in packages-index.tsv
#       and into RELEASE_DIR (so that the signed SHA256SUMS covers them): packages-index.tsv,
#       packages-bundle.sha256 (sha256sum of every bundle file but the .debs, which the index covers)
#       and host-tools.txt (the build host's mkosi, bubblewrap, QEMU, ... with versions, and which of
#       them the bundle carries: the audit runs those from the bundle, the rest are the auditor's own and
#       the file says why that is safe; compare.sh reports a difference there as a note).
#   bundle.sh seed BUNDLE PKGCACHE
#       fill an empty package cache from a bundle (verify it first: image/scripts/verify-bundle.sh).
#       Hard links or copies, never symlinks: mkosi's sandbox could not follow them.
set -eu
. "$(dirname "$0")/lib.sh"

link_or_copy() {	# SRC DIR
	cp -l "$1" "$2/" 2>/dev/null || cp "$1" "$2/"
}

# Host packages the pipeline runs outside the tools tree: mkosi and its sandbox, the boot check,
# virt-fw-vars (and its zlib) for the AWS blob of the cloud formats.
HOST_TOOLS="mkosi bubblewrap systemd-container udev python3 gpgv debian-archive-keyring util-linux
	qemu-system-x86 ovmf swtpm swtpm-tools tpm2-tools dosfstools mtools fdisk cmake gcc
	python3-virt-firmware zlib1g"

do_make() {
	pc=$1 b=$2 rel=$3
	a=$pc/cache/apt/archives l=$pc/lib/apt/lists
	[ -d "$a" ] && [ -d "$l" ] || die "$pc is not an apt package cache (no cache/apt/archives, lib/apt/lists)"
	rm -rf "$b"
	mkdir -p "$b/debs" "$b/lists"
	for d in "$a"/*.deb; do
		[ -f "$d" ] || die "no .deb in $a: was the release built from an empty package cache?"
		link_or_copy "$d" "$b/debs"
	done
	for f in "$l"/*; do
		[ -f "$f" ] || continue
		case "$f" in
		*_InRelease | *_Packages) link_or_copy "$f" "$b/lists" ;;
		*_Packages.*) die "$f: compressed package lists are not supported (Acquire::GzipIndexes?)" ;;
		*) ;;	# Translation-*, lock, auxfiles: not needed to resolve or install
		esac
	done
	ls "$b/lists/"*_InRelease >/dev/null 2>&1 || die "no InRelease file in $l"
	cp "$OUT/pkgmngr/etc/apt/sources.list.d/mkosi.sources" "$b/mkosi.sources"
	# the host side: a rebuild from a bundle (PACKAGES) ran that bundle's (MKOSI_FROM), else this host's
	"$TOP/image/scripts/host-packages.sh" make "$b" ${PACKAGES:+"$PACKAGES"}

	{
		printf '# package\tversion\tarchitecture\tsize\tsha256\tfile\n'
		for d in "$b/debs/"*.deb "$b/host/debs/"*.deb; do
			[ -f "$d" ] || continue
			f=${d#"$b/"}
			dpkg-deb --show --showformat='${Package}\t${Version}\t${Architecture}\t' "$d"
			printf '%s\t%s\t%s\n' "$(stat -c %s "$d")" "$(sha256sum "$d" | cut -d' ' -f1)" "$f"
		done | LC_ALL=C sort
	} >"$b/packages-index.tsv"

	{
		printf '# host tools of the release build: package\tversion\tarchitecture\twhere (mkosi %s)\n' \
			"$(mkosi --version | awk '{print $2}')"
		cat <<'EOT'
# where: "bundle" = in the package bundle (host/debs) and run from there by the audit (mkosi, bwrap,
#   unpacked with dpkg-deb -x into OUT/audit/host-tools, never installed); "bundle, record" = in the
#   bundle, but the audit runs the auditor's own (virt-fw-vars needs the host's python3-cryptography);
#   "auditor's own" = not in the bundle. Why the auditor's own parts are safe: none of them writes a
#   byte of the image. Every byte is written by the tools tree (rebuilt from the bundle's trixie .debs),
#   python3, apt, dpkg, the kernel and libc only run mkosi and the sandboxes and install the tools tree,
#   whose package set is compared (tools-packages.json); QEMU/OVMF/swtpm only boot-test it; cmake and
#   gcc build the host bootproof, whose predict output (golden.json) is compared byte for byte; the
#   AWS blob of virt-fw-vars is compared too. A difference there shows up as DIFFERS, never silently.
EOT
		# the bundled ones as the bundle has them (what ran: this host's, or MKOSI_FROM's in a rebuild
		# from a bundle), then the rest as installed here
		{
			for d in "$b/host/debs/"*.deb; do
				[ -f "$d" ] || continue
				p=$(dpkg-deb -f "$d" Package)
				case "$p" in mkosi | bubblewrap) w=bundle ;; *) w="bundle, record" ;; esac
				printf '%s\t%s\t%s\t%s\n' "$p" "$(dpkg-deb -f "$d" Version)" "$(dpkg-deb -f "$d" Architecture)" "$w"
			done
			# shellcheck disable=SC2086
			dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n' $HOST_TOOLS 2>/dev/null |
				while IFS='	' read -r st p v a; do
					case "$st" in ii*) ;; *) continue ;; esac	# known to dpkg but not installed
					ls "$b/host/debs/${p}_"*.deb >/dev/null 2>&1 || printf '%s\t%s\t%s\t%s\n' "$p" "$v" "$a" "auditor's own"
				done
		} | LC_ALL=C sort
	} >"$rel/host-tools.txt"

	if ! git -C "$TOP" rev-parse --verify -q HEAD >/dev/null; then
		echo "    note: $TOP is not a git checkout: no sources.tar in the bundle"
	else
		git -C "$TOP" archive --format=tar -o "$b/sources.tar" HEAD
		if [ -n "$(git -C "$TOP" status --porcelain --untracked-files=no)" ]; then
			echo "    WARNING: uncommitted changes: sources.tar is commit $(git -C "$TOP" rev-parse HEAD), not what was built"
		fi
	fi

	(cd "$b" && find . -type f ! -path './debs/*' ! -path './host/debs/*' | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum) >"$rel/packages-bundle.sha256"
	cp "$b/packages-index.tsv" "$rel/"
	"$TOP/image/scripts/verify-bundle.sh" "$b" "$rel" >/dev/null || { _rc=$?; die "$(why_failed "$_rc" "the fresh bundle $b does not verify" "verify-bundle.sh")"; }
	echo "    bundle $b: $(($(wc -l <"$b/packages-index.tsv") - 1)) .debs, $(du -sm "$b" | cut -f1) MB, $(find "$b" -type f | wc -l) files"
}

do_seed() {
	b=$1 pc=$2
	mkdir -p "$pc/cache/apt/archives/partial" "$pc/lib/apt/lists/partial"
	for d in "$b/debs/"*.deb; do link_or_copy "$d" "$pc/cache/apt/archives"; done
	for f in "$b/lists/"*; do link_or_copy "$f" "$pc/lib/apt/lists"; done
	echo "    package cache $pc seeded: $(find "$pc/cache/apt/archives" -name '*.deb' | wc -l) .debs, $(find "$pc/lib/apt/lists" -type f | wc -l) lists"
}

case "${1:-}" in
make) [ $# = 4 ] || { echo "usage: bundle.sh make PKGCACHE BUNDLE RELEASE_DIR" >&2; exit 2; }; do_make "$2" "$3" "$4" ;;
seed) [ $# = 3 ] || { echo "usage: bundle.sh seed BUNDLE PKGCACHE" >&2; exit 2; }; do_seed "$2" "$3" ;;
*) echo "usage: bundle.sh make PKGCACHE BUNDLE RELEASE_DIR | seed BUNDLE PKGCACHE" >&2; exit 2 ;;
esac
