# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the attestation tests: tool check, $WORK, fail, and verdict checks; the swtpm
# handling (start_swtpm, tpm2_flush) is tests/lib/swtpm.sh.

: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
SRC=$BOOTPROOF_SOURCE_DIR/tests/attest
for t in swtpm swtpm_setup tpm2_quote tpm2_checkquote tpm2_pcrread tpm2_pcrextend python3 openssl; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed (tests/deps/attest.list)"; exit 77; }
done

# BOOTPROOF_ATTEST_KEEP=DIR (an empty directory): work there and keep it, with every verdict
# case under DIR/catalogue (bench/compare-outputs.sh replays them with two binaries).
if [ -n "${BOOTPROOF_ATTEST_KEEP:-}" ]; then
	WORK=$BOOTPROOF_ATTEST_KEEP
	mkdir -p "$WORK/catalogue"
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-attest.XXXXXX")
fi
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"
. "$BOOTPROOF_SOURCE_DIR/tests/lib/swtpm.sh"
cleanup() {
	stop_swtpms
	[ -n "${BOOTPROOF_ATTEST_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# active_banks TCTI: "sha1 sha256 ..." with at least one PCR allocated.
active_banks() {
	tpm2_getcap -T "$1" pcrs | sed -n 's/^ *- \([a-z0-9]*\): \[ *[0-9].*/\1/p' | tr '\n' ' '
}

# expect_verdict WANT_EXIT WANT_REASON bundle args...: runs bootproof verify --json, checks the
# exit code and the verdict's reason; prints "case: exit N reason: detail" for the report.
expect_verdict() {
	want_rc=$1 want_reason=$2 label=$3; shift 3
	[ -z "${BOOTPROOF_ATTEST_KEEP:-}" ] || keep_case "$@"
	set +e
	"$BOOTPROOF" verify --json "$@" >"$WORK/verdict.json" 2>"$WORK/verdict.err"
	rc=$?
	set -e
	reason=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("reason",""))' "$WORK/verdict.json" 2>/dev/null || true)
	detail=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("detail",""))' "$WORK/verdict.json" 2>/dev/null || true)
	echo "CASE $label: exit $rc reason $reason: $detail"
	[ "$rc" = "$want_rc" ] || { cat "$WORK/verdict.err" >&2; fail "$label: exit $rc, expected $want_rc"; }
	[ "$reason" = "$want_reason" ] || fail "$label: reason '$reason', expected '$want_reason'"
}

# keep_case bundle args...: the bundle as catalogue/N.json and one line "N args" in
# catalogue/cases, paths relative to $WORK (the bundle file is reused by the next case).
keep_case() {
	n=$(($(wc -l <"$WORK/catalogue/cases" 2>/dev/null || echo 0) + 1))
	cp "$1" "$WORK/catalogue/$n.json"
	shift
	echo "$n $*" | sed "s|$WORK/|./|g" >>"$WORK/catalogue/cases"
}
