#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Puts golden.json's sealing policy ("seal") on the disk's ESP as \loader\bootproof-seal.json, where
# the image's bootproof-data-init.service reads it on the machine (docs/sealing.md: it cannot be in
# the verity root, whose root hash is in the UKI the policy covers). No sealed PCR depends on the
# ESP's files (PCR 4: the boot applications' Authenticode; 5: the GPT and loader.conf only), so the
# values do not move; predict.sh predicts again over the final disk and checks that.
# Deterministic: the file's time is SOURCE_DATE_EPOCH (mtools takes -m from the file and honours
# SOURCE_DATE_EPOCH for the rest).
# Usage: seal-esp.sh DISK GOLDEN
set -eu
. "$(dirname "$0")/lib.sh"
disk=${1:?usage: seal-esp.sh DISK GOLDEN}
golden=${2:?usage: seal-esp.sh DISK GOLDEN}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BOOTPROOF" seal policy --golden "$golden" --format json -o "$tmp/bootproof-seal.json" ||
	die "golden.json has no sealing policy"
touch -d "@$SOURCE_DATE_EPOCH" "$tmp/bootproof-seal.json"
img=$(esp_spec "$disk") || die "no ESP in $disk"
mcopy -o -m -i "$img" "$tmp/bootproof-seal.json" \
	::/loader/bootproof-seal.json || die "mcopy onto the ESP of $disk"
echo "seal-esp: /loader/bootproof-seal.json on the ESP, policy $("$BOOTPROOF" seal policy --golden "$golden")"
