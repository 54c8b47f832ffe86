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

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-job.XXXXXX")
DOCKERD_PIDFILE=""
BG_PIDS=""	# background processes a test started, stopped first on exit
. "$BOOTPROOF_SOURCE_DIR/tests/lib/swtpm.sh"
cleanup() {
	rc=$?
	for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	stop_swtpms
	if [ -n "$DOCKERD_PIDFILE" ] && [ -f "$DOCKERD_PIDFILE" ]; then
		pid=$(cat "$DOCKERD_PIDFILE")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	fi
	for m in $(awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	if [ "$rc" != 0 ] && [ "${KEEP_WORK:-0}" = 1 ]; then
		echo "work directory kept: $WORK" >&2
	else
		rm -rf "$WORK" 2>/dev/null || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# start_dockerd: a private dockerd ($SOCK), its own data/exec roots and containerd namespace.
start_dockerd() {
	D=$WORK/dockerd
	mkdir -p "$D"
	SOCK=$D/docker.sock
	ns="bpjob-$$"
	env PATH=/usr/sbin:/usr/bin:/sbin:/bin setsid dockerd \
		--data-root "$D/data" --exec-root "$D/exec" -H "unix://$SOCK" --pidfile "$D/dockerd.pid" \
		--iptables=false --ip6tables=false --ip-masq=false --bridge=none \
		--containerd-namespace "$ns" --containerd-plugins-namespace "$ns-p" \
		>"$D/dockerd.log" 2>&1 &
	DOCKERD_PIDFILE=$D/dockerd.pid
	for _ in $(seq 1 600); do
		[ -S "$SOCK" ] && dk version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$D/dockerd.log" >&2
	fail "dockerd did not start"
}
dk() { "$DOCKER_CLI" -H "unix://$SOCK" "$@"; }

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
