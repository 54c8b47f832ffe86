#!/bin/sh
# The CLI contract of design.md: --help and --version, per-verb help, exit code 2 for usage errors.
set -eu
: "${BOOTPROOF:?}"
. "$(dirname "$0")/../lib/common.sh"
expect_rc() { # expect_rc RC CMD...
	want=$1; shift
	set +e; "$@" >/dev/null 2>&1; rc=$?; set -e
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want"
}

"$BOOTPROOF" --version | grep -Eq '^bootproof [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$BOOTPROOF" --help | grep -q 'Exit codes' || fail "--help"
expect_rc 0 "$BOOTPROOF" --help
expect_rc 2 "$BOOTPROOF"
expect_rc 2 "$BOOTPROOF" no-such-verb
expect_rc 2 "$BOOTPROOF" --no-such-option
# PCR lists (one parser: attest --pcrs, verify --runtime-pcrs, eventlog show/profile --pcr):
# a well-formed list gets past option parsing (exit 1: the files do not exist), a malformed one
# is a usage error. pcr_lists RC LIST...
pcr_lists() {
	rc=$1; shift
	for list in "$@"; do
		expect_rc "$rc" "$BOOTPROOF" attest --pcrs "$list" --nonce 00 -o /nonexistent/b \
			--tcti none --eventlog /nonexistent/e
		expect_rc "$rc" "$BOOTPROOF" verify --runtime-pcrs "$list" --ak-pub /nonexistent/k \
			--golden /nonexistent/g --nonce 00 /nonexistent/b
		expect_rc "$rc" "$BOOTPROOF" eventlog show --pcr "$list" /nonexistent/l
	done
}
pcr_lists 1 0 0-23 0-9,11-15 4,7,9,11,12 007
pcr_lists 2 "" 24 3-1 1- -1 +1 1,,2 1, ,1 "1 ,2" 0x1 1:2
for verb in containers pe-hash uki predict eventlog extend attest verify manifest siglist golden; do
	"$BOOTPROOF" --help | grep -q "^  $verb " || fail "verb $verb missing from --help"
done

# siglist split: FILE and DIR, else usage; a file that is no signature list: exit 1 naming the offset
expect_rc 2 "$BOOTPROOF" siglist split
expect_rc 2 "$BOOTPROOF" siglist split a
"$BOOTPROOF" siglist split --help | grep -q '^Usage: bootproof siglist split FILE DIR' || fail "siglist split --help"
_w=$(mktemp -d) && printf 'not a list' >"$_w/x.esl"
_e=$("$BOOTPROOF" siglist split "$_w/x.esl" "$_w" 2>&1) && fail "siglist split took a 10-byte file"
echo "$_e" | grep -q "x.esl: offset 0: 10 bytes left, an EFI_SIGNATURE_LIST header needs 28" || fail "siglist split: $_e"
[ "$(ls "$_w")" = x.esl ] || fail "siglist split left files after a refusal"
rm -rf "$_w"

# golden diff: a manifest against itself: exit 0, nothing. One event digest of PCR 4 changed and the
# value replayed again by Python's hashlib (the loader checks value = replay): exit 3, the line names
# PCR 4 with both values, then the events from the changed one on.
G=$BOOTPROOF_SOURCE_DIR/tests/attest/fixture/golden.json
expect_rc 2 "$BOOTPROOF" golden diff "$G"
[ -z "$("$BOOTPROOF" golden diff "$G" "$G")" ] || fail "golden diff of a file with itself printed something"
_w=$(mktemp -d)
python3 - "$G" "$_w/g.json" <<'PY'
import hashlib, json, sys
g = json.load(open(sys.argv[1]))
p = g["banks"]["sha256"]["4"]
p["events"][1]["digest"] = "%064d" % 4
v = bytes(32)
for e in p["events"]:
    v = hashlib.sha256(v + bytes.fromhex(e["digest"])).digest()
p["value"] = v.hex()
json.dump(g, open(sys.argv[2], "w"))
PY
_old=$(jq -r '.banks.sha256["4"].value' "$G") _new=$(jq -r '.banks.sha256["4"].value' "$_w/g.json")
_ev=$(jq -c '.banks.sha256["4"].events[1] | [.description, .digest]' "$_w/g.json")
_rc=0; "$BOOTPROOF" golden diff "$G" "$_w/g.json" >"$_w/out" || _rc=$?
[ "$_rc" = 3 ] || fail "golden diff of a changed manifest exited $_rc, expected 3"
[ "$(sed -n 1p "$_w/out")" = "    PCR 4 (sha256): $_old (reference) != $_new (rebuilt)" ] || fail "golden diff: $(cat "$_w/out")"
grep -qxF "      event (rebuilt):   $_ev" "$_w/out" || fail "golden diff does not show the changed event $_ev: $(cat "$_w/out")"
[ "$(grep -c '^    PCR' "$_w/out")" = 1 ] || fail "golden diff names more than PCR 4: $(cat "$_w/out")"
printf '{}' >"$_w/bad.json"
expect_rc 1 "$BOOTPROOF" golden diff "$G" "$_w/bad.json"
rm -rf "$_w"

# verify reads golden.json and the --ak-pub key side by side (on two threads): whichever is
# broken is named, exit 1, whatever the other one is.
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/ak.key" 2>/dev/null
openssl pkey -in "$W/ak.key" -pubout -out "$W/ak.pem"
zeros=0000000000000000000000000000000000000000000000000000000000000000
printf '{"format":"bootproof-golden/1","secure_boot":false,"banks":{"sha256":{"0":{"events":[],"value":"%s"}}}}' \
	$zeros >"$W/golden.json"
printf '{}' >"$W/bundle.json"
printf 'not a key' >"$W/bad.pem"
verify_rc() { # verify_rc RC MESSAGE GOLDEN AK
	set +e
	"$BOOTPROOF" verify "$W/bundle.json" --nonce 00 --golden "$3" --ak-pub "$4" >"$W/err" 2>&1
	rc=$?
	set -e
	[ "$rc" = "$1" ] || fail "verify --golden $3 --ak-pub $4 exited $rc, expected $1"
	grep -qF "$2" "$W/err" || fail "verify --golden $3 --ak-pub $4: no '$2' in: $(cat "$W/err")"
}
verify_rc 1 "golden manifest '$W/missing.json'" "$W/missing.json" "$W/ak.pem"
verify_rc 1 "golden manifest '$W/bad.pem'" "$W/bad.pem" "$W/ak.pem"
verify_rc 1 "cannot load --ak-pub '$W/missing.pem'" "$W/golden.json" "$W/missing.pem"
verify_rc 1 "cannot load --ak-pub '$W/bad.pem'" "$W/golden.json" "$W/bad.pem"
verify_rc 1 "cannot load --ak-pub '$W/bad.pem'" "$W/missing.json" "$W/bad.pem"
verify_rc 3 "bundle-malformed" "$W/golden.json" "$W/ak.pem"
echo "ok"
