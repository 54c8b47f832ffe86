#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The predicted sealing policy against real TPM tools (sealing.md §4 "Offline"):
#  1. golden.json of the stub-257 UKI fixture carries "seal"; a tpm2-tools trial policy session on
#     swtpm (tpm2_startauthsession + tpm2_policypcr -f with predict's values) gives the same digest;
#  2. every golden event replayed into the swtpm (PCR 11 up to leave-initrd): a trial session over
#     the TPM's own PCRs gives it again;
#  3. systemd-cryptenroll --tpm2-pcrs=4+7+9+11+12 on that TPM enrolls a real LUKS2 volume (a plain
#     file) whose token policy hash equals golden.json's digest, and `seal check` accepts it, from
#     the device and from `cryptsetup luksDump --dump-json-metadata`;
#  4. bad volumes exit 3 with the defect named: extra passphrase keyslot, the real token copied
#     onto it, recovery key, other PCR mask, other PCR values (PCR 12 extended), PIN, corrupted
#     header, plain LUKS1. (The "good" volume's check parses systemd-cryptenroll's real tpm2-blob:
#     its authPolicy must be the golden digest; tests/seal/test-seal-forged.sh forges the rest.)
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
for t in swtpm swtpm_setup tpm2_startauthsession tpm2_policypcr tpm2_pcrextend tpm2_pcrread \
	tpm2_flushcontext cryptsetup systemd-cryptenroll jq python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed (tests/deps/seal.list)"; exit 77; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-seal.XXXXXX")
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"
WORK=$TMP
. "$BOOTPROOF_SOURCE_DIR/tests/lib/swtpm.sh"
cleanup() {
	stop_swtpms
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
UKI="$BOOTPROOF_SOURCE_DIR/tests/fuzz/corpus/fuzz-uki/uki-stub257.efi"
G=$TMP/golden.json

"$BOOTPROOF" predict --uki "$UKI" --banks sha256 -o "$G"
[ "$(jq -c .seal.pcrs "$G")" = "[4,7,9,11,12]" ] || fail "default seal PCRs: $(jq -c .seal.pcrs "$G")"
[ "$(jq -r .seal.phase "$G")" = "enter-initrd:leave-initrd" ] || fail "default seal phase"
# PCR 11 is sealed at leave-initrd, not at the end of the boot.
[ "$(jq -r '.seal.pcr_values["11"]' "$G")" = \
  "$(jq -r '.banks.sha256["11"].phases[] | select(.phase == "leave-initrd") | .value' "$G")" ] ||
	fail "seal PCR 11 is not the leave-initrd value"
DIGEST=$(jq -r .seal.policy_digest "$G")
[ "$("$BOOTPROOF" seal policy --golden "$G")" = "$DIGEST" ] || fail "seal policy --format digest"
SEL=$("$BOOTPROOF" seal policy --golden "$G" --format selection)
"$BOOTPROOF" seal policy --golden "$G" --format values -o "$TMP/values.bin"
[ "$(stat -c %s "$TMP/values.bin")" = 160 ] || fail "values file is not 5 x 32 bytes"
# --no-seal and the explicit options
"$BOOTPROOF" predict --uki "$UKI" --banks sha256 --no-seal -o "$TMP/noseal.json"
[ "$(jq -r .seal "$TMP/noseal.json")" = null ] || fail "--no-seal still wrote a seal"
"$BOOTPROOF" predict --uki "$UKI" --banks sha256 --seal-pcrs 4+11 --seal-phase enter-initrd \
	-o "$TMP/g2.json"
[ "$(jq -c .seal.pcrs "$TMP/g2.json")" = "[4,11]" ] || fail "--seal-pcrs"
set +e
"$BOOTPROOF" predict --uki "$UKI" --banks sha1 --seal-bank sha256 -o "$TMP/x.json" 2>"$TMP/err"
rc=$?
set -e
[ $rc = 1 ] && grep -q "bank sha256 was not predicted" "$TMP/err" || fail "explicit seal on a missing bank: rc $rc"
echo "golden.json seal: $SEL digest $DIGEST"

start_swtpm tpm --pcr-banks sha256
# shellcheck disable=SC2154 # tpm_TCTI: set by start_swtpm
T=$tpm_TCTI

# 1. trial session with the predicted values as the PCR file
trial() {
	tpm2_startauthsession -T "$T" -S "$TMP/s.ctx" >/dev/null || fail "startauthsession"
	tpm2_policypcr -T "$T" -S "$TMP/s.ctx" -l "$SEL" "$@" -L "$TMP/pol.bin" >/dev/null ||
		fail "tpm2_policypcr $*"
	tpm2_flushcontext -T "$T" "$TMP/s.ctx" >/dev/null 2>&1 || true
	tpm2_flush "$T"
	od -An -v -tx1 "$TMP/pol.bin" | tr -d ' \n'
}
TPM_FILE=$(trial -f "$TMP/values.bin")
echo "swtpm trial session, predicted values: $TPM_FILE"
[ "$TPM_FILE" = "$DIGEST" ] || fail "trial session with the values file gives $TPM_FILE, predict $DIGEST"

# 2. the golden events extended into the TPM; PCR 11 stops at leave-initrd
for pcr in 4 7 9 11 12; do
	n=$(jq ".banks.sha256[\"$pcr\"].events | length" "$G")
	i=0
	while [ "$i" -lt "$n" ]; do
		d=$(jq -r ".banks.sha256[\"$pcr\"].events[$i].digest" "$G")
		ph=$(jq -r ".banks.sha256[\"$pcr\"].events[$i].phase // \"\"" "$G")
		i=$((i + 1))
		case "$ph" in sysinit|ready) break ;; esac
		tpm2_pcrextend -T "$T" "$pcr:sha256=$d" || fail "pcrextend $pcr"
	done
done
TPM_PCRS=$(trial)
echo "swtpm trial session, replayed PCRs:   $TPM_PCRS"
[ "$TPM_PCRS" = "$DIGEST" ] || fail "trial session over the replayed PCRs gives $TPM_PCRS, predict $DIGEST"

# 3. systemd-cryptenroll binds a real LUKS2 volume to the TPM's (golden) PCRs
printf 'temporary-passphrase' >"$TMP/pw"
chmod 0600 "$TMP/pw"
newvol() {
	truncate -s 20M "$TMP/$1"
	cryptsetup luksFormat --type luks2 --batch-mode --key-file "$TMP/pw" --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 "$TMP/$1" || fail "luksFormat $1"
}
enroll() {
	vol=$1; shift
	case "$*" in --tpm2-pcrs*) set -- --tpm2-device="$T" "$@" ;; esac
	systemd-cryptenroll --unlock-key-file="$TMP/pw" "$@" "$TMP/$vol" \
		>"$TMP/enroll.log" 2>&1 || { cat "$TMP/enroll.log"; fail "cryptenroll $vol $*"; }
	tpm2_flush "$T"
}
token_hash() {
	cryptsetup luksDump --dump-json-metadata "$TMP/$1" |
		jq -r '[.tokens[] | select(.type == "systemd-tpm2")][0]["tpm2-policy-hash"]'
}
expect_check() { # WANT_RC WORDS VOL [args]
	want=$1 words=$2 vol=$3; shift 3
	set +e
	"$BOOTPROOF" seal check --golden "$G" --device "$TMP/$vol" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	set -e
	echo "CASE $vol: exit $rc: $(tail -n1 "$TMP/out")"
	[ "$rc" = "$want" ] || { cat "$TMP/out" "$TMP/err"; fail "$vol: exit $rc, expected $want"; }
	[ -z "$words" ] || grep -q -- "$words" "$TMP/err" || { cat "$TMP/err"; fail "$vol: no '$words'"; }
}

newvol good
# systemd-cryptenroll must reach swtpm through the TCTI spec (swtpm:port=N); if this one cannot,
# nothing below can run: say which version it was.
if ! systemd-cryptenroll --unlock-key-file="$TMP/pw" --tpm2-device="$T" --tpm2-pcrs=4+7+9+11+12 \
	--wipe-slot=password "$TMP/good" >"$TMP/enroll.log" 2>&1; then
	cat "$TMP/enroll.log"
	echo "SKIP: $(systemd-cryptenroll --version | head -n1) cannot enroll with --tpm2-device=$T"
	exit 77
fi
tpm2_flush "$T"
TOKEN=$(token_hash good)
echo "golden.json policy digest: $DIGEST"
echo "enrolled token policy hash: $TOKEN"
[ "$TOKEN" = "$DIGEST" ] || fail "systemd-cryptenroll's policy hash differs from predict's"
expect_check 0 "" good
# the bare seal object (what the release puts on the ESP) gives the same verdict
"$BOOTPROOF" seal policy --golden "$G" --format json -o "$TMP/seal.json"
[ "$("$BOOTPROOF" seal policy --seal "$TMP/seal.json")" = "$DIGEST" ] || fail "seal policy --seal"
"$BOOTPROOF" seal check --seal "$TMP/seal.json" --device "$TMP/good" >/dev/null || fail "seal check --seal"
jq '.pcr_values["12"] = .pcr_values["4"]' "$TMP/seal.json" >"$TMP/seal-edited.json"
if "$BOOTPROOF" seal policy --seal "$TMP/seal-edited.json" 2>"$TMP/err"; then fail "edited seal accepted"; fi
grep -q "policy_digest: does not equal" "$TMP/err" || fail "edited seal: $(cat "$TMP/err")"
cryptsetup luksDump --dump-json-metadata "$TMP/good" >"$TMP/good.json"
"$BOOTPROOF" seal check --golden "$G" --luks-dump "$TMP/good.json" --json >"$TMP/v.json" ||
	fail "seal check --luks-dump"
[ "$(jq -r .ok "$TMP/v.json")" = true ] || fail "seal check --json"
# The attestation bundle carries the metadata (bound into its quote); a remote verifier judges it
# only once the whole bundle verifies (--nonce, --ak-pub: tests/attest/seal-bundle-cases.sh,
# where the bundle has event logs that replay). Here: the metadata is the volume's, and without
# the verify inputs seal check refuses to judge it.
: >"$TMP/none"
"$BOOTPROOF" attest --tcti "$T" --nonce 5ea1 --pcrs 4,7,9,11,12 --eventlog "$TMP/none" \
	--userspace-log "$TMP/none" --luks-device "$TMP/good" -o "$TMP/bundle.json" 2>"$TMP/attest.log" ||
	{ cat "$TMP/attest.log"; fail "attest --luks-device"; }
tpm2_flush "$T"
python3 -c 'import json,sys; sys.stdout.buffer.write(bytes.fromhex(json.load(open(sys.argv[1]))["luks2_metadata"]))' \
	"$TMP/bundle.json" | jq -S . >"$TMP/bundle-meta.json"
jq -S . "$TMP/good.json" | cmp -s - "$TMP/bundle-meta.json" || fail "the bundle's luks2_metadata is not luksDump's"
set +e
"$BOOTPROOF" seal check --golden "$G" --bundle "$TMP/bundle.json" 2>"$TMP/err"
rc=$?
set -e
[ $rc = 2 ] && grep -q "judged only after the bundle verifies" "$TMP/err" ||
	fail "seal check --bundle without --nonce/--ak-pub: rc $rc"

# 4. what must be refused
newvol extra-passphrase
enroll extra-passphrase --tpm2-pcrs=4+7+9+11+12
expect_check 3 "keyslot 0: no systemd-tpm2 token" extra-passphrase

# The review's volume B with a genuine sealed object: the real token copied and bound to the
# passphrase keyslot 0 (cryptsetup still opens keyslot 0 with the passphrase).
cp "$TMP/extra-passphrase" "$TMP/token-copy"
cryptsetup token export --token-id 0 "$TMP/token-copy" | jq -c '.keyslots = ["0"]' >"$TMP/copy.json"
cryptsetup token import --json-file "$TMP/copy.json" "$TMP/token-copy" || fail "token import copy"
cryptsetup open --test-passphrase --key-slot 0 --key-file "$TMP/pw" "$TMP/token-copy" ||
	fail "token-copy: keyslot 0 does not open with the passphrase"
expect_check 3 "tokens 0 and 1 carry the same sealed object" token-copy

newvol recovery-key
enroll recovery-key --tpm2-pcrs=4+7+9+11+12
enroll recovery-key --recovery-key
enroll recovery-key --wipe-slot=password
expect_check 3 "is not systemd-tpm2" recovery-key

newvol other-mask
enroll other-mask --tpm2-pcrs=4+7+9+11 --wipe-slot=password
expect_check 3 "tpm2-pcrs \[4,7,9,11\] is not the golden \[4,7,9,11,12\]" other-mask

newvol pin
NEWPIN=1234 enroll pin --tpm2-pcrs=4+7+9+11+12 --tpm2-with-pin=yes --wipe-slot=password
expect_check 3 "PIN" pin

cp "$TMP/good" "$TMP/corrupt"
printf 'X' | dd of="$TMP/corrupt" bs=1 seek=5000 conv=notrunc status=none
expect_check 3 "checksum mismatch" corrupt

truncate -s 20M "$TMP/luks1"
cryptsetup luksFormat --type luks1 --batch-mode --key-file "$TMP/pw" --pbkdf-force-iterations 1000 \
	"$TMP/luks1" || fail "luksFormat luks1"
expect_check 3 "LUKS1" luks1

# Last: the TPM leaves the golden state (PCR 12 extended, as an injected command line would).
tpm2_pcrextend -T "$T" "12:sha256=$(printf x | sha256sum | cut -c1-64)" || fail "pcrextend 12"
newvol other-values
enroll other-values --tpm2-pcrs=4+7+9+11+12 --wipe-slot=password
expect_check 3 "is not the golden policy digest" other-values
echo "PASS"
