#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 8, proven on every run (make -f Makefile.images offline-test; tests/run): the release that was
# just built is audited from its own package bundle with no network and no cache shared with its build,
# the bundle's defences are shown to refuse, and a moved mirror is shown to be caught and explained.
#   1. negative controls, before any build: a .deb with one byte flipped (same size: apt would take it)
#      and a missing .deb are refused by the audit, naming the package;
#   2. network really off: with one tools-tree .deb withheld from a cache-only build under unshare -n,
#      the build fails and apt names the .deb it could not fetch (CacheOnly=always alone would let apt
#      download it);
#   3. the offline audit: make audit RELEASE=... PACKAGES=... in a network namespace with no network,
#      everything rebuilt from the bundle (tools tree included) into empty caches: must say
#      "reproduced"; its log must show no metadata sync and no download;
#   3b. the release's cloud import formats (PLATFORM=all in tests/run) convert back to its disk and
#      its AWS blob carries what golden-aws.json's PCR 7 measures (tests/cloud/release-check.sh, run
#      first); the audit of step 3 rebuilt and compared every one of them;
#   4. the mirror moved: a local repository made of the bundle's .debs in which one package of the
#      image (login.defs) is replaced by a newer version built here (a file changed, dpkg-deb --build);
#      the audit against that mirror must fail and name the package, both versions and the changed
#      file. To save a build it reuses the tools tree that step 3 rebuilt from the bundle (identical to
#      the release's: step 3 compared tools-packages.json).
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
audit() {	# NAME ENV... : image/scripts/audit.sh in $t/NAME with the given environment; output in $t/NAME.log
	_n=$1; shift
	set +e
	env OUT="$t/$_n" BOOTPROOF="$BOOTPROOF" "$@" "$TOP/image/scripts/audit.sh" "$rel" >"$t/$_n.log" 2>&1
	_rc=$?
	set -e
	return $_rc
}
ere() { printf '%s' "$1" | sed 's/[]\\.^$*+?(){}|[]/\\&/g'; }	# TEXT -> extended regex matching it literally
expect() {	# FILE REGEX WHAT: FILE must match the extended REGEX
	grep -E -q -- "$2" "$1" || { tail -n 40 "$1" >&2; die "$3 (no '$2' in $1)"; }
}

step "the bundle"
n_deb=$(grep -vc '^#' "$pk/packages-index.tsv")
note "bundle: $pk: $(du -sm "$pk" | cut -f1) MB, $(find "$pk" -type f | wc -l) files, $n_deb .debs, lists $(du -sm "$pk/lists" | cut -f1) MB"
"$TOP/image/scripts/verify-bundle.sh" "$pk" "$rel" | tee -a "$summary"

# Issue 11: the release's cloud import formats convert back to its disk, and its AWS blob carries
# the variables golden-aws.json's PCR 7 measures (tests/cloud/release-check.sh); the offline audit
# below rebuilds the same set (cloud-formats.json) and compares every one of them
step "cloud import formats of the release (tests/cloud/release-check.sh)"
if ! "$TOP/tests/cloud/release-check.sh" "$rel" "$t/cloud-check" >"$t/cloud-check.log" 2>&1; then
	cat "$t/cloud-check.log" >&2
	die "the release's cloud import formats failed their check (log: $t/cloud-check.log)"
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

step "negative control: one byte flipped in $vfile (same size)"
copy_bundle "$t/bundle-flipped"
f=$t/bundle-flipped/$vfile
off=$(($(stat -c %s "$f") / 2))
byte=$(dd if="$f" bs=1 skip="$off" count=1 status=none | od -An -tu1 | tr -d ' ')
# shellcheck disable=SC2059
printf "\\$(printf %o $(((byte + 1) % 256)))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
cmp -s "$f" "$pk/$vfile" && die "the byte flip did not change $f"
[ "$(stat -c %s "$f")" = "$(stat -c %s "$pk/$vfile")" ] || die "the byte flip changed the size of $f"
if audit flipped PACKAGES="$t/bundle-flipped"; then die "the audit accepted a bundle with a flipped byte in $vfile"; fi
expect "$t/flipped.log" "REFUSED: $victim $(ere "$vver") all \\($(ere "$vfile")\\): sha256 [0-9a-f]{64} size [0-9]+, but Debian's signed Packages list says sha256" "the flipped .deb was not refused by name"
expect "$t/flipped.log" "nothing was built" "the audit did not stop before building"
! grep -q 'trixie tools tree\|offline rebuild' "$t/flipped.log" || die "the audit started a build from a refused bundle"
note "flipped byte: $(grep -m1 "REFUSED: $victim" "$t/flipped.log")"

step "negative control: $vfile missing from the bundle"
copy_bundle "$t/bundle-missing"
rm "$t/bundle-missing/$vfile"
if audit missing PACKAGES="$t/bundle-missing"; then die "the audit accepted a bundle without $vfile"; fi
expect "$t/missing.log" "REFUSED: $victim $(ere "$vver") all: missing \\($(ere "$vfile")" "the missing .deb was not named"
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

step "offline audit from the release's bundle (unshare -n, empty caches, tools tree rebuilt)"
t0=$(date +%s)
if ! audit offline PACKAGES="$pk"; then
	tail -n 60 "$t/offline.log" >&2
	die "the offline audit from the release's own bundle did not reproduce (log: $t/offline.log)"
fi
secs=$(($(date +%s) - t0))
expect "$t/offline.log" "^reproduced: " "no 'reproduced' line"
expect "$t/offline.log" "no network" "the rebuild did not run without network"
o=$t/offline/audit
[ -s "$o/logs/tools-tree.log" ] || die "the offline audit did not rebuild the tools tree"
if grep -l -E '^(Get|Hit|Ign):[0-9]* |Syncing package manager metadata' "$o/logs/"*.log >"$t/fetched" 2>/dev/null; then
	die "the offline rebuild synced metadata or downloaded: $(cat "$t/fetched")"
fi
note "offline audit: ${secs} s: $(grep -m1 '^reproduced: ' "$t/offline.log")"
grep -m1 'rebuild: ' "$t/offline.log" | sed 's/^ *//' | tee -a "$summary"
for f in $cloud_files; do	# each cloud artifact rebuilt and compared (compare.sh's line names its sha256)
	expect "$t/offline.log" "^identical: $(ere "$f")  [0-9a-f]{64}\$" "the audit did not compare $f"
	note "audit: $(grep -m1 "^identical: $f  " "$t/offline.log") ($(stat -c %s "$rel/$f") bytes)"
done
[ -z "$cloud_files" ] || grep -m1 'cloud formats: ' "$t/offline.log" | sed 's/^ */audit: /' | tee -a "$summary"

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
if audit moved LOCAL_MIRROR="$m" TOOLS_FROM="$o/tools"; then
	die "the audit against the moved mirror said 'reproduced': the changed $victim went unnoticed"
fi
secs=$(($(date +%s) - t0))
r=$t/moved.log
expect "$r" "NOT reproduced" "the moved-mirror audit did not report a difference"
expect "$r" "DIFFERS: packages.json" "packages.json not reported"
expect "$r" "reference: *$victim $(ere "$vver")\$" "the reference version of $victim not named"
expect "$r" "rebuilt: *$victim $(ere "$newver")\$" "the rebuilt version of $victim not named"
expect "$r" "/$changed" "the changed file /$changed not named"
note "moved-mirror audit: ${secs} s (image only; tools tree reused), exit 3, report:"
grep -E "DIFFERS|reference:|rebuilt:|$changed|NOT reproduced" "$r" | sed 's/^/    /' | tee -a "$summary"
rm -rf "$t/bundle-flipped" "$t/bundle-missing" "$x"
step "offline tests passed"
cat "$summary"
