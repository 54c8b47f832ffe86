#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark (issue 3, deliverable 6): `bootproof eventlog replay` of a 50,000-event log must be
# at least 10x faster than `tpm2_eventlog` on the same file, and both must give the same PCRs.
# The log is built here: crypto-agile, sha1+sha256+sha384+sha512, a mix of real event shapes
# (separators, EFI actions, variables, boot applications with device paths, IPL strings) spread
# over PCRs 0-14. Each tool runs RUNS times (default 3); the best wall time of each is compared.
# Usage: bench/eventlog-bench.sh [BOOTPROOF]   (default: build/bootproof, else PATH)
set -eu
cd "$(dirname "$0")/.."
bp=${1:-${BOOTPROOF:-build/bootproof}}
[ -x "$bp" ] || bp=$(command -v bootproof) || { echo "bootproof not built" >&2; exit 1; }
command -v tpm2_eventlog >/dev/null || { echo "tpm2_eventlog missing (apt-get install tpm2-tools)" >&2; exit 1; }
events=${EVENTS:-50000}
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp/big.bin" "$events" <<'PY'
import hashlib, struct, sys
path, n = sys.argv[1], int(sys.argv[2])
algs = [("sha1", 4, 20), ("sha256", 0xB, 32), ("sha384", 0xC, 48), ("sha512", 0xD, 64)]
spec = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs))
spec += b"".join(struct.pack("<HH", a, s) for _, a, s in algs) + b"\0"
out = [struct.pack("<II", 0, 3) + bytes(20) + struct.pack("<I", len(spec)) + spec]
gv = bytes.fromhex("61dfe48bca93d211aa0d00e098032b8c")
def var(name, val):
    u = name.encode("utf-16-le")
    return gv + struct.pack("<QQ", len(name), len(val)) + u + val
fp = "\\EFI\\BOOT\\BOOTX64.EFI\0".encode("utf-16-le")
path_dp = bytes([2, 1, 12, 0, 0xD0, 0x41, 3, 0x0A, 0, 0, 0, 0, 1, 1, 6, 0, 2, 1]) + \
    bytes([4, 4]) + struct.pack("<H", 4 + len(fp)) + fp + bytes([0x7F, 0xFF, 4, 0])
shapes = [
    (4, 4, bytes(4)),
    (4, 0x80000007, b"Calling EFI Application from Boot Option"),
    (7, 0x80000001, var("SecureBoot", b"\x00")),
    (1, 0x80000002, var("BootOrder", b"\x01\x00\x02\x00")),
    (4, 0x80000003, struct.pack("<QQQQ", 0x1000, 0x2000, 0, len(path_dp)) + path_dp),
    (12, 0xD, " console=ttyS0 quiet\0".encode("utf-16-le")),
    (8, 0xD, b"grub_cmd: set default=0\0"),
    (2, 0x80000004, struct.pack("<QQQQ", 0x1000, 0x2000, 0, 0)),
]
for i in range(n):
    pcr, typ, data = shapes[i % len(shapes)]
    data = data + struct.pack("<I", i)  # every event distinct
    pcr = (pcr + i // len(shapes)) % 15
    rec = struct.pack("<III", pcr, typ, len(algs))
    for name, a, _ in algs:
        rec += struct.pack("<H", a) + hashlib.new(name, data).digest()
    out.append(rec + struct.pack("<I", len(data)) + data)
open(path, "wb").write(b"".join(out))
PY
size=$(stat -c %s "$tmp/big.bin")
echo "log: $events events + header, $size bytes, banks sha1 sha256 sha384 sha512"

# best-of-N wall time in seconds (date +%s.%N), output to files for the cross-check
best() { # best NAME CMD...
	name=$1; shift
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s.%N)
		"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
		e=$(date +%s.%N)
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.6f", e - s }')
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}
t_ref=$(best ref tpm2_eventlog "$tmp/big.bin")
t_bp=$(best bp "$bp" eventlog replay --json "$tmp/big.bin")
python3 tests/eventlog/pcrs-compare.py "$tmp/bp.out" "$tmp/ref.out" "50,000-event log" >/dev/null ||
	{ echo "FAIL: bootproof and tpm2_eventlog disagree on the PCRs" >&2; exit 1; }
ratio=$(awk -v r="$t_ref" -v b="$t_bp" 'BEGIN { printf "%.2f", r / b }')
printf 'tpm2_eventlog %s          : %.3f s (best of %d)\n' "$(tpm2_eventlog --version 2>&1 | sed -n 's/.*version="\([^"]*\)".*/\1/p')" "$t_ref" "$runs"
printf 'bootproof eventlog replay   : %.3f s (best of %d)\n' "$t_bp" "$runs"
printf 'speed-up                    : %.1fx (target >= 10x); PCRs of all 4 banks identical\n' "$ratio"
awk -v r="$ratio" 'BEGIN { exit !(r >= 10) }' || { echo "FAIL: below 10x" >&2; exit 1; }
echo "ok"
