#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Cloud platform profiles (issue 11, docs/golden-format.md "PCR status") against real GCE event
# logs (../shared/data/eventlogs/go-eventlog, Google's public testdata):
# 1. `eventlog profile --target gce --gce-firmware 1 --cvm T` computes PCR 0 from the firmware
#    version and confidential-VM type alone; it must equal tpm2_eventlog's replay of each real
#    log (an independent implementation), in sha1, sha256 and sha384; PCR 2, 3, 6 are the
#    separator-only value there too.
# 2. `eventlog compare` with a format 2 golden made of that profile passes every GCE log
#    (PCR 0 computed, PCR 1 variable and not judged, 2/3/6 exact), names the rule per PCR, and
#    fails (exit 3) when the confidential-VM type is wrong.
# 3. `eventlog profile --pcrs` takes tpm2_eventlog's PCR values (the tpm2_pcrread YAML shape)
#    as observed values; an observed mismatch warns (exit 0), never fails.
# 4. The committed profiles in image/platform/*.json are what the tool writes, byte for byte.
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
data="${BOOTPROOF_SHARED_DATA:-$BOOTPROOF_SOURCE_DIR/../shared/data}/eventlogs/go-eventlog"
plat="$BOOTPROOF_SOURCE_DIR/image/platform"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# 4 first: it needs no shared data.
"$plat/generate.sh" "$BOOTPROOF" "$tmp/gen" >/dev/null
for f in "$plat"/*.json; do
	b=$(basename "$f")
	if ! cmp -s "$f" "$tmp/gen/$b"; then
		echo "FAIL: $b differs from what image/platform/generate.sh writes"; fail=1
	fi
done
[ -f "$tmp/gen/gce-sev-snp.json" ] || { echo "FAIL: generate.sh wrote no gce-sev-snp.json"; fail=1; }

# Usage errors of `eventlog profile --target/--pcrs` exit 2 and write nothing; a YAML file that
# cannot be read or parsed exits 1 and names the file (and the line).
printf 'sha256:\n  0 : 0x12\n' > "$tmp/bad.yaml"
while IFS='|' read -r want args; do
	rc=0
	# shellcheck disable=SC2086 # args is a list of words
	"$BOOTPROOF" eventlog profile $args -o "$tmp/usage.json" 2> "$tmp/usage.err" || rc=$?
	if [ "$rc" != "$want" ] || [ -e "$tmp/usage.json" ]; then
		echo "FAIL: eventlog profile $args: exit $rc (want $want), or an output was written"
		cat "$tmp/usage.err"; fail=1
	fi
done <<EOT
2|--target bogus
2|--target gce --gce-firmware 0
2|--target gce --cvm bogus
2|--target gce $plat/ovmf-q35.eventlog
2|--target qemu
2|
1|--pcrs $tmp/absent.yaml
1|--pcrs $tmp/bad.yaml
EOT
grep -q "bad.yaml: line 2: " "$tmp/usage.err" ||
	{ echo "FAIL: a bad YAML's error does not name file and line:"; cat "$tmp/usage.err"; fail=1; }

if [ ! -d "$data" ]; then
	echo "SKIP: $data is absent (the shared public GCE event logs); profiles checked only"
	[ $fail = 0 ] && exit 77
	exit 1
fi
command -v tpm2_eventlog >/dev/null || { echo "FAIL: tpm2_eventlog missing (tests/deps/pcr.list)"; exit 1; }

# golden_of PROFILE OUT: a golden.json (format 2) of the profile's firmware PCRs; PCR 4, 5, 7
# are placeholders predict fills, so they are left out here.
golden_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
banks = {b: {k: v for k, v in pcrs.items() if k not in ("4", "5", "7")}
         for b, pcrs in p["banks"].items()}
json.dump({"format": "bootproof-golden/2", "secure_boot": False, "platform": None,
           "banks": banks}, open(sys.argv[2], "w"), sort_keys=True, indent=2)
PY
}

n=0
for spec in cos-85-amd-sev:sev cos-93-amd-sev:sev cos-101-amd-sev:sev ubuntu-1804-amd-sev:sev \
	    ubuntu-2104-no-dbx:none ubuntu-2104-no-secure-boot:none; do
	log="$data/${spec%%:*}.bin" cvm=${spec##*:}
	[ -f "$log" ] || { echo "FAIL: $log missing"; fail=1; continue; }
	n=$((n + 1))
	b=$(basename "$log" .bin)
	"$BOOTPROOF" eventlog profile --target gce --gce-firmware 1 --cvm "$cvm" \
		--bank sha1,sha256,sha384 -o "$tmp/$b.json"
	tpm2_eventlog "$log" 2>/dev/null | sed -n '/^pcrs:/,$p' | tail -n +2 >"$tmp/$b.pcrs.yaml"
	python3 - "$tmp/$b.json" "$tmp/$b.pcrs.yaml" "$b" <<'PY' || fail=1
import json, re, sys
prof = json.load(open(sys.argv[1]))
t2, bank = {}, None
for line in open(sys.argv[2]):
    m = re.match(r"^  (\w+):$", line)
    if m:
        bank = m.group(1); t2[bank] = {}; continue
    m = re.match(r"^\s+(\d+)\s*: 0x([0-9a-fA-F]+)$", line)
    if m:
        t2[bank][m.group(1)] = m.group(2).lower()
bad = 0
for bank in ("sha1", "sha256", "sha384"):
    for pcr, status in (("0", "computed"), ("2", "exact"), ("3", "exact"), ("6", "exact")):
        p = prof["banks"][bank][pcr]
        if p["status"] != status or p["value"] != t2[bank][pcr]:
            print(f"FAIL {sys.argv[3]} {bank} PCR {pcr}: profile {p['status']} {p['value']}, "
                  f"tpm2_eventlog {t2[bank][pcr]}"); bad = 1
sys.exit(bad)
PY
	golden_of "$tmp/$b.json" "$tmp/$b.golden.json"
	if ! "$BOOTPROOF" eventlog compare "$log" "$tmp/$b.golden.json" --json -o "$tmp/$b.cmp.json"; then
		echo "FAIL $b: eventlog compare with the computed gce profile"; fail=1
	fi
	python3 - "$tmp/$b.cmp.json" "$b" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
want = {0: ("computed", "pass"), 1: ("variable", "not judged"), 2: ("exact", "pass"),
        3: ("exact", "pass"), 6: ("exact", "pass")}
got = {(p["bank"], p["pcr"]): (p.get("rule"), p.get("outcome")) for p in r["pcrs"]}
bad = r["result"] != "match"
for bank in ("sha1", "sha256", "sha384"):
    for pcr, w in want.items():
        if got.get((bank, pcr)) != w:
            print(f"FAIL {sys.argv[2]} {bank} PCR {pcr}: {got.get((bank, pcr))}, want {w}"); bad = True
sys.exit(1 if bad else 0)
PY
	# The wrong confidential-VM type: PCR 0 (computed) must fail.
	wrong=sev-snp
	"$BOOTPROOF" eventlog profile --target gce --gce-firmware 1 --cvm $wrong -o "$tmp/w.json"
	golden_of "$tmp/w.json" "$tmp/w.golden.json"
	rc=0
	"$BOOTPROOF" eventlog compare "$log" "$tmp/w.golden.json" >"$tmp/w.txt" 2>&1 || rc=$?
	if [ $rc != 3 ] || ! grep -q "PCR  0 sha256 \[computed: fail\]" "$tmp/w.txt"; then
		echo "FAIL $b: a profile for --cvm $wrong gave exit $rc:"; cat "$tmp/w.txt"; fail=1
	fi
done

# 3. Bare PCR values: observed. The values of one log, compared with another machine's log.
log=$data/cos-101-amd-sev.bin
"$BOOTPROOF" eventlog profile --pcrs "$tmp/cos-101-amd-sev.pcrs.yaml" --pcr 0,1,2 \
	--bank sha256 -o "$tmp/obs.json"
python3 - "$tmp/obs.json" "$tmp/cos-101-amd-sev.pcrs.yaml" <<'PY' || fail=1
import json, re, sys
p = json.load(open(sys.argv[1]))
assert p["format"] == "bootproof-platform/2", p["format"]
want = {m.group(1): m.group(2).lower() for m in re.finditer(r"^\s+(\d+)\s*: 0x([0-9a-fA-F]{64})$",
        open(sys.argv[2]).read(), re.M)}
for k in ("0", "1", "2"):
    e = p["banks"]["sha256"][k]
    assert e["status"] == "observed" and "events" not in e and e["value"] == want[k], (k, e)
assert sorted(p["banks"]["sha256"]) == ["0", "1", "2"]
PY
golden_of "$tmp/obs.json" "$tmp/obs.golden.json"
"$BOOTPROOF" eventlog compare "$log" "$tmp/obs.golden.json" >/dev/null ||
	{ echo "FAIL: observed values of the same log do not match"; fail=1; }
rc=0
"$BOOTPROOF" eventlog compare "$data/ubuntu-2104-no-dbx.bin" "$tmp/obs.golden.json" \
	--json -o "$tmp/obs.cmp.json" || rc=$?
python3 - "$tmp/obs.cmp.json" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
# PCR 0 and 1 differ (other firmware type, other boot entries): observed -> warn, not fail.
assert r["result"] == "match" and r["warnings"] == 2, r
assert {p["pcr"]: p["outcome"] for p in r["pcrs"]} == {0: "warn", 1: "warn", 2: "pass"}, r
PY
[ $rc = 0 ] || { echo "FAIL: an observed mismatch gave exit $rc, not 0 (warning)"; fail=1; }

[ $fail = 0 ] || exit 1
echo "ok: $n GCE logs replay to the computed PCR 0 and separator-only 2/3/6"
