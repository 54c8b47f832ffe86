#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 8, proven on every run (make -f Makefile.images offline-test; tests/run): the release that was
# just built is audited from its own package bundle with no network and no cache shared with its build,
# the bundle's defences are shown to refuse, and a moved mirror is shown to be caught and explained.
# Issue 16: every audit runs as a new auditor's would: README's command (make -f Makefile.images audit
# RELEASE=... PACKAGES=...) in a separate clean clone of this commit ($OUT/auditor-clone; the
# uncommitted changes the release was built from, if any, copied in uncommitted), in a clean
# environment (env -i) and, for the offline audit, the clone's default OUT that no build has touched:
# nothing of this build (tools tree, caches, bootproof) is within its reach but the release folder and
# the bundle.
#   1. negative controls (run after step 3, they stop before building): a .deb with one byte flipped (same size: apt would take it)
#      and a missing .deb are refused by the audit, naming the package;
#   2. network really off: with one tools-tree .deb withheld from a cache-only build under unshare -n,
#      the build fails and apt names the .deb it could not fetch (CacheOnly=always alone would let apt
#      download it);
#   3. the offline audit: make audit RELEASE=... PACKAGES=... in the auditor's clone with its default
#      OUT, rebuilt in a network namespace with no network, everything rebuilt from the bundle (tools
#      tree included) into empty caches: must say "reproduced", the Secure Boot signature check must
#      pass with the audit's own tools tree, exit 0; its log must show no metadata sync and no
#      download. Then the audit's verdict step (image/scripts/audit-verdict.sh) again on that finished
#      audit, no rebuild: with the tools tree moved away it must exit 1 naming it (a check that could
#      not run is no verdict); against a copy of the release whose published UKI signature has one
#      byte changed it must exit 3 ("NOT trusted");
#   3b. the release's cloud import formats (PLATFORM=all in tests/run) convert back to its disk and
#      its AWS blob carries what golden-aws.json's PCR 7 measures (tests/cloud/release-check.sh, run
#      first); the audit of step 3 rebuilt and compared every one of them;
#   4. the mirror moved: a local repository made of the bundle's .debs in which one package of the
#      image (login.defs) is replaced by a newer version built here (a file changed, dpkg-deb --build);
#      the audit against that mirror must fail and name the package, both versions and the changed
#      file. To save a build it reuses the tools tree that step 3 rebuilt from the bundle (identical to
#      the release's: step 3 compared tools-packages.json) and the bootproof step 3 built in the clone.
#   5. (issue 20) the offline audit of step 3 runs on another machine: inside a clean Debian 13
#      (trixie) root made with mmdebstrap from Debian's mirror (tests/offline/trixie-root.sh), which
#      has no mkosi and no bubblewrap installed, with python3 3.13, apt 3 and dpkg 1.22 of its own; it
#      must run the bundle's mkosi and bwrap, unpacked under the clone's out/audit/host-tools, say
#      which (path and version), and reproduce the release built here on Debian 12. No rebuild is
#      added for this: it IS the offline audit (the clone, the release and the bundle are bound into
#      the root at the same paths, so steps 3, 4 use its results as before). OFFLINE_AUDIT_IN=host
#      runs it on this host instead, with the host's mkosi and bwrap shadowed (an empty, non-executable
#      file bound over /usr/bin/mkosi and /usr/bin/bwrap, an empty folder over mkosi's python package,
#      in a private mount namespace);
#   6. (issue 20) years later: verify-bundle.sh under faketime in 2045 (every Debian key in today's
#      keyring expired) still verifies the bundle; with a keyring from which the bookworm and bullseye
#      keys are gone (as Debian moves old keys to debian-archive-removed-keys.gpg) it cannot check the
#      host lists (exit 1, naming the keys and the removed-keys keyring), and with those keys added as
#      a second keyring it verifies and names the keyring each list used.
# Writes $OUT/offline-test/summary.txt. Usage: offline-test.sh RELEASE_DIR BUNDLE_DIR
set -eu
. "$(dirname "$0")/../../image/scripts/lib.sh"
rel=$(cd "${1:?usage: offline-test.sh RELEASE_DIR BUNDLE_DIR}" && pwd)
pk=$(cd "${2:?usage: offline-test.sh RELEASE_DIR BUNDLE_DIR}" && pwd)
t=$OUT/offline-test
rm -rf "$t"
mkdir -p "$t"
summary=$t/summary.txt
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }
[ -x "$BOOTPROOF" ] || "$TOP/image/scripts/pipeline.sh" tool

# The auditor's clone: this commit, plus the uncommitted changes the release was built from (the image
# holds the working tree's sources: pipeline.sh do_sources), left uncommitted so that HEAD and with it
# the bundle's sources.tar stay this commit's.
clone=$OUT/auditor-clone
make_clone() {
	rm -rf "$clone"
	git -C "$TOP" rev-parse --verify -q HEAD >/dev/null || die "$TOP is not a git checkout: no auditor's clone"
	git clone -q "$TOP" "$clone"
	git -C "$clone" checkout -q --detach "$(git -C "$TOP" rev-parse HEAD)"
	(cd "$TOP" && git ls-files -z --modified --others --exclude-standard |
		xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh | tar --null -T - -cf -) | tar -C "$clone" -xf -
	(cd "$TOP" && git ls-files -z --deleted) | (cd "$clone" && xargs -0 -r rm -f --)
	n=$(git -C "$clone" status --porcelain | wc -l)
	note "auditor's clone: $clone at $(git -C "$clone" rev-parse --short HEAD)$([ "$n" = 0 ] || echo ", $n uncommitted change(s) of $TOP copied in")"
}
# auditor NAME [VAR=VALUE...]: README's audit command in the clone, in a clean environment; more make
# variables (OUT, PACKAGES, LOCAL_MIRROR, ...) after NAME. Output in $t/NAME.log; returns the audit's
# exit code (0, 1 or 3) and writes it to $t/NAME.rc: make itself exits 2 for any failed recipe and
# reports the audit's code as "make: *** [Makefile.images:N: audit] Error 3", the line an auditor sees.
auditor() {
	_n=$1; shift
	set +e
	(cd "$clone" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8 \
		make -f Makefile.images audit RELEASE="$rel" "$@") >"$t/$_n.log" 2>&1
	_rc=$?
	set -e
	if [ "$_rc" != 0 ]; then
		_e=$(sed -n 's/^make: \*\*\* \[[^]]*audit\] Error \([0-9][0-9]*\)$/\1/p' "$t/$_n.log" | tail -n 1)
		[ -n "$_e" ] || die "the audit '$_n' failed with no 'make: *** [...audit] Error N' line (make exited $_rc; log: $t/$_n.log)"
		_rc=$_e
	fi
	echo "$_rc" >"$t/$_n.rc"
	return "$_rc"
}
# auditor_shadowed NAME [VAR=VALUE...]: auditor, but with this host's mkosi and bwrap shadowed in a
# private mount namespace (step 5): only the bundle's can run
auditor_shadowed() {
	_n=$1; shift
	: >"$t/shadow-file"
	chmod 0644 "$t/shadow-file"
	mkdir -p "$t/shadow-dir"
	set +e
	(cd "$clone" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8 \
		unshare -m sh -c '
			f=$1 d=$2; shift 2
			for p in /usr/bin/mkosi /usr/bin/bwrap; do [ ! -e "$p" ] || mount --bind "$f" "$p" || exit 1; done
			m=/usr/lib/python3/dist-packages/mkosi
			[ ! -d "$m" ] || mount --bind "$d" "$m" || exit 1
			if mkosi --version >/dev/null 2>&1 || bwrap --version >/dev/null 2>&1; then
				echo "the host mkosi or bwrap still runs in the shadowed namespace" >&2; exit 1
			fi
			echo "shadowed: this host'"'"'s mkosi and bwrap cannot run here"
			exec "$@"' sh "$t/shadow-file" "$t/shadow-dir" \
		make -f Makefile.images audit RELEASE="$rel" "$@") >"$t/$_n.log" 2>&1
	_rc=$?
	set -e
	echo "$_rc" >"$t/$_n.rc"
	return $_rc
}
# auditor_trixie NAME [VAR=VALUE...]: auditor, but inside the clean trixie root $troot (step 5), with
# the clone, the release and the bundle bound at their own paths; the root has no mkosi, no bwrap
troot=$OUT/trixie-root
auditor_trixie() {
	_n=$1; shift
	set +e
	"$TOP/tests/offline/trixie-root.sh" run "$troot" "$clone" "$rel" "$pk" -- \
		sh -c 'cd "$1" && shift && exec make -f Makefile.images audit "$@"' sh "$clone" RELEASE="$rel" "$@" >"$t/$_n.log" 2>&1
	_rc=$?
	set -e
	echo "$_rc" >"$t/$_n.rc"
	return $_rc
}
# verdict NAME RELEASE: only the verdict step of the finished audit in the clone (compare + signature
# check, no rebuild), in a clean environment; output in $t/NAME.log, exit code in $t/NAME.rc
verdict() {
	set +e
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8 BOOTPROOF="$clone/out/tool/bootproof" \
		"$clone/image/scripts/audit-verdict.sh" "$2" "$clone/out/audit" >"$t/$1.log" 2>&1
	echo "$?" >"$t/$1.rc"
	set -e
}
ere() { printf '%s' "$1" | sed 's/[]\\.^$*+?(){}|[]/\\&/g'; }	# TEXT -> extended regex matching it literally
expect() {	# FILE REGEX WHAT: FILE must match the extended REGEX
	grep -E -q -- "$2" "$1" || { tail -n 40 "$1" >&2; die "$3 (no '$2' in $1)"; }
}

step "the bundle"
n_deb=$(grep -vc '^#' "$pk/packages-index.tsv")
note "bundle: $pk: $(du -sm "$pk" | cut -f1) MB, $(find "$pk" -type f | wc -l) files, $n_deb .debs, lists $(du -sm "$pk/lists" | cut -f1) MB"
"$TOP/image/scripts/verify-bundle.sh" "$pk" "$rel" | tee -a "$summary"

# Issue 20, step 6: the bundle's signatures years later, and a key Debian has moved out of its keyring
if [ -d "$pk/host/lists" ]; then
	step "the bundle in 2045 (faketime: every key of today's keyring expired), and without the bookworm keys"
	command -v faketime >/dev/null || die "faketime is not installed (tests/deps/audit.list)"
	set +e
	faketime '2045-01-01 00:00:00' "$TOP/image/scripts/verify-bundle.sh" "$pk" "$rel" >"$t/years.log" 2>&1
	rc=$?
	set -e
	[ "$rc" = 0 ] || { cat "$t/years.log" >&2; die "the bundle does not verify in 2045 with today's keyring (exit $rc)"; }
	expect "$t/years.log" "good signature, keyring .*\\(expired since\\)" "gpgv saw no expired key in 2045"
	note "2045 (faketime): $(tail -n 1 "$t/years.log")"
	K=/usr/share/keyrings
	cat "$K/debian-archive-trixie-automatic.gpg" "$K/debian-archive-trixie-security-automatic.gpg" \
		"$K/debian-archive-trixie-stable.gpg" >"$t/keyring-future.gpg"
	cat "$K/debian-archive-bookworm-automatic.gpg" "$K/debian-archive-bookworm-security-automatic.gpg" \
		"$K/debian-archive-bookworm-stable.gpg" "$K/debian-archive-bullseye-automatic.gpg" \
		"$K/debian-archive-bullseye-security-automatic.gpg" "$K/debian-archive-bullseye-stable.gpg" >"$t/keyring-removed.gpg"
	set +e
	DEBIAN_KEYRING=$t/keyring-future.gpg "$TOP/image/scripts/verify-bundle.sh" "$pk" "$rel" >"$t/nokey.log" 2>&1
	rc=$?
	set -e
	[ "$rc" = 1 ] || { cat "$t/nokey.log" >&2; die "verify-bundle without the bookworm keys exited $rc, expected 1 (could not check)"; }
	expect "$t/nokey.log" "not checked: host/lists/.*bookworm-security_InRelease \\(signed only by key\\(s\\) [0-9A-F]{16}" "the list signed by a missing key was not named"
	expect "$t/nokey.log" "CANNOT CHECK: .*debian-archive-removed-keys\\.gpg" "no hint to the removed-keys keyring"
	! grep -q '^REFUSED' "$t/nokey.log" || die "a missing key was reported as REFUSED"
	note "keyring without the bookworm keys: exit 1: $(grep -m1 'not checked: ' "$t/nokey.log" | sed 's/^ *//')"
	DEBIAN_KEYRING=$t/keyring-future.gpg:$t/keyring-removed.gpg "$TOP/image/scripts/verify-bundle.sh" "$pk" "$rel" >"$t/removed.log" 2>&1 ||
		{ cat "$t/removed.log" >&2; die "verify-bundle with the removed keys as a second keyring failed"; }
	expect "$t/removed.log" "host/lists/.*bookworm-security_InRelease: good signature, keyring $(ere "$t/keyring-removed.gpg")" "the keyring used was not named"
	note "with the removed keys as a second keyring: $(grep -m1 'bookworm-security_InRelease: good' "$t/removed.log" | sed 's/^ *//')"
fi

# Issue 11: the release's cloud import formats convert back to its disk, and its AWS blob carries
# the variables golden-aws.json's PCR 7 measures (tests/cloud/release-check.sh); the offline audit
# below rebuilds the same set (cloud-formats.json) and compares every one of them
step "cloud import formats of the release (tests/cloud/release-check.sh)"
set +e
"$TOP/tests/cloud/release-check.sh" "$rel" "$t/cloud-check" >"$t/cloud-check.log" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ]; then
	cat "$t/cloud-check.log" >&2
	die "$(why_failed "$rc" "the release's cloud import formats do not match it" "tests/cloud/release-check.sh") (log: $t/cloud-check.log)"
fi
sed 's/^/cloud: /' "$t/cloud-check.log" | tee -a "$summary"
cloud_files=
if [ -f "$rel/cloud-formats.json" ]; then
	cloud_files=$(cd "$rel" && ls -d bootproof-gce.tar.gz bootproof-azure.vhd aws-uefi-data.b64 cloud-formats.json \
		platform-gce.json platform-azure.json platform-aws.json golden-gce.json golden-azure.json golden-aws.json \
		gce-PK.der gce-KEK.der gce-db.der azure-uefi-settings.json 2>/dev/null || true)
fi

# the package to tamper with and to move: one the image contains (packages.json), a text conffile
victim=login.defs
vver=$(jq -r --arg p "$victim" '.packages[] | select(.name == $p) | .version' "$rel/packages.json")
[ -n "$vver" ] || die "the image has no $victim package: pick another victim for this test"
vfile=$(awk -F'\t' -v p="$victim" -v v="$vver" '$1 == p && $2 == v { print $6 }' "$pk/packages-index.tsv")
[ -n "$vfile" ] && [ -f "$pk/$vfile" ] || die "$victim $vver is not in the bundle's index"

copy_bundle() {	# DEST: hard-linked copy of the bundle, with the victim's .deb as a private copy
	cp -al "$pk" "$1"
	rm "$1/$vfile"
	cp "$pk/$vfile" "$1/$vfile"
}

step "the auditor's clone"
make_clone

[ -d "$pk/host/debs" ] || die "the bundle $pk carries no host packages (host/debs): made before issue 20?"
where=${OFFLINE_AUDIT_IN:-trixie}
if [ "$where" = trixie ]; then
	step "a clean Debian 13 (trixie) root for the offline audit (mmdebstrap, no mkosi, no bubblewrap)"
	t0=$(date +%s)
	TRIXIE_DEBS=$(ls "$pk"/host/debs/python3-virt-firmware_*.deb 2>/dev/null || true) \
		"$TOP/tests/offline/trixie-root.sh" make "$troot" >"$t/trixie-root.log" 2>&1 ||
		{ tail -n 30 "$t/trixie-root.log" >&2; die "could not make the trixie root (log: $t/trixie-root.log)"; }
	note "$(tail -n 1 "$t/trixie-root.log"), made in $(($(date +%s) - t0)) s"
fi
step "offline audit in the auditor's clone, default OUT (unshare -n, empty caches, tools tree rebuilt; $([ "$where" = trixie ] && echo "inside the trixie root" || echo "host mkosi/bwrap shadowed"))"
t0=$(date +%s)
if [ "$where" = trixie ]; then auditor_trixie offline PACKAGES="$pk"; else auditor_shadowed offline PACKAGES="$pk"; fi || {
	tail -n 60 "$t/offline.log" >&2
	die "the offline audit in a fresh clone from the release's own bundle exited $(cat "$t/offline.rc"), not 0 (log: $t/offline.log)"
}
secs=$(($(date +%s) - t0))
expect "$t/offline.log" "^reproduced: " "no 'reproduced' line"
expect "$t/offline.log" "no network" "the rebuild did not run without network"
o=$clone/out/audit
[ -s "$o/logs/tools-tree.log" ] || die "the offline audit did not rebuild the tools tree"
# step 5: the bundle's mkosi and bwrap ran (the trixie root has none, the host's were shadowed)
[ "$where" = trixie ] || expect "$t/offline.log" "^shadowed: " "the host's mkosi was not shadowed"
expect "$t/offline.log" "mkosi: $(ere "$o/host-tools/bin/mkosi") \\(mkosi 24\\.3\\), bwrap: $(ere "$o/host-tools/bin/bwrap")" \
	"the audit did not run the bundle's mkosi and bwrap"
note "audit $([ "$where" = trixie ] && echo "inside the Debian 13 root ($(grep -m1 '^    host: python3' "$t/offline.log" | sed 's/^ *host: //; s/,.*//'))" || echo "with the host's mkosi and bwrap shadowed"): $(grep -m1 "mkosi: $o/host-tools" "$t/offline.log" | sed 's/^ *//')"
if grep -l -E '^(Get|Hit|Ign):[0-9]* |Syncing package manager metadata' "$o/logs/"*.log >"$t/fetched" 2>/dev/null; then
	die "the offline rebuild synced metadata or downloaded: $(cat "$t/fetched")"
fi
note "offline audit (fresh clone, default OUT $clone/out, bootproof built there too): ${secs} s, exit 0: $(grep -m1 '^reproduced: ' "$t/offline.log")"
grep -m1 'rebuild: ' "$t/offline.log" | sed 's/^ */audit: /' | tee -a "$summary"
if [ -f "$rel/db.esl" ]; then
	expect "$t/offline.log" "^    uki\.efi: signature verifies with the release's db certificate" "the audit's signature check did not pass"
	expect "$t/offline.log" "every published signature verifies with the published db certificate" "the audit's signature check did not pass"
	note "audit: $(grep -m1 'every published signature verifies' "$t/offline.log" | sed 's/^ *//') (tools tree $o/tools)"
fi
for f in $cloud_files; do	# each cloud artifact rebuilt and compared (compare.sh's line names its sha256)
	expect "$t/offline.log" "^identical: $(ere "$f")  [0-9a-f]{64}\$" "the audit did not compare $f"
	note "audit: $(grep -m1 "^identical: $f  " "$t/offline.log") ($(stat -c %s "$rel/$f") bytes)"
done
[ -z "$cloud_files" ] || grep -m1 'cloud formats: ' "$t/offline.log" | sed 's/^ */audit: /' | tee -a "$summary"

if [ -f "$rel/db.esl" ]; then
	step "the audit's verdict with its tools tree moved away: exit 1, naming it (no rebuild)"
	mv "$o/tools" "$o/tools.away"
	verdict no-tools "$rel"
	mv "$o/tools.away" "$o/tools"
	[ "$(cat "$t/no-tools.rc")" = 1 ] || { cat "$t/no-tools.log" >&2; die "the verdict without a tools tree exited $(cat "$t/no-tools.rc"), expected 1"; }
	expect "$t/no-tools.log" "^CANNOT CHECK.*there is no tools tree at $(ere "$o/tools/mkosi.tools")" "the missing tools tree was not named"
	expect "$t/no-tools.log" "^reproduced: " "the comparison did not run without the tools tree"
	! grep -q -E 'does NOT verify|NOT trusted' "$t/no-tools.log" || die "a check that could not run was reported as a signature that does not verify"
	note "verdict, tools tree moved away: exit 1: $(grep -m1 '^CANNOT CHECK' "$t/no-tools.log" | cut -c1-200)"

	step "the audit's verdict on the release with one byte of its published UKI signature changed: exit 3"
	bad=$t/release-badsig
	rm -rf "$bad"
	cp -al "$rel" "$bad"
	rm "$bad/bootproof.efi.pkcs7"
	cp "$rel/bootproof.efi.pkcs7" "$bad/bootproof.efi.pkcs7"
	off=$(($(stat -c %s "$bad/bootproof.efi.pkcs7") - 20))	# in the RSA signature value
	byte=$(dd if="$bad/bootproof.efi.pkcs7" bs=1 skip="$off" count=1 status=none | od -An -tu1 | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf %o $((byte ^ 1)))" | dd of="$bad/bootproof.efi.pkcs7" bs=1 seek="$off" conv=notrunc status=none
	cmp -s "$bad/bootproof.efi.pkcs7" "$rel/bootproof.efi.pkcs7" && die "the byte change did not change bootproof.efi.pkcs7"
	verdict badsig "$bad"
	rm -rf "$bad"
	[ "$(cat "$t/badsig.rc")" = 3 ] || { cat "$t/badsig.log" >&2; die "the verdict on a changed published signature exited $(cat "$t/badsig.rc"), expected 3"; }
	expect "$t/badsig.log" "^NOT trusted: " "no 'NOT trusted' for a changed published signature"
	expect "$t/badsig.log" "the signature in uki\.efi is not the published bootproof\.efi\.pkcs7" "the changed signature was not named"
	note "verdict, published UKI signature changed in one byte: exit 3: $(grep -m1 'not the published' "$t/badsig.log" | sed 's/^ *//')"
fi

step "negative control: one byte flipped in $vfile (same size)"
copy_bundle "$t/bundle-flipped"
f=$t/bundle-flipped/$vfile
off=$(($(stat -c %s "$f") / 2))
byte=$(dd if="$f" bs=1 skip="$off" count=1 status=none | od -An -tu1 | tr -d ' ')
# shellcheck disable=SC2059
printf "\\$(printf %o $(((byte + 1) % 256)))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
cmp -s "$f" "$pk/$vfile" && die "the byte flip did not change $f"
[ "$(stat -c %s "$f")" = "$(stat -c %s "$pk/$vfile")" ] || die "the byte flip changed the size of $f"
if auditor flipped OUT="$t/flipped" BOOTPROOF="$clone/out/tool/bootproof" PACKAGES="$t/bundle-flipped"; then die "the audit accepted a bundle with a flipped byte in $vfile"; fi
expect "$t/flipped.log" "REFUSED: $victim $(ere "$vver") all \\($(ere "$vfile")\\): sha256 [0-9a-f]{64} size [0-9]+, but Debian's signed Packages list says sha256" "the flipped .deb was not refused by name"
expect "$t/flipped.log" "nothing was built" "the audit did not stop before building"
[ "$(cat "$t/flipped.rc")" = 3 ] || die "the audit of a bundle with a flipped byte exited $(cat "$t/flipped.rc"), expected 3"
! grep -q 'trixie tools tree\|offline rebuild' "$t/flipped.log" || die "the audit started a build from a refused bundle"
note "flipped byte: $(grep -m1 "REFUSED: $victim" "$t/flipped.log")"

step "negative control: $vfile missing from the bundle"
copy_bundle "$t/bundle-missing"
rm "$t/bundle-missing/$vfile"
if auditor missing OUT="$t/missing" BOOTPROOF="$clone/out/tool/bootproof" PACKAGES="$t/bundle-missing"; then die "the audit accepted a bundle without $vfile"; fi
expect "$t/missing.log" "REFUSED: $victim $(ere "$vver") all: missing \\($(ere "$vfile")" "the missing .deb was not named"
[ "$(cat "$t/missing.rc")" = 3 ] || die "the audit of a bundle without $vfile exited $(cat "$t/missing.rc"), expected 3"
! grep -q 'trixie tools tree\|offline rebuild' "$t/missing.log" || die "the audit started a build from a refused bundle"
note "missing .deb: $(grep -m1 "REFUSED: $victim" "$t/missing.log")"

step "negative control: a .deb withheld from a cache-only build under unshare -n is not fetched"
w=$t/withheld
withheld=jq
wfile=$(awk -F'\t' -v p="$withheld" '$1 == p { print $6; exit }' "$pk/packages-index.tsv")
[ -n "$wfile" ] || die "the bundle has no $withheld .deb (a tools-tree package)"
mkdir -p "$w/pkg"
"$TOP/image/scripts/bundle.sh" seed "$pk" "$w/pkg" >/dev/null
rm "$w/pkg/cache/apt/archives/${wfile#debs/}"
set +e
OUT=$w CACHE=$w/cache PKGCACHE=$w/pkg TOOLS_DIR=$w/tools APT_SOURCES=$pk/mkosi.sources PKG_CACHE_ONLY=always \
	unshare -n "$TOP/image/scripts/pipeline.sh" tools-tree >"$t/withheld.log" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || die "a tools tree built without ${wfile#debs/} under unshare -n: something else supplied it"
expect "$w/logs/tools-tree.log" "${withheld}_.*\\.deb|/${withheld}_|Failed to fetch .*/${withheld}_" "the failed build does not name ${wfile#debs/}"
note "withheld .deb: the offline build failed (rc $rc): $(grep -m1 -E "Failed to fetch .*${withheld}_|${withheld}_" "$w/logs/tools-tree.log" | cut -c1-200)"
rm -rf "$w"

step "the mirror moved: $victim $vver replaced by a newer local build"
m=$t/mirror
mkdir -p "$m/pool" "$m/dists/trixie/main/binary-amd64"
for d in "$pk/debs/"*.deb; do [ "$d" = "$pk/$vfile" ] || cp -l "$d" "$m/pool/" 2>/dev/null || cp "$d" "$m/pool/"; done
x=$t/victim
dpkg-deb -R "$pk/$vfile" "$x"
newver=$vver+bootproof1
changed=etc/login.defs
[ -f "$x/$changed" ] || die "$victim has no /$changed"
printf '# changed by bootproof tests/offline/offline-test.sh (a newer %s on a moved mirror)\n' "$victim" >>"$x/$changed"
sed -i "s/^Version: .*/Version: $newver/" "$x/DEBIAN/control"
if [ -f "$x/DEBIAN/md5sums" ]; then
	sed -i "\\| $changed\$|s|^[0-9a-f]*|$(md5sum "$x/$changed" | cut -d' ' -f1)|" "$x/DEBIAN/md5sums"
fi
dpkg-deb --root-owner-group -Zxz --build "$x" "$m/pool/" >/dev/null
(cd "$m" && dpkg-scanpackages -m pool /dev/null >dists/trixie/main/binary-amd64/Packages 2>"$t/scanpackages.log")
grep -q -F -x "Version: $newver" "$m/dists/trixie/main/binary-amd64/Packages" || die "the local repository lacks $victim $newver"
note "moved mirror: $m: $(ls "$m/pool" | wc -l) .debs, $victim $vver -> $newver (/$changed changed)"
t0=$(date +%s)
if auditor moved OUT="$t/moved" BOOTPROOF="$clone/out/tool/bootproof" LOCAL_MIRROR="$m" TOOLS_FROM="$o/tools"; then
	die "the audit against the moved mirror said 'reproduced': the changed $victim went unnoticed"
fi
secs=$(($(date +%s) - t0))
r=$t/moved.log
expect "$r" "NOT reproduced" "the moved-mirror audit did not report a difference"
expect "$r" "DIFFERS: packages.json" "packages.json not reported"
expect "$r" "reference: *$victim $(ere "$vver")\$" "the reference version of $victim not named"
expect "$r" "rebuilt: *$victim $(ere "$newver")\$" "the rebuilt version of $victim not named"
expect "$r" "/$changed" "the changed file /$changed not named"
[ "$(cat "$t/moved.rc")" = 3 ] || die "the moved-mirror audit exited $(cat "$t/moved.rc"), expected 3"
note "moved-mirror audit (auditor's clone, OUT $t/moved): ${secs} s (image only; tools tree reused), exit 3, report:"
grep -E "DIFFERS|reference:|rebuilt:|$changed|NOT reproduced" "$r" | sed 's/^/    /' | tee -a "$summary"
rm -rf "$t/bundle-flipped" "$t/bundle-missing" "$x"
step "offline tests passed"
cat "$summary"
