# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Sourced by test-attest-swtpm.sh (its TPM A, fixture, golden.json, ak.pem, $ATT, $V, $N1): the
# sealed volume's LUKS2 metadata in a bundle (issue 22). Two real LUKS2 volumes (plain files)
# enrolled by systemd-cryptenroll on TPM A's PCR 7: "sealed" (the passphrase keyslot wiped) and
# "extra" (the passphrase keyslot kept, so the volume opens without the TPM). `seal check
# --bundle` judges a bundle's luks2_metadata only once the whole bundle verifies.
for t in cryptsetup systemd-cryptenroll jq; do
	command -v "$t" >/dev/null || fail "$t not installed (tests/deps/attest.list)"
done
printf 'temporary-passphrase' >"$WORK/pw"
chmod 0600 "$WORK/pw"
for vol in sealed extra; do
	truncate -s 20M "$WORK/$vol"
	cryptsetup luksFormat --type luks2 --batch-mode --key-file "$WORK/pw" --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 "$WORK/$vol" || fail "luksFormat $vol"
done
# golden.json plus a sealing policy over PCR 7 as TPM A holds it (tpm2_pcrread).
P7=$(tpm2_pcrread -T "$TA" sha256:7 | sed -n 's/.*7 *: *0x//p' | tr A-F a-f)
$BP seal policy --pcr-values "7:sha256=$P7" --format json -o "$WORK/seal.json"
jq --slurpfile s "$WORK/seal.json" '.seal = $s[0]' "$WORK/golden.json" >"$WORK/golden-seal.json"
if ! systemd-cryptenroll --unlock-key-file="$WORK/pw" --tpm2-device="$TA" --tpm2-pcrs=7 \
	--wipe-slot=password "$WORK/sealed" >"$WORK/enroll.log" 2>&1; then
	cat "$WORK/enroll.log"
	fail "$(systemd-cryptenroll --version | head -n1) cannot enroll with --tpm2-device=$TA"
fi
tpm2_flush "$TA"
systemd-cryptenroll --unlock-key-file="$WORK/pw" --tpm2-device="$TA" --tpm2-pcrs=7 \
	"$WORK/extra" >"$WORK/enroll.log" 2>&1 || { cat "$WORK/enroll.log"; fail "enroll extra"; }
tpm2_flush "$TA"
cryptsetup open --test-passphrase --key-file "$WORK/pw" "$WORK/extra" ||
	fail "the extra volume does not open with its passphrase"
for vol in sealed extra; do
	$BP attest $ATT --nonce $N1 --luks-device "$WORK/$vol" -o "$WORK/$vol.json"
	tpm2_flush "$TA"
	$BP verify "$WORK/$vol.json" $V --nonce $N1 >/dev/null || fail "bundle with --luks-device $vol does not verify"
done

# expect_seal WANT_RC WORDS BUNDLE [args]: seal check --bundle with the verify inputs.
expect_seal() {
	want=$1 words=$2 bundle=$3; shift 3
	set +e
	$BP seal check --golden "$WORK/golden-seal.json" --bundle "$bundle" "$@" >"$WORK/seal.out" 2>"$WORK/seal.err"
	rc=$?
	set -e
	echo "CASE seal check --bundle $(basename "$bundle") $*: exit $rc: $(tail -n1 "$WORK/seal.err")"
	[ "$rc" = "$want" ] || { cat "$WORK/seal.out" "$WORK/seal.err"; fail "seal check $bundle: exit $rc, expected $want"; }
	[ -z "$words" ] || grep -q -- "$words" "$WORK/seal.err" || fail "seal check $bundle: no '$words'"
}
SEALV="--nonce $N1 --ak-pub $WORK/ak.pem"
expect_seal 0 "" "$WORK/sealed.json" $SEALV
expect_seal 3 "keyslot 0: no systemd-tpm2 token" "$WORK/extra.json" $SEALV

# The attack: the passphrase keyslot deleted from the bundle's metadata after the quote.
$ED luks-drop-keyslot "$WORK/extra.json" "$WORK/t.json" 0
expect_verdict 3 bundle-field-not-bound "luks2_metadata: the unbound keyslot deleted" "$WORK/t.json" $V --nonce $N1
grep -q 'bundle field luks2_metadata is not bound' "$WORK/verdict.json" || fail "the field is not named"
expect_seal 3 "does not verify (bundle-field-not-bound" "$WORK/t.json" $SEALV
# A zeroed quote signature: seal check does not judge the metadata of a bundle that fails.
$ED signature-zero "$WORK/sealed.json" "$WORK/t.json"
expect_seal 3 "does not verify (signature-invalid" "$WORK/t.json" $SEALV
# Another challenge's answer, another AK: the same.
expect_seal 3 "does not verify (bundle-nonce-mismatch" "$WORK/sealed.json" --nonce $N2 --ak-pub "$WORK/ak.pem"
expect_seal 3 "does not verify (ak-untrusted" "$WORK/sealed.json" --nonce $N1 --ak-pub "$WORK/ecc.pem"
# Without the verify inputs it refuses to judge (usage error), and says why.
expect_seal 2 "judged only after the bundle verifies" "$WORK/sealed.json"
# A verified bundle made without --luks-device: nothing to judge.
expect_seal 3 "carries no luks2_metadata" "$WORK/good.json" $SEALV
echo "seal check --bundle: judges the metadata of verified bundles only; the keyslot edit is caught by the binding"
