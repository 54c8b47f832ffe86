# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The EFI System Partition of a GPT disk image, for mtools (sourced by the pipeline's scripts and the
# boot tests; no side effects, so a test may source it alone). Each function writes its result on
# stdout and, when it cannot, says why on stderr and returns 1: the caller's die names its context.
MTOOLS_SKIP_CHECK=1	# the ESP's FAT geometry is mkosi's, not one mtools would pick
export MTOOLS_SKIP_CHECK
ESP_TYPE_GUID=C12A7328-F81F-11D2-BA4B-00A0C93EC93B

# DISK -> "DISK@@OFFSET", the ESP as an mtools image (mcopy -i, mdir -i)
esp_spec() {
	_esp_j=$(sfdisk -J "$1") || { echo "esp_spec: sfdisk cannot read the partition table of $1" >&2; return 1; }
	_esp_s=$(printf '%s\n' "$_esp_j" | jq -r --arg t "$ESP_TYPE_GUID" \
		'[.partitiontable.partitions[] | select(.type == $t) | .start] | if length == 1 then .[0] else empty end') ||
		{ echo "esp_spec: $1: sfdisk's partition table is not the JSON jq expects" >&2; return 1; }
	[ -n "$_esp_s" ] || { echo "esp_spec: $1 has no EFI System Partition (or more than one)" >&2; return 1; }
	echo "$1@@$((_esp_s * 512))"
}

# SPEC -> the ESP path of its one UKI (::/EFI/Linux/NAME.efi)
esp_uki() {
	_esp_u=$(mdir -i "$1" -b ::/EFI/Linux) || { echo "esp_uki: no \\EFI\\Linux on the ESP of ${1%@@*}" >&2; return 1; }
	_esp_u=$(printf '%s\n' "$_esp_u" | grep -i '\.efi$') || true
	if [ -z "$_esp_u" ] || [ "$(printf '%s\n' "$_esp_u" | wc -l)" != 1 ]; then
		echo "esp_uki: expected one UKI in \\EFI\\Linux of ${1%@@*}, found: ${_esp_u:-none}" >&2
		return 1
	fi
	echo "$_esp_u"
}
