#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The sealed-data proof (docs/sealing.md): one machine, one swtpm state, one disk across boots of the
# release (tests/boot/boot.sh with BOOT_DISK_WRITABLE / BOOT_TPM_STATE / BOOT_QEMU_EXTRA). It goes on
# from a first boot made by the caller, so that the boot the other checks need anyway is the one that
# creates the volume: tests/boot/secure-boot-test.sh's boot 2 (Secure Boot on, enrolled variable
# store) boots WORK/disk.raw writable with the swtpm state WORK/tpm, and hands over its output dir.
#   1. first boot (the caller's): the volume was created and enrolled, the token in the quote bundle
#      passes `bootproof seal check` against golden.json (boot-test.sh), the marker it wrote is there;
#   2. second boot: unlocked without a prompt, the first boot's marker read back;
#   3. the same disk with a one-byte UKI change (tamper-uki.sh), re-signed with the release's db key
#      (Secure Boot: the firmware refuses an unsigned change, secure-boot-test.sh boot 3, so this is
#      the change of a signing-key holder): boots, does not unlock;
#   4. the golden disk with an extra kernel argument injected by QEMU -smbios type=11: boots (the
#      argument is on /proc/cmdline), does not unlock;
#   5. the golden disk with a fresh TPM (and a freshly enrolled variable store): boots, does not
#      unlock.
# Boots 3-5 end once the unlock was tried (BOOT_UNTIL=console:...): the volume must have passed
# bootproof-data-init's check, and the console must show systemd-cryptsetup@ failing and the
# dependency on it failing; both lines go into the summary.
# Secure Boot: the caller exports BOOT_SECURE_BOOT=1, OVMF_CODE and OVMF_VARS (the enrolled store).
# Usage: seal-test.sh RELEASE_DIR WORK BOOT1_DIR   (writes WORK/{boot2..5,summary.txt})
set -eu
. "$(dirname "$0")/../../image/scripts/lib.sh"
rel=$(cd "${1:?usage: seal-test.sh RELEASE_DIR WORK BOOT1_DIR}" && pwd)
w=$(cd "${2:?usage: seal-test.sh RELEASE_DIR WORK BOOT1_DIR}" && pwd)
b1=$(cd "${3:?usage: seal-test.sh RELEASE_DIR WORK BOOT1_DIR}" && pwd)
[ -f "$w/disk.raw" ] && [ -d "$w/tpm" ] || die "$w has no disk.raw and tpm/ of a first boot"
summary=$w/summary.txt
: >"$summary"
note() { printf '%s\n' "$*" | tee -a "$summary"; }
digest=$("$BOOTPROOF" seal policy --golden "$rel/golden.json") || die "golden.json has no sealing policy"
tmo=${BOOT_TIMEOUT:-900}
printable() { sed 's/\x1b\[[0-9;?=]*[A-Za-z]//g' | tr -cd '[:print:]\n'; }

boot() {	# NAME DISK [VAR=VALUE...]: one boot to the attestation, its answer in $w/NAME
	name=$1 disk=$2; shift 2
	step "sealed data: boot $name"
	env "$@" "$TOP/tests/boot/boot.sh" "$disk" "$w/$name" "$tmo" >"$w/$name.log" 2>&1 ||
		{ tail -n 30 "$w/$name.log" >&2; die "boot $name failed"; }
	[ "$(cat "$w/$name/attest.rc")" = 0 ] || die "boot $name: bootproof attest failed in the guest"
	note "boot $name: attestation after $(sed -n 's/^done //p' "$w/$name/timing")s"
}
# A boot that must not unlock ends once systemd has started (or failed) the unlock: the refusal is
# on the console by then, and waiting for the attestation would cost 1-3 more minutes under TCG.
unlock_done='(Failed to start|Finished|Dependency failed for) systemd-cryptsetup@|Dependency failed for .*bootproof-data|Failed to start bootproof-data-init'
boot_to_unlock() {	# NAME DISK [VAR=VALUE...]
	name=$1 disk=$2; shift 2
	step "sealed data: boot $name (until the unlock)"
	env "$@" BOOT_UNTIL="console:$unlock_done" "$TOP/tests/boot/boot.sh" "$disk" "$w/$name" "$tmo" >"$w/$name.log" 2>&1 ||
		{ tail -n 30 "$w/$name.log" >&2; die "boot $name failed"; }
	note "boot $name: unlock attempted after $(sed -n 's/^done //p' "$w/$name/timing")s"
}
unlocked() { grep -q '^sealed-data: /dev/mapper/bootproof-data ext4' "$1/info.txt"; }
expect_locked() {	# NAME WHY
	c=$w/$1/console.log
	! printable <"$c" | grep -q -E 'Finished systemd-cryptsetup@|Mounted var-lib-bootproof-sealed' ||
		die "boot $1 ($2): the sealed volume was unlocked"
	grep -aq "bootproof-data: bound to the golden policy $digest only" "$c" ||
		die "boot $1 ($2): the volume did not pass the data-init check (the refusal must be the TPM's)"
	l1=$(printable <"$c" | grep -m1 -E 'Failed to start systemd-cryptsetup@' || true)
	l2=$(printable <"$c" | grep -m1 -E 'Dependency failed for .*(bootproof-data|bootproof-sealed)' || true)
	[ -n "$l1" ] || { printable <"$c" | grep -E 'cryptsetup|bootproof-data' | tail -n 12 >&2; die "boot $1 ($2): no refused unlock on the console"; }
	[ -n "$l2" ] || die "boot $1 ($2): the console shows no failed dependency of the unlock"
	note "boot $1 ($2): booted to the unlock, not unlocked; console:"
	note "    $l1"
	note "    $l2"
}

# 1. the caller's first boot: create + enroll (its seal check is boot-test.sh's)
grep -aq "bootproof-data: created, enrolled to the golden policy $digest" "$b1/console.log" ||
	die "first boot: the volume was not created and enrolled to $digest"
unlocked "$b1" || die "first boot: the volume is not mounted at /var/lib/bootproof/sealed"
marker=$(sed -n 's/^sealed-marker: //p' "$b1/info.txt")
case "$marker" in "created by boot $(sed -n 's/^boot-id: //p' "$b1/info.txt") under policy $digest") ;;
	*) die "first boot: marker '$marker'" ;; esac
note "golden.json policy digest: $digest"
"$BOOTPROOF" seal check --golden "$rel/golden.json" --bundle "$b1/bundle.json" --nonce "$(cat "$b1/nonce")" \
	--ak-pub "$b1/ak.pem" | sed 's/^/    /' | tee -a "$summary"
note "boot 1 (the Secure Boot test's boot 2): created, enrolled, unlocked, mounted; marker: $marker"

# 2. second boot: unlock, read back
boot boot2 "$w/disk.raw" BOOT_DISK_WRITABLE=1 BOOT_TPM_STATE="$w/tpm"
grep -aq "bootproof-data: bound to the golden policy $digest only" "$w/boot2/console.log" ||
	die "boot2: the existing volume did not pass the check"
unlocked "$w/boot2" || { sed -n '/^--- sealed data journal/,/^---/p' "$w/boot2/info.txt" >&2; die "boot2: not unlocked"; }
[ "$(sed -n 's/^sealed-marker: //p' "$w/boot2/info.txt")" = "$marker" ] || die "boot2: marker not read back"
note "boot2: unlocked without a prompt, marker read back"

# 3. one-byte UKI change on the same disk, signed again with the release's db key
cp --sparse=always "$w/disk.raw" "$w/disk-tampered.raw"
BOOTPROOF=$BOOTPROOF "$TOP/tests/boot/tamper-uki.sh" "$w/disk-tampered.raw" | tee -a "$summary"
if [ "${BOOT_SECURE_BOOT:-0}" = 1 ]; then
	keys=$("$TOP/image/scripts/secure-boot.sh" keys)
	[ -f "$keys/db.key" ] && [ "$(openssl x509 -in "$keys/db.crt" -outform der | sha256sum)" = "$(sha256sum <"$rel/db.der")" ] ||
		die "the release's db key is not at hand ($keys): cannot sign the changed UKI"
	need_tools_tree sbattach sbsign sbverify	# so that sbverify's "no" below is a verdict
	img=$(esp_spec "$w/disk-tampered.raw") || die "no ESP in the tampered disk"
	uki=$(esp_uki "$img") || die "no UKI on the tampered disk's ESP"
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$img" "$uki" "$w/uki.efi"
	"$TOP/image/scripts/in-tools.sh" sbattach --remove "$w/uki.efi" >/dev/null
	"$TOP/image/scripts/in-tools.sh" sbsign --key "$keys/db.key" --cert "$rel/db.crt" --output "$w/uki-signed.efi" "$w/uki.efi" 2>/dev/null
	"$TOP/image/scripts/in-tools.sh" sbverify --cert "$rel/db.crt" "$w/uki-signed.efi" >/dev/null 2>&1 ||
		die "the changed UKI signed again does not verify with db.crt"
	MTOOLS_SKIP_CHECK=1 mcopy -o -n -i "$img" "$w/uki-signed.efi" "$uki"
	rm -f "$w/uki.efi" "$w/uki-signed.efi"
	note "the changed UKI signed again with the release's db key (sbverify with db.crt: ok)"
fi
boot_to_unlock boot3 "$w/disk-tampered.raw" BOOT_DISK_WRITABLE=1 BOOT_TPM_STATE="$w/tpm"
rm -f "$w/disk-tampered.raw"
expect_locked boot3 "one-byte UKI change"

# 4. golden UKI, extra kernel argument from the host (SMBIOS OEM string, measured into PCR 12)
boot_to_unlock boot4 "$w/disk.raw" BOOT_TPM_STATE="$w/tpm" \
	BOOT_QEMU_EXTRA="-smbios type=11,value=io.systemd.stub.kernel-cmdline-extra=bootproof.test=1"
grep -aq '^\[ *[0-9.]*\] Kernel command line: .*bootproof\.test=1' "$w/boot4/console.log" ||
	die "boot4: the injected argument is not on the kernel's command line"
expect_locked boot4 "-smbios type=11 kernel-cmdline-extra"

# 5. golden disk, fresh TPM (a new machine that was handed this disk)
boot_to_unlock boot5 "$w/disk.raw" BOOT_TPM_STATE="$w/tpm-fresh"
expect_locked boot5 "fresh TPM"
step "sealed-data boot sequence passed"
