#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Real public Azure data (tests/data/cloud-ak/README.md): a genuine Azure vTPM quote (ca2a's
# capture: an in-guest AK, nonce, PCRs 0-7) verifies with its AK public key up to and including
# the quote (the capture has no event log, so the verdict stops at the replay, after the quote,
# nonce, PCR digest and PCR values held); a flipped signature bit is refused; and the genuine
# Azure AK certificate from the same VM chains to the shipped Azure root through the shipped
# Global Virtual TPM CA - 03 (cross-checked with openssl verify) but is refused as the anchor of
# that quote: it certifies Azure's pre-provisioned AK, not the key that signed it. Real GCE
# quotes (SEV-SNP and TDX Confidential VMs) are trusted through --ak-ca gce, with the identity
# their certificates state, and refused when tampered.
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
D=$BOOTPROOF_SOURCE_DIR/tests/data/cloud-ak/azure
R=$BOOTPROOF_SOURCE_DIR/data/ak-roots
for f in quote.msg quote.sig pcrs.bin ak.pub nonce.hex akcert_0x01C101D0.der; do
	[ -e "$D/$f" ] || { echo "SKIP: $D/$f absent (tests/data/cloud-ak/README.md)"; exit 77; }
done
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "SKIP: openssl/python3"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-cloudak.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export BOOTPROOF_AK_ROOTS=$R
AT=2026-08-01T00:00:00Z # inside the certificate's validity (2026-07-27 .. 2027-04-21)

RT=$(python3 "$BOOTPROOF_SOURCE_DIR/tests/attest/fixture2bundle.py" "$D" "$WORK" "$D/akcert_0x01C101D0.der")
N=$(cat "$D/nonce.hex")
V="--golden $WORK/golden.json --nonce $N --runtime-pcrs $RT --json"

# verdict WANT_REASON FILE args...: exit 3 and that reason
verdict() {
	want=$1; shift
	set +e
	"$BOOTPROOF" verify "$@" >"$WORK/v.json"; rc=$?
	set -e
	reason=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reason"])' "$WORK/v.json")
	echo "CASE $want: exit $rc reason $reason"
	[ "$rc" = 3 ] && [ "$reason" = "$want" ] || { cat "$WORK/v.json"; fail "expected $want"; }
}

# 1. the quote verifies with its AK: the first failure is the absent event log, after the quote
verdict firmware-log-replay-mismatch "$WORK/bundle.json" $V --ak-pub "$D/ak.pub"
python3 - "$WORK/v.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["ak"]["trust"] == "ak-pub" and "quote" in v, v          # the quote checks passed
assert all(r["outcome"] == "pass" for r in v["pcr_rules"].values()), v["pcr_rules"]
assert "the bundle has no firmware log" in v["detail"], v["detail"]
PY
python3 - "$WORK/bundle.json" "$WORK/flip.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
s = bytearray.fromhex(b["quote"]["signature"]); s[-1] ^= 1
b["quote"]["signature"] = s.hex()
json.dump(b, open(sys.argv[2], "w"))
PY
verdict signature-invalid "$WORK/flip.json" $V --ak-pub "$D/ak.pub"
# without golden values: the quote verifies with its AK, exit 0
"$BOOTPROOF" verify "$WORK/bundle.json" --nonce $N --ak-pub "$D/ak.pub" >"$WORK/plain.txt" ||
	{ cat "$WORK/plain.txt"; fail "the Azure quote does not verify with its AK (no golden)"; }
echo "CASE Azure quote, its AK, no golden values: $(cat "$WORK/plain.txt")"
verdict signature-invalid "$WORK/flip.json" --nonce $N --ak-pub "$D/ak.pub" --json

# 2. the Azure AK certificate: chains (openssl, independently), refused as this quote's anchor
openssl x509 -inform DER -in "$D/akcert_0x01C101D0.der" -out "$WORK/akcert.pem"
openssl verify -attime "$(date -u -d "$AT" +%s)" -CAfile "$R/azure-roots.pem" \
	-untrusted "$R/azure-intermediates.pem" "$WORK/akcert.pem" >/dev/null ||
	fail "openssl: the Azure AK certificate does not chain to the Azure root via CA - 03"
verdict ak-certificate-key-mismatch "$WORK/bundle.json" $V --ak-ca azure --at $AT
verdict ak-certificate-intermediate-missing "$WORK/bundle.json" $V --ak-ca gce --at $AT
# the bundle carrying CA - 03 itself: the chain then ends at Azure's root, which gce does not pin
openssl x509 -in "$R/azure-intermediates.pem" -outform DER -out "$WORK/ca03.der"
python3 - "$WORK/bundle.json" "$WORK/ca03.der" "$WORK/with-ca03.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["ak"]["intermediates"] = [open(sys.argv[2], "rb").read().hex()]
json.dump(b, open(sys.argv[3], "w"))
PY
verdict ak-certificate-root-not-pinned "$WORK/with-ca03.json" $V --ak-ca gce --at $AT
verdict ak-certificate-key-mismatch "$WORK/with-ca03.json" $V --ak-ca "$R/azure-roots.pem" --at $AT

# 3. Real GCE quotes (lockboot/vaportpm fixtures: Confidential VMs, SEV-SNP and TDX), each with
# its AK certificate chain: trusted with --ak-ca gce; the identity is the certificate's subject
# (L=zone, OU=project, CN=instance id, as openssl prints it); then the refusals.
G=$BOOTPROOF_SOURCE_DIR/tests/data/cloud-ak/gce-quote
for fx in amd tdx; do
	F=$G/test-gcp-$fx-fixture.json
	[ -e "$F" ] || { echo "SKIP part 3: $F absent"; break; }
	mkdir -p "$WORK/$fx"
	RT=$(python3 "$BOOTPROOF_SOURCE_DIR/tests/attest/vaportpm2bundle.py" "$F" "$WORK/$fx")
	N=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nonce"])' "$F")
	VG="--golden $WORK/$fx/golden.json --nonce $N --runtime-pcrs $RT --json"
	verdict firmware-log-replay-mismatch "$WORK/$fx/bundle.json" $VG --ak-ca gce
	python3 - "$WORK/v.json" "$F" <<'PY'
import json, re, subprocess, sys
v = json.load(open(sys.argv[1]))
assert v["ak"]["trust"] == "ak-certificate" and "quote" in v, v["ak"]   # trusted, quote passed
g = v["ak"]["certificate"]["gce"]
pem = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                json.load(open(sys.argv[2]))["attestation"]["gcp"]["ak_cert_chain"], re.S).group(0)
subj = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253"], input=pem,
                      capture_output=True, text=True, check=True).stdout.strip()
want = "subject=CN=%d,OU=%s,O=Google Compute Engine,L=%s" % (g["instance_id"], g["project_id"], g["zone"])
assert subj == want, (subj, want)
assert g["is_production"] is True
print("identity:", g["project_id"], g["zone"], g["instance_name"], g["instance_id"])
PY
	python3 - "$WORK/$fx/bundle.json" "$WORK/$fx" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
n = dict(b); n["ak"] = dict(b["ak"], intermediates=[])
json.dump(n, open(sys.argv[2] + "/nochain.json", "w"))
f = json.loads(json.dumps(b)); s = bytearray.fromhex(f["quote"]["signature"]); s[-1] ^= 1
f["quote"]["signature"] = s.hex(); json.dump(f, open(sys.argv[2] + "/flip.json", "w"))
PY
	# without the bundle's intermediates: the shipped one completes the chain; the roots
	# file alone (no shipped intermediates) cannot
	verdict firmware-log-replay-mismatch "$WORK/$fx/nochain.json" $VG --ak-ca gce
	verdict ak-certificate-intermediate-missing "$WORK/$fx/nochain.json" $VG --ak-ca "$R/gce-roots.pem"
	# without golden values (verify judges trust and quote only): exit 0, said plainly
	"$BOOTPROOF" verify "$WORK/$fx/bundle.json" --nonce $N --ak-ca gce >"$WORK/plain.txt" ||
		{ cat "$WORK/plain.txt"; fail "$fx: no exit 0 without golden values"; }
	grep -q "VERIFIED (no golden values: the PCRs are reported, not judged)" "$WORK/plain.txt" ||
		fail "$fx: the summary does not say the PCRs were not judged"
	"$BOOTPROOF" verify "$WORK/$fx/bundle.json" --nonce $N --ak-ca gce --json >"$WORK/plain.json"
	python3 - "$WORK/plain.json" "$F" <<'PY'
import json, sys
v, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert v["ok"] and v["ak"]["trust"] == "ak-certificate", v
assert "not judged or replayed" in v["detail"], v["detail"]
# every quoted PCR reported, with the fixture's own values
assert v["not_golden"] == {"sha256:" + p: x for p, x in f["pcrs"]["sha256"].items()}, v["not_golden"]
PY
	echo "CASE $fx without golden values: exit 0, PCRs reported"
	verdict ak-certificate-root-not-pinned "$WORK/$fx/bundle.json" $VG --ak-ca azure
	verdict signature-invalid "$WORK/$fx/flip.json" $VG --ak-ca gce
done
# one VM's certificate beside the other VM's quote
if [ -e "$WORK/amd/bundle.json" ] && [ -e "$WORK/tdx/bundle.json" ]; then
	python3 - "$WORK/tdx/bundle.json" "$WORK/amd/bundle.json" "$WORK/swap.json" <<'PY'
import json, sys
b, o = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
b["ak"]["certificate"] = o["ak"]["certificate"]
json.dump(b, open(sys.argv[3], "w"))
PY
	verdict ak-certificate-key-mismatch "$WORK/swap.json" $VG --ak-ca gce
fi

# 4. go-tpm-tools' own attestation (GCE COS 85, nonce 0x9009, quotes of sha1/sha256/sha384, the
# firmware event log, an AK certificate of the older CA and no intermediates): imported with
# `bundle import`, trusted with --ak-ca gce (the shipped intermediate_2 completes the chain),
# each bank's quote verified and its log replayed, one bank a bundle (--bank) and every bank
# in one bundle (the default, "quotes") (PCR 0-9; the rest, IMA's 10 included, no log
# extends: reported, not replayed); the identity checked against openssl asn1parse of the
# certificate's instance extension; then refusals. Every bundle here is an imported one
# (bootproof-bundle/imported-1: the quote's extraData is the nonce itself): verified as such,
# refused with a field nothing vouches for, and refused relabelled as a bound /2.
P=$BOOTPROOF_SOURCE_DIR/tests/data/cloud-ak/gotpm/gce-cos-85-nonce9009.pb
if [ -e "$P" ]; then
	for bank in sha1 sha256 sha384; do
		"$BOOTPROOF" bundle import "$P" --bank $bank -o "$WORK/cos-$bank.json"
		"$BOOTPROOF" verify "$WORK/cos-$bank.json" --nonce 9009 --ak-ca gce --json >"$WORK/v.json" ||
			{ cat "$WORK/v.json"; fail "COS 85 $bank: not verified"; }
		python3 - "$WORK/v.json" "$WORK/cos-$bank.json" "$bank" <<'PY'
import json, subprocess, sys
v, b, bank = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert v["ok"] and v["ak"]["trust"] == "ak-certificate", v
# an imported bundle, said so: its quote answers the bare nonce, no bootproof binding
assert b["format"] == "bootproof-bundle/imported-1" and "binding" not in b, b["format"]
assert v["binding"] == "nonce-only" and v["detail"].startswith("imported bundle (nonce-only binding"), v
assert v["not_replayed"] == ["%s:%d" % (bank, p) for p in range(10, 24)], v["not_replayed"]
assert "tpm_ek_v1_cloud_host_root" in v["ak"]["certificate"]["anchor"]["subject"]
g = v["ak"]["certificate"]["gce"]
# OpenSSL's generic ASN.1 parser over the certificate: the extension's strings and integers
txt = subprocess.run(["openssl", "asn1parse", "-inform", "DER"], input=bytes.fromhex(b["ak"]["certificate"]),
                     capture_output=True, check=True).stdout.decode()
i = txt.index("1.3.6.1.4.1.11129.2.1.21")
off = int(txt[i:].split("\n")[1].split(":")[0])          # the OCTET STRING after the OID
ext = subprocess.run(["openssl", "asn1parse", "-inform", "DER", "-strparse", str(off)],
                     input=bytes.fromhex(b["ak"]["certificate"]), capture_output=True, check=True).stdout.decode()
vals = [l.split(":", 3)[-1] for l in ext.splitlines() if ("UTF8STRING" in l or "INTEGER" in l)]
assert vals[:5] == [g["zone"], "%X" % g["project_number"], g["project_id"], "%X" % g["instance_id"],
                    g["instance_name"]], (vals, g)
PY
		echo "CASE go-tpm-tools COS 85 ($bank): imported, verified with --ak-ca gce, PCR 0-9 replayed"
	done
	# Every bank from one bundle (the default): "quotes", one per bank, each verified; each
	# quote's pcrDigest recomputed here with hashlib over that bank's imported values (the
	# TPMS_ATTEST ends with the TPM2B pcrDigest, SHA-256: the AK's nameAlg).
	"$BOOTPROOF" bundle import "$P" -o "$WORK/cos-all.json"
	"$BOOTPROOF" verify "$WORK/cos-all.json" --nonce 9009 --ak-ca gce --json >"$WORK/v.json" ||
		{ cat "$WORK/v.json"; fail "COS 85 all banks: not verified"; }
	python3 - "$WORK/v.json" "$WORK/cos-all.json" "$WORK" <<'PY'
import hashlib, json, sys
v, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert "quote" not in b and len(b["quotes"]) == 3, b.keys()
assert sorted(b["pcrs"]) == ["sha1", "sha256", "sha384"], list(b["pcrs"])
assert v["ok"] and v["quote"]["per_bank"] == 3 and v["binding"] == "nonce-only", v
assert v["not_replayed"] == ["%s:%d" % (k, p) for k in ("sha1", "sha256", "sha384") for p in range(10, 24)], v["not_replayed"]
for bank in ("sha1", "sha256", "sha384"):
    one = json.load(open("%s/cos-%s.json" % (sys.argv[3], bank)))
    assert b["pcrs"][bank] == one["pcrs"][bank], bank           # the same values as --bank
    assert one["quote"] in b["quotes"], bank                    # and the same quote
    att = bytes.fromhex(one["quote"]["attest"])
    vals = b"".join(bytes.fromhex(b["pcrs"][bank][str(p)]) for p in range(24))
    assert att[-34:] == b"\x00\x20" + hashlib.sha256(vals).digest(), bank
for k, val in v["not_golden"].items():
    bank, p = k.split(":")
    assert b["pcrs"][bank][p] == val, k
assert len(v["not_golden"]) == 72, len(v["not_golden"])
PY
	echo "CASE go-tpm-tools COS 85 (every bank, one bundle): 3 quotes verified, PCR 0-9 replayed in sha1, sha256 and sha384"
	# per-bank refusals: a bank quoted twice, a bank with values but no quote, both forms, over the cap
	python3 - "$WORK/cos-all.json" "$WORK" <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); w = sys.argv[2]
def out(name, d): json.dump(d, open("%s/%s.json" % (w, name), "w"))
out("cos-twice", dict(b, quotes=[b["quotes"][0], b["quotes"][0], b["quotes"][2]]))
out("cos-unquoted", dict(b, quotes=b["quotes"][:2]))
out("cos-both", dict(b, quote=b["quotes"][0]))
out("cos-five", dict(b, quotes=b["quotes"] + b["quotes"][:2]))
out("cos-none", dict(b, quotes=[]))
PY
	verdict bundle-bank-quoted-twice "$WORK/cos-twice.json" --nonce 9009 --ak-ca gce --json
	grep -q 'quotes\[1\]: bank sha1 is quoted by an earlier quote' "$WORK/v.json" || fail "quoted twice: not named"
	verdict bundle-bank-not-quoted "$WORK/cos-unquoted.json" --nonce 9009 --ak-ca gce --json
	grep -q 'pcrs.sha384: the bundle has sha384 values but no quote' "$WORK/v.json" || fail "unquoted bank: not named"
	verdict bundle-malformed "$WORK/cos-both.json" --nonce 9009 --ak-ca gce --json
	grep -q 'quotes: present beside quote' "$WORK/v.json" || fail "both forms: not named"
	verdict bundle-malformed "$WORK/cos-five.json" --nonce 9009 --ak-ca gce --json
	grep -q 'quotes: 5 quotes exceed the cap of 4' "$WORK/v.json" || fail "five quotes: not named"
	verdict bundle-malformed "$WORK/cos-none.json" --nonce 9009 --ak-ca gce --json
	echo "CASE COS 85 per-bank refusals: quoted twice, bank not quoted, both forms, 5 quotes, none"
	"$BOOTPROOF" verify "$WORK/cos-sha256.json" --nonce 9009 --ak-ca gce >"$WORK/plain.txt"
	grep -q "VERIFIED (no golden values: the PCRs are reported, not judged) (imported bundle: the quote binds the nonce only)" "$WORK/plain.txt" ||
		{ cat "$WORK/plain.txt"; fail "COS 85: the summary does not say the bundle was imported"; }
	verdict bundle-nonce-mismatch "$WORK/cos-sha256.json" --nonce 9010 --ak-ca gce --json
	# an imported bundle may not carry what its quote cannot vouch for and nothing else checks
	for field in container_measurements credential luks2_metadata ek_certificate; do
		python3 - "$WORK/cos-sha256.json" "$WORK/cos-$field.json" "$field" <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); b[sys.argv[3]] = "00"
json.dump(b, open(sys.argv[2], "w"))
PY
		verdict bundle-imported-field-unbound "$WORK/cos-$field.json" --nonce 9009 --ak-ca gce --json
		grep -q "bundle field $field: an imported bundle" "$WORK/v.json" || fail "$field not named"
	done
	# relabelled as a bound bundle/2 (binding.py's digests): the quote does not answer H(nonce ‖ F)
	python3 - "$WORK/cos-sha256.json" "$WORK/cos-bound.json" "$BOOTPROOF_SOURCE_DIR/tests/attest" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[3]); import binding
b = json.load(open(sys.argv[1])); b["format"] = "bootproof-bundle/2"; b["binding"] = binding.digests(b)
json.dump(b, open(sys.argv[2], "w"))
PY
	verdict quote-nonce-mismatch "$WORK/cos-bound.json" --nonce 9009 --ak-ca gce --json
	verdict ak-certificate-root-not-pinned "$WORK/cos-sha256.json" --nonce 9009 --ak-ca "$BOOTPROOF_SOURCE_DIR/data/ak-roots/azure-roots.pem" --ak-ca "$R/gce-intermediates.pem" --json
	# the first separator event's sha256 digest (sha256 of 00000000) in the log, one byte flipped
	python3 "$BOOTPROOF_SOURCE_DIR/tests/attest/bundle-edit.py" fw-flip "$WORK/cos-sha256.json" \
		"$WORK/cos-bad.json" df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119
	set +e
	"$BOOTPROOF" verify "$WORK/cos-bad.json" --nonce 9009 --ak-ca gce --json >"$WORK/v.json"; rc=$?
	set -e
	echo "CASE COS 85 with a digest of its event log changed: exit $rc ($(python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(v["reason"])' "$WORK/v.json"))"
	# not bound by an imported bundle's quote: the replay is what refuses it
	[ $rc = 3 ] && grep -q '"reason": "firmware-log-replay-mismatch"' "$WORK/v.json" ||
		fail "a tampered COS 85 event log: not refused by the replay"
	set +e
	"$BOOTPROOF" bundle import "$BOOTPROOF_SOURCE_DIR/tests/fuzz/corpus/fuzz-gotpm/truncated.pb" -o "$WORK/t.json" 2>"$WORK/t.err"; rc=$?
	set -e
	[ $rc = 1 ] && grep -q "offset" "$WORK/t.err" && [ ! -e "$WORK/t.json" ] ||
		{ cat "$WORK/t.err"; fail "a truncated protobuf: exit $rc"; }
	echo "CASE truncated protobuf: exit 1 ($(cat "$WORK/t.err"))"
else
	echo "SKIP part 4: $P absent"
fi
echo "public Azure and GCE data: all cases passed"
