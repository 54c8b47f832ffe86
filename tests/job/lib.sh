# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the job tests (sourced): a real swtpm (tests/lib/swtpm.sh) with a fixture boot
# (tests/attest/mkfixture.py), a real dockerd on a private socket and data root (as
# tests/containers/lib.sh starts it), and a demo image made locally from busybox (no registry).
# Everything is stopped by pid on exit.
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
BP=$BOOTPROOF
ATTEST=$BOOTPROOF_SOURCE_DIR/tests/attest
DOCKER_CLI=/usr/bin/docker
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] || skip "needs root (dockerd)"
for t in swtpm swtpm_setup tpm2_pcrextend tpm2_pcrread dockerd "$DOCKER_CLI" python3 busybox; do
	command -v "$t" >/dev/null || skip "$t is not installed (tests/deps/attest.list, containers.list)"
done

# WORK, the cleanup trap (dockerd stopped by pid, overlay mounts, KEEP_WORK), start_dockerd and dk
. "$BOOTPROOF_SOURCE_DIR/tests/containers/lib.sh"
BG_PIDS=""	# background processes a test started, stopped first on exit
. "$BOOTPROOF_SOURCE_DIR/tests/lib/swtpm.sh"
# called first by tests/containers/lib.sh's cleanup
cleanup_before() {
	for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	stop_swtpms
}
# start_job_dockerd: the private dockerd of the job tests; $SOCK is its socket.
start_job_dockerd() {
	start_dockerd job
	SOCK=$DOCKER_HOST_SOCK
}

# make_image REF TEXT: a busybox image whose /etc/motd is TEXT (so two images differ).
make_image() {
	r=$WORK/rootfs-$(echo "$1" | tr ':/' '__')
	mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/job"
	cp "$(command -v busybox)" "$r/bin/busybox"
	ln -sf busybox "$r/bin/sh"
	echo "$2" >"$r/etc/motd"
	find "$r" -exec touch -h -d @0 {} +
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$r" -cf "$r.tar" .
	dk import "$r.tar" "$1" >/dev/null
}

# image_id REF: what the engine says (docker inspect), the independent source of truth.
image_id() { dk image inspect --format '{{.Id}}' "$1"; }

# new_tpm NAME: a fresh swtpm with the fixture boot in it; sets TCTI, LOG (a copy of the
# fixture's userspace log), GOLDEN, and enrols the AK ($WORK/NAME/ak.pem) with a first quote.
new_tpm() {
	start_swtpm "$1"
	eval "TCTI=\$${1}_TCTI"
	banks=$(tpm2_getcap -T "$TCTI" pcrs | sed -n 's/^ *- \([a-z0-9]*\): \[ *[0-9].*/\1/p' | tr '\n' ' ')
	mkdir -p "$WORK/$1/fixture"
	python3 "$ATTEST/mkfixture.py" "$TCTI" "$WORK/$1/fixture" $banks >/dev/null
	LOG=$WORK/$1/run.log
	cp "$WORK/$1/fixture/userspace.log" "$LOG"
	GOLDEN=$WORK/$1/fixture/golden.json
	FW=$WORK/$1/fixture/firmware.bin
	BANKS=$banks
	AK=$WORK/$1/ak.pem
	"$BP" attest --tcti "$TCTI" --eventlog "$FW" --userspace-log "$LOG" --nonce 00 \
		-o "$WORK/$1/enrol.json" --ak-pub-out "$AK" >/dev/null
	tpm2_flush "$TCTI"
}

# quote OUT NONCE: a bundle of the current TPM and log.
quote() {
	"$BP" attest --tcti "$TCTI" --eventlog "$FW" --userspace-log "$LOG" --nonce "$2" -o "$1" >/dev/null
	tpm2_flush "$TCTI"
}

# expect_verdict WANT_EXIT WANT_REASON LABEL BUNDLE NONCE [verify args]: verify --json into
# $WORK/verdict.json; checks exit code and reason.
expect_verdict() {
	want_rc=$1 want_reason=$2 label=$3 bundle=$4 nonce=$5
	shift 5
	set +e
	"$BP" verify --json "$bundle" --golden "$GOLDEN" --ak-pub "$AK" --nonce "$nonce" "$@" \
		>"$WORK/verdict.json" 2>"$WORK/verdict.err"
	rc=$?
	set -e
	reason=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("reason",""))' "$WORK/verdict.json" 2>/dev/null || true)
	detail=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("detail",""))' "$WORK/verdict.json" 2>/dev/null || true)
	echo "CASE $label: exit $rc reason $reason: $detail"
	[ "$rc" = "$want_rc" ] || { cat "$WORK/verdict.err" >&2; fail "$label: exit $rc, expected $want_rc"; }
	[ "$reason" = "$want_reason" ] || fail "$label: reason '$reason', expected '$want_reason'"
}
