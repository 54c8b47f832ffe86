#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Image pipeline benchmark (make -f Makefile.images bench). Measures, on this machine:
#   1. clean release build: empty package cache, no tools tree, no mkosi cache (downloads included)
#   2. rebuild after changing one container archive (mkosi's incremental cache and package cache kept)
#   3. boot-to-verified: QEMU start -> attestation received -> eventlog compare + verify passed (TCG)
#   4. sizes: disk image (apparent, allocated), UKI, partitions
# Targets of issue 4: (1) <= 240 s, (2) <= 90 s, (3) <= 120 s. Results: $OUT/bench/results.txt
# SKIP_CLEAN=1 reuses a previous clean build in $OUT/bench (measures 2-4 only).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/image/scripts/lib.sh"
b=$OUT/bench
res=$b/results.txt
now() { date +%s.%N; }
dt() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }
mkdir -p "$b"
"$TOP/image/scripts/pipeline.sh" setup tool >/dev/null
: >"$res.new"
out() { echo "$*" | tee -a "$res.new"; }
out "bootproof image benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, mkosi $(mkosi --version | cut -d' ' -f2)"

if [ "${SKIP_CLEAN:-0}" != 1 ]; then
	rm -rf "$b/clean"
	t0=$(now)
	# nothing shared with other builds: own package cache (downloads), tools tree and mkosi caches
	OUT=$b/clean CACHE=$b/clean/cache PKGCACHE=$b/clean/cache/pkg TOOLS_DIR=$b/clean/tools BOOTPROOF=$BOOTPROOF \
		"$TOP/image/scripts/pipeline.sh" release >"$b/clean.log" 2>&1 ||
		{ tail -n 30 "$b/clean.log"; die "clean build failed (log: $b/clean.log)"; }
	t1=$(now)
	out "1. clean release build (tools tree + packages downloaded + image + golden + sign): $(dt "$t0" "$t1") s  (target <= 240 s)"
	grep '^==> \[' "$b/clean.log" | sed 's/^/     /' | tee -a "$res.new"
fi
[ -f "$b/clean/release/SHA256SUMS" ] || die "no clean build in $b/clean (run without SKIP_CLEAN)"

# 2. one container archive changed
c=$b/containers
rm -rf "$c"
mkdir -p "$c"
cp "$b/clean/stage/containers/"*.tar "$c/"
"$TOP/tests/boot/tamper-archive.sh" "$(ls "$c"/*.tar | head -n1)" >/dev/null
t0=$(now)
OUT=$b/clean CACHE=$b/clean/cache PKGCACHE=$b/clean/cache/pkg TOOLS_DIR=$b/clean/tools CONTAINERS_DIR=$c BUNDLE=no \
	BOOTPROOF=$BOOTPROOF "$TOP/image/scripts/pipeline.sh" release >"$b/rebuild.log" 2>&1 ||
	{ tail -n 30 "$b/rebuild.log"; die "rebuild failed (log: $b/rebuild.log)"; }
t1=$(now)
out "2. rebuild after changing one container archive (cached): $(dt "$t0" "$t1") s  (target <= 90 s)"
grep '^==> \[' "$b/rebuild.log" | sed 's/^/     /' | tee -a "$res.new"

# 3. boot-to-verified
r=$b/clean/release
t0=$(now)
"$TOP/tests/boot/boot.sh" "$r/bootproof.raw" "$b/boot" >"$b/boot.log" 2>&1 || { tail -n 20 "$b/boot.log"; die "boot failed"; }
"$BOOTPROOF" eventlog compare "$b/boot/binary_bios_measurements" "$r/golden.json" --userspace-log "$b/boot/tpm2-measure.log" >"$b/compare.txt" 2>&1 ||
	die "eventlog compare failed (see $b/compare.txt)"
"$BOOTPROOF" verify "$b/boot/bundle.json" --golden "$r/golden.json" --nonce "$(cat "$b/boot/nonce")" --ak-pub "$b/boot/ak.pem" >"$b/verify.txt" 2>&1 ||
	die "verify failed (see $b/verify.txt)"
t1=$(now)
out "3. boot-to-verified (QEMU TCG start -> quote + logs verified): $(dt "$t0" "$t1") s  (target <= 120 s; attestation received after $(sed -n 's/^done //p' "$b/boot/timing") s)"
sed -n 's/^Startup finished in/     guest: Startup finished in/p' "$b/boot/info.txt" | tee -a "$res.new"

# 4. sizes
d=$r/bootproof.raw
out "4. sizes: disk $(stat -c %s "$d") bytes ($(du -k "$d" | cut -f1) KiB allocated), UKI $(stat -c %s "$r/bootproof.efi") bytes"
sfdisk -J "$d" | jq -r '.partitiontable.partitions[] | "     partition \(.name // .type): \(.size * 512) bytes"' | tee -a "$res.new"
mv "$res.new" "$res"
echo "results: $res"
