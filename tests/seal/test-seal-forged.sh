#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `seal check` against LUKS2 volumes forged with stock cryptsetup (issue 22, finding 1): a volume
# that also opens with a passphrase must never pass. No TPM: the tokens are imported with
# `cryptsetup token import` or written into the JSON area by tests/seal/luks2-edit.py (its own
# LUKS2 checksum code), and every forged header is one cryptsetup itself accepts (isLuks).
#  1. the review's three volumes (keyslot 0 + passphrase keyslot 1, tokens carrying the golden
#     PCRs, bank and tpm2-policy-hash and a garbage tpm2-blob): (A) one token listing keyslots
#     0 and 1, (B) a second copy of the token bound to keyslot 1, (C) tokens bound to 0 and to an
#     alias keyslot "01"; cryptsetup opens keyslot 1 with the passphrase in each;
#  2. the same shapes with a well-formed sealed object (golden authPolicy, systemd's attributes),
#     so the keyslot rules are what refuses them, and sealed objects that differ from systemd's in
#     one field each (authPolicy, userWithAuth, nameAlg, offline seed);
#  3. what held before and must keep holding: tpm2-pin, signed-policy key, pcrlock, two policy
#     shards, sha1 bank, a recovery token, a keyslot with no token, header copies that disagree,
#     duplicate JSON keys.
# Every case runs, then the failures are listed (so a run against an older binary shows each).
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
for t in cryptsetup jq python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed (tests/deps/seal.list)"; exit 77; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-forged.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
EDIT="python3 $BOOTPROOF_SOURCE_DIR/tests/seal/luks2-edit.py"
UKI="$BOOTPROOF_SOURCE_DIR/tests/fuzz/corpus/fuzz-uki/uki-stub257.efi"
G=$TMP/golden.json
FAILED=""
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"

"$BOOTPROOF" predict --uki "$UKI" --banks sha256 -o "$G"
DIGEST=$(jq -r .seal.policy_digest "$G")
PCRS=$(jq -c .seal.pcrs "$G")
[ ${#DIGEST} = 64 ] || fail "no seal policy digest in golden.json"
OTHER=$(printf 'other policy' | sha256sum | cut -c1-64)
GARBAGE=$(head -c 100 /dev/urandom | base64 -w0)
BLOB=$($EDIT blob "$DIGEST")
# Other well-formed objects with the same policy: one opaque private byte flipped.
flip() { printf '%s' "$BLOB" | base64 -d | python3 -c 'import sys, base64
b = bytearray(sys.stdin.buffer.read()); b[int(sys.argv[1])] ^= 1
print(base64.b64encode(b).decode())' "$1"; }
BLOB2=$(flip 10)
BLOB3=$(flip 11)
[ "$BLOB" != "$BLOB2" ] && [ "$BLOB2" != "$BLOB3" ] || fail "blob variants"

# The volumes: keyslot 0 (key file pw0) and, in "two", keyslot 1 opened by a passphrase.
printf 'key-zero' >"$TMP/pw0"
printf 'a passphrase' >"$TMP/pw1"
printf 'key-two' >"$TMP/pw2"
PBKDF="--pbkdf pbkdf2 --pbkdf-force-iterations 1000"
truncate -s 20M "$TMP/one"
# shellcheck disable=SC2086 # PBKDF: several words
cryptsetup luksFormat --type luks2 --batch-mode --key-file "$TMP/pw0" --key-slot 0 $PBKDF "$TMP/one"
cp --sparse=always "$TMP/one" "$TMP/two"
# shellcheck disable=SC2086
cryptsetup luksAddKey --batch-mode --key-file "$TMP/pw0" --new-keyfile "$TMP/pw1" \
	--new-key-slot 1 $PBKDF "$TMP/two"

# token KEYSLOTS_JSON BLOB [jq edit]: a systemd-tpm2 token with the golden PCRs, bank and hash.
token() {
	jq -n -c --arg d "$DIGEST" --argjson ks "$1" --arg blob "$2" --argjson pcrs "$PCRS" \
		'{type: "systemd-tpm2", keyslots: $ks, "tpm2-blob": $blob, "tpm2-pcrs": $pcrs,
		  "tpm2-pcr-bank": "sha256", "tpm2-primary-alg": "ecc", "tpm2-policy-hash": $d,
		  "tpm2-pin": false}' | jq -c "${3:-.}"
}
# vol NAME BASE TOKEN_JSON...: a copy of BASE with each token imported by cryptsetup.
vol() {
	name=$1 base=$2; shift 2
	cp --sparse=always "$TMP/$base" "$TMP/$name"
	for tj in "$@"; do
		printf '%s\n' "$tj" >"$TMP/token.json"
		cryptsetup token import --json-file "$TMP/token.json" "$TMP/$name" ||
			fail "$name: cryptsetup token import $tj"
	done
}
# edit NAME JQ [primary|secondary|both]: rewrite the JSON area (checksums recomputed).
edit() {
	$EDIT get-json "$TMP/$1" | jq -c "$2" >"$TMP/area.json"
	$EDIT set-json "$TMP/$1" "$TMP/area.json" "${3:-both}"
}
# expect NAME WANT_RC WORDS: seal check --device; collects failures instead of stopping.
expect() {
	name=$1 want=$2 words=$3
	cryptsetup isLuks "$TMP/$name" || fail "$name: cryptsetup does not accept the forged header"
	set +e
	"$BOOTPROOF" seal check --golden "$G" --device "$TMP/$name" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	set -e
	echo "CASE $name: exit $rc: $(tail -n1 "$TMP/err" "$TMP/out" 2>/dev/null | grep -v '^==>' | grep . | tail -n1)"
	if [ "$rc" != "$want" ]; then
		FAILED="$FAILED $name(exit $rc, expected $want)"
	elif [ -n "$words" ] && ! grep -q -- "$words" "$TMP/err"; then
		FAILED="$FAILED $name(no '$words')"
	fi
}
opens_with_passphrase() {
	cryptsetup open --test-passphrase --key-slot 1 --key-file "$TMP/pw1" "$TMP/$1" ||
		fail "$1: keyslot 1 does not open with the passphrase (the case would prove nothing)"
}

# 1. the review's volumes, garbage tpm2-blob
vol A two "$(token '["0","1"]' "$GARBAGE")"
vol B two "$(token '["0"]' "$GARBAGE")" "$(token '["1"]' "$GARBAGE")"
# C: cryptsetup refuses a token naming a keyslot that does not exist, and two keyslots on one
# area: a third keyslot (2) is renamed "01" (cryptsetup's numbered() takes it; nothing of
# cryptsetup's ever opens it as keyslot 1), and the second token is bound to it.
cp --sparse=always "$TMP/two" "$TMP/two-alias"
# shellcheck disable=SC2086
cryptsetup luksAddKey --batch-mode --key-file "$TMP/pw0" --new-keyfile "$TMP/pw2" \
	--new-key-slot 2 $PBKDF "$TMP/two-alias"
ALIAS='.keyslots["01"] = .keyslots["2"] | del(.keyslots["2"])
	| .digests["0"].keyslots = (.digests["0"].keyslots - ["2"] + ["01"])
	| .tokens["1"] = (.tokens["0"] | .keyslots = ["01"])'
vol C two-alias "$(token '["0"]' "$GARBAGE")"
edit C "$ALIAS"
for v in A B C; do opens_with_passphrase $v; done
expect A 3 "token 0: lists 2 keyslots"
expect B 3 "token 0: tpm2-blob is not a TPM sealed object"
expect C 3 "keyslots.01: not a canonical keyslot id"

# 2. a well-formed sealed object: accepted alone; the keyslot rules refuse the shapes
vol shape-ok one "$(token '["0"]' "$BLOB")"
expect shape-ok 0 ""
vol A-blob two "$(token '["0","1"]' "$BLOB")"
expect A-blob 3 "token 0: lists 2 keyslots"
vol B-blob two "$(token '["0"]' "$BLOB")" "$(token '["1"]' "$BLOB")"
expect B-blob 3 "tokens 0 and 1 carry the same sealed object"
vol B-twice two "$(token '["0"]' "$BLOB")" "$(token '["1"]' "$BLOB2")" "$(token '["1"]' "$BLOB3")"
expect B-twice 3 "keyslot 1: bound by tokens 1 and 2"
vol C-blob two-alias "$(token '["0"]' "$BLOB")"
edit C-blob "$ALIAS"
expect C-blob 3 "keyslots.01: not a canonical keyslot id"
vol blob-policy one "$(token '["0"]' "$($EDIT blob "$OTHER")")"
expect blob-policy 3 "authPolicy $OTHER is not the golden policy digest $DIGEST"
vol blob-userwithauth one "$(token '["0"]' "$($EDIT blob "$DIGEST" 0x52)")"
expect blob-userwithauth 3 "userWithAuth is set"
vol blob-sha1 one "$(token '["0"]' "$($EDIT blob "$DIGEST" 0x12 0x0004)")"
expect blob-sha1 3 "nameAlg 0x0004"
vol blob-offline one "$(token '["0"]' "$($EDIT blob "$DIGEST" 0x12 0x000b 256)")"
expect blob-offline 3 "sealed offline"
# (systemd's token plugin makes `token import` refuse a token without a blob: edited in)
vol blob-none one "$(token '["0"]' "$BLOB")"
edit blob-none 'del(.tokens["0"]["tpm2-blob"])'
expect blob-none 3 "no tpm2-blob"

# 3. what held
vol pin one "$(token '["0"]' "$BLOB" '.["tpm2-pin"] = true')"
expect pin 3 "also needs a PIN"
vol pubkey one "$(token '["0"]' "$BLOB" '.tpm2_pubkey = "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0K" | .tpm2_pubkey_pcrs = [11]')"
expect pubkey 3 "signed-policy public key"
vol pcrlock one "$(token '["0"]' "$BLOB" '.tpm2_pcrlock = true')"
expect pcrlock 3 "pcrlock"
vol shards one "$(token '["0"]' "$BLOB")"
edit shards ".tokens[\"0\"][\"tpm2-policy-hash\"] = [\"$DIGEST\", \"$OTHER\"]"
expect shards 3 "2 policy shards"
vol sha1 one "$(token '["0"]' "$BLOB" '.["tpm2-pcr-bank"] = "sha1"')"
expect sha1 3 "bank sha1 is not the golden sha256"
vol recovery one "$(token '["0"]' "$BLOB")" \
	'{"type":"systemd-recovery","keyslots":["0"]}'
expect recovery 3 'type "systemd-recovery" is not systemd-tpm2'
vol unbound two "$(token '["0"]' "$BLOB")"
expect unbound 3 "keyslot 1: no systemd-tpm2 token binds it"
# the secondary copy alone carries another token list (valid checksum): cryptsetup would pick
# by sequence id and repair, so the check refuses both copies disagreeing
vol copies one "$(token '["0"]' "$BLOB")"
edit copies '.tokens["0"]["tpm2-pcrs"] = [4]' secondary
expect copies 3 "primary and secondary headers carry different JSON metadata"
# duplicate keys: json-c (cryptsetup) keeps the last "tpm2-pcr-bank", another reader the first
vol dupkey one "$(token '["0"]' "$BLOB" '.["tpm2-pcr-bank"] = "sha1"')"
$EDIT get-json "$TMP/dupkey" | sed 's/"tpm2-pcr-bank":"sha1"/"tpm2-pcr-bank":"sha256","tpm2-pcr-bank":"sha1"/' >"$TMP/area.json"
grep -q '"tpm2-pcr-bank":"sha256","tpm2-pcr-bank":"sha1"' "$TMP/area.json" || fail "dupkey edit"
$EDIT set-json "$TMP/dupkey" "$TMP/area.json"
expect dupkey 3 "duplicate"

if [ -n "$FAILED" ]; then
	echo "FAILED:$FAILED" >&2
	exit 1
fi
echo "PASS"
