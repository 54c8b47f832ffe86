#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Credential activation against an EK public key given out of band (`verify --ek-pub`), the
# AWS NitroTPM case (`aws ec2 get-instance-tpm-ek-pub --key-format der|tpmt`), on real swtpms:
# the EK is exported by tpm2-tools in both forms (tpm2_readpublic -f der: SubjectPublicKeyInfo;
# tpm2_createek's TPM2B_PUBLIC without its size: TPMT_PUBLIC), each activated and verified; another TPM's EK: the machine's TPM cannot activate the challenge,
# and the bundle without the secret is refused; an ECC P-384 EK is refused with a message.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
BP=$BOOTPROOF

start_swtpm a --pcr-banks sha256
start_swtpm b
TA=$a_TCTI TB=$b_TCTI
python3 "$SRC/mkfixture.py" "$TA" "$WORK" $(active_banks "$TA")
ATT="--tcti $TA --eventlog $WORK/firmware.bin --userspace-log $WORK/userspace.log"
V="--golden $WORK/golden.json"
N1=00112233445566778899aabbccddeeff N2=ffeeddccbbaa99887766554433221100

# export_ek TCTI NAME: NAME.der (SubjectPublicKeyInfo) and NAME.tpmt (TPMT_PUBLIC)
export_ek() {
	tpm2_createek -T "$1" -c "$WORK/$2.ctx" -G rsa -u "$WORK/$2.tpm2b" >/dev/null
	tpm2_readpublic -T "$1" -c "$WORK/$2.ctx" -f der -o "$WORK/$2.der" >/dev/null
	tail -c +3 "$WORK/$2.tpm2b" >"$WORK/$2.tpmt"
	tpm2_flush "$1"
}
export_ek "$TA" eka
export_ek "$TB" ekb

# Both forms: round 1 encrypts to the EK in that form, the machine activates, round 2 verifies.
$BP attest $ATT --nonce $N1 -o "$WORK/r1.json"
tpm2_flush "$TA"
for form in der tpmt; do
	expect_verdict 3 ak-not-bound-to-ek "round 1 ($form EK)" "$WORK/r1.json" $V --nonce $N1 \
		--ek-pub "$WORK/eka.$form" --make-credential "$WORK/ch-$form.json"
	[ -s "$WORK/ch-$form.json" ] && [ -s "$WORK/ch-$form.json.secret" ] || fail "no challenge written"
	$BP attest $ATT --nonce $N2 --activate "$WORK/ch-$form.json" -o "$WORK/r2.json"
	tpm2_flush "$TA"
	$BP verify "$WORK/r2.json" $V --nonce $N2 --ek-pub "$WORK/eka.$form" \
		--credential-secret "$WORK/ch-$form.json.secret" --json >"$WORK/v.json" ||
		{ cat "$WORK/v.json"; fail "round 2 with the $form EK does not verify"; }
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["ok"] and v["ak"]["trust"] == "credential-activation" and v["ak"]["ek_public"] == "ek-pub", v' "$WORK/v.json"
	echo "CASE activation with the out-of-band EK ($form): verified (credential-activation)"
done

# another TPM's EK: the challenge is for TPM B's EK, TPM A cannot activate it
expect_verdict 3 ak-not-bound-to-ek "round 1 (wrong EK)" "$WORK/r1.json" $V --nonce $N1 \
	--ek-pub "$WORK/ekb.der" --make-credential "$WORK/chb.json"
set +e
$BP attest $ATT --nonce $N2 --activate "$WORK/chb.json" -o "$WORK/r2b.json" 2>"$WORK/act.err"; rc=$?
set -e
tpm2_flush "$TA"
[ $rc = 1 ] || { cat "$WORK/act.err"; fail "activation of another EK's challenge: exit $rc"; }
echo "CASE wrong EK: the TPM refuses to activate (exit 1: $(cat "$WORK/act.err"))"
$BP attest $ATT --nonce $N2 -o "$WORK/r2c.json"
tpm2_flush "$TA"
expect_verdict 3 credential-invalid "wrong EK, bundle without the secret" "$WORK/r2c.json" $V \
	--nonce $N2 --ek-pub "$WORK/ekb.der" --credential-secret "$WORK/chb.json.secret"

# an ECC P-384 EK (AWS offers one): not supported by the challenge, said so
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$WORK/p384.key" 2>/dev/null
openssl pkey -in "$WORK/p384.key" -pubout -outform DER -out "$WORK/p384.der"
set +e
$BP verify "$WORK/r1.json" $V --nonce $N1 --ek-pub "$WORK/p384.der" --make-credential "$WORK/x.json" 2>"$WORK/p384.err"; rc=$?
set -e
[ $rc = 1 ] && grep -q "RSA 2048" "$WORK/p384.err" || { cat "$WORK/p384.err"; fail "P-384 EK: exit $rc"; }
echo "CASE ECC P-384 EK: exit 1 ($(cat "$WORK/p384.err"))"
echo "out-of-band EK: all cases passed"
