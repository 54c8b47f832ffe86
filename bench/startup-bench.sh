#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Start-up cost of bootproof (issue 9, deliverable 2): `bootproof --version` must take <= 3 ms.
#   bench/startup-bench.sh [BUILD_DIR]      (BENCH_N=500 processes by default)
# Prints the shared objects the binary maps at start (ldd), the dynamic loader's own statistics
# (LD_DEBUG=statistics), and the mean wall time of N sequential `bootproof --version` processes
# next to N `openssl version` processes (a reference: one small tool on the same libcrypto).
# The verb-level comparison (one `bootproof verify` process vs one tpm2_checkquote process) is in
# bench/verify-bench.sh.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
BP=$BUILD/bootproof
N=${BENCH_N:-500}
[ -x "$BP" ] || { echo "build bootproof first (cmake --build $BUILD)"; exit 1; }

echo "shared objects mapped at start (ldd): $(ldd "$BP" | wc -l)"
ldd "$BP" | sed 's/^/    /'
LD_DEBUG=statistics "$BP" --version 2>&1 >/dev/null | sed -n 's/^ *[0-9]*:[[:space:]]*/    /; /total startup time\|number of relocations:/p'

# mean wall microseconds of N runs of CMD
per_run() {
	t0=$(date +%s%N)
	i=0
	while [ $i -lt "$N" ]; do
		"$@" >/dev/null
		i=$((i + 1))
	done
	echo $(( ($(date +%s%N) - t0) / N / 1000 ))
}
"$BP" --version >/dev/null # page cache
t_bp=$(per_run "$BP" --version)
t_ossl=$(per_run openssl version)
printf 'bootproof --version : %6d us per process (mean of %d)\n' "$t_bp" "$N"
printf 'openssl version     : %6d us per process (reference)\n' "$t_ossl"
ok=$(awk -v t="$t_bp" 'BEGIN {print (t <= 3000) ? "ok" : "MISSED"}')
echo "RATIO startup: bootproof --version $(awk -v t="$t_bp" 'BEGIN {printf "%.2f", t / 1000}') ms (target <= 3 ms): $ok"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
[ "$ok" = ok ]
