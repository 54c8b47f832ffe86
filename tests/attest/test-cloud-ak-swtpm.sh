#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Cloud AK certificates end to end on a real swtpm (docs/attest.md "Cloud AK certificates"):
# a test CA (openssl) issues AK certificates with GCE's instance extension, written with
# tpm2-tools into swtpm's NV at GCE's indices (RSA and ECC, with the AK template) and at Azure's
# index + persistent handle; `attest --ak gce|azure|auto` picks them up; `verify --ak-ca` gives
# verified with the identity the test put in the certificate; then every refusal on a real
# quote. The AK keys and templates come from tpm2_createprimary, the chain is cross-checked
# with `openssl verify`: nothing here is produced by the code under test.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
BP=$BOOTPROOF
export BOOTPROOF_AK_ROOTS="$BOOTPROOF_SOURCE_DIR/data/ak-roots"

start_swtpm a --pcr-banks sha256
TA=$a_TCTI
BANKS=$(active_banks "$TA")
python3 "$SRC/mkfixture.py" "$TA" "$WORK" $BANKS
ATT="--tcti $TA --eventlog $WORK/firmware.bin --userspace-log $WORK/userspace.log"
N=00112233445566778899aabbccddeeff
V="--golden $WORK/golden.json --nonce $N"
AKATTR='fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign'
C=$WORK/ca
mkdir -p "$C"

# --- the test CA: a root, an intermediate (issues AK certificates), and another root
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/root.key" -out "$C/root.pem" -days 3650 \
	-subj "/O=bootproof test/CN=Test vTPM Root" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/other.key" -out "$C/other-root.pem" \
	-days 3650 -subj "/O=bootproof test/CN=Another Root" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$C/inter.key" -out "$C/inter.csr" \
	-subj "/O=bootproof test/CN=Test vTPM Intermediate" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$C/inter.ext"
openssl x509 -req -in "$C/inter.csr" -CA "$C/root.pem" -CAkey "$C/root.key" -CAcreateserial \
	-days 3000 -extfile "$C/inter.ext" -out "$C/inter.pem" 2>/dev/null

# issue NAME PUBKEY.pem SUBJECT EXTRA-EXTENSIONS [nogce]: an AK certificate (DER) from the
# intermediate, valid from now for 30 days, with GCE's instance extension (go-tpm-tools
# server/verify.go gceInstanceInfo; isProduction true) unless nogce, and whatever EXTRA adds.
issue() {
	gce_ext=1.3.6.1.4.1.11129.2.1.21=ASN1:SEQUENCE:gce
	[ "${5:-}" != nogce ] || gce_ext=
	cat >"$C/$1.cnf" <<EOF
[ext]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
$gce_ext
$4
[gce]
zone=UTF8:us-central1-a
projectNumber=INTEGER:620438545889
projectId=UTF8:bootproof-test
instanceId=INTEGER:3560342035431930290
instanceName=UTF8:attest-vm-1
security=EXPLICIT:0,SEQUENCE:sec
[sec]
version=EXPLICIT:0,INTEGER:0
isProduction=EXPLICIT:1,BOOLEAN:TRUE
EOF
	openssl req -new -key "$C/inter.key" -subj "$3" -out "$C/$1.csr" 2>/dev/null
	openssl x509 -req -in "$C/$1.csr" -force_pubkey "$2" -CA "$C/inter.pem" -CAkey "$C/inter.key" \
		-CAcreateserial -days 30 -extfile "$C/$1.cnf" -extensions ext -outform DER \
		-out "$C/$1.der" 2>/dev/null
	openssl x509 -inform DER -in "$C/$1.der" -out "$C/$1.pem"
	vflags=
	case "$4" in *critical,ASN1*) vflags=-ignore_critical ;; esac # the unknown one is the test
	openssl verify $vflags -CAfile "$C/root.pem" -untrusted "$C/inter.pem" "$C/$1.pem" >/dev/null ||
		fail "openssl verify refuses the test certificate $1"
}

# nv_put INDEX FILE: defines the index (owner-readable, like GCE's and Azure's) and writes FILE.
nv_put() {
	tpm2_nvdefine -T "$TA" -C o -s "$(stat -c %s "$2")" -a 'ownerread|ownerwrite|authread|no_da' "$1" >/dev/null
	tpm2_nvwrite -T "$TA" -C o -i "$2" "$1"
}

# gce_ak ALG TEMPLATE-INDEX: creates the AK as tpm2-tools does, saves the template it used
# (TPMT_PUBLIC, what GCE keeps in NV) and the public key.
gce_ak() {
	tpm2_createprimary -T "$TA" -C e -g sha256 -G "$1" -a "$AKATTR" -c "$WORK/ak.ctx" \
		--template-data "$WORK/$2.tmpl" >/dev/null
	tpm2_readpublic -T "$TA" -c "$WORK/ak.ctx" -f pem -o "$WORK/$2.pem" >/dev/null
	tpm2_flush "$TA"
}

GCE_SUBJ="/L=us-central1-a/O=Google Compute Engine/OU=bootproof-test/CN=3560342035431930290"
gce_ak rsa2048:rsassa-sha256:null rsa
gce_ak ecc256:ecdsa-sha256:null ecc
issue gce-rsa "$WORK/rsa.pem" "$GCE_SUBJ" ""
issue gce-ecc "$WORK/ecc.pem" "$GCE_SUBJ" ""

# Before the NV material exists: a clear error, exit 1.
set +e
$BP attest $ATT --nonce $N --ak gce -o "$WORK/none.json" 2>"$WORK/none.err"; rc=$?
set -e
[ $rc = 1 ] && grep -q "no GCE RSA AK template in NV 0x01c10001" "$WORK/none.err" ||
	{ cat "$WORK/none.err"; fail "attest --ak gce without NV material: exit $rc"; }
[ ! -e "$WORK/none.json" ] || fail "attest left a bundle behind after failing"
echo "CASE no NV material: exit 1 ($(cat "$WORK/none.err"))"

nv_put 0x01c10001 "$WORK/rsa.tmpl"
nv_put 0x01c10000 "$C/gce-rsa.der"
nv_put 0x01c10003 "$WORK/ecc.tmpl"
nv_put 0x01c10002 "$C/gce-ecc.der"

$BP attest $ATT --nonce $N --ak gce --ak-chain "$C/inter.pem" -o "$WORK/gce.json"
tpm2_flush "$TA"
$BP attest $ATT --nonce $N --ak auto --ak-type ecc --ak-chain "$C/inter.pem" -o "$WORK/gce-ecc.json"
tpm2_flush "$TA"
$BP attest $ATT --nonce $N --ak gce -o "$WORK/gce-nochain.json"
tpm2_flush "$TA"

# verified, with the identity written into the certificate above, and the pinned root reported
check_ok() {
	"$BP" verify --json "$1" $V --ak-ca "$C/root.pem" >"$WORK/v.json" ||
		{ cat "$WORK/v.json"; fail "$1 does not verify with --ak-ca"; }
	python3 - "$WORK/v.json" "$C/root.pem" "$2" <<'PY'
import json, subprocess, sys
v = json.load(open(sys.argv[1]))
assert v["ok"] is True and v["ak"]["trust"] == "ak-certificate", v
c = v["ak"]["certificate"]
fp = subprocess.run(["openssl", "x509", "-in", sys.argv[2], "-noout", "-fingerprint", "-sha256"],
                    capture_output=True, text=True, check=True).stdout
assert c["anchor"]["sha256"] == fp.split("=")[1].strip().replace(":", "").lower(), c
assert c["anchor"]["source"] == sys.argv[2], c
if sys.argv[3] == "gce":
    assert c["gce"] == {"zone": "us-central1-a", "project_id": "bootproof-test",
                        "project_number": 620438545889, "instance_id": 3560342035431930290,
                        "instance_name": "attest-vm-1", "is_production": True,
                        "security_version": 0}, c["gce"]
    assert c["subject"] == "CN=3560342035431930290,OU=bootproof-test,O=Google Compute Engine,L=us-central1-a", c
else:
    assert "gce" not in c and c["subject"] == "CN=0f1e2d3c.TrustedVM.Azure.windows.net", c
PY
	echo "CASE $1: verified, ak.trust ak-certificate, identity as issued"
	# the report page names the same identity and anchor (escaped text, read back by a parser)
	"$BP" verify "$1" $V --ak-ca "$C/root.pem" --html "$WORK/ak.html" >/dev/null ||
		fail "$1: verify --html"
	python3 - "$WORK/ak.html" "$WORK/v.json" <<'PY' || fail "$1: the report's AK section"
import html.parser, json, sys
class T(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.inside = False; self.text = []
    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "ak") in attrs: self.inside = True
    def handle_endtag(self, tag):
        if tag == "table": self.inside = False
    def handle_data(self, d):
        if self.inside: self.text.append(d)
t = T(); t.feed(open(sys.argv[1]).read()); text = " ".join(t.text)
c = json.load(open(sys.argv[2]))["ak"]["certificate"]
wants = [c["subject"], c["anchor"]["sha256"]] + ([c["gce"]["instance_name"], c["gce"]["zone"]] if "gce" in c else [])
for w in wants:
    assert w in text, (w, text[:300])
PY
}
check_ok "$WORK/gce.json" gce
check_ok "$WORK/gce-ecc.json" gce
# The TPM signed the binding of ak.certificate and ak.intermediates too: tpm2_checkquote accepts
# each quote with -q = binding.py's qualifying data (an independent implementation of
# docs/attest.md), and not with that of the same bundle without its chain.
for t in gce:rsa gce-ecc:ecc gce-nochain:rsa; do
	python3 "$SRC/bundle2tpm2tools.py" "$WORK/${t%%:*}.json" "$WORK/cq" >/dev/null
	QD=$(python3 "$SRC/binding.py" qd "$WORK/${t%%:*}.json")
	tpm2_checkquote -u "$WORK/${t##*:}.pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" \
		-g sha256 -q "$QD" >/dev/null || fail "tpm2_checkquote rejects ${t%%:*}.json with -q $QD"
done
python3 - "$WORK/gce.json" "$WORK/nochain-qd.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); b["ak"]["intermediates"] = []
json.dump(b, open(sys.argv[2], "w"))
PY
python3 "$SRC/bundle2tpm2tools.py" "$WORK/gce.json" "$WORK/cq" >/dev/null
if tpm2_checkquote -u "$WORK/rsa.pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" \
	-g sha256 -q "$(python3 "$SRC/binding.py" qd "$WORK/nochain-qd.json")" >/dev/null 2>&1; then
	fail "the quote's qualifying data does not depend on ak.intermediates"
fi
echo "CASE tpm2_checkquote: the quotes bind ak.certificate and ak.intermediates (binding.py)"

# Without golden values: trust, quote and event-log replay still judged, the PCRs reported.
"$BP" verify "$WORK/gce.json" --nonce $N --ak-ca "$C/root.pem" --json >"$WORK/ng.json" ||
	{ cat "$WORK/ng.json"; fail "no golden values: not verified"; }
tpm2_pcrread -T "$TA" sha256:0 | sed -n 's/.*0 *: *0x//p' | tr A-F a-f >"$WORK/pcr0"
python3 - "$WORK/ng.json" "$(cat "$WORK/pcr0")" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["ok"] and "event log replay" in v["detail"] and v["not_golden"]["sha256:0"] == sys.argv[2], v
PY
# a digest in the firmware log: "Calling EFI Application from Boot Option" (pcr-spec.md §1.2)
python3 "$SRC/bundle-edit.py" fw-flip "$WORK/gce.json" "$WORK/badlog.json" \
	3d6772b4f84ed47595d72a2c4c5ffd15f5bb72c7507fe26f2aaee2c69d5633ba
# (the quote binds the log, so the change is caught there, before the replay; the replay without
# golden values is shown on an imported bundle, whose log is not bound: test-cloud-ak-public.sh)
expect_verdict 3 bundle-field-not-bound "no golden values, tampered firmware log" "$WORK/badlog.json" --nonce $N --ak-ca "$C/root.pem"
echo "CASE no golden values: verified with the PCRs reported; a tampered log still refused"

# The bundle's AK is the key tpm2-tools created from the same template (independent source).
python3 - "$WORK/gce.json" "$WORK/rsa.pem" <<'PY'
import json, subprocess, sys
b = json.load(open(sys.argv[1]))
der = bytes.fromhex(b["ak"]["certificate"])
pub = subprocess.run(["openssl", "x509", "-inform", "DER", "-pubkey", "-noout"], input=der,
                     capture_output=True, check=True).stdout
assert pub == open(sys.argv[2], "rb").read(), "certificate key != tpm2_readpublic's AK"
PY

# --- refusals, each on a real quote (exit 3, its own reason)
ED=$WORK/edit.py
cat >"$ED" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
op = sys.argv[3]
if op == "cert":        # replace the AK certificate
    b["ak"]["certificate"] = open(sys.argv[4], "rb").read().hex()
elif op == "flip":      # one bit of the certificate's signature (its last byte)
    c = bytearray.fromhex(b["ak"]["certificate"]); c[-1] ^= 1
    b["ak"]["certificate"] = c.hex()
elif op == "nocert":
    del b["ak"]["certificate"]; del b["ak"]["intermediates"]
json.dump(b, open(sys.argv[2], "w"))
PY
edit() { python3 "$ED" "$WORK/gce.json" "$WORK/$1.json" "$2" ${3:-}; }

expect_verdict 3 ak-certificate-root-not-pinned "root not pinned" "$WORK/gce.json" $V --ak-ca "$C/other-root.pem"
expect_verdict 3 ak-certificate-root-not-pinned "root not pinned (gce roots)" "$WORK/gce.json" $V --ak-ca gce
expect_verdict 3 ak-certificate-intermediate-missing "intermediate missing" "$WORK/gce-nochain.json" $V --ak-ca "$C/root.pem"
edit flip flip
expect_verdict 3 ak-certificate-signature-invalid "signature broken" "$WORK/flip.json" $V --ak-ca "$C/root.pem"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/stranger.key" 2>/dev/null
openssl pkey -in "$WORK/stranger.key" -pubout -out "$WORK/stranger.pem"
issue stranger "$WORK/stranger.pem" "$GCE_SUBJ" ""
edit stranger cert "$C/stranger.der"
expect_verdict 3 ak-certificate-key-mismatch "key mismatch" "$WORK/stranger.json" $V --ak-ca "$C/root.pem"
edit ecccert cert "$C/gce-ecc.der"
expect_verdict 3 ak-certificate-key-type "certificate for another AK type" "$WORK/ecccert.json" $V --ak-ca "$C/root.pem"

expect_verdict 3 ak-certificate-expired "expired" "$WORK/gce.json" $V --ak-ca "$C/root.pem" --at "$(date -u -d '+40 days' +%Y-%m-%dT%H:%M:%SZ)"
expect_verdict 3 ak-certificate-not-yet-valid "not yet valid" "$WORK/gce.json" $V --ak-ca "$C/root.pem" --at 2001-01-01T00:00:00Z
"$BP" verify "$WORK/gce.json" $V --ak-ca "$C/root.pem" --at "@$(($(date +%s) + 86400))" >/dev/null ||
	fail "--at tomorrow (inside the validity) is refused"

issue eku "$WORK/rsa.pem" "$GCE_SUBJ" "extendedKeyUsage=serverAuth"
edit eku cert "$C/eku.der"
expect_verdict 3 ak-certificate-usage "wrong EKU" "$WORK/eku.json" $V --ak-ca "$C/root.pem"
issue crit "$WORK/rsa.pem" "$GCE_SUBJ" "1.2.3.4.5=critical,ASN1:NULL"
edit crit cert "$C/crit.der"
expect_verdict 3 ak-certificate-critical-extension "unknown critical extension" "$WORK/crit.json" $V --ak-ca "$C/root.pem"
grep -q "1.2.3.4.5" "$WORK/verdict.json" || fail "the refusal does not name the extension"

edit nocert nocert
expect_verdict 3 ak-certificate-missing "no certificate in the bundle" "$WORK/nocert.json" $V --ak-ca "$C/root.pem"
# the quote binds ak.certificate and ak.intermediates (docs/attest.md "What the quote binds"):
# the certificate taken out, or the genuine chain added after the quote, is named
expect_verdict 3 bundle-field-not-bound "certificate removed after the quote" "$WORK/nocert.json" $V --ak-pub "$WORK/rsa.pem"
grep -q "bundle field ak.certificate is not bound" "$WORK/verdict.json" || fail "ak.certificate not named"
python3 - "$WORK/gce.json" "$WORK/gce-nochain.json" "$WORK/chain-added.json" <<'PY'
import json, sys
full, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert b["ak"]["intermediates"] == [] and full["ak"]["intermediates"]
b["ak"]["intermediates"] = full["ak"]["intermediates"]
json.dump(b, open(sys.argv[3], "w"))
PY
expect_verdict 3 bundle-field-not-bound "intermediates added after the quote" "$WORK/chain-added.json" $V --ak-ca "$C/root.pem"
grep -q "bundle field ak.intermediates is not bound" "$WORK/verdict.json" || fail "ak.intermediates not named"

# --- Azure: the persistent AK 0x81000003 (a primary of the owner hierarchy here, so not the
# same key as the GCE RSA AK above) and its certificate at NV 0x01C101D0
tpm2_nvundefine -T "$TA" -C o 0x01c10001
tpm2_nvundefine -T "$TA" -C o 0x01c10003
tpm2_createprimary -T "$TA" -C o -g sha256 -G rsa2048:rsassa-sha256:null -a "$AKATTR" -c "$WORK/az.ctx" >/dev/null
tpm2_evictcontrol -T "$TA" -C o -c "$WORK/az.ctx" 0x81000003 >/dev/null
tpm2_flush "$TA"
tpm2_readpublic -T "$TA" -c 0x81000003 -f pem -o "$WORK/az.pem" >/dev/null
issue azure "$WORK/az.pem" "/CN=0f1e2d3c.TrustedVM.Azure.windows.net" "extendedKeyUsage=2.23.133.8.3" nogce
nv_put 0x01c101d0 "$C/azure.der"
$BP attest $ATT --nonce $N --ak auto --ak-chain "$C/inter.pem" -o "$WORK/azure.json"
tpm2_flush "$TA"
check_ok "$WORK/azure.json" azure
$BP attest $ATT --nonce $N --ak azure --ak-chain "$C/inter.pem" -o "$WORK/azure2.json"
check_ok "$WORK/azure2.json" azure

# the Azure certificate as the anchor of the GCE RSA AK's quote: refused (key mismatch)
edit azcert cert "$C/azure.der"
expect_verdict 3 ak-certificate-key-mismatch "Azure certificate, another AK's quote" "$WORK/azcert.json" $V --ak-ca "$C/root.pem"
echo "cloud AK certificates on swtpm: all cases passed"
