#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Change the UKI inside a COPY of a disk image the way an attacker with write access to the ESP
# would: one byte of its .osrel section (the PE stays valid and bootable). Usage: tamper-uki.sh DISK
set -eu
disk=${1:?usage: tamper-uki.sh DISK}
bp=${BOOTPROOF:-$(cd "$(dirname "$0")/../.." && pwd)/out/tool/bootproof}
. "$(dirname "$0")/../../image/scripts/esp.sh"
img=$(esp_spec "$disk") || exit 1
uki=$(esp_uki "$img") || exit 1
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mcopy -n -i "$img" "$uki" "$w/uki.efi"
off=$("$bp" uki inspect --json "$w/uki.efi" | jq -r '.sections[] | select(.name == ".osrel") | .pointer_to_raw_data')
[ -n "$off" ] || { echo "tamper-uki: no .osrel section" >&2; exit 1; }
b=$(dd if="$w/uki.efi" bs=1 skip="$off" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
printf "$(printf '\\%03o' $((b ^ 0x20)))" | dd of="$w/uki.efi" bs=1 seek="$off" conv=notrunc 2>/dev/null
mcopy -o -n -i "$img" "$w/uki.efi" "$uki"
echo "tamper-uki: flipped one byte of .osrel (offset $off) in $uki"
