#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Boot a disk image under QEMU (TCG) + OVMF + swtpm with a pinned device set, ask the machine for an
# attestation with a fresh nonce over the virtio-serial port org.bootproof.attest, and save what it
# answers into OUTDIR:
#   nonce, ak.pem (the enrolled attestation key), bundle.json, binary_bios_measurements, tpm2-measure.log, pcrs.txt, info.txt, attest.log,
#   console.log (ttyS0), timing (seconds from QEMU start to READY / DONE), qemu.cmd, tpm/ (swtpm state)
# The disk is opened with snapshot=on: the guest cannot change the file that was booted.
# Pinned platform (PCR 0-3, 6 of image/platform/ovmf-q35.eventlog depend on it): q35, TCG, -cpu max,
# 2 GiB, 2 vCPUs, -nodefaults, OVMF_CODE_4M.fd + a fresh copy of OVMF_VARS_4M.fd, TPM 2.0 CRB on
# swtpm with fresh state, virtio-blk disk, virtio-serial port, one 16550 (console). KVM cannot run
# OVMF on this machine kind (kvm-pvm), hence accel=tcg.
# Secure Boot (tests/boot/secure-boot-test.sh): BOOT_SECURE_BOOT=1 adds what OVMF's Secure Boot build
# needs (q35 smm=on, secure pflash); OVMF_CODE/OVMF_VARS pick the firmware and the variable store.
# BOOT_UNTIL=attest (default): wait for the attestation; exit: wait until QEMU exits by itself (a
# reset ends QEMU: -no-reboot), e.g. systemd-boot's key enrollment; console:REGEX: stop once REGEX
# (grep -E) is on the serial console, e.g. a refusal by the firmware. vars.fd is left in OUTDIR.
# Usage: boot.sh DISK OUTDIR [TIMEOUT_S]
# For a sequence of boots of one machine (tests/boot/seal-test.sh): BOOT_DISK_WRITABLE=1 boots the
# disk without snapshot=on (the guest changes the file); BOOT_TPM_STATE=DIR keeps the swtpm state in
# DIR across boots (the AK is enrolled on the first one, ak.pem kept there); BOOT_QEMU_EXTRA adds
# QEMU arguments (e.g. -smbios type=11,value=...).
# BOOT_JOB=1 (issue 21, docs/jobs.md): a second virtio-serial port, org.bootproof.job, on the same
# controller (no new PCI device: the firmware's measurements do not change); before the attestation
# is asked for, tests/boot/job-host.sh hands the machine a job, re-points its tag, hands it in again,
# and keeps what comes back in OUTDIR/job-host/ (check it with job-host.sh check).
set -eu
# A guest kernel that panics early under QEMU TCG is not a verdict on the image (seen: "Oops: int3"
# in sched_clock_cpu while the kernel patches its own text on two vCPUs, an emulator race; the
# boot then hangs until the timeout). Such a boot exits 75; boot once more, and report a second.
if [ -z "${BOOT_SH_ATTEMPT:-}" ]; then
	rc=0
	BOOT_SH_ATTEMPT=1 "$0" "$@" || rc=$?
	[ "$rc" = 75 ] || exit "$rc"
	echo "boot.sh: the guest kernel panicked (emulator): booting again, once" >&2
	BOOT_SH_ATTEMPT=2 exec "$0" "$@"
fi
disk=$(readlink -f "${1:?usage: boot.sh DISK OUTDIR [TIMEOUT_S]}")
out=${2:?usage: boot.sh DISK OUTDIR [TIMEOUT_S]}
tmo=${3:-600}
here=$(cd "$(dirname "$0")" && pwd)
ovmf_code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
ovmf_vars=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
[ -f "$disk" ] || { echo "boot.sh: no disk image $disk" >&2; exit 1; }
for f in "$ovmf_code" "$ovmf_vars"; do [ -f "$f" ] || { echo "boot.sh: $f missing (apt-get install ovmf)" >&2; exit 1; }; done
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
tpmdir=${BOOT_TPM_STATE:-$out/tpm}
mkdir -p "$tpmdir"
tpmdir=$(cd "$tpmdir" && pwd)
snapshot=,snapshot=on
[ "${BOOT_DISK_WRITABLE:-}" != 1 ] || snapshot=
cd "$out"

cp "$ovmf_vars" vars.fd
nonce=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
echo "$nonce" >nonce
rm -f attest.in attest.out job.in job.out
mkfifo attest.in attest.out
: >attest.txt
jobport=
if [ "${BOOT_JOB:-0}" = 1 ]; then
	mkfifo job.in job.out
	: >job.txt
	jobport="-chardev pipe,id=job,path=$out/job -device virtserialport,bus=vser.0,chardev=job,name=org.bootproof.job"
fi

# Enrolment: a fresh TPM gets an attestation key (under its EK, persistent at $ak_handle) before the
# machine ever runs; its public key (ak.pem) is what the verifier trusts (bootproof verify --ak-pub).
# swtpm on TCP for tpm2-tools (bookworm's tss2 has no unix-socket swtpm TCTI), then the same state
# is handed to QEMU. The guest's responder quotes with this key when it finds it.
ak_handle=0x81010002
if [ -f "$tpmdir/ak.pem" ]; then
	cp "$tpmdir/ak.pem" ak.pem # a kept TPM state: its AK is enrolled already
else
# A TCP port pair for the enrolment swtpm. Another test's swtpm may hold the one picked (swtpm
# then exits 1, "Address already in use"): pick another, a few times, before giving up.
port=
for _ in 1 2 3 4 5 6 7 8; do
	try=$((20000 + 2 * ($(od -An -tu2 -N2 /dev/urandom) % 20000)))
	if swtpm socket --tpm2 --tpmstate dir="$tpmdir" --server type=tcp,port=$try,bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=$((try + 1)),bindaddr=127.0.0.1 --flags not-need-init,startup-clear \
		--pid file="$out/swtpm-enrol.pid" --log file="$out/swtpm-enrol.log",level=1 --daemon; then
		port=$try
		break
	fi
done
[ -n "$port" ] || { echo "boot.sh: the enrolment swtpm did not start on 8 TCP ports (swtpm-enrol.log):" >&2; cat "$out/swtpm-enrol.log" >&2; exit 1; }
(
	export TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=$port
	tpm2_createek -c ek.ctx -G rsa -u ek.pub &&
	tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pem -f pem -n ak.name &&
	tpm2_flushcontext -t &&
	tpm2_evictcontrol -C o -c ak.ctx $ak_handle &&
	tpm2_flushcontext -t &&
	tpm2_shutdown
) >enrol.log 2>&1 || { echo "boot.sh: AK enrolment on swtpm failed:" >&2; cat enrol.log >&2; kill "$(cat swtpm-enrol.pid)"; exit 1; }
epid=$(cat swtpm-enrol.pid)
kill "$epid"
i=0
while kill -0 "$epid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
rm -f ek.ctx ak.ctx
cp ak.pem "$tpmdir/ak.pem"
fi

swtpm socket --tpm2 --tpmstate dir="$tpmdir" --ctrl type=unixio,path="$out/swtpm.sock" \
	--log file="$out/swtpm.log",level=1 --pid file="$out/swtpm.pid" --daemon
i=0
while [ ! -S swtpm.sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

machine=q35,accel=tcg sbopt=
if [ "${BOOT_SECURE_BOOT:-0}" = 1 ]; then
	machine=q35,smm=on,accel=tcg sbopt="-global driver=cfi.pflash01,property=secure,value=on"
fi
until=${BOOT_UNTIL:-attest}
cat >qemu.cmd <<EOT
qemu-system-x86_64 -nodefaults -no-user-config -machine $machine -cpu max -m 2048 -smp 2 $sbopt
 -drive if=pflash,format=raw,readonly=on,file=$ovmf_code
 -drive if=pflash,format=raw,file=$out/vars.fd
 -chardev socket,id=chrtpm,path=$out/swtpm.sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-crb,tpmdev=tpm0
 -drive if=none,id=hd,file=$disk,format=raw$snapshot -device virtio-blk-pci,drive=hd,addr=0x3
 -device virtio-serial-pci,id=vser,addr=0x4
 -chardev pipe,id=att,path=$out/attest
 -device virtserialport,bus=vser.0,chardev=att,name=org.bootproof.attest $jobport
 -display none -monitor none -serial file:$out/console.log -no-reboot ${BOOT_QEMU_EXTRA:-}
EOT
t0=$(date +%s.%N)
# shellcheck disable=SC2046 # qemu.cmd: one argument per word (paths without spaces)
qemu-system-x86_64 $(sed 1s/^qemu-system-x86_64// qemu.cmd) &
qpid=$!
echo "$qpid" >qemu.pid
# QEMU opens both FIFOs read-write; the guest reads the request when its responder opens the port
cat attest.out >>attest.txt &
catpid=$!
if [ -n "$jobport" ]; then
	# the job first, so that the quote covers its records; then the nonce
	cat job.out >>job.txt &
	jcatpid=$!
	( BOOTPROOF=${BOOTPROOF:-bootproof} JOB_TIMEOUT=$tmo "$here/job-host.sh" run \
		"$out/job-host" job.in job.txt >job-host.log 2>&1; echo $? >job-host.rc
	  printf 'NONCE %s\n' "$nonce" >attest.in ) &
else
	printf 'NONCE %s\n' "$nonce" >attest.in &
fi
wpid=$!
elapsed() { echo "$(date +%s.%N) $t0" | awk '{printf "%.1f", $1 - $2}'; }
panic_exit() {	# the guest kernel panicked: exit 75 (see the top of this script)
	grep -a -q 'Kernel panic - not syncing' console.log 2>/dev/null || return 0
	echo "boot.sh: the guest kernel panicked; console tail:" >&2
	tail -n 40 console.log >&2
	exit 75
}
stop() {
	kill "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	kill "$catpid" "$wpid" ${jcatpid:-} 2>/dev/null || true
	[ -f swtpm.pid ] && kill "$(cat swtpm.pid)" 2>/dev/null || true
}
trap stop EXIT INT TERM

ready='' done_=''
while [ "$until" != attest ]; do
	case "$until" in
	exit)
		if ! kill -0 "$qpid" 2>/dev/null; then
			wait "$qpid" 2>/dev/null || true
			break
		fi ;;
	console:*)
		if grep -a -q -E "${until#console:}" console.log 2>/dev/null; then
			sleep 3	# let what follows the message reach the console too
			break
		fi
		if ! kill -0 "$qpid" 2>/dev/null; then
			echo "boot.sh: QEMU exited before '${until#console:}' was on the console; console tail:" >&2
			tail -n 40 console.log >&2
			exit 1
		fi ;;
	*) echo "boot.sh: BOOT_UNTIL must be attest, exit or console:REGEX" >&2; exit 2 ;;
	esac
	panic_exit
	if [ "$(elapsed | cut -d. -f1)" -ge "$tmo" ]; then
		echo "boot.sh: timeout after ${tmo}s waiting for '$until'; console tail:" >&2
		tail -n 40 console.log >&2
		exit 1
	fi
	sleep 1
done
if [ "$until" != attest ]; then
	done_=$(elapsed)
	stop
	trap - EXIT INT TERM
	printf 'done %s\n' "$done_" >timing
	echo "boot.sh: '$until' reached after ${done_}s"
	exit 0
fi
while :; do
	if ! kill -0 "$qpid" 2>/dev/null; then
		echo "boot.sh: QEMU exited before the attestation was complete; console tail:" >&2
		tail -n 40 console.log >&2
		exit 1
	fi
	if [ -z "$ready" ] && grep -q '^BOOTPROOF-ATTEST READY' attest.txt; then
		ready=$(elapsed)
		echo "boot.sh: machine ready for attestation after ${ready}s (guest uptime $(sed -n 's/^BOOTPROOF-ATTEST READY //p' attest.txt)s)"
	fi
	if grep -q '^BOOTPROOF-ATTEST DONE' attest.txt; then
		done_=$(elapsed)
		break
	fi
	panic_exit
	if [ "$(elapsed | cut -d. -f1)" -ge "$tmo" ]; then
		echo "boot.sh: timeout after ${tmo}s; console tail:" >&2
		tail -n 40 console.log >&2
		exit 1
	fi
	sleep 1
done
stop
trap - EXIT INT TERM
printf 'ready %s\ndone %s\n' "$ready" "$done_" >timing
echo "boot.sh: attestation received after ${done_}s"

# split the answer into files
awk -v dir="$out" '
	/^BEGIN / { name = $2; f = dir "/" name ".b64"; printf "" > f; next }
	/^END /   { close(f); name = ""; next }
	name != "" { print > f }
	/^ATTEST-RC / { print $2 > (dir "/attest.rc") }
' attest.txt
for f in *.b64; do
	base64 -d "$f" >"${f%.b64}" && rm -f "$f"
done
echo "boot.sh: bootproof attest exit code $(cat attest.rc 2>/dev/null || echo '?')"
ls -l "$out"
