#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bootproof extend / attest / verify against a real software TPM (swtpm), cross-checked with
# tpm2-tools, and the attack catalogue: every case must exit 3 with its specific reason.
# Expected values come from the TPM (tpm2_pcrread), tpm2_quote / tpm2_checkquote, and the
# fixture's own events (mkfixture.py); nothing is hard-coded.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
BP=$BOOTPROOF
ED="python3 $SRC/bundle-edit.py"
BD="python3 $SRC/binding.py"   # independent implementation of the quote binding (docs/attest.md)

# TPM A: EK certificates from a local CA made by swtpm_localca, three banks.
CA=$WORK/ca
mkdir -p "$CA"
printf 'statedir = %s\nsigningkey = %s/signkey.pem\nissuercert = %s/issuercert.pem\ncertserial = %s/certserial\n' \
	"$CA" "$CA" "$CA" "$CA" >"$WORK/localca.conf"
printf -- '--platform-manufacturer bootproof\n--platform-version 1\n--platform-model test\n' >"$WORK/localca.options"
printf 'create_certs_tool = %s\ncreate_certs_tool_config = %s\ncreate_certs_tool_options = %s\n' \
	"$(command -v swtpm_localca)" "$WORK/localca.conf" "$WORK/localca.options" >"$WORK/setup.conf"
start_swtpm a --config "$WORK/setup.conf" --create-ek-cert --pcr-banks sha1,sha256,sha384
# TPM B: another machine, swtpm's default banks, no certificate.
start_swtpm b
TA=$a_TCTI TB=$b_TCTI
BANKS=$(active_banks "$TA")
echo "TPM A banks: $BANKS"
[ "$BANKS" = "sha1 sha256 sha384 " ] || fail "swtpm_setup --pcr-banks not honoured: $BANKS"

# The boot: firmware log + systemd phases, extended into TPM A; golden.json from tpm2_pcrread.
python3 "$SRC/mkfixture.py" "$TA" "$WORK" $BANKS
cp "$WORK/userspace.log" "$WORK/run.log"

# Runtime measurements: inputs into 14, outputs into 15, into the same userspace log.
mkdir -p "$WORK/code/src" "$WORK/out"
echo 'print("train")' >"$WORK/code/src/train.py"
printf 'weights' >"$WORK/out/model.bin"
$BP extend --tcti "$TA" --log "$WORK/run.log" --pcr 14 --label code "$WORK/code"
$BP extend --tcti "$TA" --log "$WORK/run.log" --pcr 15 --label weights "$WORK/out/model.bin"

# The PCR 14 value the TPM holds equals the replay of the two records' sha256 digests
# (computed here with python hashlib from the log, compared with tpm2_pcrread).
python3 - "$WORK/run.log" >"$WORK/pcr14.expected" <<'PY'
import hashlib, json, sys
v = b"\0" * 32
for rec in open(sys.argv[1], "rb").read().split(b"\x1e")[1:]:
    r = json.loads(rec)
    if r["pcr"] == 14:
        d = [x["digest"] for x in r["digests"] if x["hashAlg"] == "sha256"][0]
        assert d == hashlib.sha256(r["content"]["string"].encode()).hexdigest()
        v = hashlib.sha256(v + bytes.fromhex(d)).digest()
print(v.hex())
PY
tpm2_pcrread -T "$TA" sha256:14 | sed -n 's/.*14 *: *0x//p' | tr A-F a-f >"$WORK/pcr14.tpm"
cmp -s "$WORK/pcr14.expected" "$WORK/pcr14.tpm" || fail "PCR 14: TPM $(cat "$WORK/pcr14.tpm"), log replay $(cat "$WORK/pcr14.expected")"

echo '{"@local/test:latest": "sha256:00"}' >"$WORK/cm.json"
N1=00112233445566778899aabbccddeeff
N2=ffeeddccbbaa99887766554433221100
ATT="--tcti $TA --eventlog $WORK/firmware.bin --userspace-log $WORK/run.log --containers $WORK/cm.json"
$BP attest $ATT --nonce $N1 -o "$WORK/good.json" --ak-pub-out "$WORK/ak.pem"
tpm2_flush "$TA"
V="--golden $WORK/golden.json --ak-pub $WORK/ak.pem"

# --- genuine bundles verify
$BP verify "$WORK/good.json" $V --nonce $N1 --json >"$WORK/v.json"
python3 - "$WORK/v.json" "$WORK/code" "$WORK/out/model.bin" "$WORK/cm.json" <<'PY'
import hashlib, json, sys
v = json.load(open(sys.argv[1]))
assert v["ok"] is True and v["reason"] == "ok", v
ins, outs = v["runtime"]["inputs"], v["runtime"]["outputs"]
assert [i["path"] for i in ins] == [sys.argv[2]] and ins[0]["type"] == "dir" and ins[0]["label"] == "code", ins
assert [o["path"] for o in outs] == [sys.argv[3]] and outs[0]["label"] == "weights", outs
# the output file's digest, computed independently
assert outs[0]["sha256"] == hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
assert v["container_measurements_sha256"] == hashlib.sha256(open(sys.argv[4], "rb").read()).hexdigest()
assert v["ak"]["ek_certificate"] == "not-checked"
assert v["phases"]["sha256:11"] == "ready", v["phases"]
PY
echo "genuine RSASSA bundle: verified"
# deterministic verdict bytes
$BP verify "$WORK/good.json" $V --nonce $N1 --json >"$WORK/v2.json"
cmp -s "$WORK/v.json" "$WORK/v2.json" || fail "verdict JSON differs between two runs"
(umask 077; LC_ALL=C TZ=Pacific/Kiritimati $BP verify "$WORK/good.json" $V --nonce $N1 -o "$WORK/v3.json" >/dev/null)
cmp -s "$WORK/v.json" "$WORK/v3.json" || fail "verdict JSON differs under another locale/TZ/umask"

# Usage and operational errors: exit 2 / exit 1, never 0 or 3.
set +e
$BP verify "$WORK/good.json" --golden "$WORK/golden.json" --nonce $N1 2>/dev/null; rc_noak=$?
$BP verify "$WORK/good.json" $V --nonce XYZ 2>/dev/null; rc_badnonce=$?
$BP verify "$WORK/missing.json" $V --nonce $N1 2>/dev/null; rc_missing=$?
$BP attest --nonce $N1 2>/dev/null; rc_noout=$?
$BP extend --pcr 24 "$WORK/cm.json" 2>/dev/null; rc_badpcr=$?
$BP extend --tcti "$TA" --log "$WORK/x.log" --pcr 14 "$WORK/nonexistent" 2>/dev/null; rc_nofile=$?
set -e
[ "$rc_noak $rc_badnonce $rc_missing $rc_noout $rc_badpcr $rc_nofile" = "2 2 1 2 2 1" ] ||
	fail "usage/error exit codes: $rc_noak $rc_badnonce $rc_missing $rc_noout $rc_badpcr $rc_nofile"
[ ! -e "$WORK/x.log" ] || [ ! -s "$WORK/x.log" ] || fail "a failed extend wrote a record"
for verb in extend attest verify manifest; do
	$BP $verb --help >/dev/null || fail "$verb --help"
done

# The EK certificate from NV chains to swtpm_localca's root + issuer.
CAARGS="--ca $CA/swtpm-localca-rootca-cert.pem --ca $CA/issuercert.pem"
$BP verify "$WORK/good.json" $V $CAARGS --nonce $N1 --json >"$WORK/v.json"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["ok"] and v["ak"]["ek_certificate"]=="chains-to-ca", v' "$WORK/v.json"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); open(sys.argv[2],"wb").write(bytes.fromhex(b["ek_certificate"]))' "$WORK/good.json" "$WORK/ek.der"
openssl x509 -inform der -in "$WORK/ek.der" -out "$WORK/ek.pem"
openssl verify -CAfile "$CA/swtpm-localca-rootca-cert.pem" -untrusted "$CA/issuercert.pem" \
	"$WORK/ek.pem" >/dev/null || fail "openssl does not verify the bundle's EK certificate"
echo "EK certificate: chains to the swtpm_localca CA (bootproof and openssl verify agree)"

# ECDSA and RSASSA-PSS AKs.
for t in ecc rsapss; do
	$BP attest $ATT --nonce $N1 --ak-type $t -o "$WORK/$t.json" --ak-pub-out "$WORK/$t.pem"
	tpm2_flush "$TA"
	$BP verify "$WORK/$t.json" --golden "$WORK/golden.json" --ak-pub "$WORK/$t.pem" --nonce $N1 >/dev/null ||
		fail "$t AK bundle does not verify"
	echo "genuine $t bundle: verified"
done

# Cross-check 1: tpm2_checkquote accepts bootproof's bundle (signature, pcrDigest, and the
# qualifying data = H(nonce || H(fields)) computed from the bundle's fields by binding.py, not by
# bootproof: the binding is what the TPM signed). The bare nonce is not what it signed.
# (tpm2_checkquote 5.x cannot check RSASSA-PSS quotes: it takes the scheme from the PEM key,
# tpm2-tools issue #3283; that one is checked with openssl's PSS verifier instead.)
for t in good ecc; do
	pem=$WORK/ak.pem; [ $t = good ] || pem=$WORK/$t.pem
	python3 "$SRC/bundle2tpm2tools.py" "$WORK/$t.json" "$WORK/cq" >/dev/null
	QD=$($BD qd "$WORK/$t.json" $N1)
	tpm2_checkquote -u "$pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" -g sha256 \
		-q "$QD" >/dev/null || fail "tpm2_checkquote rejects bootproof's $t bundle with -q $QD"
	if tpm2_checkquote -u "$pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" \
		-g sha256 -q $N1 >/dev/null 2>&1; then
		fail "the $t quote's qualifying data is the bare nonce: the bundle's fields are not bound"
	fi
done
# The qualifying data changes with every bound field: a renamed container tag gives another one.
$ED containers-rename "$WORK/good.json" "$WORK/t.json" '@local/test:latest' '@local/evil:latest'
python3 "$SRC/bundle2tpm2tools.py" "$WORK/good.json" "$WORK/cq" >/dev/null
if tpm2_checkquote -u "$WORK/ak.pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" \
	-g sha256 -q "$($BD qd "$WORK/t.json" $N1)" >/dev/null 2>&1; then
	fail "tpm2_checkquote accepts the quote for edited container_measurements"
fi
python3 "$SRC/bundle2tpm2tools.py" "$WORK/rsapss.json" "$WORK/cq" >/dev/null
tail -c +7 "$WORK/cq.sig" >"$WORK/cq.rawsig"   # sigAlg, hash, size: 6 bytes, then the signature
openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest \
	-verify "$WORK/rsapss.pem" -signature "$WORK/cq.rawsig" "$WORK/cq.msg" >/dev/null ||
	fail "openssl rejects the RSASSA-PSS quote signature"
$ED flip-pcr "$WORK/good.json" "$WORK/t.json" sha256 4
python3 "$SRC/bundle2tpm2tools.py" "$WORK/t.json" "$WORK/cq" >/dev/null
if tpm2_checkquote -u "$WORK/ak.pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" -g sha256 -q "$($BD qd "$WORK/t.json" $N1)" >/dev/null 2>&1; then
	fail "tpm2_checkquote accepts a tampered PCR value"
fi
echo "tpm2_checkquote: accepts bootproof bundles (RSASSA, ECDSA) with binding.py's qualifying data, not with the bare nonce; openssl the RSAPSS one; a tampered PCR or container tag is rejected"

# Cross-check 2: a quote made by tpm2-tools (AK under the EK, tpm2_quote) verifies with bootproof.
tpm2_createek -T "$TA" -c "$WORK/ek.ctx" -G rsa -u "$WORK/ek.pub" >/dev/null
tpm2_flush "$TA"
tpm2_createak -T "$TA" -C "$WORK/ek.ctx" -c "$WORK/tak.ctx" -G rsa -g sha256 -s rsassa \
	-u "$WORK/tak.pub" -n "$WORK/tak.name" >/dev/null
tpm2_flush "$TA"
tpm2_readpublic -T "$TA" -c "$WORK/tak.ctx" -f pem -o "$WORK/tak.pem" >/dev/null
tpm2_flush "$TA"
SEL=$(echo $BANKS | sed 's/ *$//; s/\([a-z0-9]*\)/\1:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15/g; s/ /+/g')
# The qualifying data for tpm2_quote -q comes from binding.py over the bundle's fields.
QD=$($ED fields "$WORK/tq-fields.json" $N1 "$WORK/tak.pub" "$WORK/firmware.bin" "$WORK/run.log")
tpm2_quote -T "$TA" -c "$WORK/tak.ctx" -l "$SEL" -q "$QD" -m "$WORK/tq.msg" -s "$WORK/tq.sig" \
	-o "$WORK/tq.pcrs" -g sha256 >/dev/null
tpm2_flush "$TA"
$ED assemble "$WORK/tq-fields.json" "$WORK/tq.json" "$WORK/tq.msg" "$WORK/tq.sig" "$TA" "$SEL"
$BP verify "$WORK/tq.json" --golden "$WORK/golden.json" --ak-pub "$WORK/tak.pem" --nonce $N1 >/dev/null ||
	fail "bootproof rejects a genuine tpm2_quote quote"
tpm2_checkquote -u "$WORK/tak.pem" -m "$WORK/tq.msg" -s "$WORK/tq.sig" -f "$WORK/tq.pcrs" -g sha256 -q "$QD" >/dev/null ||
	fail "tpm2_checkquote rejects its own quote"
echo "tpm2_quote quote (AK under the EK, -q from binding.py): verified by bootproof and by tpm2_checkquote"

# Cross-check 3: one tpm2_quote per bank (-q = binding.py's qualifying data of a per-bank
# bundle, which binds the list of quoted banks), each checked by tpm2_checkquote, assembled into
# "quotes": bootproof verifies every bank's quote; then the per-bank attacks.
TV="--golden $WORK/golden.json --ak-pub $WORK/tak.pem"
PQD=$($ED fields "$WORK/pb-fields.json" $N1 "$WORK/tak.pub" "$WORK/firmware.bin" "$WORK/run.log" $BANKS)
PB=
for bank in $BANKS; do
	tpm2_quote -T "$TA" -c "$WORK/tak.ctx" -l "$bank:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15" -q "$PQD" \
		-m "$WORK/pb-$bank.msg" -s "$WORK/pb-$bank.sig" -o "$WORK/pb-$bank.pcrs" -g sha256 >/dev/null
	tpm2_flush "$TA"
	tpm2_checkquote -u "$WORK/tak.pem" -m "$WORK/pb-$bank.msg" -s "$WORK/pb-$bank.sig" \
		-f "$WORK/pb-$bank.pcrs" -g sha256 -q "$PQD" >/dev/null || fail "tpm2_checkquote rejects the $bank quote"
	PB="$PB $WORK/pb-$bank.msg $WORK/pb-$bank.sig"
done
$ED assemble "$WORK/pb-fields.json" "$WORK/pb-one.json" "$WORK/pb-sha1.msg" "$WORK/pb-sha1.sig" "$TA" "$SEL"
$ED per-bank "$WORK/pb-one.json" "$WORK/pb.json" $PB
$BP verify "$WORK/pb.json" --golden "$WORK/golden.json" --ak-pub "$WORK/tak.pem" --nonce $N1 --json >"$WORK/v.json" ||
	{ cat "$WORK/v.json"; fail "bootproof rejects genuine per-bank tpm2_quote quotes"; }
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["ok"] and v["quote"]["per_bank"] == 3, v' "$WORK/v.json"
echo "tpm2_quote per bank (sha1, sha256, sha384; -q from binding.py): each accepted by tpm2_checkquote, all three by bootproof"
python3 - "$WORK/pb.json" "$WORK" "$SRC" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[3]); import binding
b = json.load(open(sys.argv[1])); w = sys.argv[2]
def out(name, d): json.dump(d, open("%s/%s.json" % (w, name), "w"))
# sha384's quote and values dropped: binding.quotes still names three banks
drop = dict(b, quotes=b["quotes"][:2], pcrs={k: v for k, v in b["pcrs"].items() if k != "sha384"})
out("pb-drop", drop)
# ... and binding.quotes rewritten to match: the quotes' qualifying data no longer does
out("pb-drop-rebound", dict(drop, binding=binding.digests(drop)))
out("pb-unquoted", dict(b, quotes=b["quotes"][:2]))
out("pb-twice", dict(b, quotes=[b["quotes"][1], b["quotes"][1], b["quotes"][2]]))
out("pb-nobinding", dict(b, binding={k: v for k, v in b["binding"].items() if k != "quotes"}))
PY
# (with golden values for sha384 the missing quote is refused first; without, the binding)
expect_verdict 3 golden-pcr-not-quoted "per-bank: a golden bank's quote and values dropped" "$WORK/pb-drop.json" $TV --nonce $N1
expect_verdict 3 bundle-field-not-bound "per-bank: a bank's quote and values dropped" "$WORK/pb-drop.json" --ak-pub "$WORK/tak.pem" --nonce $N1
expect_verdict 3 quote-nonce-mismatch "per-bank: a bank dropped, binding.quotes rewritten" "$WORK/pb-drop-rebound.json" --ak-pub "$WORK/tak.pem" --nonce $N1
expect_verdict 3 bundle-bank-not-quoted "per-bank: a bank with values but no quote" "$WORK/pb-unquoted.json" $TV --nonce $N1
expect_verdict 3 bundle-bank-quoted-twice "per-bank: a bank quoted twice" "$WORK/pb-twice.json" $TV --nonce $N1
expect_verdict 3 bundle-malformed "per-bank: binding.quotes missing" "$WORK/pb-nobinding.json" $TV --nonce $N1
# bootproof's own per-bank bundle (attest --quote-per-bank): each quote accepted by
# tpm2_checkquote with -q = binding.py's qualifying data (binding.quotes included) and the PCR
# file of that bank's values; verified by bootproof against the golden values.
$BP attest $ATT --nonce $N1 --quote-per-bank -o "$WORK/own-pb.json" --ak-pub-out "$WORK/own-pb.pem"
tpm2_flush "$TA"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); assert "quote" not in b and len(b["quotes"]) == 3 and "quotes" in b["binding"], b.keys()' "$WORK/own-pb.json"
i=0
for bank in $BANKS; do
	L=$(python3 "$SRC/bundle2tpm2tools.py" "$WORK/own-pb.json" "$WORK/cq" $i)
	[ "$L" = "$bank:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15" ] || fail "quotes[$i] selects $L, not bank $bank"
	tpm2_checkquote -u "$WORK/own-pb.pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" -g sha256 \
		-q "$(cat "$WORK/cq.qd")" >/dev/null || fail "tpm2_checkquote rejects bootproof's $bank quote (quotes[$i])"
	if tpm2_checkquote -u "$WORK/own-pb.pem" -m "$WORK/cq.msg" -s "$WORK/cq.sig" -f "$WORK/cq.pcrs" \
		-g sha256 -q "$($BD qd "$WORK/good.json" $N1)" >/dev/null 2>&1; then
		fail "the $bank quote does not bind binding.quotes"
	fi
	i=$((i + 1))
done
$BP verify "$WORK/own-pb.json" --golden "$WORK/golden.json" --ak-pub "$WORK/own-pb.pem" --nonce $N1 --json >"$WORK/v.json" ||
	{ cat "$WORK/v.json"; fail "bootproof rejects its own per-bank bundle"; }
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["ok"] and v["quote"]["per_bank"] == 3 and v["binding"] == "every-field", v' "$WORK/v.json"
echo "attest --quote-per-bank: 3 quotes, each accepted by tpm2_checkquote (-q from binding.py, one bank's PCR file), the bundle verified by bootproof"
# the one quote over every bank, put in the per-bank form: its selection spans three banks
$ED per-bank "$WORK/tq.json" "$WORK/pb-spans.json" "$WORK/tq.msg" "$WORK/tq.sig"
python3 - "$WORK/pb-spans.json" "$SRC" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2]); import binding
b = json.load(open(sys.argv[1])); b["binding"] = binding.digests(b); json.dump(b, open(sys.argv[1], "w"))
PY
expect_verdict 3 bundle-quote-spans-banks "per-bank: a quote over three banks" "$WORK/pb-spans.json" $TV --nonce $N1

# A persistent AK (the tpm2-tools one, made persistent with tpm2_evictcontrol) via --ak-handle.
tpm2_evictcontrol -T "$TA" -C o -c "$WORK/tak.ctx" 0x81010002 >/dev/null
tpm2_flush "$TA"
$BP attest $ATT --nonce $N1 --ak-handle 0x81010002 -o "$WORK/persist.json"
$BP verify "$WORK/persist.json" --golden "$WORK/golden.json" --ak-pub "$WORK/tak.pem" --nonce $N1 >/dev/null ||
	fail "bundle from the persistent AK does not verify"
echo "persistent AK 0x81010002: verified"

# --- attack catalogue
expect_verdict 3 bundle-nonce-mismatch "wrong nonce" "$WORK/good.json" $V --nonce $N2

$BP attest --tcti "$TB" --nonce $N1 -o "$WORK/other.json" --eventlog "$WORK/firmware.bin" \
	--userspace-log "$WORK/run.log"
tpm2_flush "$TB"
expect_verdict 3 ak-untrusted "another TPM's AK" "$WORK/other.json" $V --nonce $N1

$ED flip-pcr "$WORK/good.json" "$WORK/t.json" sha256 4
expect_verdict 3 pcr-digest-mismatch "tampered PCR value" "$WORK/t.json" $V --nonce $N1

# Tampered logs, two ways. (1) A lying machine: the edited log is what it gives to attest, so
# the quote binds it and the replay must catch it. (2) The log edited after the quote: the
# binding catches it, whatever the edit.
lying_attest() { # OUT: attest with the logs of $WORK/t.json
	python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["eventlog"]
open(sys.argv[2],"wb").write(bytes.fromhex(b["firmware"])); open(sys.argv[3],"wb").write(bytes.fromhex(b["userspace"]))' \
		"$WORK/t.json" "$WORK/lie-fw.bin" "$WORK/lie-us.log"
	$BP attest --tcti "$TA" --eventlog "$WORK/lie-fw.bin" --userspace-log "$WORK/lie-us.log" \
		--containers "$WORK/cm.json" --nonce $N1 -o "$1"
	tpm2_flush "$TA"
}
# The sha256 digest of "Calling EFI Application from Boot Option" (pcr-spec.md §1.2).
$ED fw-flip "$WORK/good.json" "$WORK/t.json" 3d6772b4f84ed47595d72a2c4c5ffd15f5bb72c7507fe26f2aaee2c69d5633ba
expect_verdict 3 bundle-field-not-bound "firmware log edited after the quote" "$WORK/t.json" $V --nonce $N1
lying_attest "$WORK/t.json"
expect_verdict 3 firmware-log-replay-mismatch "tampered firmware log" "$WORK/t.json" $V --nonce $N1

$ED us-replace "$WORK/good.json" "$WORK/t.json" ":weights:" ":benign:"
expect_verdict 3 bundle-field-not-bound "runtime log edited after the quote" "$WORK/t.json" $V --nonce $N1
lying_attest "$WORK/t.json"
expect_verdict 3 runtime-log-record-invalid "tampered runtime log (record text)" "$WORK/t.json" $V --nonce $N1
$ED us-drop-last "$WORK/good.json" "$WORK/t.json"
lying_attest "$WORK/t.json"
expect_verdict 3 runtime-log-replay-mismatch "tampered runtime log (record removed)" "$WORK/t.json" $V --nonce $N1
$ED us-replace "$WORK/good.json" "$WORK/t.json" '"string":"sysinit"' '"string":"sysinix"'
lying_attest "$WORK/t.json"
expect_verdict 3 userspace-log-record-invalid "tampered userspace log (phase word)" \
	"$WORK/t.json" $V --nonce $N1

# Fields outside the quote (issue 22): each is bound into the qualifying data.
$ED containers-rename "$WORK/good.json" "$WORK/t.json" '@local/test:latest' '@local/evil:latest'
expect_verdict 3 bundle-field-not-bound "container_measurements: a tag renamed" "$WORK/t.json" $V --nonce $N1
grep -q 'bundle field container_measurements is not bound' "$WORK/verdict.json" || fail "the field is not named"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b["ek_certificate"]=None; json.dump(b,open(sys.argv[2],"w"))' \
	"$WORK/good.json" "$WORK/t.json"
expect_verdict 3 bundle-field-not-bound "ek_certificate removed" "$WORK/t.json" $V --nonce $N1
# Field changed and the "binding" digests recomputed to match: then the quote is not over them.
python3 -c 'import json,sys; sys.path.insert(0,sys.argv[3]); import binding; b=json.load(open(sys.argv[1]))
b["binding"]=binding.digests(b); json.dump(b,open(sys.argv[2],"w"))' "$WORK/t.json" "$WORK/t2.json" "$SRC"
expect_verdict 3 quote-nonce-mismatch "ek_certificate removed, binding recomputed" "$WORK/t2.json" $V --nonce $N1
# A bundle as bootproof attest wrote it before the binding (format /1): refused, never trusted.
$ED make-unbound "$WORK/good.json" "$WORK/t.json"
expect_verdict 3 bundle-format-unbound "bundle from before the binding (bootproof-bundle/1)" \
	"$WORK/t.json" $V --nonce $N1
$ED signature-zero "$WORK/good.json" "$WORK/t.json"
expect_verdict 3 signature-invalid "signature zeroed" "$WORK/t.json" $V --nonce $N1

$BP attest $ATT --nonce $N1 --pcrs 0-3,5-15 -o "$WORK/t.json" --ak-handle 0 2>/dev/null && fail "--ak-handle 0 accepted"
$BP attest $ATT --nonce $N1 --pcrs 0-3,5-15 -o "$WORK/t.json"
tpm2_flush "$TA"
expect_verdict 3 golden-pcr-not-quoted "selection omitting golden PCR 4" "$WORK/t.json" $V --nonce $N1

$BP attest $ATT --nonce $N2 -o "$WORK/old.json"
tpm2_flush "$TA"
$ED set-nonce "$WORK/old.json" "$WORK/t.json" $N1
expect_verdict 3 quote-nonce-mismatch "old quote replayed" "$WORK/t.json" $V --nonce $N1

# Bank swap: a quote of the sha1 bank only (tpm2_quote, the tpm2-tools AK), presented with the
# sha256/sha384 values the verifier checks.
tpm2_quote -T "$TA" -c "$WORK/tak.ctx" -l sha1:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 -q "$QD" \
	-m "$WORK/sq.msg" -s "$WORK/sq.sig" -g sha256 >/dev/null
tpm2_flush "$TA"
$ED assemble "$WORK/tq-fields.json" "$WORK/sq.json" "$WORK/sq.msg" "$WORK/sq.sig" "$TA" "$SEL"
expect_verdict 3 pcr-value-not-quoted "bank swapped (sha1-only quote, sha256 values)" "$WORK/sq.json" \
	--golden "$WORK/golden.json" --ak-pub "$WORK/tak.pem" --nonce $N1

$ED signature-from "$WORK/good.json" "$WORK/t.json" "$WORK/old.json"
expect_verdict 3 signature-invalid "signature over other data" "$WORK/t.json" $V --nonce $N1

$ED attest-truncate "$WORK/good.json" "$WORK/t.json"
expect_verdict 3 attest-malformed "truncated TPMS_ATTEST" "$WORK/t.json" $V --nonce $N1
$ED attest-append "$WORK/good.json" "$WORK/t.json" 00
expect_verdict 3 attest-malformed "oversized TPMS_ATTEST (trailing byte)" "$WORK/t.json" $V --nonce $N1
$ED attest-size "$WORK/good.json" "$WORK/t.json" ffff
expect_verdict 3 attest-malformed "TPM2B size over its cap" "$WORK/t.json" $V --nonce $N1
$ED signature-truncate "$WORK/good.json" "$WORK/t.json"
expect_verdict 3 signature-malformed "truncated TPMT_SIGNATURE" "$WORK/t.json" $V --nonce $N1
head -c 500 "$WORK/good.json" >"$WORK/t.json"
expect_verdict 3 bundle-malformed "truncated bundle.json" "$WORK/t.json" $V --nonce $N1

# --ca alone proves the EK certificate, not the AK: fail closed.
expect_verdict 3 ak-not-bound-to-ek "--ca without --ak-pub" "$WORK/good.json" \
	--golden "$WORK/golden.json" $CAARGS --nonce $N1
# An EK certificate checked against an unrelated CA (made here with openssl).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/other-ca.key" \
	-out "$WORK/other-ca.pem" -subj /CN=other-ca -days 1 2>/dev/null
expect_verdict 3 ek-certificate-untrusted "EK certificate under another CA" "$WORK/good.json" $V \
	--ca "$WORK/other-ca.pem" --nonce $N1

# Credential activation: the verifier encrypts a secret to the certified EK for the bundle's AK
# (software TPM2_MakeCredential); the machine's TPM releases it (TPM2_ActivateCredential).
G="--golden $WORK/golden.json"
expect_verdict 3 ak-not-bound-to-ek "round 1: --ca --make-credential" "$WORK/good.json" $G $CAARGS \
	--nonce $N1 --make-credential "$WORK/ch.json"
[ -s "$WORK/ch.json" ] && [ "$(stat -c %a "$WORK/ch.json.secret")" = 600 ] || fail "challenge files"
$BP attest $ATT --nonce $N2 --activate "$WORK/ch.json" -o "$WORK/act.json"
tpm2_flush "$TA"
$BP verify "$WORK/act.json" $G $CAARGS --nonce $N2 --credential-secret "$WORK/ch.json.secret" --json >"$WORK/v.json" ||
	{ cat "$WORK/v.json"; fail "activated bundle does not verify with --ca"; }
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["ok"] and v["ak"]["trust"]=="credential-activation", v' "$WORK/v.json"
echo "credential activation: the AK is proven resident beside the certified EK"
# The same challenge cannot be answered by another TPM (its EK cannot decrypt the seed).
if $BP attest --tcti "$TB" --nonce $N2 --activate "$WORK/ch.json" -o "$WORK/act-b.json" 2>/dev/null; then
	fail "TPM B activated TPM A's credential"
fi
tpm2_flush "$TB"
# A bundle without the secret (or with another one) fails closed.
expect_verdict 3 credential-invalid "credential not activated" "$WORK/good.json" $G $CAARGS --nonce $N1 \
	--credential-secret "$WORK/ch.json.secret"
expect_verdict 3 credential-ak-mismatch "credential for another AK (the ECC AK's bundle)" \
	"$WORK/ecc.json" $G $CAARGS --nonce $N1 --credential-secret "$WORK/ch.json.secret"

. "$SRC/seal-bundle-cases.sh"

echo "all swtpm attestation checks passed"
