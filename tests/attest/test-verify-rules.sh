#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `bootproof verify` and `eventlog compare` apply golden format 2's PCR rules
# (docs/golden-format.md "PCR status") to a real quote from swtpm: exact and computed
# mismatches fail (exit 3), an observed mismatch passes with a warning, variable and
# per-instance PCRs are listed and not judged, PCR 5 passes on a listed alternative, and the
# verdict names the rule per PCR. Values come from the TPM (mkfixture.py reads them back).
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
BP=$BOOTPROOF
start_swtpm a --pcr-banks sha256
# shellcheck disable=SC2154 # a_TCTI: set by start_swtpm (lib.sh)
TA=$a_TCTI
python3 "$SRC/mkfixture.py" "$TA" "$WORK" sha256 >/dev/null
N=00112233445566778899aabbccddeeff
$BP attest --tcti "$TA" --eventlog "$WORK/firmware.bin" --userspace-log "$WORK/userspace.log" \
	--nonce $N -o "$WORK/b.json" --ak-pub-out "$WORK/ak.pem" >/dev/null
tpm2_flush "$TA"

# Format 1 golden: verdict as before (no rules key).
$BP verify "$WORK/b.json" --golden "$WORK/golden.json" --ak-pub "$WORK/ak.pem" --nonce $N \
	--json >"$WORK/v1.json" || fail "format 1 golden does not verify"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert "pcr_rules" not in v and "warnings" not in v, v' "$WORK/v1.json" ||
	fail "format 1 verdict changed shape"

# case WANT_EXIT PCR WANT_RULE WANT_OUTCOME [WANT_MATCHED]
check() {
	c=$1 want_rc=$2 pcr=$3 rule=$4 outcome=$5 matched=${6:-}
	python3 "$SRC/golden-rules.py" "$WORK/golden.json" "$WORK/$c.golden.json" "$c"
	rc=0
	$BP verify "$WORK/b.json" --golden "$WORK/$c.golden.json" --ak-pub "$WORK/ak.pem" \
		--nonce $N --json >"$WORK/$c.v.json" 2>"$WORK/$c.err" || rc=$?
	[ $rc = "$want_rc" ] || { cat "$WORK/$c.err" "$WORK/$c.v.json"; fail "$c: verify exit $rc, expected $want_rc"; }
	python3 - "$WORK/$c.v.json" "$c" "$want_rc" "$pcr" "$rule" "$outcome" "$matched" <<'PY' || fail "$c: verdict"
import json, sys
v = json.load(open(sys.argv[1]))
c, rc, pcr, rule, outcome, matched = sys.argv[2:8]
if rc == "3":
    assert v["reason"] == "golden-pcr-mismatch" and f"PCR {pcr} ({rule})" in v["detail"], v
    sys.exit(0)
r = v["pcr_rules"][f"sha256:{pcr}"]
assert (r["rule"], r["outcome"]) == (rule, outcome), (c, r)
if matched:
    assert r.get("matched") == matched, (c, r)
if outcome == "warn":
    assert len(v["warnings"]) == 1 and f"PCR {pcr} (observed)" in v["warnings"][0], v
else:
    assert "warnings" not in v, v
# Every other golden PCR was judged too, by its own rule.
assert all(k.startswith("sha256:") for k in v["pcr_rules"]) and len(v["pcr_rules"]) >= 10, v
print(f"CASE {c}: exit {rc}, PCR {pcr} {r['rule']} -> {r['outcome']}"
      + (f" ({r['matched']})" if r.get("matched") else ""))
PY
	[ $rc != 3 ] || echo "CASE $c: exit 3 ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["detail"][:70])' "$WORK/$c.v.json"))"
	# eventlog compare judges the same way on the same logs.
	rc2=0
	$BP eventlog compare "$WORK/firmware.bin" --userspace-log "$WORK/userspace.log" \
		"$WORK/$c.golden.json" >"$WORK/$c.cmp" 2>&1 || rc2=$?
	[ $rc2 = "$want_rc" ] || { cat "$WORK/$c.cmp"; fail "$c: eventlog compare exit $rc2, expected $want_rc"; }
	grep -q "PCR  *$pcr sha256 \[$rule: " "$WORK/$c.cmp" || { cat "$WORK/$c.cmp"; fail "$c: compare does not name rule $rule for PCR $pcr"; }
}

check all-exact 0 4 exact pass value
check exact-mismatch 3 2 exact fail
check computed-mismatch 3 4 computed fail
check observed-match 0 1 observed pass value
check observed-mismatch 0 1 observed warn
check observed-unseen 0 1 observed warn
check variable 0 0 variable "not judged"
check per-instance 0 6 per-instance "not judged"
check alternative 0 5 computed pass ebs-retry
check alternative-none 3 5 computed fail
echo "ok: every PCR status judged as documented, by verify and by eventlog compare"
