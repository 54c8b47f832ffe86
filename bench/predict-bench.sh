#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark (issue 3, deliverable 6): `bootproof predict` on a >= 100 MiB UKI with the sha1,
# sha256 and sha384 banks must take <= 1.2x the time of `openssl dgst` hashing the same file once
# per bank (three runs, one per bank), measured here in the same run, file in the page cache.
# predict reads the UKI once (mmap) and hashes it several times per bank: the UKI Authenticode
# (PCR 4), every section's in-memory bytes (PCR 11), the kernel's Authenticode (PCR 4), the
# combined initrd (PCR 9, sharing the .initrd prefix with its PCR 11 digest by context copy),
# spread over the CPUs.
# Usage: bench/predict-bench.sh [BOOTPROOF] [UKI]   (default: build/bootproof, a UKI built here
# with ukify from Debian's systemd-stub + kernel and a 110 MiB random initrd)
set -eu
cd "$(dirname "$0")/.."
BOOTPROOF=${1:-build/bootproof}
UKI=${2:-}
TMP=$(mktemp -d /tmp/bootproof-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

if [ -z "$UKI" ]; then
	(cd "$TMP" && apt-get download systemd-boot-efi >/dev/null 2>&1 &&
		kp=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1) &&
		apt-get download "$kp-unsigned" >/dev/null 2>&1 &&
		for d in ./*.deb; do dpkg-deb -x "$d" x; done) || { echo "cannot fetch stub/kernel"; exit 77; }
	head -c $((110 * 1024 * 1024)) /dev/urandom >"$TMP/initrd"
	printf 'ID=bench\n' >"$TMP/osrel"
	PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/python3 /usr/lib/systemd/ukify build \
		--stub "$TMP"/x/usr/lib/systemd/boot/efi/linuxx64.efi.stub \
		--linux "$(ls "$TMP"/x/boot/vmlinuz-*)" --initrd "$TMP/initrd" \
		--cmdline "console=ttyS0" --os-release "@$TMP/osrel" --output "$TMP/uki.efi" >/dev/null
	rm -f "$TMP/initrd"
	UKI="$TMP/uki.efi"
fi
size=$(stat -c %s "$UKI")
[ "$size" -ge $((100 * 1024 * 1024)) ] || { echo "UKI is smaller than 100 MiB"; exit 1; }
cat "$UKI" >/dev/null # page cache

t0=$(now)
/usr/bin/time -f "%U %S" -o "$TMP/cpu.ref" sh -c \
	'for alg in sha1 sha256 sha384; do openssl dgst -"$alg" "$1" >/dev/null; done' sh "$UKI"
t1=$(now)
/usr/bin/time -f "%U %S" -o "$TMP/cpu.ours" \
	"$BOOTPROOF" predict --uki "$UKI" --banks sha1,sha256,sha384 -o "$TMP/golden.json"
t2=$(now)

ref=$(elapsed "$t0" "$t1")
ours=$(elapsed "$t1" "$t2")
ratio=$(echo "$ours / $ref" | bc -l)
printf 'UKI: %s bytes (%s)\n' "$size" "$("$BOOTPROOF" uki inspect --json "$UKI" | jq -r .stub.version 2>/dev/null || echo ?)"
printf 'openssl dgst -sha1, -sha256, -sha384 (3 runs): %.3f s\n' "$ref"
printf 'bootproof predict --banks sha1,sha256,sha384:   %.3f s\n' "$ours"
printf 'ratio: %.3f (target <= 1.2) on %s CPUs, load average %s\n' "$ratio" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf 'CPU time (user+sys): openssl %.2f s, bootproof %.2f s\n' \
	"$(awk '{print $1 + $2}' "$TMP/cpu.ref")" "$(awk '{print $1 + $2}' "$TMP/cpu.ours")"
[ "$(echo "$ratio <= 1.2" | bc -l)" = 1 ] || { echo "FAIL: slower than 1.2x"; exit 1; }
echo "ok"
