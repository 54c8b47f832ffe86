#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: verify N (default 1000) quote bundles with bootproof and compare, in the same run,
# with the reference: one tpm2_checkquote process per quote over the same quotes.
#   bench/verify-bench.sh [BUILD_DIR]      (BENCH_N=1000 by default)
# Setup (not timed): a swtpm, the test fixture's boot (firmware log + systemd phases, golden.json),
# runtime records on PCR 14/15, a persistent AK (tpm2-tools), N bundles from `bootproof attest`,
# each with its own quote, all answering the same challenge (bootproof verify takes one --nonce);
# each bundle also converted to tpm2_checkquote's inputs (with its qualifying data, which binds
# the bundle's fields: computed by tests/attest/binding.py, docs/attest.md).
# Timed: (a) `bootproof verify` of all N bundles in one process: signature, qualifying data
# (hashing every bound field), selection, pcrDigest, golden PCRs, replay of both event logs,
# runtime records; (b) N tpm2_checkquote processes (signature, qualifying data, pcrDigest only); (c) N bootproof processes, one per bundle. (b) and
# (c) alternate over BENCH_ROUNDS rounds (default 3); each keeps its fastest round.
# Pass: per quote, (a) is at least 10x faster than (b), and one bootproof process per bundle (c)
# takes at most 0.5x the time of one tpm2_checkquote process (issue 9: verifiers that run one
# process per quote).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
N=${BENCH_N:-1000}
export BOOTPROOF="$BUILD/bootproof" BOOTPROOF_SOURCE_DIR="$ROOT"
[ -x "$BOOTPROOF" ] || { echo "build bootproof first (cmake --build $BUILD)"; exit 1; }
. "$ROOT/tests/attest/lib.sh"

now() { date +%s%N; }

start_swtpm a
TA=$a_TCTI
BANKS=$(active_banks "$TA")
python3 "$SRC/mkfixture.py" "$TA" "$WORK" $BANKS
cp "$WORK/userspace.log" "$WORK/run.log"
mkdir -p "$WORK/in"
printf 'data' >"$WORK/in/a"
"$BOOTPROOF" extend --tcti "$TA" --log "$WORK/run.log" --pcr 14 --label data "$WORK/in" >/dev/null
"$BOOTPROOF" extend --tcti "$TA" --log "$WORK/run.log" --pcr 15 --label out "$WORK/in/a" >/dev/null

tpm2_createek -T "$TA" -c "$WORK/ek.ctx" -G rsa -u "$WORK/ek.pub" >/dev/null
tpm2_flush "$TA"
tpm2_createak -T "$TA" -C "$WORK/ek.ctx" -c "$WORK/ak.ctx" -G rsa -g sha256 -s rsassa -u "$WORK/ak.pub" >/dev/null
tpm2_flush "$TA"
tpm2_evictcontrol -T "$TA" -C o -c "$WORK/ak.ctx" 0x81010002 >/dev/null
tpm2_flush "$TA"
tpm2_readpublic -T "$TA" -c 0x81010002 -f pem -o "$WORK/ak.pem" >/dev/null

NONCE=0123456789abcdef0123456789abcdef
mkdir -p "$WORK/b" "$WORK/cq"
echo "making $N bundles (each its own TPM2_Quote)..."
t0=$(now)
i=1
while [ $i -le "$N" ]; do
	f=$(printf '%s/b/%05d.json' "$WORK" $i)
	"$BOOTPROOF" attest --tcti "$TA" --ak-handle 0x81010002 --nonce $NONCE -o "$f" \
		--eventlog "$WORK/firmware.bin" --userspace-log "$WORK/run.log" 2>/dev/null
	i=$((i + 1))
done
python3 "$SRC/bundle2tpm2tools.py" --batch "$N" "$WORK/b" "$WORK/cq"
echo "  made in $(( ($(now) - t0) / 1000000 )) ms; bundle size $(wc -c <"$WORK/b/00001.json") bytes" \
	"(firmware log $(wc -c <"$WORK/firmware.bin") B, userspace log $(wc -c <"$WORK/run.log") B)"

V="--golden $WORK/golden.json --nonce $NONCE --ak-pub $WORK/ak.pem"
if [ -n "${BENCH_KEEP:-}" ]; then # keep the inputs for profiling one process by hand
	mkdir -p "$BENCH_KEEP"
	cp -r "$WORK/b" "$WORK/cq" "$WORK/golden.json" "$WORK/ak.pem" "$BENCH_KEEP/"
fi

# (a) bootproof: all bundles, one process.
t0=$(now)
"$BOOTPROOF" verify "$WORK"/b/*.json $V --json >"$WORK/verdicts.json"
t_bp=$(( $(now) - t0 ))
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); v=v if isinstance(v,list) else [v]; assert len(v)==int(sys.argv[2]) and all(x["ok"] for x in v), "not all verified"' \
	"$WORK/verdicts.json" "$N"

# (b) reference: one tpm2_checkquote process per quote; (c) one bootproof process per bundle.
# Both are short processes, so another job on the machine can slow either one down: they run in
# BENCH_ROUNDS alternating rounds (default 3) and each keeps its fastest round.
checkquote_all() {
	i=1
	while [ $i -le "$N" ]; do
		read -r qd <"$WORK/cq/$i.qd" # the qualifying data: H(nonce || H(fields)), binding.py
		tpm2_checkquote -u "$WORK/ak.pem" -m "$WORK/cq/$i.msg" -s "$WORK/cq/$i.sig" \
			-f "$WORK/cq/$i.pcrs" -g sha256 -q "$qd" >/dev/null ||
			fail "tpm2_checkquote rejects quote $i"
		i=$((i + 1))
	done
}
verify_each() {
	for f in "$WORK"/b/*.json; do
		"$BOOTPROOF" verify "$f" $V --json >/dev/null || fail "bootproof rejects $f"
	done
}
t_ref= t_bp1=
round=1
while [ $round -le "${BENCH_ROUNDS:-3}" ]; do
	t0=$(now); checkquote_all; t=$(( $(now) - t0 ))
	[ -n "$t_ref" ] && [ "$t_ref" -le "$t" ] || t_ref=$t
	t0=$(now); verify_each; t=$(( $(now) - t0 ))
	[ -n "$t_bp1" ] && [ "$t_bp1" -le "$t" ] || t_bp1=$t
	round=$((round + 1))
done

python3 - "$N" "$t_bp" "$t_ref" "$t_bp1" <<'PY'
import sys
n, bp, ref, bp1 = (int(x) for x in sys.argv[1:])
per = lambda t: t / n / 1000.0   # microseconds per quote
print("bundles: %d" % n)
print("bootproof verify, one process, all bundles : %10.1f us/quote  (%.3f s total)" % (per(bp), bp / 1e9))
print("tpm2_checkquote, one process per quote     : %10.1f us/quote  (%.3f s total)" % (per(ref), ref / 1e9))
print("bootproof verify, one process per bundle   : %10.1f us/quote  (%.3f s total)" % (per(bp1), bp1 / 1e9))
ratio = ref / bp
print("speed-up (bootproof batch vs tpm2_checkquote): %.1fx (target >= 10x)" % ratio)
per_process = bp1 / ref
print("RATIO verify one process / tpm2_checkquote one process: %.2f (target <= 0.5): %s"
      % (per_process, "ok" if per_process <= 0.5 else "MISSED"))
sys.exit(0 if ratio >= 10 and per_process <= 0.5 else 1)
PY
