# SPDX-License-Identifier: LGPL-2.1-or-later
# swtpm for the script tests (sourced): each test starts its own swtpm on free TCP ports with its
# own state directory, and stops it by pid when it ends (stop_swtpms, from its EXIT trap). swtpm
# has no resource manager in front of it, so callers flush transient objects and sessions after
# each tpm2-tools command (tpm2_flush).
# The caller provides fail() and WORK, the directory the state directories go below.

SWTPM_PIDS=""

# stop_swtpms: every swtpm start_swtpm started, and waits until each has exited.
stop_swtpms() {
	for swtpm_p in $SWTPM_PIDS; do
		kill "$swtpm_p" 2>/dev/null || true
	done
	for swtpm_p in $SWTPM_PIDS; do
		while kill -0 "$swtpm_p" 2>/dev/null; do sleep 0.05; done
	done
	SWTPM_PIDS=""
}

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
	swtpm_name=$1; shift
	swtpm_dir=${WORK:?}/$swtpm_name
	mkdir -p "$swtpm_dir"
	if [ $# -gt 0 ]; then
		swtpm_setup --tpm2 --tpmstate "$swtpm_dir" --overwrite "$@" >"$swtpm_dir/setup.log" 2>&1 ||
			{ cat "$swtpm_dir/setup.log"; fail "swtpm_setup $*"; }
	fi
	swtpm_port=$(free_port)
	swtpm socket --tpm2 --tpmstate dir="$swtpm_dir" --server type=tcp,port="$swtpm_port" \
		--ctrl type=tcp,port=$((swtpm_port + 1)) --flags startup-clear \
		--pid file="$swtpm_dir/pid" --log file="$swtpm_dir/swtpm.log" &
	SWTPM_PIDS="$SWTPM_PIDS $!"
	for _ in $(seq 100); do
		[ -s "$swtpm_dir/pid" ] &&
			tpm2_getcap -T "swtpm:port=$swtpm_port" properties-fixed >/dev/null 2>&1 && break
		sleep 0.05
	done
	eval "${swtpm_name}_TCTI=swtpm:port=$swtpm_port"
}

# tpm2_flush TCTI: transient objects and sessions, loaded and saved (no resource manager; a
# session left loaded, e.g. by systemd-cryptenroll, soon gives "out of memory for session
# contexts").
tpm2_flush() {
	tpm2_flushcontext -T "$1" -t >/dev/null 2>&1 || true
	tpm2_flushcontext -T "$1" -l >/dev/null 2>&1 || true
	tpm2_flushcontext -T "$1" -s >/dev/null 2>&1 || true
}
