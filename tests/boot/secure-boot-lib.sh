# SPDX-License-Identifier: LGPL-2.1-or-later
# Boots that Secure Boot tests share (sourced by tests/boot/secure-boot-test.sh and dbx-test.sh,
# after image/scripts/lib.sh): OVMF's Secure Boot build, the enrollment boot and the refusal boot.
code=${OVMF_SECBOOT_CODE:-/usr/share/OVMF/OVMF_CODE_4M.secboot.fd}
vars=${OVMF_SECBOOT_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
# what must never be on the console of a boot that is not allowed to reach Linux
kernel_started='EFI stub: |Linux version [0-9]'
# When the firmware's image verification fails, LoadImage() returns EFI_ACCESS_DENIED (EDK2's
# DxeImageVerificationLib: signature or digest not in db, or in dbx) or EFI_SECURITY_VIOLATION.
# systemd-boot reports it ("Error loading \EFI\Linux\<uki>.efi: Access denied") and returns to the
# firmware, whose boot manager reports it too ("BdsDxe: failed to start Boot0001 ...: Access
# Denied"). Both lines are required; the boot ends once the firmware's line is on the console.
sdboot_refused='Error loading .*\.efi: (Access denied|Security violation)'
fw_refused='BdsDxe: failed to start Boot[0-9A-F]{4} "UEFI Misc Device".*: (Access Denied|Security Violation)'
printable() { sed 's/\x1b\[[0-9;?=]*[A-Za-z]//g' | tr -cd '[:print:]\n'; }

# enrollment_boot DISK DIR WHAT: DISK on a fresh variable store in setup mode; systemd-boot must
# enroll the keys on its ESP and reset before any kernel starts. The enrolled store: DIR/vars.fd.
enrollment_boot() {
	BOOT_SECURE_BOOT=1 OVMF_CODE=$code OVMF_VARS=$vars BOOT_UNTIL=exit \
		"$TOP/tests/boot/boot.sh" "$1" "$2" "${BOOT_TIMEOUT:-600}" || die "$3 failed (see $2/console.log)"
	grep -a -q 'Custom Secure Boot keys successfully enrolled' "$2/console.log" ||
		{ tail -n 30 "$2/console.log" >&2; die "$3: systemd-boot did not report the enrollment"; }
	! grep -a -q -E "$kernel_started" "$2/console.log" || die "a kernel started during the $3"
}

# refusal_boot DISK VARS DIR WHAT: DISK with the variable store VARS; the firmware must refuse the
# UKI: no kernel starts, and both systemd-boot's and the firmware's refusal lines are on the
# console. Sets refused_sdboot and refused_fw to those lines.
refusal_boot() {
	BOOT_SECURE_BOOT=1 OVMF_CODE=$code OVMF_VARS=$2 BOOT_UNTIL="console:$fw_refused|$kernel_started" \
		"$TOP/tests/boot/boot.sh" "$1" "$3" "${BOOT_TIMEOUT:-600}" || die "$4 failed (see $3/console.log)"
	! grep -a -q -E "$kernel_started" "$3/console.log" || die "$4: a kernel started: the firmware accepted the UKI"
	refused_sdboot=$(printable <"$3/console.log" | grep -E "$sdboot_refused" | head -n1)
	refused_fw=$(printable <"$3/console.log" | grep -E "$fw_refused" | head -n1)
	[ -n "$refused_sdboot" ] || die "$4: systemd-boot reported no refusal of the UKI on the console"
	[ -n "$refused_fw" ] || die "$4: the firmware reported no refusal on the console"
}
