#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The sealed-data proof (docs/sealing.md): one machine, one swtpm state, one disk across boots of the
# release (tests/boot/boot.sh with BOOT_DISK_WRITABLE / BOOT_TPM_STATE / BOOT_QEMU_EXTRA):
#   1. first boot: the volume is created and enrolled; the token in the quote bundle passes
#      `bootproof seal check` against golden.json (its policy hash next to golden's digest); mounted;
#   2. second boot: unlocked without a prompt, the first boot's marker read back;
#   3. the same disk with a one-byte UKI change (tamper-uki.sh): boots, does not unlock;
#   4. the golden disk with an extra kernel argument injected by QEMU -smbios type=11: boots (the
#      argument is on /proc/cmdline), does not unlock;
#   5. the golden disk with a fresh TPM: boots, does not unlock.
# Five boots under TCG (2-7 minutes each on a loaded machine): not part of tests/run.
# Usage: seal-test.sh RELEASE_DIR   (writes $OUT/seal-test/{boot1..5,summary.txt})
set -eu
. "$(dirname "$0")/../../image/scripts/lib.sh"
rel=$(cd "${1:?usage: seal-test.sh RELEASE_DIR}" && pwd)
w=$OUT/seal-test
rm -rf "$w"
mkdir -p "$w"
summary=$w/summary.txt
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }
digest=$("$BOOTPROOF" seal policy --golden "$rel/golden.json") || die "golden.json has no sealing policy"
note "golden.json policy digest: $digest"
cp --sparse=always "$rel/bootproof.raw" "$w/disk.raw"
tmo=${BOOT_TIMEOUT:-900}

boot() {	# NAME DISK [VAR=VALUE...]: one boot, its answer in $w/NAME
	name=$1 disk=$2; shift 2
	step "boot $name"
	env "$@" "$TOP/tests/boot/boot.sh" "$disk" "$w/$name" "$tmo" >"$w/$name.log" 2>&1 ||
		{ tail -n 30 "$w/$name.log" >&2; die "boot $name failed"; }
	note "boot $name: attestation after $(sed -n 's/^done //p' "$w/$name/timing")s"
}
unlocked() { grep -q '^sealed-data: /dev/mapper/bootproof-data ext4' "$w/$1/info.txt"; }
console_lines() { grep -a -E 'bootproof-data|cryptsetup@bootpro|Failed to unseal|TPM2' "$w/$1/console.log" |
	grep -a -v -E 'Expecting device|Reached target|ACPI' | sed 's/^/    /' | head -n 12; }
expect_locked() {	# NAME WHY
	if unlocked "$1"; then die "boot $1 ($2): the sealed volume was unlocked"; fi
	grep -aq 'Finished systemd-cryptsetup@bootpro' "$w/$1/console.log" &&
		die "boot $1 ($2): systemd-cryptsetup finished"
	note "boot $1 ($2): not unlocked; console:"
	console_lines "$1" | tee -a "$summary"
}

# 1. first boot: create + enroll
boot boot1 "$w/disk.raw" BOOT_DISK_WRITABLE=1 BOOT_TPM_STATE="$w/tpm"
grep -aq "bootproof-data: created, enrolled to the golden policy $digest" "$w/boot1/console.log" ||
	{ console_lines boot1 >&2; die "boot1: the volume was not created"; }
"$BOOTPROOF" seal check --golden "$rel/golden.json" --bundle "$w/boot1/bundle.json" >"$w/seal-check.txt" ||
	{ cat "$w/seal-check.txt" >&2; die "boot1: the enrolled token is not bound to golden.json's policy only"; }
sed 's/^/    /' "$w/seal-check.txt" | tee -a "$summary"
unlocked boot1 || die "boot1: the volume is not mounted at /var/lib/bootproof/sealed"
marker=$(sed -n 's/^sealed-marker: //p' "$w/boot1/info.txt")
case "$marker" in "created by boot $(sed -n 's/^boot-id: //p' "$w/boot1/info.txt") under policy $digest") ;;
	*) die "boot1: marker '$marker'" ;; esac
note "boot1: created, enrolled, unlocked, mounted; marker: $marker"

# 2. second boot: unlock, read back
boot boot2 "$w/disk.raw" BOOT_DISK_WRITABLE=1 BOOT_TPM_STATE="$w/tpm"
grep -aq "bootproof-data: bound to the golden policy $digest only" "$w/boot2/console.log" ||
	die "boot2: the existing volume did not pass the check"
unlocked boot2 || { console_lines boot2 >&2; die "boot2: not unlocked"; }
[ "$(sed -n 's/^sealed-marker: //p' "$w/boot2/info.txt")" = "$marker" ] || die "boot2: marker not read back"
note "boot2: unlocked without a prompt, marker read back: $marker"

# 3. one-byte UKI change on the same disk
cp --sparse=always "$w/disk.raw" "$w/disk-tampered.raw"
BOOTPROOF=$BOOTPROOF "$TOP/tests/boot/tamper-uki.sh" "$w/disk-tampered.raw" | tee -a "$summary"
boot boot3 "$w/disk-tampered.raw" BOOT_DISK_WRITABLE=1 BOOT_TPM_STATE="$w/tpm"
expect_locked boot3 "one-byte UKI change"

# 4. golden UKI, extra kernel argument from the host (SMBIOS OEM string, measured into PCR 12)
boot boot4 "$w/disk.raw" BOOT_TPM_STATE="$w/tpm" \
	BOOT_QEMU_EXTRA="-smbios type=11,value=io.systemd.stub.kernel-cmdline-extra=bootproof.test=1"
grep -q '^cmdline: .*bootproof\.test=1' "$w/boot4/info.txt" || die "boot4: the injected argument is not on the command line"
expect_locked boot4 "-smbios type=11 kernel-cmdline-extra"

# 5. golden disk, fresh TPM
boot boot5 "$w/disk.raw" BOOT_TPM_STATE="$w/tpm-fresh"
expect_locked boot5 "fresh TPM"
step "sealed-data boot sequence passed"
cat "$summary"
