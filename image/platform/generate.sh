#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes the committed platform profiles (bootproof-platform/2: status + source per PCR 0-7 and
# bank, image/platform/README.md) from bootproof's own target rules:
#   qemu.json                 PCR 0-3, 6 exact from ovmf-q35.eventlog; 4, 5, 7 computed
#   gce-{shielded,sev,sev-es,sev-snp,tdx}.json   PCR 0 computed for GCE Virtual Firmware v2
#   azure.json, aws.json
# Usage: generate.sh BOOTPROOF OUTDIR. tests/eventlog/test-platform-profiles.sh checks that the
# committed files equal what this writes.
set -eu
bp=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
banks=sha1,sha256,sha384
mkdir -p "$out"
"$bp" eventlog profile --target qemu "$here/ovmf-q35.eventlog" \
	--name qemu-q35-ovmf-2022.11-swtpm --bank $banks -o "$out/qemu.json"
for c in none:shielded sev:sev sev-es:sev-es sev-snp:sev-snp tdx:tdx; do
	"$bp" eventlog profile --target gce --gce-firmware 2 --cvm "${c%%:*}" \
		--name "gce-${c##*:}-fw2" --bank $banks -o "$out/gce-${c##*:}.json"
done
"$bp" eventlog profile --target azure --name azure-trusted-launch --bank $banks -o "$out/azure.json"
"$bp" eventlog profile --target aws --name aws-nitrotpm --bank $banks -o "$out/aws.json"
