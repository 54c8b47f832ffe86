#!/bin/sh
# Time-boxed libFuzzer smoke over every fuzz target (clang, ASan + UBSan):
#   tests/fuzz/run-fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]
# New inputs go to a scratch copy of each corpus; crashers are written to build/fuzz/crashes/.
# Minimise a crasher (fuzz-X -minimize_crash=1) and commit it to tests/fuzz/corpus/fuzz-X/.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
CC=clang cmake -S . -B build/fuzz -DBOOTPROOF_FUZZ=ON -DBOOTPROOF_SANITIZE=address,undefined \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build/fuzz -j"$(nproc)"
targets=${*:-$(cd tests/fuzz/corpus && ls)}
mkdir -p build/fuzz/crashes
for t in $targets; do
	work=build/fuzz/corpus-work/$t
	mkdir -p "$work"
	cp -r tests/fuzz/corpus/"$t"/. "$work"/
	echo "== $t ($secs s)"
	build/fuzz/tests/"$t" -max_total_time="$secs" -artifact_prefix=build/fuzz/crashes/"$t"- \
		-print_final_stats=1 "$work" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true
done
if ls build/fuzz/crashes/* >/dev/null 2>&1; then
	echo "crashes found:"; ls -l build/fuzz/crashes/
	exit 1
fi
echo "no crashes"
