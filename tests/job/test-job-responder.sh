#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The image's job channel without a VM: image/mkosi.extra/usr/lib/bootproof/job-responder (the
# guest side) on a FIFO, driven by tests/boot/job-host.sh (the host side the boot test uses), on a
# real dockerd and swtpm: a job handed in as a tar runs, the output comes back, RETAG re-points the
# measured tag and the same job is refused; a quote after both is judged by job-host.sh check.
. "$BOOTPROOF_SOURCE_DIR/tests/job/lib.sh"
start_job_dockerd
make_image bootproof-demo:latest "the demo image"
dk save bootproof-demo:latest -o "$WORK/demo.tar"
"$BP" containers "$WORK/demo.tar" -o "$WORK/cm.json"
new_tpm a

mkdir -p "$WORK/bin" "$WORK/jobs"
ln -s "$BP" "$WORK/bin/bootproof"
ln -s "$DOCKER_CLI" "$WORK/bin/docker"
mkfifo "$WORK/port.in"
: >"$WORK/port.out"
sleep 100000 >"$WORK/port.in" &	# a writer that stays, as QEMU holds the port open
BG_PIDS="$BG_PIDS $!"
env PATH="$WORK/bin:/usr/sbin:/usr/bin:/sbin:/bin" DOCKER_HOST="unix://$SOCK" \
	BOOTPROOF_JOBS_DIR="$WORK/jobs" \
	BOOTPROOF_JOB_ARGS="--containers $WORK/cm.json --host unix://$SOCK --tcti $TCTI --log $LOG --lock $WORK/job.lock" \
	"$BOOTPROOF_SOURCE_DIR/image/mkosi.extra/usr/lib/bootproof/job-responder" "$WORK/port.in" "$WORK/port.out" &
BG_PIDS="$BG_PIDS $!"
JOBS_DIR=$WORK/jobs JOB_TIMEOUT=120 BOOTPROOF=$BP "$BOOTPROOF_SOURCE_DIR/tests/boot/job-host.sh" run "$WORK/host" "$WORK/port.in" "$WORK/port.out" ||
	{ grep -v '^[A-Za-z0-9+/=]*$' "$WORK/port.out" >&2; cat "$WORK/host"/job-*.log >&2 2>/dev/null; fail "job-host.sh run"; }
quote "$WORK/bundle.json" 0b
BOOTPROOF=$BP "$BOOTPROOF_SOURCE_DIR/tests/boot/job-host.sh" check "$WORK/host" "$WORK/bundle.json" 0b "$GOLDEN" "$AK" "$WORK/cm.json"
cat "$WORK/host/job-verify.txt"
# the boot test also compares the event logs with golden.json: job records on PCR 14/15 are
# runtime records, not golden ones
"$BP" eventlog compare "$FW" "$GOLDEN" --userspace-log "$LOG" >"$WORK/compare.txt" 2>&1 ||
	{ cat "$WORK/compare.txt" >&2; fail "eventlog compare with job records in the log"; }
echo "eventlog compare: match, with the job records in the log"
