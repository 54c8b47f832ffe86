#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark of `bootproof containers` (issue 2, deliverable 6). Not a timed test: run by hand,
# once, on an otherwise idle machine:   bench/containers-bench.sh [BUILD_DIR]
# Makes, locally:
#   A. a >= 1 GiB uncompressed `docker save` archive (docker 20.10, one layer of random data,
#      made with docker import on a private dockerd);
#   B. a multi-layer OCI archive with gzip layers (podman/buildah, 4 layers of real binaries
#      from /usr, ~1 GiB uncompressed), and the same layers concatenated into one gzip file;
#   C. archive A wrapped in gzip (docker save | gzip).
# and compares, in the same run, wall time and peak RSS (/usr/bin/time -v) of
#   A: bootproof containers A    vs  openssl dgst -sha256 A                      target <= 1.25x
#   B: bootproof containers B    vs  gzip -dc LAYERS.gz | openssl dgst -sha256   target <= 1.1x
#   C: bootproof containers C    vs  gzip -dc C | openssl dgst -sha256           target <= 1.1x
# Peak RSS target: <= 32 MiB for every bootproof run. The page cache is warmed before each run.
# Needs root, docker.io, podman, buildah; ~6 GiB free in $TMPDIR. Set KEEP=1 to keep the files.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BOOTPROOF=$(realpath "$BUILD/bootproof")
BOOTPROOF_SOURCE_DIR=$(pwd)
export BOOTPROOF BOOTPROOF_SOURCE_DIR
[ -x "$BOOTPROOF" ] || { echo "build first: $BOOTPROOF missing" >&2; exit 1; }
[ "${KEEP:-0}" = 1 ] && KEEP_WORK=1 && export KEEP_WORK
. tests/containers/lib.sh
need dockerd podman buildah openssl gzip jq /usr/bin/time

start_dockerd bench
B=$WORK/bench
mkdir -p "$B"

echo "== making archive A (docker save, >= 1 GiB, uncompressed)"
mkdir -p "$B/rootA/data"
head -c $((1100 * 1024 * 1024)) /dev/urandom >"$B/rootA/data/random.bin"
tar -C "$B/rootA" -cf "$B/rootA.tar" .
rm -rf "$B/rootA"
dk import "$B/rootA.tar" bench/big:1 >/dev/null
rm -f "$B/rootA.tar"
dk save -o "$B/A-docker-save.tar" bench/big:1
dk rmi bench/big:1 >/dev/null

echo "== making archive B (OCI, 4 gzip layers of /usr binaries)"
STORE="--root $WORK/s/root --runroot $WORK/s/run --storage-driver overlay"
tar -cf - -C /usr lib/x86_64-linux-gnu bin share 2>/dev/null | head -c $((1024 * 1024 * 1024)) >"$B/usr.tar" || true
img=""
for i in 0 1 2 3; do
	mkdir -p "$B/l$i"
	dd if="$B/usr.tar" of="$B/l$i/part.bin" bs=1M skip=$((i * 256)) count=256 status=none
	if [ -z "$img" ]; then
		c=$(buildah $STORE from scratch)
	else
		c=$(buildah $STORE from "$img")
	fi
	buildah $STORE copy "$c" "$B/l$i/part.bin" "/data/part$i.bin" >/dev/null
	buildah $STORE commit -q "$c" "localhost/bench/layers:$i" >/dev/null
	buildah $STORE rm "$c" >/dev/null
	img=localhost/bench/layers:$i
	rm -rf "$B/l$i"
done
rm -f "$B/usr.tar"
podman $STORE save -q --format oci-archive -o "$B/B-oci-gzip.tar" "$img"
ix=$(tar -xOf "$B/B-oci-gzip.tar" index.json | jq -r '.manifests[0].digest' | cut -d: -f2)
: >"$B/B-layers.gz"
for l in $(tar -xOf "$B/B-oci-gzip.tar" "blobs/sha256/$ix" | jq -r '.layers[].digest' | cut -d: -f2); do
	tar -xOf "$B/B-oci-gzip.tar" "blobs/sha256/$l" >>"$B/B-layers.gz"
done

echo "== making archive C (archive A | gzip)"
gzip -1 -c "$B/A-docker-save.tar" >"$B/C-docker-save.tar.gz"

ls -l "$B"
echo "uncompressed size of B's layers: $(gzip -dc "$B/B-layers.gz" | wc -c) bytes"

# run LABEL CMD...: wall seconds and max RSS KiB
run() {
	label=$1
	shift
	/usr/bin/time -v "$@" >/dev/null 2>"$B/time.txt" || { cat "$B/time.txt" >&2; fail "$label failed"; }
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$B/time.txt")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$B/time.txt")
	cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$B/time.txt")
	printf '%-58s wall %6.2f s  cpu %6.2f s  maxrss %7d KiB\n' "$label" "$wall" "$cpu" "$rss"
	eval "last_wall=$wall last_rss=$rss"
}
warm() { cat "$@" >/dev/null; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict=0
check() { # check NAME RATIO TARGET RSS
	ok=$(awk -v r="$2" -v t="$3" 'BEGIN {print (r <= t) ? "ok" : "MISSED"}')
	rok=$(awk -v r="$4" 'BEGIN {print (r <= 32768) ? "ok" : "MISSED"}')
	echo "   $1: ratio $2 (target <= $3): $ok; bootproof peak RSS $4 KiB (target <= 32768): $rok"
	[ "$ok" = ok ] && [ "$rok" = ok ] || verdict=1
}

echo
echo "== A: $(stat -c %s "$B/A-docker-save.tar") bytes, docker save, uncompressed"
warm "$B/A-docker-save.tar"
run "openssl dgst -sha256 A" openssl dgst -sha256 "$B/A-docker-save.tar"
ref=$last_wall
run "bootproof containers A" "$BOOTPROOF" containers -o "$B/A.json" "$B/A-docker-save.tar"
check A "$(ratio "$last_wall" "$ref")" 1.25 "$last_rss"

echo "== B: $(stat -c %s "$B/B-oci-gzip.tar") bytes, OCI, gzip layers"
warm "$B/B-oci-gzip.tar" "$B/B-layers.gz"
run "gzip -dc B-layers.gz | openssl dgst -sha256" sh -c "gzip -dc '$B/B-layers.gz' | openssl dgst -sha256"
ref=$last_wall
run "bootproof containers B" "$BOOTPROOF" containers -o "$B/B.json" "$B/B-oci-gzip.tar"
check B "$(ratio "$last_wall" "$ref")" 1.1 "$last_rss"

echo "== C: $(stat -c %s "$B/C-docker-save.tar.gz") bytes, docker save | gzip"
warm "$B/C-docker-save.tar.gz"
run "gzip -dc C | openssl dgst -sha256" sh -c "gzip -dc '$B/C-docker-save.tar.gz' | openssl dgst -sha256"
ref=$last_wall
run "bootproof containers C" "$BOOTPROOF" containers -o "$B/C.json" "$B/C-docker-save.tar.gz"
check C "$(ratio "$last_wall" "$ref")" 1.1 "$last_rss"

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
[ "$verdict" = 0 ] && echo "all targets met" || echo "some targets missed (see above)"
