#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Verify a release's package bundle (image/scripts/bundle.sh) before anything is built from it, against
# Debian's own signatures rather than the publisher's word (apt itself only compares a cached .deb's
# size, so this is the only integrity check the .debs get):
#   1. every lists/*_InRelease carries a good signature by a key of Debian's archive keyring (gpgv);
#      only the signed text is used from here on. A signature by a key that has EXPIRED since counts
#      (gpgv's EXPKEYSIG: the signature was made while the key was valid; an audit happens years
#      later). Signatures by keys the keyring does not hold are ignored when another one is good (as
#      apt does; gpgv alone would exit 2); when none is good and some key is missing, the bundle is
#      not refused but could not be checked (exit 1): Debian may have moved that key to
#      debian-archive-removed-keys.gpg (docs/audit.md). The keyring each list verified with is named;
#   2. every lists/*_Packages has the sha256 and size its InRelease lists for it;
#   3. every debs/*.deb has the sha256 and size that a verified Packages list gives for the package,
#      version and architecture the index names, under apt's file name for them;
#   4. the .debs and packages-index.tsv are the same set (a missing .deb is named);
#   The same for the host side (issue 20): host/lists/*, host/debs/*.deb (image/scripts/host-packages.sh).
#   5. with RELEASE_DIR: the bundle's index equals the release's (covered by its signed SHA256SUMS) and
#      every other bundle file matches the release's packages-bundle.sha256.
# Every problem is printed as "REFUSED: ..." naming the file and package. Exit 0 verified, 3 refused
# (the checks ran and found a problem), 1 the checks could not run (gpgv or the keyring missing, a file
# of the bundle or the release that cannot be read: named, and never "REFUSED"), 2 usage.
# DEBIAN_KEYRING overrides the keyring: one file or several, separated by ':' (tried in that order).
# Usage: verify-bundle.sh BUNDLE [RELEASE_DIR]
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
usage() { echo "usage: verify-bundle.sh BUNDLE [RELEASE_DIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
[ -d "$1" ] || { echo "verify-bundle: $1 is not a folder" >&2; exit 2; }
b=$(cd "$1" && pwd)
rel=
if [ $# = 2 ]; then [ -d "$2" ] || usage; rel=$(cd "$2" && pwd); fi
keyrings=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
cannot() { echo "verify-bundle: CANNOT CHECK: $* (exit 1: the bundle was not verified, nor refused)" >&2; exit 1; }
for keyring in $(echo "$keyrings" | tr ':' ' '); do
	[ -f "$keyring" ] && head -c 1 "$keyring" >/dev/null 2>&1 || cannot "no readable Debian archive keyring at $keyring (apt-get install debian-archive-keyring)"
done
# which keyring: each file, and the package that installed it (if one did)
kr_desc=
for keyring in $(echo "$keyrings" | tr ':' ' '); do
	kp=$(dpkg-query -S "$keyring" 2>/dev/null | cut -d: -f1 | head -n 1) || true
	kv=${kp:+$(dpkg-query -W -f '${Version}' "$kp" 2>/dev/null)}
	kr_desc="$kr_desc${kr_desc:+, }$keyring${kp:+ ($kp $kv)}"
done
echo "keyring: $kr_desc"
for t in gpgv sha256sum awk stat; do
	command -v "$t" >/dev/null || cannot "$t is not installed (gpgv: apt-get install gpgv)"
done
# Every file the checks read must be readable: one that is not proves nothing either way, so it stops
# the verification (exit 1) instead of becoming a "REFUSED" (a bad signature, a wrong sha256).
unreadable() {	# FILE: not a regular file, or its bytes cannot be read
	[ ! -f "$1" ] || ! head -c 1 -- "$1" >/dev/null 2>&1
}
for f in "$b"/* "$b"/lists/* "$b"/debs/* "$b"/host/* "$b"/host/lists/* "$b"/host/debs/* ${rel:+"$rel/packages-index.tsv" "$rel/packages-bundle.sha256"}; do
	[ -e "$f" ] || [ -L "$f" ] || continue	# an empty glob, or a release file whose absence is refused below
	case "$f" in "$b/lists" | "$b/debs" | "$b/host" | "$b/host/lists" | "$b/host/debs") continue ;; esac
	! unreadable "$f" || cannot "$f cannot be read ($( [ -f "$f" ] && echo "read error" || echo "not a regular file"))"
done
for f in mkosi.sources packages-index.tsv; do
	[ -f "$b/$f" ] || { echo "REFUSED: $b/$f is missing: not a package bundle"; exit 3; }
done
[ -d "$b/lists" ] && [ -d "$b/debs" ] || { echo "REFUSED: $b has no lists/ or debs/ folder: not a package bundle"; exit 3; }

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
bad=0
refuse() { echo "REFUSED: $*"; bad=$((bad + 1)); }

# 1. InRelease: Debian's signature; keep the verified text only. gpgv's status lines say per
# signature: VALIDSIG (good; after GOODSIG, or EXPKEYSIG for a key expired since), BADSIG, NO_PUBKEY.
n_inrel=0
: >"$w/nokey"
signed() {	# FILE OUT: 0 good signature (OUT: the signed text; $w/used: keyring, keys), 3 bad or unsigned, 1 only unknown keys
	for _kr in $(echo "$keyrings" | tr ':' ' '); do
		rm -f "$2"
		gpgv --status-fd 3 --keyring "$_kr" --output "$2" "$1" 3>"$w/status" >"$w/gpgv.out" 2>&1 || true
		if grep -q '^\[GNUPG:\] BADSIG ' "$w/status"; then return 3; fi
		if grep -q '^\[GNUPG:\] VALIDSIG ' "$w/status"; then
			awk -v kr="$_kr" '$2 == "GOODSIG" || $2 == "EXPKEYSIG" { k = k sep $3 ($2 == "EXPKEYSIG" ? " (expired since)" : ""); sep = ", " }
				END { print kr ", key(s) " k }' "$w/status" >"$w/used"
			return 0
		fi
		grep -q '^\[GNUPG:\] NO_PUBKEY ' "$w/status" || return 3	# not signed at all, or not OpenPGP
	done
	awk '$2 == "NO_PUBKEY" { print $3 }' "$w/status" | sort -u | tr '\n' ' ' >"$w/missing"
	return 1
}
for lists in lists host/lists; do
	[ -d "$b/$lists" ] || continue
	mkdir -p "$w/$lists"
	for f in "$b/$lists/"*; do
		[ -f "$f" ] || continue
		n=${f##*/}
		case "$n" in
		*_InRelease)
			set +e
			signed "$f" "$w/$lists/$n"
			src=$?
			set -e
			case "$src" in
			0)
				n_inrel=$((n_inrel + 1))
				echo "    $lists/$n: good signature, keyring $(cat "$w/used")" >>"$w/keyring-used"
				;;
			1)
				rm -f "$w/$lists/$n"
				echo "$lists/$n (signed only by key(s) $(cat "$w/missing")not in $keyrings)" >>"$w/nokey"
				;;
			*)
				rm -f "$w/$lists/$n"
				refuse "$lists/$n: no good signature by Debian's archive keyring ($(grep -v '^gpgv: *using' "$w/gpgv.out" | tail -n 1))"
				;;
			esac
			;;
		*_Packages) ;;
		*) refuse "$lists/$n: unexpected file (a bundle's lists hold only *_InRelease and *_Packages)" ;;
		esac
	done
done
[ "$n_inrel" -gt 0 ] || [ -s "$w/nokey" ] || refuse "lists/: no InRelease file with a good signature"
[ ! -f "$w/keyring-used" ] || cat "$w/keyring-used"

# 2. Packages: listed with this sha256 and size in the verified InRelease of its suite.
# apt's list names: <mirror URI, '/' -> '_'>_dists_<suite>_<component>_binary-<arch>_Packages
n_pk=0
: >"$w/packages.ok"
for f in "$b/lists/"*_Packages "$b/host/lists/"*_Packages; do
	[ -f "$f" ] || continue
	n=${f##*/}
	lists=${f#"$b/"}; lists=${lists%/*}
	rest=${n#*_dists_}
	suite=${rest%%_*}
	path=$(echo "${rest#*_}" | tr _ /)
	irn=${n%%_dists_*}_dists_${suite}_InRelease
	ir=$w/$lists/$irn
	if [ ! -f "$ir" ]; then
		grep -q -F "$lists/$irn (" "$w/nokey" || refuse "$lists/$n: no verified InRelease for suite $suite"
		continue
	fi
	sha=$(sha256sum "$f" | cut -d' ' -f1) size=$(stat -c %s "$f")
	want=$(awk -v p="$path" '/^[^ ]/ { sec = $1 } sec == "SHA256:" && /^ / && $3 == p { print $1, $2; exit }' "$ir")
	if [ "$want" = "$sha $size" ]; then
		n_pk=$((n_pk + 1))
		echo "$f" >>"$w/packages.ok"
	else
		refuse "$lists/$n: sha256 $sha size $size, but its InRelease lists ${want:-no entry} for $path"
	fi
done

# no mismatch so far, but lists whose signing keys this keyring lacks: no verdict either way (exit 1): the .debs
# they list cannot be checked
if [ -s "$w/nokey" ] && [ "$bad" = 0 ]; then
	sed 's/^/    not checked: /' "$w/nokey" >&2
	cannot "$(wc -l <"$w/nokey") InRelease file(s) are signed only by keys that are not in $keyrings: Debian may have moved them to its removed-keys keyring since the release; verify with DEBIAN_KEYRING=$keyrings:/usr/share/keyrings/debian-archive-removed-keys.gpg (docs/audit.md 'auditing on another machine, years later')"
fi

# Debian's word per package: package version arch size sha256, from the verified Packages lists only
while read -r f; do
	awk 'BEGIN { RS = ""; FS = "\n" } {
		p = v = a = s = h = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^Package: /) p = substr($i, 10)
			else if ($i ~ /^Version: /) v = substr($i, 10)
			else if ($i ~ /^Architecture: /) a = substr($i, 15)
			else if ($i ~ /^Size: /) s = substr($i, 7)
			else if ($i ~ /^SHA256: /) h = substr($i, 9)
		}
		if (p != "") print p "\t" v "\t" a "\t" s "\t" h
	}' "$f"
done <"$w/packages.ok" >"$w/debian.tsv"

# 3 + 4. every .deb against Debian's lists and the index; every index line against a .deb
(cd "$b" && for d in debs/*.deb host/debs/*.deb; do
	[ -f "$d" ] || continue
	s=$(sha256sum -- "$d") || exit 1
	printf '%s\t%s\t%s\n' "$d" "$(stat -c %s "$d")" "${s%% *}"
done) >"$w/actual.tsv" || cannot "a .deb of $b cannot be read (sha256sum above)"
grep -v '^#' "$b/packages-index.tsv" >"$w/index.tsv" || true
awk -F'\t' -v out="$w/debs.ok" '
	FILENAME == ARGV[1] { deb[$1 "|" $2 "|" $3] = $4 " " $5; next }
	FILENAME == ARGV[2] {
		if (NF != 6) { print "REFUSED: packages-index.tsv line " FNR ": not 6 tab-separated fields"; next }
		idx[$6] = $0; ip[$6] = $1; iv[$6] = $2; ia[$6] = $3; isz[$6] = $4; ish[$6] = $5; next
	}
	{
		f = $1; size = $2; sha = $3; seen[f] = 1
		if (!(f in idx)) { print "REFUSED: " f ": not in packages-index.tsv"; next }
		what = ip[f] " " iv[f] " " ia[f] " (" f ")"
		v = iv[f]; gsub(/:/, "%3a", v)
		dir = f; sub(/[^\/]*$/, "", dir)
		if (f != dir ip[f] "_" v "_" ia[f] ".deb") { print "REFUSED: " what ": not apt'"'"'s file name for that package"; next }
		k = ip[f] "|" iv[f] "|" ia[f]
		if (!(k in deb)) { print "REFUSED: " what ": in no Debian-signed Packages list of the bundle"; next }
		split(deb[k], d, " ")
		if (d[1] != size || d[2] != sha) {
			print "REFUSED: " what ": sha256 " sha " size " size ", but Debian'"'"'s signed Packages list says sha256 " d[2] " size " d[1]
			next
		}
		if (isz[f] != size || ish[f] != sha) { print "REFUSED: " what ": the index says sha256 " ish[f] " size " isz[f]; next }
		ok++
	}
	END {
		for (f in idx) if (!(f in seen)) { print "REFUSED: " ip[f] " " iv[f] " " ia[f] ": missing (" f " is in the index, not in the bundle)"; bad++ }
		print ok + 0 > out
	}' "$w/debian.tsv" "$w/index.tsv" "$w/actual.tsv" >"$w/debs.out" || true
if [ -s "$w/debs.out" ]; then
	sort "$w/debs.out"
	bad=$((bad + $(wc -l <"$w/debs.out")))
fi
n_deb=$(cat "$w/debs.ok" 2>/dev/null || echo 0)

# 5. the publisher's signed view of the bundle
if [ -n "$rel" ]; then
	if [ ! -f "$rel/packages-index.tsv" ] || [ ! -f "$rel/packages-bundle.sha256" ]; then
		refuse "$rel has no packages-index.tsv / packages-bundle.sha256: a release made without a bundle"
	else
		if ! cmp -s "$rel/packages-index.tsv" "$b/packages-index.tsv"; then
			refuse "packages-index.tsv differs from the release's (signed) one:"
			diff "$rel/packages-index.tsv" "$b/packages-index.tsv" | grep '^[<>]' | head -n 20 |
				sed 's/^</    release:/; s/^>/    bundle: /'
		fi
		(cd "$b" && sha256sum --quiet -c "$rel/packages-bundle.sha256" 2>&1) | sed 's/^/REFUSED: (packages-bundle.sha256) /' >"$w/sums.out" || true
		if [ -s "$w/sums.out" ]; then cat "$w/sums.out"; bad=$((bad + 1)); fi
		(cd "$b" && find . -type f ! -path './debs/*' ! -path './host/debs/*' | sed 's|^\./||' | sort) >"$w/files"
		awk '{ print $2 }' "$rel/packages-bundle.sha256" | sort | comm -23 "$w/files" - >"$w/extra"
		while read -r f; do refuse "$f: not in the release's packages-bundle.sha256"; done <"$w/extra"
	fi
fi

if [ "$bad" -gt 0 ]; then
	echo "bundle $b REFUSED: $bad problem(s); nothing was built from it"
	exit 3
fi
echo "bundle verified: $n_inrel InRelease file(s) with good Debian signatures, $n_pk Packages list(s) match them, $n_deb .deb(s) match the signed lists${rel:+, index and files match the signed lists of the release}"
