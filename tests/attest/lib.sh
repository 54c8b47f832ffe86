# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the swtpm tests: each test starts its own swtpm on free TCP ports with its own state
# directory and stops it by pid in an EXIT trap. swtpm has no resource manager in front of it, so
# callers flush transient objects and sessions after each tpm2-tools command (tpm2_flush).

: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
SRC=$BOOTPROOF_SOURCE_DIR/tests/attest
for t in swtpm swtpm_setup tpm2_quote tpm2_checkquote tpm2_pcrread tpm2_pcrextend python3 openssl; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed (tests/deps/attest.list)"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-attest.XXXXXX")
SWTPM_PIDS=""
cleanup() {
	for p in $SWTPM_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $SWTPM_PIDS; do
		while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

# free_port: a TCP port with port+1 also free (server + control channel).
free_port() {
	python3 - <<'PY'
import socket, random
for _ in range(200):
    p = random.randrange(20000, 60000, 2)
    ok = True
    for q in (p, p + 1):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", q))
        except OSError:
            ok = False
        s.close()
    if ok:
        print(p); break
PY
}

# start_swtpm NAME [swtpm_setup args...]: state in $WORK/NAME, sets <NAME>_TCTI. With extra args,
# swtpm_setup prepares the state first (EK certificate, banks).
start_swtpm() {
	name=$1; shift
	dir=$WORK/$name
	mkdir -p "$dir"
	if [ $# -gt 0 ]; then
		swtpm_setup --tpm2 --tpmstate "$dir" --overwrite "$@" >"$dir/setup.log" 2>&1 ||
			{ cat "$dir/setup.log"; fail "swtpm_setup $*"; }
	fi
	port=$(free_port)
	swtpm socket --tpm2 --tpmstate dir="$dir" --server type=tcp,port="$port" \
		--ctrl type=tcp,port=$((port + 1)) --flags startup-clear \
		--pid file="$dir/pid" --log file="$dir/swtpm.log" &
	pid=$!
	SWTPM_PIDS="$SWTPM_PIDS $pid"
	for _ in $(seq 100); do
		[ -s "$dir/pid" ] && tpm2_getcap -T "swtpm:port=$port" properties-fixed >/dev/null 2>&1 && break
		sleep 0.05
	done
	eval "${name}_TCTI=swtpm:port=$port"
}

# tpm2_flush TCTI: transient objects and sessions (no resource manager).
tpm2_flush() {
	tpm2_flushcontext -T "$1" -t >/dev/null 2>&1 || true
	tpm2_flushcontext -T "$1" -s >/dev/null 2>&1 || true
}

# active_banks TCTI: "sha1 sha256 ..." with at least one PCR allocated.
active_banks() {
	tpm2_getcap -T "$1" pcrs | sed -n 's/^ *- \([a-z0-9]*\): \[ *[0-9].*/\1/p' | tr '\n' ' '
}

# expect_verdict WANT_EXIT WANT_REASON bundle args...: runs bootproof verify --json, checks the
# exit code and the verdict's reason; prints "case: exit N reason: detail" for the report.
expect_verdict() {
	want_rc=$1 want_reason=$2 label=$3; shift 3
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
