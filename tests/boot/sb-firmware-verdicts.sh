#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The firmware's own verdict on the Secure Boot corners of issue 22 finding 3, in ONE short boot of
# OVMF's Secure Boot build (Debian's 2022.11, OVMF_CODE_4M.secboot.fd): no disk image, no TPM, no
# kernel. Keys made now (openssl) are enrolled into a copy of OVMF_VARS_4M.fd with virt-fw-vars
# (PK, KEK, db = [db, ec, two image hashes] and a non-empty dbx revoking nothing here; a second
# store has no dbx). Each candidate image
# (tests/predict/sb-craft.py: a minimal EFI application whose entry point returns EFI_UNSUPPORTED,
# signed with sbsign / osslsigncode, and its crafted variants) is \EFI\BOOT\BOOTX64.EFI of its own
# tiny GPT disk, one virtio disk per image at its own PCI slot with bootindex = its order. The
# firmware's boot manager tries them in turn and reports each on the serial console:
#   BdsDxe: failed to load Boot0002 "UEFI Misc Device 2" from PciRoot(0x0)/Pci(0x11,0x0): Access Denied
#     - the image verification refused it (LoadImage: EFI_ACCESS_DENIED / EFI_SECURITY_VIOLATION)
#   BdsDxe: failed to start Boot0001 "UEFI Misc Device" from PciRoot(0x0)/Pci(0x10,0x0): Unsupported
#     - the firmware accepted and started it, and it returned EFI_UNSUPPORTED
# (PK, KEK by virt-fw-vars; db = [db, ec, the SHA-256 digest of one unsigned image, the SHA-384
# digest of another] and dbx as written here, both byte for byte.)
# Each verdict must be the expected one, and (when the sbv-check test tool is built) bootproof's
# verdict on the same bytes must agree. Standalone (needs no release): secure-boot-test.sh runs it.
# Usage: sb-firmware-verdicts.sh [OUTDIR]   (default $OUT/secure-boot-test/fw-verdicts)
set -eu
. "$(dirname "$0")/../../image/scripts/lib.sh"
. "$(dirname "$0")/secure-boot-lib.sh"
for f in "$code" "$vars"; do [ -f "$f" ] || die "$f missing (apt-get install ovmf)"; done
for t in qemu-system-x86_64 virt-fw-vars sbsign osslsigncode openssl python3 sfdisk mkfs.vfat mcopy; do
	command -v "$t" >/dev/null || die "$t missing (tests/install-deps.sh)"
done
w=${1:-$OUT/secure-boot-test/fw-verdicts}
rm -rf "$w"
mkdir -p "$w"
w=$(cd "$w" && pwd)
cd "$w"
t0=$(date +%s)
craft() { python3 "$TOP/tests/predict/sb-craft.py" "$@" || die "sb-craft.py $*"; }
esl() { python3 "$TOP/tests/predict/esl.py" "$@" || die "esl.py $1"; }
check=${SBV_CHECK:-}
for c in "$TOP/build/test/tests/sbv-check" "$TOP/build/dev/tests/sbv-check"; do
	[ -n "$check" ] || [ ! -x "$c" ] || check=$c
done

step "firmware verdicts: keys, images, variable store"
for n in PK KEK db; do
	openssl req -new -x509 -newkey rsa:2048 -nodes -keyout $n.key -out $n.crt -subj "/CN=bootproof fw-verdicts $n" \
		-days 3650 >/dev/null 2>&1 || die "openssl req $n"
done
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.crt \
	-subj "/CN=bootproof fw-verdicts ec" -days 3650 >/dev/null 2>&1 || die "openssl req ec"
for n in db ec; do openssl x509 -in $n.crt -outform DER -out $n.der; done
craft efi-app app.efi
sbsign --key db.key --cert db.crt --output good.efi app.efi 2>/dev/null || die "sbsign"
craft truncated-entry good.efi trunc.efi 120
craft spc-length good.efi spc82.efi 82
craft spc-length good.efi spc83.efi 83
craft unpadded good.efi unpadded.efi
osslsigncode sign -h sha256 -certs ec.crt -key ec.key -in app.efi -out ecdsa.efi >/dev/null 2>&1 || die "osslsigncode (EC)"
osslsigncode sign -h sha512 -certs db.crt -key db.key -in app.efi -out s512.efi >/dev/null 2>&1 || die "osslsigncode (sha512)"
# two more unsigned applications (other digests), allowed by db hash entries: hash256.efi by its
# SHA-256 digest, hash384.efi by its SHA-384 digest only (2022.11 looks up SHA-256 only)
craft efi-app hash256.efi 1
craft efi-app hash384.efi 2
owner=de9c9933-f5c4-48bb-91ed-87c9727170e2
esl db.esl x509:$owner:db.der x509:$owner:ec.der sha256:$owner:"$(craft authenticode hash256.efi sha256)" \
	sha384:$owner:"$(craft authenticode hash384.efi sha384)"
esl dbx.esl sha256:$owner:"$(printf '%064d' 0)"	# non-empty, revokes nothing here
python3 - <<'PY'
import json
for name in ("db", "dbx"):
    var = {"name": name, "guid": "d719b2cb-3d3a-4596-a3bc-dad00e67656f", "attr": 0x27,
           "data": open(name + ".esl", "rb").read().hex(), "time": "00" * 16}
    json.dump({"version": 2, "variables": [var]}, open(name + ".json", "w"))
PY
virt-fw-vars -l warning -i "$vars" -o vars00.fd --no-microsoft --secure-boot \
	--set-pk $owner PK.crt --add-kek $owner KEK.crt || die "virt-fw-vars (keys)"
virt-fw-vars -l warning -i vars00.fd -o vars0.fd --set-json db.json || die "virt-fw-vars (db)"
virt-fw-vars -l warning -i vars0.fd -o vars.fd --set-json dbx.json || die "virt-fw-vars (dbx)"
# virt-fw-vars writes a placeholder dbx entry of its own: the store without dbx deletes it
virt-fw-vars -l warning -i vars0.fd -o nodbx.fd -d dbx || die "virt-fw-vars (no dbx)"
virt-fw-vars -l warning -i nodbx.fd --output-json - | python3 -c '
import json, sys
assert "dbx" not in [x["name"] for x in json.load(sys.stdin)["variables"]], "dbx in nodbx.fd"' ||
	die "cannot make a store without dbx"
virt-fw-vars -l warning -i vars.fd --output-json - | python3 -c '
import json, sys
v = {x["name"]: x for x in json.load(sys.stdin)["variables"]}
assert v["dbx"]["data"] == open("dbx.esl", "rb").read().hex(), "dbx"
assert v["db"]["data"] == open("db.esl", "rb").read().hex(), "db"
assert all(n in v for n in ("PK", "KEK", "db")), "keys"' || die "the variable store does not hold the keys and dbx"

# boot VARS DBX TAG CASE...: one OVMF boot with the variable store VARS, one disk per CASE
# (name:expected, expected = refused (Access Denied) or started (Unsupported)), in boot order; DBX
# (or -) is the dbx bootproof's verdict is taken with. Appends to verdicts.txt; sets bad=1 on a
# verdict that differs from the expected one or from bootproof's.
boot() {
	bvars=$1 bdbx=$2 tag=$3
	shift 3
	cases="$*"
	set -- -nodefaults -no-user-config -machine q35,smm=on,accel=tcg -cpu max -m 512 \
		-global driver=cfi.pflash01,property=secure,value=on \
		-drive if=pflash,format=raw,readonly=on,file="$code" -drive if=pflash,format=raw,file="$w/$tag.vars.fd" \
		-display none -monitor none -serial file:"$w/$tag.console.log" -no-reboot
	cp "$bvars" "$tag.vars.fd"
	i=0
	for c in $cases; do
		f=${c%%:*}
		# a 4 MiB GPT disk with one ESP (FAT12) holding only \EFI\BOOT\BOOTX64.EFI
		truncate -s 4M "disk$i.raw"
		printf 'label: gpt\nstart=2048, size=6110, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n' |
			sfdisk -q "disk$i.raw" >/dev/null || die "sfdisk"
		rm -f esp.img
		mkfs.vfat -C esp.img 3055 >/dev/null || die "mkfs.vfat"
		MTOOLS_SKIP_CHECK=1 mmd -i esp.img ::/EFI ::/EFI/BOOT
		MTOOLS_SKIP_CHECK=1 mcopy -i esp.img "$f" ::/EFI/BOOT/BOOTX64.EFI
		dd if=esp.img of="disk$i.raw" bs=512 seek=2048 conv=notrunc status=none
		set -- "$@" -drive if=none,id=d$i,file="$w/disk$i.raw",format=raw,snapshot=on \
			-device virtio-blk-pci,drive=d$i,addr=$(printf '0x%x' $((16 + i))),bootindex=$i
		i=$((i + 1))
	done
	n=$i
	rm -f esp.img
	echo "qemu-system-x86_64 $*" >"$tag.qemu.cmd"
	step "firmware verdicts: one OVMF boot ($tag), $n candidate images"
	tb=$(date +%s)
	attempt='BdsDxe: failed to (load|start) Boot[0-9A-F]{4} "UEFI Misc Device'
	: >"$tag.console.log"
	qemu-system-x86_64 "$@" &
	qpid=$!
	trap 'kill $qpid 2>/dev/null || true' EXIT INT TERM
	while :; do
		got=$(printable <"$tag.console.log" | grep -c -E "$attempt" || true)
		[ "$got" -ge "$n" ] && break
		kill -0 $qpid 2>/dev/null || { tail -n 30 "$tag.console.log" >&2; die "QEMU exited after $got of $n boot attempts"; }
		[ $(($(date +%s) - tb)) -lt "${BOOT_TIMEOUT:-600}" ] || { tail -n 30 "$tag.console.log" >&2; die "timeout: $got of $n boot attempts on the console"; }
		sleep 1
	done
	kill $qpid 2>/dev/null || true
	wait $qpid 2>/dev/null || true
	trap - EXIT INT TERM
	! grep -a -q -E "$kernel_started" "$tag.console.log" || die "a kernel started"
	echo "boot '$tag' (dbx: $bdbx):" >>verdicts.txt
	i=0
	for c in $cases; do
		f=${c%%:*} want=${c#*:}
		line=$(printable <"$tag.console.log" | grep -E "$attempt" | grep -i "/Pci($(printf '0x%X' $((16 + i))),0x0)" | head -n1)
		case "$line" in
		*'Access Denied'|*'Security Violation') fw=refused ;;
		*Unsupported) fw=started ;;
		*) fw="?" ;;
		esac
		bp="-"
		if [ -n "$check" ]; then
			bp=started
			"$check" db.esl "$bdbx" "$f" >"$tag.$f.sbv" 2>&1 || bp=refused
			[ "$bp" = "$fw" ] || bad=1
		fi
		[ "$fw" = "$want" ] || bad=1
		printf '  %-13s firmware: %-8s expected: %-8s bootproof: %-8s %s\n' "$f" "$fw" "$want" "$bp" \
			"$(echo "$line" | sed 's/.*: //')" | tee -a verdicts.txt
		i=$((i + 1))
	done
	rm -f disk*.raw
	echo "  one OVMF boot, $n images: $(($(date +%s) - tb))s" | tee -a verdicts.txt
}

bad=0
: >verdicts.txt
# dbx set: (a) the truncated second entry refuses; (b) "83 00 00 68" refuses, "82 00 68" not;
# (c) the ECDSA signer refuses (no EC in 2022.11); held: SHA-512 signature, unpadded entry refused;
# (d) on 2022.11: an unsigned image whose SHA-256 digest is in db starts, one whose SHA-384 digest
# only is in db is refused (edk2 >= stable202311 would start it);
# controls: the good signature starts, the unsigned image is refused.
boot vars.fd dbx.esl dbx good.efi:started trunc.efi:refused spc82.efi:started spc83.efi:refused \
	ecdsa.efi:refused unpadded.efi:refused s512.efi:started app.efi:refused hash256.efi:started \
	hash384.efi:refused
# no dbx: the same truncated second entry is harmless (EDK2 skips its dbx checks)
boot nodbx.fd - nodbx trunc.efi:started good.efi:started
if [ -n "$check" ]; then
	# what the newer generation would do with hash384.efi (not bootable here: 2022.11 firmware)
	r=refused
	"$check" --firmware edk2-2023.11 db.esl dbx.esl hash384.efi >hash384.2023.sbv 2>&1 && r=started
	echo "bootproof --firmware edk2-2023.11 on hash384.efi: $r (stable202311 looks up SHA-384 too)" | tee -a verdicts.txt
	[ "$r" = started ] || bad=1
fi
[ -n "$check" ] || echo "note: sbv-check not built (SBV_CHECK, build/test): bootproof's verdicts not compared here" | tee -a verdicts.txt
echo "firmware verdicts, whole check (keys, images, two boots): $(($(date +%s) - t0))s" | tee -a verdicts.txt
[ "$bad" = 0 ] || die "a firmware verdict differs from the expected one or from bootproof's (see $w/verdicts.txt, $w/*.console.log)"
