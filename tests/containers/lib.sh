# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the container tests (sourced). Starts real daemons on private sockets and state
# directories under $WORK and stops them by pid on exit (trap), even on failure.
# Real tools: docker.io (dockerd 20.10 from Debian 12), podman, buildah, skopeo, umoci.
set -eu

: "${BOOTPROOF:?}"
: "${BOOTPROOF_SOURCE_DIR:?}"
BUILD_DIR=${BOOTPROOF_BUILD_DIR:-$BOOTPROOF_SOURCE_DIR/build}
DOCKER_CLI=/usr/bin/docker   # /usr/local/bin/docker may be a client of another version

# shellcheck disable=SC2034 # read by need() of tests/lib/common.sh
DEPS_LIST=tests/deps/containers.list
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"
note() { echo "-- $*" >&2; }

[ "$(id -u)" = 0 ] || skip "needs root (dockerd, podman with overlay storage)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-containers.XXXXXX")
DOCKERD_PIDS=""
cleanup() {
	rc=$?
	# a sourcing script's own cleanup first (tests/job/lib.sh: swtpm, background jobs)
	if command -v cleanup_before >/dev/null 2>&1; then cleanup_before; fi
	for pidfile in $DOCKERD_PIDS; do
		if [ -f "$pidfile" ]; then
			pid=$(cat "$pidfile")
			kill "$pid" 2>/dev/null || true
			for _ in $(seq 1 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
	# podman/buildah keep overlay mounts in their private roots
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
trap cleanup EXIT INT TERM

# start_dockerd NAME [extra dockerd args]: sets $DOCKER_HOST_SOCK and $D (state dir).
# The daemon runs with its own data root, exec root, socket and pidfile, no bridge/iptables.
# It is $DOCKERD (default: Debian's dockerd) with PATH $DOCKERD_PATH (default: the system
# directories, so that it finds Debian's containerd and runc).
start_dockerd() {
	name=$1
	shift
	D=$WORK/dockerd-$name
	mkdir -p "$D"
	DOCKER_HOST_SOCK=$D/docker.sock
	ns="bptest-$$-$name"
	env PATH="${DOCKERD_PATH:-/usr/sbin:/usr/bin:/sbin:/bin}" setsid "${DOCKERD:-dockerd}" \
		--data-root "$D/data" --exec-root "$D/exec" -H "unix://$DOCKER_HOST_SOCK" \
		--pidfile "$D/dockerd.pid" \
		--iptables=false --ip6tables=false --ip-masq=false --bridge=none \
		--containerd-namespace "$ns" --containerd-plugins-namespace "$ns-p" \
		"$@" >"$D/dockerd.log" 2>&1 &
	DOCKERD_PIDS="$DOCKERD_PIDS $D/dockerd.pid"
	for _ in $(seq 1 600); do
		if [ -S "$DOCKER_HOST_SOCK" ] && dk version >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	cat "$D/dockerd.log" >&2
	fail "${DOCKERD:-dockerd} did not start"
}

dk() { "$DOCKER_CLI" -H "unix://$DOCKER_HOST_SOCK" "$@"; }

# make_rootfs DIR: a tiny deterministic root filesystem (busybox-static and a few files).
make_rootfs() {
	r=$1
	mkdir -p "$r/bin" "$r/etc"
	cp /bin/busybox "$r/bin/busybox"
	ln -sf busybox "$r/bin/sh"
	echo "bootproof test" >"$r/etc/motd"
	echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
	find "$r" -exec touch -h -d @0 {} +
}

# tar_rootfs DIR OUT: reproducible tar of DIR.
tar_rootfs() {
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .
}

# measure ARCHIVE... -> JSON on stdout; fails the test on a non-zero exit.
measure() {
	"$BOOTPROOF" containers "$@" || fail "bootproof containers $* exited $?"
}

# ids_of JSON: "id tag" lines (tag "-" when untagged), sorted.
ids_of() {
	jq -r '.images[] | .id as $id | (if (.tags|length) == 0 then ["-"] else .tags end)[] | "\($id) \(.)"' "$1" | sort
}

# expect_reject RC PATTERN ARCHIVE...: bootproof containers must exit RC with PATTERN on
# stderr, and leave the output file untouched.
expect_reject() {
	want=$1
	pattern=$2
	shift 2
	out=$WORK/reject-out.json
	echo "previous content" >"$out"
	before=$(sha256sum "$out")
	set +e
	"$BOOTPROOF" containers -o "$out" "$@" 2>"$WORK/reject.err"
	rc=$?
	set -e
	if [ "$rc" != "$want" ]; then
		cat "$WORK/reject.err" >&2
		fail "'$*': exit $rc, expected $want"
	fi
	grep -Eq -- "$pattern" "$WORK/reject.err" ||
		{ cat "$WORK/reject.err" >&2; fail "'$*': message does not match '$pattern'"; }
	[ "$(sha256sum "$out")" = "$before" ] || fail "'$*': output file changed"
	if ls -a "$WORK" | grep -q '^\.reject-out\.json\.'; then
		fail "'$*': temporary output file left behind"
	fi
	note "rejected as expected: $(head -c 300 "$WORK/reject.err")"
}
