#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The real-boot proof of a Secure Boot release (make -f Makefile.images boot-test runs it when the
# release has db.esl). OVMF's Secure Boot build (OVMF_CODE_4M.secboot.fd), q35 with SMM and secure
# pflash, swtpm; four boots:
#   1. enrollment: a fresh copy of OVMF_VARS_4M.fd (setup mode, no keys); systemd-boot enrolls
#      /loader/keys/auto/{db,KEK,PK}.auth from the ESP and resets; QEMU exits (-no-reboot). No kernel
#      may start. The variable store it leaves is the machine's enrolled store.
#   2. Secure Boot on, with that store: tests/boot/boot-test.sh (attestation, eventlog compare and
#      verify for every golden PCR, PCR 7 included, tamper checks); the guest must report
#      "Secure Boot: enabled (user)".
#   3. the release's disk with one byte of the UKI changed, and 4. with the UKI's signature removed:
#      the firmware must refuse the UKI (systemd-boot reports the firmware's EFI_SECURITY_VIOLATION on
#      the serial console) and no kernel may start.
# The signatures are checked first without any boot (image/scripts/secure-boot.sh check).
# Writes $OUT/secure-boot-test/{enroll,refuse-*,summary.txt}; boot 2 writes $OUT/boot-test.
# Usage: secure-boot-test.sh RELEASE_DIR | secure-boot-test.sh --record-platform DISK
set -eu
. "$(dirname "$0")/../../image/scripts/lib.sh"
code=${OVMF_SECBOOT_CODE:-/usr/share/OVMF/OVMF_CODE_4M.secboot.fd}
vars=${OVMF_SECBOOT_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
for f in "$code" "$vars"; do [ -f "$f" ] || die "$f missing (apt-get install ovmf)"; done
[ -x "$BOOTPROOF" ] || "$TOP/image/scripts/pipeline.sh" tool
t=$OUT/secure-boot-test
summary=$t/summary.txt
note() { echo "$*" | tee -a "$summary"; }
# what must never be on the console of a boot that is not allowed to reach Linux
kernel_started='EFI stub: |Linux version [0-9]'

enroll() {	# DISK
	step "boot 1: enrollment (fresh variable store in setup mode, keys from the ESP)"
	BOOT_SECURE_BOOT=1 OVMF_CODE=$code OVMF_VARS=$vars BOOT_UNTIL=exit \
		"$TOP/tests/boot/boot.sh" "$1" "$t/enroll" "${BOOT_TIMEOUT:-600}" || die "enrollment boot failed (see $t/enroll/console.log)"
	grep -a -q 'Custom Secure Boot keys successfully enrolled' "$t/enroll/console.log" ||
		{ tail -n 30 "$t/enroll/console.log" >&2; die "systemd-boot did not report the enrollment"; }
	! grep -a -q -E "$kernel_started" "$t/enroll/console.log" || die "a kernel started during the enrollment boot"
	cp "$t/enroll/vars.fd" "$t/enrolled-vars.fd"
	note "enrollment boot: $(grep -a -o 'Custom Secure Boot keys successfully enrolled[^!]*!' "$t/enroll/console.log" | head -n1) ($(sed -n 's/^done //p' "$t/enroll/timing")s, QEMU exited on the reset)"
}

if [ "${1:-}" = --record-platform ]; then
	# image/platform/ovmf-q35-secboot.eventlog: PCR 0-3, 6 of this firmware build, as a machine with
	# enrolled keys measures them (make -f Makefile.images platform-profile SECURE_BOOT=on)
	disk=$(readlink -f "${2:?usage: secure-boot-test.sh --record-platform DISK}")
	rm -rf "$t"; mkdir -p "$t"; : >"$summary"
	enroll "$disk"
	step "boot 2: Secure Boot on, record the firmware's event log"
	BOOT_SECURE_BOOT=1 OVMF_CODE=$code OVMF_VARS=$t/enrolled-vars.fd \
		"$TOP/tests/boot/boot.sh" "$disk" "$t/platform-boot" "${BOOT_TIMEOUT:-600}" || die "Secure Boot boot failed"
	cp "$t/platform-boot/binary_bios_measurements" "$TOP/image/platform/ovmf-q35-secboot.eventlog"
	echo "image/platform/ovmf-q35-secboot.eventlog re-recorded: review and commit it"
	exit 0
fi

rel=$(cd "${1:?usage: secure-boot-test.sh RELEASE_DIR}" && pwd)
[ -f "$rel/db.esl" ] || die "$rel is not a Secure Boot release (no db.esl): use tests/boot/boot-test.sh"
rm -rf "$t"
mkdir -p "$t"
: >"$summary"

step "signatures of the release (no boot): systemd-boot and the UKI verify with its db.crt"
set +e
"$TOP/image/scripts/secure-boot.sh" check "$rel" >"$t/check.txt" 2>&1
rc=$?
set -e
tee -a "$summary" <"$t/check.txt"
[ "$rc" = 0 ] || die "a signed PE of the release does not verify"

t0=$(date +%s)
enroll "$rel/bootproof.raw"

step "boot 2: Secure Boot on (enrolled store) - tests/boot/boot-test.sh"
BOOT_SECURE_BOOT=1 OVMF_CODE=$code OVMF_VARS=$t/enrolled-vars.fd "$TOP/tests/boot/boot-test.sh" "$rel"
info=$OUT/boot-test/boot/info.txt
sb=$(sed -n 's/^secure-boot: //p' "$info")
note "guest: Secure Boot: $sb; $(grep '^efivar-' "$info" | tr '\n' ' ')"
[ "$sb" = "enabled (user)" ] || die "the guest reports Secure Boot '$sb', expected 'enabled (user)'"
grep -q '^efivar-SecureBoot: 01$' "$info" && grep -q '^efivar-SetupMode: 00$' "$info" ||
	die "SecureBoot/SetupMode variables in the guest are not 01/00"
jq -e '.secure_boot == true' "$rel/golden.json" >/dev/null || die "golden.json does not say secure_boot: true"
cat "$OUT/boot-test/summary.txt" >>"$summary"
{
	echo "golden PCR 7 next to the guest's (every bank):"
	grep -A1 -E '^sha(1|256|384) +7 ' "$OUT/boot-test/pcr-table.txt"
} | tee -a "$summary"

# systemd-boot 257 prints "Error loading EFI binary <path>: Security violation" when LoadImage()
# returns EFI_SECURITY_VIOLATION (the firmware's image verification failed)
refused='Security [Vv]iolation|Access [Dd]enied'
refuse() {	# NAME DISK WHAT
	step "boot $3: the firmware must refuse the UKI ($1)"
	BOOT_SECURE_BOOT=1 OVMF_CODE=$code OVMF_VARS=$t/enrolled-vars.fd BOOT_UNTIL="console:$refused|$kernel_started" \
		"$TOP/tests/boot/boot.sh" "$2" "$t/refuse-$1" "${BOOT_TIMEOUT:-600}" || die "boot '$1' failed (see $t/refuse-$1/console.log)"
	c=$t/refuse-$1/console.log
	! grep -a -q -E "$kernel_started" "$c" || die "$1: a kernel started: the firmware accepted the UKI"
	# the console carries terminal escapes: keep the printable text of the lines that say it
	line=$(grep -a -E "$refused" "$c" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tr -cd '[:print:]\n' | grep -E "$refused" | head -n1)
	[ -n "$line" ] || die "$1: no refusal message on the console"
	note "refused ($1): \"$line\" ($(sed -n 's/^done //p' "$t/refuse-$1/timing")s), no kernel started"
	rm -f "$2"
}

mkdir -p "$t/disks"
cp "$rel/bootproof.raw" "$t/disks/tampered.raw"
BOOTPROOF=$BOOTPROOF "$TOP/tests/boot/tamper-uki.sh" "$t/disks/tampered.raw"
refuse tampered "$t/disks/tampered.raw" 3

# the same UKI without its signature (sbattach --remove of the tools tree)
cp "$rel/bootproof.raw" "$t/disks/unsigned.raw"
s=$(sfdisk -J "$t/disks/unsigned.raw" | jq -r '.partitiontable.partitions[] | select(.type == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B") | .start')
img="$t/disks/unsigned.raw@@$((s * 512))"
uki=$(MTOOLS_SKIP_CHECK=1 mdir -i "$img" -b ::/EFI/Linux | grep -i '\.efi$' | head -n1)
MTOOLS_SKIP_CHECK=1 mcopy -n -i "$img" "$uki" "$t/disks/uki.efi"
"$TOP/image/scripts/in-tools.sh" sbattach --remove "$t/disks/uki.efi" >/dev/null
if "$TOP/image/scripts/in-tools.sh" sbverify --list "$t/disks/uki.efi" 2>&1 | grep -q 'No signature table present'; then :; else
	die "sbattach --remove left a signature in the UKI"
fi
MTOOLS_SKIP_CHECK=1 mcopy -o -n -i "$img" "$t/disks/uki.efi" "$uki"
rm -f "$t/disks/uki.efi"
refuse unsigned "$t/disks/unsigned.raw" 4

note "Secure Boot boots (enrollment, Secure Boot on with checks, two refusals): $(($(date +%s) - t0))s"
step "Secure Boot boot test passed"
cat "$summary"
