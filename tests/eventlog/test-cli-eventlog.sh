#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `bootproof eventlog show|replay|compare|profile` end to end on the synthetic logs of the fuzz
# seed corpus: exit codes (0/1/2/3), byte-identical output across runs, locales and umasks,
# atomic -o files, error messages that name the file, the record and the offset, and a
# compare that finds a tampered event. Expected PCR values are checked by the unit tests and
# test-real-logs.sh; here golden.json is derived from the log itself and then altered.
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
corpus="$BOOTPROOF_SOURCE_DIR/tests/fuzz/corpus"
log="$corpus/fuzz-eventlog/agile-mixed.bin"
seq="$corpus/fuzz-jsonseq/phases.seq"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"
rc() { set +e; "$@" >"$tmp/out" 2>"$tmp/err"; r=$?; set -e; echo $r; }

# usage
[ "$(rc "$BOOTPROOF" eventlog)" = 2 ] || fail "no sub-verb: exit 2"
[ "$(rc "$BOOTPROOF" eventlog nope)" = 2 ] || fail "unknown sub-verb: exit 2"
[ "$(rc "$BOOTPROOF" eventlog replay)" = 2 ] || fail "replay without LOG: exit 2"
[ "$(rc "$BOOTPROOF" eventlog replay --bank md5 "$log")" = 2 ] || fail "bad bank: exit 2"
[ "$(rc "$BOOTPROOF" eventlog show --pcr 24 "$log")" = 2 ] || fail "bad PCR list: exit 2"
[ "$(rc "$BOOTPROOF" eventlog profile "$log")" = 2 ] || fail "profile without -o: exit 2"
[ "$(rc "$BOOTPROOF" eventlog --help)" = 0 ] || fail "--help"
for v in show replay compare profile; do
	[ "$(rc "$BOOTPROOF" eventlog $v --help)" = 0 ] || fail "$v --help"
done

# malformed input: exit 1, the message names file, record and offset
[ "$(rc "$BOOTPROOF" eventlog replay "$corpus/fuzz-eventlog/agile-truncated.bin")" = 1 ] ||
	fail "truncated log: exit 1"
grep -q "agile-truncated.bin: event [0-9]* at offset 0x[0-9a-f]*: EventSize" "$tmp/err" ||
	fail "truncated log message: $(cat "$tmp/err")"
[ "$(rc "$BOOTPROOF" eventlog replay "$log" --userspace-log "$corpus/fuzz-jsonseq/truncated.seq")" = 1 ] ||
	fail "truncated userspace log: exit 1"
grep -q "truncated.seq: record 4 at offset 0x[0-9a-f]*: record not terminated" "$tmp/err" ||
	fail "truncated userspace log message: $(cat "$tmp/err")"
[ "$(rc "$BOOTPROOF" eventlog replay /nonexistent)" = 1 ] || fail "missing file: exit 1"

# determinism: same bytes across runs, locales, umasks; -o writes 0644 atomically
"$BOOTPROOF" eventlog replay --json "$log" --userspace-log "$seq" >"$tmp/r1.json"
LC_ALL=C.UTF-8 TZ=Asia/Tokyo "$BOOTPROOF" eventlog replay --json "$log" --userspace-log "$seq" >"$tmp/r2.json"
(umask 077; "$BOOTPROOF" eventlog replay --json "$log" --userspace-log "$seq" -o "$tmp/r3.json")
cmp "$tmp/r1.json" "$tmp/r2.json" || fail "replay output differs across locales"
cmp "$tmp/r1.json" "$tmp/r3.json" || fail "replay -o differs from stdout"
[ "$(stat -c %a "$tmp/r3.json")" = 644 ] || fail "output mode is not 0644"
ls -A "$tmp" | grep -q '^\.r3' && fail "temporary file left behind"
"$BOOTPROOF" eventlog show --json "$log" --userspace-log "$seq" >"$tmp/s1.json"
"$BOOTPROOF" eventlog show --json "$log" --userspace-log "$seq" >"$tmp/s2.json"
cmp "$tmp/s1.json" "$tmp/s2.json" || fail "show --json not deterministic"
python3 - "$tmp/r1.json" "$tmp/s1.json" <<'PY' || fail "JSON content"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["startup_locality"] == 3, r
assert set(r["banks"]) == {"sha1", "sha256"}, r
assert "11" in r["banks"]["sha256"]
s = json.load(open(sys.argv[2]))
recs = s["firmware"]["records"]
assert recs[4]["description"] == "SecureBoot [EFI_GLOBAL_VARIABLE] = 01 (enabled)", recs[4]
assert s["systemd"]["records"][0]["content"]["string"] == "enter-initrd"
assert open(sys.argv[1]).read().endswith("}\n")
PY
"$BOOTPROOF" eventlog show "$log" --userspace-log "$seq" --pcr 11 >"$tmp/show.txt"
grep -q "PCR 11 EV_IPL *\.linux" "$tmp/show.txt" || fail "show text: .linux"
grep -q "PCR 11 phase *enter-initrd" "$tmp/show.txt" || fail "show text: phase"
grep -q "PCR 7 " "$tmp/show.txt" && fail "show --pcr 11 printed PCR 7"

# profile -> golden.json (same "banks" shape) -> compare: match, then tampered: exit 3
"$BOOTPROOF" eventlog profile "$log" --pcr 0-23 --name test -o "$tmp/platform.json"
"$BOOTPROOF" eventlog profile "$log" --pcr 0-23 --name test -o "$tmp/platform2.json"
cmp "$tmp/platform.json" "$tmp/platform2.json" || fail "profile not deterministic"
python3 - "$tmp" <<'PY'
import hashlib, json, sys
t = sys.argv[1]
p = json.load(open(f"{t}/platform.json"))
assert p["format"] == "bootproof-platform/1" and p["banks"]["sha256"]["0"]["startup_locality"] == 3
g = {"format": "bootproof-golden/1", "secure_boot": False, "banks": p["banks"]}
json.dump(g, open(f"{t}/golden-ok.json", "w"))
for bank, pcrs in g["banks"].items():
    # PCR 12 must stay empty; PCR 4 expects another first digest
    pcrs["12"] = {"value": "00" * len(bytes.fromhex(pcrs["4"]["value"])), "events": []}
    ev = pcrs["4"]["events"][0]
    ev["digest"] = hashlib.new(bank, b"Returning from EFI Application from Boot Option").hexdigest()
    v = bytes(len(bytes.fromhex(ev["digest"])))
    for e in pcrs["4"]["events"]:
        v = hashlib.new(bank, v + bytes.fromhex(e["digest"])).digest()
    pcrs["4"]["value"] = v.hex()
json.dump(g, open(f"{t}/golden-bad.json", "w"))
PY
[ "$(rc "$BOOTPROOF" eventlog compare "$log" "$tmp/golden-ok.json")" = 0 ] ||
	fail "compare with its own profile: $(cat "$tmp/out" "$tmp/err")"
grep -q "result: match" "$tmp/out" || fail "compare text"
[ "$(rc "$BOOTPROOF" eventlog compare "$log" "$tmp/golden-bad.json")" = 3 ] || fail "tampered: exit 3"
grep -q "PCR  4 sha256 MISMATCH: event 1 of the PCR has another digest" "$tmp/out" || fail "PCR 4 diff: $(cat "$tmp/out")"
grep -q "which is: Calling EFI Application from Boot Option" "$tmp/out" || fail "decoded event"
[ "$(rc "$BOOTPROOF" eventlog compare --json "$log" "$tmp/golden-bad.json")" = 3 ] || fail "json: exit 3"
python3 - "$tmp/out" <<'PY' || fail "compare --json content"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["result"] == "mismatch"
bad = {(p["bank"], p["pcr"]): p for p in j["pcrs"] if p["status"] != "match"}
assert set(bad) == {("sha1", 4), ("sha256", 4)}, bad
d = bad[("sha256", 4)]["difference"]
assert d["kind"] == "digest" and d["position"] == 0 and d["found"]["type"] == "EV_EFI_ACTION", d
PY
# the userspace log adds PCR 11 records that the profile's golden does not expect
[ "$(rc "$BOOTPROOF" eventlog compare "$log" "$tmp/golden-ok.json" --userspace-log "$seq")" = 3 ] ||
	fail "extra userspace events: exit 3"
grep -q "PCR 11 sha256 MISMATCH: unexpected event" "$tmp/out" || fail "unexpected userspace event"
# a malformed golden.json: exit 1 with the JSON path
echo '{"format":"bootproof-golden/1"}' >"$tmp/g.json"
[ "$(rc "$BOOTPROOF" eventlog compare "$log" "$tmp/g.json")" = 1 ] || fail "bad golden: exit 1"
echo ok
