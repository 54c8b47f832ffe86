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
# cloud-formats.json records what was made and with which settings (targets, GCE firmware and
# CVM type, key origin, owner GUID): an audit rebuilds the same set from it (image/scripts/audit.sh).
# Secure Boot keys: a Secure Boot release folder (PK.crt KEK.crt db.crt dbx.esl) supplies its own;
# SB_KEYS=DIR with PK.pem KEK.pem db.pem [dbx.esl] overrides that (tests). With keys:
# gce-{PK,KEK,db}.der for gcloud, azure-uefi-settings.json for the gallery image version,
# a non-empty dbx split into its entries (dbx.esl: EFI_CERT_SHA256 and EFI_CERT_X509 entries only):
# gce-dbx-NNN.bin (a raw SHA-256) / gce-dbx-NNN.der (a certificate) for --forbidden-database-file,
# and one additionalSignatures.dbx element per entry for Azure; GCE and Azure make one
# EFI_SIGNATURE_LIST per file / per certificate or hash element, so PCR 7 of golden-gce.json and
# golden-azure.json is predicted from those single-entry lists (sbsiglist: GCE's owner GUID for GCE,
# SB_OWNER_GUID for Azure), in the order carried, not from dbx.esl's own grouping;
# aws-uefi-data.b64 for register-image --uefi-data (virt-fw-vars: PK, KEK, db from the
# certificates, dbx = dbx.esl's bytes; an empty dbx.esl leaves dbx out of the blob: EDK2 measures
# an absent dbx exactly as a 0-byte one, see docs/cloud-aws.md), and PCR 7 predicted from the same
# lists. The blob is decoded again and must carry exactly the lists predict was given.
# Without keys: GCE and Azure keep their default keys (PCR 7 variable), AWS boots in SetupMode
# with Secure Boot off (PCR 7 = the empty-variable value).
# The bytes are made by the tools tree's tar, gzip, python3, openssl and sbsiglist when TOOLS
# points at one (the release pipeline: pinned and bundled versions), else by the host's (tests);
# virt-fw-vars is the host's (python3-virt-firmware, bookworm-backports; host-tools.txt).
# Usage: cloud-formats.sh TARGETS DIR   TARGETS: gce, azure, aws, a comma list of them, or all;
#                                       DIR holds bootproof.raw
# Env: SOURCE_DATE_EPOCH (required), BOOTPROOF (for profiles and goldens), IMAGE_VERSION,
#      GCE_CVM (none|sev|sev-es|tdx|sev-snp, default none), GCE_FIRMWARE (default 2),
#      SB_KEYS, SB_OWNER_GUID (owner of the ESLs for AWS/Azure; default bootproof's).
set -eu
plat=${1:?usage: cloud-formats.sh gce|azure|aws|all|LIST DIR}
dir=${2:?usage: cloud-formats.sh gce|azure|aws|all|LIST DIR}
here=$(cd "$(dirname "$0")" && pwd)
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}"
GCE_CVM=${GCE_CVM:-none} GCE_FIRMWARE=${GCE_FIRMWARE:-2}
# GCE wraps every DER it is given in its own list with this owner (cloud-platforms.md §2.1).
GCE_OWNER=d281fad2-8d88-47a4-9792-5baa47bb1b89
# the owner GUID of the Secure Boot release's own lists (one definition: secure-boot-owner.sh)
. "$here/secure-boot-owner.sh"
raw=$dir/bootproof.raw
[ -f "$raw" ] || { echo "cloud-formats: $raw missing" >&2; exit 1; }
# targets in a fixed order, whatever order or repetition the list has
for t in $(echo "$plat" | tr ',' ' '); do
	case $t in all | gce | azure | aws) ;;
	*) echo "cloud-formats: unknown platform '$t' (gce, azure, aws, all, or a comma list)" >&2; exit 2 ;; esac
done
targets=
for t in gce azure aws; do
	case ",$plat," in *",$t,"* | *,all,*) targets="$targets $t" ;; esac
done
[ -n "$targets" ] || { echo "cloud-formats: no platform in '$plat'" >&2; exit 2; }
export LC_ALL=C TZ=UTC
umask 022
dir=$(cd "$dir" && pwd)
raw=$dir/bootproof.raw
tmp=$(mktemp -d "$dir/.cloud.XXXXXX")
gz_pid=
trap '[ -z "$gz_pid" ] || kill "$gz_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
keys_from=none
# A Secure Boot release folder carries its public certificates: use them unless SB_KEYS says otherwise.
if [ -n "${SB_KEYS:-}" ]; then
	keys_from=SB_KEYS
elif [ -f "$dir/PK.crt" ] && [ -f "$dir/KEK.crt" ] && [ -f "$dir/db.crt" ]; then
	keys_from=release
	SB_KEYS=$tmp/release-keys
	mkdir -p "$SB_KEYS"
	for k in PK KEK db; do cp "$dir/$k.crt" "$SB_KEYS/$k.pem"; done
	[ ! -f "$dir/dbx.esl" ] || cp "$dir/dbx.esl" "$SB_KEYS/dbx.esl"
fi

# tt CMD...: run a byte-producing command with the tools tree's /usr when there is one
tt() {
	if [ -n "${TOOLS:-}" ] && [ -x "$TOOLS/usr/bin/gzip" ]; then "$here/in-tools.sh" "$@"; else "$@"; fi
}

# padded SRC ALIGN DST: DST = SRC followed by zeros up to a multiple of ALIGN bytes (sparse).
padded() {
	cp --sparse=always "$1" "$3"
	truncate -s %"$2" "$3"
}

# esl PEM OWNER OUT: the EFI_SIGNATURE_LIST (x509) firmware stores for one certificate.
esl() {
	tt openssl x509 -in "$1" -outform DER -out "$tmp/esl.der"
	tt sbsiglist --owner "$2" --type x509 --output "$3" "$tmp/esl.der"
}

have_keys() {
	[ -n "${SB_KEYS:-}" ] && [ -f "$SB_KEYS/PK.pem" ] && [ -f "$SB_KEYS/KEK.pem" ] && [ -f "$SB_KEYS/db.pem" ]
}
# a dbx to carry: a non-empty dbx.esl (empty = no revocations = no dbx variable)
have_dbx() { have_keys && [ -s "$SB_KEYS/dbx.esl" ]; }

# dbx_entries: dbx.esl split into its entries, $tmp/dbx-entries/NNN.sha256 (32 bytes) or NNN.x509
# (DER), NNN from 001 in list order. GCE's --forbidden-database-file and Azure's uefiSettings carry
# hashes and certificates, not lists: any other entry type is refused. `bootproof siglist split`
# walks the lists with predict's bounded, fuzzed parser (measure/predict/secureboot.c).
dbx_entries() {
	[ -n "${BOOTPROOF:-}" ] || { echo "cloud-formats: BOOTPROOF unset: cannot split $SB_KEYS/dbx.esl" >&2; exit 1; }
	rm -rf "$tmp/dbx-entries"
	mkdir -p "$tmp/dbx-entries"
	"$BOOTPROOF" siglist split "$SB_KEYS/dbx.esl" "$tmp/dbx-entries" || {
		echo "cloud-formats: $SB_KEYS/dbx.esl cannot be carried entry by entry (above)" >&2
		exit 1
	}
}

# dbx_lists OWNER OUT: the dbx a cloud builds from the carried entries: one single-entry
# EFI_SIGNATURE_LIST per entry (sbsiglist), owner OWNER, in order.
dbx_lists() {
	: >"$2"
	for e in "$tmp"/dbx-entries/*; do
		tt sbsiglist --owner "$1" --type "${e##*.}" --output "$tmp/dbx-one.esl" "$e"
		cat "$tmp/dbx-one.esl" >>"$2"
	done
}

# golden TARGET [predict args...]: platform-T.json and (with the UKI) golden-T.json.
golden() {
	t=$1; shift
	[ -n "${BOOTPROOF:-}" ] || { echo "    (BOOTPROOF unset: no platform-$t.json, golden-$t.json)"; return 0; }
	popt=""
	case $t in gce) popt="--gce-firmware $GCE_FIRMWARE --cvm $GCE_CVM" ;; esac
	have_keys || case $t in gce | azure) popt="$popt --default-keys" ;; esac
	# shellcheck disable=SC2086
	"$BOOTPROOF" eventlog profile --target "$t" $popt --name "$t" --bank sha1,sha256,sha384 \
		-o "$dir/platform-$t.json"
	[ -f "$dir/bootproof.efi" ] || return 0
	if [ -f "$dir/secure-boot-unsigned.txt" ]; then
		# an audit whose rebuilt PEs differ from the release's (pipeline.sh do_golden): the firmware
		# would refuse them, so there is nothing to predict; the comparison reports golden-T.json missing
		echo "    golden-$t.json NOT predicted: the rebuild left a PE unsigned (secure-boot-unsigned.txt)"
		return 0
	fi
	"$BOOTPROOF" predict --disk "$raw" --platform "$dir/platform-$t.json" \
		--name bootproof --image-version "${IMAGE_VERSION:-unknown}" \
		--banks sha1,sha256,sha384 "$@" -o "$dir/golden-$t.json" || {
		echo "cloud-formats: predict for $t failed${SB_KEYS:+ (with Secure Boot keys, systemd-boot and the UKI must be signed by their db key: the Secure Boot release)}" >&2
		exit 1
	}
}

# Key material in each cloud's format, and the ESLs predict uses for PCR 7 (same certs): writes
# $tmp/T-{PK,KEK,db}.esl and the predict arguments to $tmp/T.predict-args.
keys() {
	t=$1 owner=$2
	for k in PK KEK db; do esl "$SB_KEYS/$k.pem" "$owner" "$tmp/$t-$k.esl"; done
	set -- --secure-boot on --pk "$tmp/$t-PK.esl" --kek "$tmp/$t-KEK.esl" --db "$tmp/$t-db.esl"
	if have_dbx; then
		case $t in
		aws) set -- "$@" --dbx "$SB_KEYS/dbx.esl" ;;	# the blob carries dbx.esl's bytes
		*) dbx_lists "$owner" "$tmp/$t-dbx.esl"; set -- "$@" --dbx "$tmp/$t-dbx.esl" ;;
		esac
	fi
	echo "$@" >"$tmp/$t.predict-args"
}

secs() { echo $(($(date +%s) - $1)); }

for t in $targets; do
	t0=$(date +%s)
	case $t in
	gce)
		echo "==> GCE: bootproof-gce.tar.gz (disk.raw, oldgnu, 1 GiB multiple)"
		mkdir -p "$tmp/gce"
		padded "$raw" 1G "$tmp/gce/disk.raw"
		# gzip is most of the cloud step's time: it runs while the other targets are made
		# (no pipefail in sh: tar's failure is recorded in a file)
		# shellcheck disable=SC2016
		tt sh -c '{ tar -C "$1" --format=oldgnu --sparse --hole-detection=raw \
			--mtime="@$2" --owner=0 --group=0 --numeric-owner \
			--mode=0644 -cf - disk.raw || echo "tar exited $?" >"$3.failed"; } | gzip -n -6 >"$3"' \
			sh "$tmp/gce" "$SOURCE_DATE_EPOCH" "$tmp/gce.tar.gz" &
		gz_pid=$! gz_t0=$t0
		args=""
		rm -f "$dir"/gce-dbx-*
		if have_keys; then
			for k in PK KEK db; do tt openssl x509 -in "$SB_KEYS/$k.pem" -outform DER -out "$dir/gce-$k.der"; done
			if have_dbx; then
				# --forbidden-database-file takes DER certificates and raw binary (SHA-256) files
				dbx_entries
				for e in "$tmp"/dbx-entries/*; do
					b=$(basename "$e")
					case $b in *.sha256) cp "$e" "$dir/gce-dbx-${b%.*}.bin" ;; *) cp "$e" "$dir/gce-dbx-${b%.*}.der" ;; esac
				done
				echo "    gce dbx: $(ls "$tmp/dbx-entries" | wc -l) entries as gce-dbx-NNN.{bin,der}"
			fi
			keys gce "$GCE_OWNER"
			args=$(cat "$tmp/gce.predict-args")
		fi
		# shellcheck disable=SC2086
		golden gce $args
		echo "    gce profile and golden: $(secs "$t0") s (the archive is still being written)"
		;;
	azure)
		echo "==> Azure: bootproof-azure.vhd (fixed VHD, 1 MiB multiple, deterministic footer)"
		padded "$raw" 1M "$tmp/azure.vhd"
		size=$(stat -c %s "$tmp/azure.vhd")
		sum=$(tt openssl dgst -sha256 -r "$tmp/azure.vhd") || { echo "cloud-formats: cannot hash $tmp/azure.vhd" >&2; exit 1; }
		sum=$(echo "$sum" | cut -c1-64)
		tt python3 "$here/vhd-footer.py" "$size" "$SOURCE_DATE_EPOCH" "$sum" >>"$tmp/azure.vhd"
		mv "$tmp/azure.vhd" "$dir/bootproof-azure.vhd"
		args=""
		if have_keys; then
			for k in PK KEK db; do tt openssl x509 -in "$SB_KEYS/$k.pem" -outform DER -out "$tmp/azure-$k.der"; done
			! have_dbx || dbx_entries
			tt python3 - "$tmp" "$dir/azure-uefi-settings.json" <<'PY'
import base64, json, os, sys
d, out = sys.argv[1:3]
def b64(path):
    return base64.b64encode(open(path, "rb").read()).decode()
def der(k):
    return b64(f"{d}/azure-{k}.der")
a = {"pk": {"type": "x509", "value": [der("PK")]},
     "kek": [{"type": "x509", "value": [der("KEK")]}],
     "db": [{"type": "x509", "value": [der("db")]}]}
# dbx: one element per entry, in order (Azure makes one list per certificate; one element per
# hash keeps one list per hash too, the model predict is given)
e = f"{d}/dbx-entries"
if os.path.isdir(e):
    a["dbx"] = [{"type": f.split(".")[1], "value": [b64(f"{e}/{f}")]} for f in sorted(os.listdir(e))]
s = {"signatureTemplateNames": ["NoSignatureTemplate"], "additionalSignatures": a}
with open(out, "w") as f:
    json.dump({"uefiSettings": s}, f, indent=2, sort_keys=True)
    f.write("\n")
PY
			keys azure "$SB_OWNER_GUID"
			args=$(cat "$tmp/azure.predict-args")
		fi
		# shellcheck disable=SC2086
		golden azure $args
		echo "    azure: $(secs "$t0") s"
		;;
	aws)
		echo "==> AWS: bootproof.raw$(have_keys && echo ' + aws-uefi-data.b64')"
		args=""
		if have_keys; then
			command -v virt-fw-vars >/dev/null || { echo "cloud-formats: virt-fw-vars missing (python3-virt-firmware, bookworm-backports)" >&2; exit 1; }
			keys aws "$SB_OWNER_GUID"
			args=$(cat "$tmp/aws.predict-args")
			set -- --set-pk "$SB_OWNER_GUID" "$SB_KEYS/PK.pem" \
				--add-kek "$SB_OWNER_GUID" "$SB_KEYS/KEK.pem" \
				--add-db "$SB_OWNER_GUID" "$SB_KEYS/db.pem"
			if have_dbx; then
				# virt-fw-vars --set-dbx takes only an authenticated update (EFI_VARIABLE_AUTHENTICATION_2,
				# whose header it skips unchecked), which needs the KEK's private key: --set-json sets
				# the variable from dbx.esl's bytes instead, timestamp SOURCE_DATE_EPOCH (the .auth files')
				python3 - "$SB_KEYS/dbx.esl" "$SOURCE_DATE_EPOCH" "$tmp/dbx.json" <<'PY'
import datetime, json, struct, sys
data = open(sys.argv[1], "rb").read()
t = datetime.datetime.fromtimestamp(int(sys.argv[2]), datetime.timezone.utc)
efi_time = struct.pack("<HBBBBBxIhBx", t.year, t.month, t.day, t.hour, t.minute, t.second, 0, 0, 0)
var = {"name": "dbx", "guid": "d719b2cb-3d3a-4596-a3bc-dad00e67656f",  # EFI_IMAGE_SECURITY_DATABASE_GUID
       "attr": 0x27,  # NV | BS | RT | TIME_BASED_AUTHENTICATED_WRITE_ACCESS, as virt-fw-vars gives db
       "data": data.hex(), "time": efi_time.hex()}
json.dump({"version": 2, "variables": [var]}, open(sys.argv[3], "w"), sort_keys=True)
PY
				set -- "$@" --set-json "$tmp/dbx.json"
			fi
			virt-fw-vars -l warning "$@" --output-aws "$tmp/aws.b64"
			# the blob decoded again must carry exactly the lists PCR 7 is predicted from (and no
			# other variable); AWS takes at most 64000 characters of --uefi-data
			virt-fw-vars -l warning -i "$tmp/aws.b64" --output-json "$tmp/aws-vars.json"
			python3 - "$tmp/aws-vars.json" "$tmp" "$(have_dbx && echo "$SB_KEYS/dbx.esl")" "$(stat -c %s "$tmp/aws.b64")" <<'PY'
import json, sys
vars_json, tmp, dbx, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
v = {x["name"]: bytes.fromhex(x["data"]) for x in json.load(open(vars_json))["variables"]}
want = {k: open(f"{tmp}/aws-{k}.esl", "rb").read() for k in ("PK", "KEK", "db")}
if dbx:
    want["dbx"] = open(dbx, "rb").read()
if set(v) != set(want):
    sys.exit(f"cloud-formats: the AWS blob carries {sorted(v)}, expected {sorted(want)}")
for k in want:
    if v[k] != want[k]:
        sys.exit(f"cloud-formats: the AWS blob's {k} ({len(v[k])} bytes) is not the list PCR 7 is predicted from ({len(want[k])} bytes)")
if size > 64000:
    sys.exit(f"cloud-formats: the AWS blob has {size} characters; register-image --uefi-data takes at most 64000")
PY
			mv "$tmp/aws.b64" "$dir/aws-uefi-data.b64"
			echo "    blob: PK, KEK, db$(have_dbx && echo ", dbx ($(stat -c %s "$SB_KEYS/dbx.esl") bytes)" || echo "; dbx empty: not in the blob (measured with 0 data bytes either way)")"
		fi
		# shellcheck disable=SC2086
		golden aws $args
		echo "    aws: $(secs "$t0") s"
		;;
	esac
done
if [ -n "$gz_pid" ]; then
	rc=0
	wait "$gz_pid" || rc=$?
	gz_pid=
	if [ "$rc" != 0 ] || [ -f "$tmp/gce.tar.gz.failed" ]; then
		echo "cloud-formats: the GCE archive failed: gzip exited $rc$([ ! -f "$tmp/gce.tar.gz.failed" ] || echo ", $(cat "$tmp/gce.tar.gz.failed")")" >&2
		exit 1
	fi
	mv "$tmp/gce.tar.gz" "$dir/bootproof-gce.tar.gz"
	echo "    gce archive: $(stat -c %s "$dir/bootproof-gce.tar.gz") bytes, $(secs "$gz_t0") s"
fi

# the record an audit rebuilds the same set from
{
	printf '{\n  "format": "bootproof-cloud-formats/1",\n'
	case " $targets " in *" gce "*) printf '  "gce": {\n    "cvm": "%s",\n    "firmware": "%s"\n  },\n' "$GCE_CVM" "$GCE_FIRMWARE" ;; esac
	printf '  "keys": "%s",\n' "$keys_from"
	[ "$keys_from" = none ] || printf '  "owner_guid": "%s",\n' "$SB_OWNER_GUID"
	printf '  "platforms": [%s]\n}\n' "$(for t in $targets; do printf '"%s"\n' "$t"; done | sort | paste -sd, | sed 's/,/, /g')"
} >"$tmp/cloud-formats.json"
mv "$tmp/cloud-formats.json" "$dir/cloud-formats.json"
