# SPDX-License-Identifier: LGPL-2.1-or-later
# The attack catalogue's bundles (as in tests/attest/test-attest-swtpm.sh), made once from real
# swtpm quotes for the tests that compare the verifier's doors (CLI, Python, HTML report).
# Sourced after tests/attest/lib.sh; writes $WORK/cases: one line per case,
#   LABEL|WANT_EXIT|WANT_REASON|BUNDLE|VERIFY ARGS (golden, nonce, AK / CA; no spaces)
# The expected exit and reason are those test-attest-swtpm.sh asserts for the same edit.
ED="python3 $SRC/bundle-edit.py"
BP=$BOOTPROOF

# TPM A: three banks, an EK certificate from a local CA (swtpm_localca); TPM B: another machine.
CA=$WORK/ca
mkdir -p "$CA"
printf 'statedir = %s\nsigningkey = %s/signkey.pem\nissuercert = %s/issuercert.pem\ncertserial = %s/certserial\n' \
	"$CA" "$CA" "$CA" "$CA" >"$WORK/localca.conf"
printf -- '--platform-manufacturer bootproof\n--platform-version 1\n--platform-model test\n' >"$WORK/localca.options"
printf 'create_certs_tool = %s\ncreate_certs_tool_config = %s\ncreate_certs_tool_options = %s\n' \
	"$(command -v swtpm_localca)" "$WORK/localca.conf" "$WORK/localca.options" >"$WORK/setup.conf"
start_swtpm a --config "$WORK/setup.conf" --create-ek-cert --pcr-banks sha1,sha256,sha384
start_swtpm b
TA=$a_TCTI TB=$b_TCTI
python3 "$SRC/mkfixture.py" "$TA" "$WORK" $(active_banks "$TA") >/dev/null
cp "$WORK/userspace.log" "$WORK/run.log"
mkdir -p "$WORK/code/src" "$WORK/out"
echo 'print("train")' >"$WORK/code/src/train.py"
printf 'weights' >"$WORK/out/model.bin"
$BP extend --tcti "$TA" --log "$WORK/run.log" --pcr 14 --label code "$WORK/code"
$BP extend --tcti "$TA" --log "$WORK/run.log" --pcr 15 --label weights "$WORK/out/model.bin"
echo '{"@local/test:latest": "sha256:00"}' >"$WORK/cm.json"

N1=00112233445566778899aabbccddeeff
N2=ffeeddccbbaa99887766554433221100
ATT="--tcti $TA --eventlog $WORK/firmware.bin --userspace-log $WORK/run.log --containers $WORK/cm.json"
$BP attest $ATT --nonce $N1 -o "$WORK/good.json" --ak-pub-out "$WORK/ak.pem"
tpm2_flush "$TA"
V="--golden=$WORK/golden.json --ak-pub=$WORK/ak.pem --nonce=$N1"
CAARGS="--ca=$CA/swtpm-localca-rootca-cert.pem --ca=$CA/issuercert.pem"
C=$WORK/cat
mkdir -p "$C"
: >"$WORK/cases"
case_add() { echo "$1|$2|$3|$4|$5" >>"$WORK/cases"; }

cp "$WORK/good.json" "$C/good.json"
case_add "genuine bundle" 0 ok "$C/good.json" "$V"
case_add "genuine bundle, EK certificate checked" 0 ok "$C/good.json" "$V $CAARGS"
case_add "wrong nonce" 3 bundle-nonce-mismatch "$C/good.json" "--golden=$WORK/golden.json --ak-pub=$WORK/ak.pem --nonce=$N2"
$BP attest --tcti "$TB" --nonce $N1 -o "$C/other-tpm.json" --eventlog "$WORK/firmware.bin" \
	--userspace-log "$WORK/run.log"
tpm2_flush "$TB"
case_add "another TPM's AK" 3 ak-untrusted "$C/other-tpm.json" "$V"
$ED flip-pcr "$WORK/good.json" "$C/flip-pcr.json" sha256 4
case_add "tampered PCR value" 3 pcr-digest-mismatch "$C/flip-pcr.json" "$V"
# Tampered logs, two ways (as test-attest-swtpm.sh): edited after the quote (the binding catches
# it), and a lying machine that hands the edited log to attest (the replay catches it).
lying_attest() { # IN OUT: attest with the logs of IN
	python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["eventlog"]
open(sys.argv[2],"wb").write(bytes.fromhex(b["firmware"])); open(sys.argv[3],"wb").write(bytes.fromhex(b["userspace"]))' \
		"$1" "$WORK/lie-fw.bin" "$WORK/lie-us.log"
	$BP attest --tcti "$TA" --eventlog "$WORK/lie-fw.bin" --userspace-log "$WORK/lie-us.log" \
		--containers "$WORK/cm.json" --nonce $N1 -o "$2"
	tpm2_flush "$TA"
}
$ED fw-flip "$WORK/good.json" "$C/fw-flip.json" 3d6772b4f84ed47595d72a2c4c5ffd15f5bb72c7507fe26f2aaee2c69d5633ba
case_add "firmware log edited after the quote" 3 bundle-field-not-bound "$C/fw-flip.json" "$V"
lying_attest "$C/fw-flip.json" "$C/fw-lie.json"
case_add "tampered firmware log" 3 firmware-log-replay-mismatch "$C/fw-lie.json" "$V"
$ED us-replace "$WORK/good.json" "$C/rt-text.json" ":weights:" ":benign:"
case_add "runtime log edited after the quote" 3 bundle-field-not-bound "$C/rt-text.json" "$V"
lying_attest "$C/rt-text.json" "$C/rt-text-lie.json"
case_add "tampered runtime log (record text)" 3 runtime-log-record-invalid "$C/rt-text-lie.json" "$V"
$ED us-drop-last "$WORK/good.json" "$C/rt-drop.json"
lying_attest "$C/rt-drop.json" "$C/rt-drop-lie.json"
case_add "tampered runtime log (record removed)" 3 runtime-log-replay-mismatch "$C/rt-drop-lie.json" "$V"
$ED us-replace "$WORK/good.json" "$C/phase.json" '"string":"sysinit"' '"string":"sysinix"'
lying_attest "$C/phase.json" "$C/phase-lie.json"
case_add "tampered userspace log (phase word)" 3 userspace-log-record-invalid "$C/phase-lie.json" "$V"
$ED containers-rename "$WORK/good.json" "$C/cm-rename.json" '@local/test:latest' '@local/evil:latest'
case_add "container_measurements: a tag renamed" 3 bundle-field-not-bound "$C/cm-rename.json" "$V"
$BP attest $ATT --nonce $N1 --pcrs 0-3,5-15 -o "$C/no-pcr4.json"
tpm2_flush "$TA"
case_add "selection omitting golden PCR 4" 3 golden-pcr-not-quoted "$C/no-pcr4.json" "$V"
$BP attest $ATT --nonce $N2 -o "$WORK/old.json"
tpm2_flush "$TA"
$ED set-nonce "$WORK/old.json" "$C/old-quote.json" $N1
case_add "old quote replayed" 3 quote-nonce-mismatch "$C/old-quote.json" "$V"
$ED signature-from "$WORK/good.json" "$C/sig-other.json" "$WORK/old.json"
case_add "signature over other data" 3 signature-invalid "$C/sig-other.json" "$V"
$ED attest-truncate "$WORK/good.json" "$C/attest-trunc.json"
case_add "truncated TPMS_ATTEST" 3 attest-malformed "$C/attest-trunc.json" "$V"
$ED attest-append "$WORK/good.json" "$C/attest-long.json" 00
case_add "oversized TPMS_ATTEST" 3 attest-malformed "$C/attest-long.json" "$V"
$ED attest-size "$WORK/good.json" "$C/attest-size.json" ffff
case_add "TPM2B size over its cap" 3 attest-malformed "$C/attest-size.json" "$V"
$ED signature-truncate "$WORK/good.json" "$C/sig-trunc.json"
case_add "truncated TPMT_SIGNATURE" 3 signature-malformed "$C/sig-trunc.json" "$V"
head -c 500 "$WORK/good.json" >"$C/truncated.json"
case_add "truncated bundle.json" 3 bundle-malformed "$C/truncated.json" "$V"
case_add "--ca without --ak-pub" 3 ak-not-bound-to-ek "$C/good.json" "--golden=$WORK/golden.json --nonce=$N1 $CAARGS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/other-ca.key" \
	-out "$WORK/other-ca.pem" -subj /CN=other-ca -days 1 2>/dev/null
case_add "EK certificate under another CA" 3 ek-certificate-untrusted "$C/good.json" "$V --ca=$WORK/other-ca.pem"
# One quote per bank ("quotes"): tpm2_quote per bank with the tpm2-tools AK, -q = binding.py's
# qualifying data of a per-bank bundle (as test-attest-swtpm.sh's cross-check 3).
BANKS=$(active_banks "$TA")
tpm2_createek -T "$TA" -c "$WORK/ek.ctx" -G rsa -u "$WORK/ek.pub" >/dev/null
tpm2_flush "$TA"
tpm2_createak -T "$TA" -C "$WORK/ek.ctx" -c "$WORK/tak.ctx" -G rsa -g sha256 -s rsassa \
	-u "$WORK/tak.pub" -n "$WORK/tak.name" >/dev/null
tpm2_flush "$TA"
tpm2_readpublic -T "$TA" -c "$WORK/tak.ctx" -f pem -o "$WORK/tak.pem" >/dev/null
tpm2_flush "$TA"
PQD=$($ED fields "$WORK/pb-fields.json" $N1 "$WORK/tak.pub" "$WORK/firmware.bin" "$WORK/run.log" $BANKS)
PB=
SEL=
for bank in $BANKS; do
	tpm2_quote -T "$TA" -c "$WORK/tak.ctx" -l "$bank:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15" -q "$PQD" \
		-m "$WORK/pb-$bank.msg" -s "$WORK/pb-$bank.sig" -g sha256 >/dev/null
	tpm2_flush "$TA"
	PB="$PB $WORK/pb-$bank.msg $WORK/pb-$bank.sig"
	SEL="$SEL${SEL:++}$bank:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"
done
tpm2_quote -T "$TA" -c "$WORK/tak.ctx" -l "$SEL" -q "$PQD" -m "$WORK/pb-all.msg" -s "$WORK/pb-all.sig" \
	-g sha256 >/dev/null
tpm2_flush "$TA"
$ED assemble "$WORK/pb-fields.json" "$WORK/pb-one.json" "$WORK/pb-all.msg" "$WORK/pb-all.sig" "$TA" "$SEL"
$ED per-bank "$WORK/pb-one.json" "$C/per-bank.json" $PB
$ED per-bank "$WORK/pb-one.json" "$C/per-bank-spans.json" "$WORK/pb-all.msg" "$WORK/pb-all.sig"
python3 - "$C" "$SRC" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2]); import binding
c = sys.argv[1]; b = json.load(open(c + "/per-bank.json"))
def out(name, d): json.dump(d, open("%s/%s.json" % (c, name), "w"))
out("per-bank-unquoted", dict(b, quotes=b["quotes"][:2]))
out("per-bank-twice", dict(b, quotes=[b["quotes"][1], b["quotes"][1], b["quotes"][2]]))
out("per-bank-drop", dict(b, quotes=b["quotes"][:2], pcrs={k: v for k, v in b["pcrs"].items() if k != "sha384"}))
s = json.load(open(c + "/per-bank-spans.json")); s["binding"] = binding.digests(s); out("per-bank-spans", s)
g = json.load(open(c + "/../golden.json")); del g["banks"]["sha384"]
json.dump(g, open(c + "/../golden-no384.json", "w"))
PY
TV="--golden=$WORK/golden.json --ak-pub=$WORK/tak.pem --nonce=$N1"
case_add "per-bank quotes (tpm2_quote each bank)" 0 ok "$C/per-bank.json" "$TV"
case_add "per-bank: a bank with values but no quote" 3 bundle-bank-not-quoted "$C/per-bank-unquoted.json" "$TV"
case_add "per-bank: a bank quoted twice" 3 bundle-bank-quoted-twice "$C/per-bank-twice.json" "$TV"
case_add "per-bank: a quote over three banks" 3 bundle-quote-spans-banks "$C/per-bank-spans.json" "$TV"
case_add "per-bank: a bank's quote and values dropped" 3 bundle-field-not-bound "$C/per-bank-drop.json" "--golden=$WORK/golden-no384.json --ak-pub=$WORK/tak.pem --nonce=$N1"
stop_swtpms
