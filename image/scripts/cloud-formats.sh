#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Cloud import formats of a release's disk, byte for byte reproducible (issue 11, docs/cloud-*.md):
#   gce    bootproof-gce.tar.gz    disk.raw (padded with zeros to a multiple of 1 GiB) in a GNU
#                                  oldgnu sparse tar (raw hole detection), owner 0:0, mtime
#                                  SOURCE_DATE_EPOCH, gzip -n. GCE sizes disks in whole GiB (whether
#                                  import insists is unverified); the padding leaves the primary GPT
#                                  and every partition as they are, so PCR 5 does not change
#   azure  bootproof-azure.vhd     fixed VHD: disk padded to a multiple of 1 MiB + a 512-byte footer
#                                  written by vhd-footer.py (no clock, no random UUID)
#   aws    bootproof.raw itself (import-snapshot / coldsnap take raw) [+ aws-uefi-data.b64]
# and per target the platform profile (platform-T.json: PCR 0-7 rules, `eventlog profile
# --target`) and, when the folder holds the UKI, golden-T.json predicted with it.
# Secure Boot keys (optional, SB_KEYS=DIR with PK.pem KEK.pem db.pem [dbx.esl]; the Secure Boot
# release makes them): gce-{PK,KEK,db}.der for gcloud, azure-uefi-settings.json for the gallery
# image version, aws-uefi-data.b64 for register-image --uefi-data (virt-fw-vars), and PCR 7
# predicted from the same certificates as EFI signature lists (sbsiglist).
# Without keys: GCE and Azure keep their default keys (PCR 7 variable), AWS boots in SetupMode
# with Secure Boot off (PCR 7 = the empty-variable value).
# Usage: cloud-formats.sh gce|azure|aws|all DIR      (DIR holds bootproof.raw)
# Env: SOURCE_DATE_EPOCH (required), BOOTPROOF (for profiles and goldens), IMAGE_VERSION,
#      GCE_CVM (none|sev|sev-es|tdx|sev-snp, default none), GCE_FIRMWARE (default 2),
#      SB_KEYS, SB_OWNER_GUID (owner of the ESLs for AWS/Azure; default bootproof's).
set -eu
plat=${1:?usage: cloud-formats.sh gce|azure|aws|all DIR}
dir=${2:?usage: cloud-formats.sh gce|azure|aws|all DIR}
here=$(cd "$(dirname "$0")" && pwd)
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}"
GCE_CVM=${GCE_CVM:-none} GCE_FIRMWARE=${GCE_FIRMWARE:-2}
# GCE wraps every DER it is given in its own list with this owner (cloud-platforms.md §2.1).
GCE_OWNER=d281fad2-8d88-47a4-9792-5baa47bb1b89
# the owner GUID of the Secure Boot release's own lists (one definition: secure-boot.sh)
SB_OWNER_GUID=${SB_OWNER_GUID:-$(sed -n 's/^SB_OWNER_GUID=//p' "$here/secure-boot.sh")}
raw=$dir/bootproof.raw
[ -f "$raw" ] || { echo "cloud-formats: $raw missing" >&2; exit 1; }
case $plat in gce | azure | aws) targets=$plat ;; all) targets="gce azure aws" ;;
	*) echo "cloud-formats: unknown platform '$plat' (gce, azure, aws, all)" >&2; exit 2 ;; esac
export LC_ALL=C TZ=UTC
umask 022
tmp=$(mktemp -d "$dir/.cloud.XXXXXX")
# A Secure Boot release folder carries its public certificates: use them unless SB_KEYS says otherwise.
if [ -z "${SB_KEYS:-}" ] && [ -f "$dir/PK.crt" ] && [ -f "$dir/KEK.crt" ] && [ -f "$dir/db.crt" ]; then
	SB_KEYS=$tmp/release-keys
	mkdir -p "$SB_KEYS"
	for k in PK KEK db; do cp "$dir/$k.crt" "$SB_KEYS/$k.pem"; done
	[ ! -s "$dir/dbx.esl" ] || cp "$dir/dbx.esl" "$SB_KEYS/dbx.esl"
fi
trap 'rm -rf "$tmp"' EXIT

# padded SRC ALIGN DST: DST = SRC followed by zeros up to a multiple of ALIGN bytes (sparse).
padded() {
	cp --sparse=always "$1" "$3"
	truncate -s %"$2" "$3"
}

# esl PEM OWNER OUT: the EFI_SIGNATURE_LIST (x509) firmware stores for one certificate.
esl() {
	openssl x509 -in "$1" -outform DER -out "$tmp/esl.der"
	sbsiglist --owner "$2" --type x509 --output "$3" "$tmp/esl.der"
}

have_keys() {
	[ -n "${SB_KEYS:-}" ] && [ -f "$SB_KEYS/PK.pem" ] && [ -f "$SB_KEYS/KEK.pem" ] && [ -f "$SB_KEYS/db.pem" ]
}

# golden TARGET [predict args...]: platform-T.json and (with the UKI) golden-T.json.
golden() {
	t=$1; shift
	[ -n "${BOOTPROOF:-}" ] || { echo "    (BOOTPROOF unset: no platform-$t.json, golden-$t.json)"; return 0; }
	set -- "$@"
	popt=""
	case $t in gce) popt="--gce-firmware $GCE_FIRMWARE --cvm $GCE_CVM" ;; esac
	have_keys || case $t in gce | azure) popt="$popt --default-keys" ;; esac
	# shellcheck disable=SC2086
	"$BOOTPROOF" eventlog profile --target "$t" $popt --name "$t" --bank sha1,sha256,sha384 \
		-o "$dir/platform-$t.json"
	[ -f "$dir/bootproof.efi" ] || return 0
	"$BOOTPROOF" predict --disk "$raw" --platform "$dir/platform-$t.json" \
		--name bootproof --image-version "${IMAGE_VERSION:-unknown}" \
		--banks sha1,sha256,sha384 "$@" -o "$dir/golden-$t.json" || {
		echo "cloud-formats: predict for $t failed${SB_KEYS:+ (with SB_KEYS, systemd-boot and the UKI must be signed by a db key: the Secure Boot release)}" >&2
		exit 1
	}
}

# Key material in each cloud's format, and the ESLs predict uses for PCR 7 (same certs).
keys() {
	t=$1 owner=$2
	for k in PK KEK db; do esl "$SB_KEYS/$k.pem" "$owner" "$tmp/$t-$k.esl"; done
	set -- --secure-boot on --pk "$tmp/$t-PK.esl" --kek "$tmp/$t-KEK.esl" --db "$tmp/$t-db.esl"
	[ -f "$SB_KEYS/dbx.esl" ] && set -- "$@" --dbx "$SB_KEYS/dbx.esl"
	echo "$@" >"$tmp/$t.predict-args"
}

for t in $targets; do
	case $t in
	gce)
		echo "==> GCE: bootproof-gce.tar.gz (disk.raw, oldgnu, 1 GiB multiple)"
		mkdir -p "$tmp/gce"
		padded "$raw" 1G "$tmp/gce/disk.raw"
		tar -C "$tmp/gce" --format=oldgnu --sparse --hole-detection=raw \
			--mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
			--mode=0644 -cf - disk.raw | gzip -n -6 >"$tmp/gce.tar.gz"
		mv "$tmp/gce.tar.gz" "$dir/bootproof-gce.tar.gz"
		args=""
		if have_keys; then
			for k in PK KEK db; do openssl x509 -in "$SB_KEYS/$k.pem" -outform DER -out "$dir/gce-$k.der"; done
			keys gce "$GCE_OWNER"
			args=$(cat "$tmp/gce.predict-args")
		fi
		# shellcheck disable=SC2086
		golden gce $args
		;;
	azure)
		echo "==> Azure: bootproof-azure.vhd (fixed VHD, 1 MiB multiple, deterministic footer)"
		padded "$raw" 1M "$tmp/azure.vhd"
		size=$(stat -c %s "$tmp/azure.vhd")
		sum=$(openssl dgst -sha256 -r "$tmp/azure.vhd" | cut -c1-64)
		python3 "$here/vhd-footer.py" "$size" "$SOURCE_DATE_EPOCH" "$sum" >>"$tmp/azure.vhd"
		mv "$tmp/azure.vhd" "$dir/bootproof-azure.vhd"
		args=""
		if have_keys; then
			python3 - "$SB_KEYS" "$dir/azure-uefi-settings.json" <<'PY'
import base64, json, subprocess, sys
d, out = sys.argv[1:3]
def der(k):
    return base64.b64encode(subprocess.run(["openssl", "x509", "-in", f"{d}/{k}.pem", "-outform",
                                            "DER"], check=True, capture_output=True).stdout).decode()
s = {"signatureTemplateNames": ["NoSignatureTemplate"],
     "additionalSignatures": {"pk": {"type": "x509", "value": [der("PK")]},
                              "kek": [{"type": "x509", "value": [der("KEK")]}],
                              "db": [{"type": "x509", "value": [der("db")]}]}}
json.dump({"uefiSettings": s}, open(out, "w"), indent=2, sort_keys=True)
open(out, "a").write("\n")
PY
			keys azure "$SB_OWNER_GUID"
			args=$(cat "$tmp/azure.predict-args")
		fi
		# shellcheck disable=SC2086
		golden azure $args
		;;
	aws)
		echo "==> AWS: bootproof.raw$(have_keys && echo ' + aws-uefi-data.b64')"
		args=""
		if have_keys; then
			command -v virt-fw-vars >/dev/null || { echo "cloud-formats: virt-fw-vars missing (python3-virt-firmware, bookworm-backports)" >&2; exit 1; }
			set -- --set-pk "$SB_OWNER_GUID" "$SB_KEYS/PK.pem" \
				--add-kek "$SB_OWNER_GUID" "$SB_KEYS/KEK.pem" \
				--add-db "$SB_OWNER_GUID" "$SB_KEYS/db.pem"
			[ -f "$SB_KEYS/dbx.esl" ] && echo "    note: dbx.esl is not carried in the AWS blob yet (virt-fw-vars --set-dbx takes an update file)"
			virt-fw-vars -l warning "$@" --output-aws "$tmp/aws.b64"
			mv "$tmp/aws.b64" "$dir/aws-uefi-data.b64"
			keys aws "$SB_OWNER_GUID"
			args=$(cat "$tmp/aws.predict-args")
		fi
		# shellcheck disable=SC2086
		golden aws $args
		;;
	esac
done
