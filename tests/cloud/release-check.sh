#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cloud import formats of a real release (issue 11), checked with independent tools; run by
# tests/offline/offline-test.sh (tests/run) on the release it audits. For each platform that the
# release's cloud-formats.json lists:
#   gce    GNU tar -xzS of bootproof-gce.tar.gz gives exactly one file, disk.raw, equal to
#          bootproof.raw padded with zeros (truncate) to a multiple of 1 GiB; the DER files are the
#          release's own PK.der KEK.der db.der; gce-dbx-NNN.{bin,der} are dbx.esl's entries in order
#          (none for an empty dbx)
#   azure  qemu-img convert -f vpc of bootproof-azure.vhd gives bootproof.raw padded to 1 MiB;
#          azure-uefi-settings.json carries the release's DER certificates and dbx.esl's entries
#   gce, azure: golden-T.json's PCR 7 events measure exactly the lists that cloud builds from what
#          is carried: one EFI_SIGNATURE_LIST per DER file / JSON value (GCE: owner
#          d281fad2-8d88-47a4-9792-5baa47bb1b89; Azure: the owner_guid of cloud-formats.json), dbx
#          with 0 bytes when nothing is carried; lists rebuilt here in Python, digests recomputed
#   aws    the --uefi-data blob decoded by virt-fw-vars carries PK, KEK, db equal to the release's
#          own PK.esl KEK.esl db.esl (efitools' cert-to-efi-sig-list in the tools tree: another
#          writer than virt-fw-vars) and dbx equal to dbx.esl, or no dbx when dbx.esl is empty; and
#          golden-aws.json's PCR 7 events measure exactly these variables: each PK/KEK/db/dbx
#          event's UEFI_VARIABLE_DATA (parsed here) holds the blob's bytes (0 bytes for an absent
#          dbx: what EDK2's Tcg2Dxe measures for a variable it cannot read), and each event's
#          digest is recomputed here from that data, in every bank
# and every cloud file is listed in SHA256SUMS. Prints one line per check. Exit 0 all match; 3 a check
# ran and found a mismatch ("FAIL: ..."); 1 a check could not run ("CANNOT CHECK: ...": a tool
# missing, a release file that cannot be read, no scratch space): never a verdict on the release.
# Usage: release-check.sh RELEASE_DIR WORKDIR   (WORKDIR: scratch space, ~2x the disk, removed)
set -eu
rel=$(cd "${1:?usage: release-check.sh RELEASE_DIR WORKDIR}" && pwd)
w=${2:?usage: release-check.sh RELEASE_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
# no __pycache__ beside pcr7vars.py: this runs in the checkout an audit then takes its sources from
export PYTHONDONTWRITEBYTECODE=1
fail() { echo "FAIL: $*" >&2; exit 3; }
cannot() { echo "CANNOT CHECK: $* (exit 1: the check did not run)" >&2; exit 1; }
need() {	# CMD...: installed, else the check cannot run
	for t; do command -v "$t" >/dev/null 2>&1 || cannot "$t is not installed (tests/deps/cloud.list)"; done
}
readable() {	# FILE...: regular files whose bytes can be read, else the check cannot run
	for f; do [ -f "$f" ] && head -c 1 "$f" >/dev/null 2>&1 || cannot "$f cannot be read"; done
}
[ -f "$rel/cloud-formats.json" ] || { echo "cloud formats: none (the release has no cloud-formats.json: PLATFORM=qemu)"; exit 0; }
need jq python3 cmp cp truncate stat
readable "$rel/cloud-formats.json" "$rel/bootproof.raw" "$rel/SHA256SUMS"
# every file SHA256SUMS lists that is there must be readable (the checks below read many of them: a
# file that cannot be read must not turn into a FAIL)
for f in $(awk '{ print $2 }' "$rel/SHA256SUMS"); do
	[ ! -e "$rel/$f" ] || readable "$rel/$f"
done
rm -rf "$w"
mkdir -p "$w" || cannot "cannot make the scratch folder $w"
w=$(cd "$w" && pwd)
trap 'rm -rf "$w"' EXIT
platforms=$(jq -r '.platforms[]' "$rel/cloud-formats.json")
raw=$rel/bootproof.raw
rawsize=$(stat -c %s "$raw")
secs() { echo $(($(date +%s) - $1)); }

listed() {	# FILE...: each is in SHA256SUMS
	for f; do
		grep -q -E "^[0-9a-f]{64}  $f\$" "$rel/SHA256SUMS" || fail "$f is not listed in SHA256SUMS"
	done
}
has_keys() { [ -f "$rel/PK.esl" ] && [ -f "$rel/KEK.esl" ] && [ -f "$rel/db.esl" ]; }

# carried_vs_golden gce|azure: the dbx entries of dbx.esl are what the cloud's files carry, and
# golden-T.json's PCR 7 measures the lists the cloud builds from them (see the header)
carried_vs_golden() {
	PYTHONPATH=$here python3 - "$rel" "$1" <<'PY'
import base64, glob, json, os, struct, sys, uuid
from pcr7vars import pcr7_variables
r, cloud = sys.argv[1], sys.argv[2]
SHA256 = uuid.UUID("c1c41626-504c-4092-aca9-41f936934328").bytes_le
X509 = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072").bytes_le
def esl_entries(d):  # [(type, data)] of an EFI_SIGNATURE_LIST chain (UEFI 2.10 32.4.1)
    out, off = [], 0
    while off < len(d):
        lsize, hsize, ssize = struct.unpack_from("<III", d, off + 16)
        assert 28 + hsize <= lsize <= len(d) - off and ssize > 16, f"dbx.esl: bad list at {off}"
        p = off + 28 + hsize
        while p < off + lsize:
            out.append(("sha256" if d[off:off + 16] == SHA256 else "x509" if d[off:off + 16] == X509 else "other", d[p + 16:p + ssize]))
            p += ssize
        off += lsize
    return out
def one_list(kind, owner, data):  # a single-entry EFI_SIGNATURE_LIST
    return (SHA256 if kind == "sha256" else X509) + struct.pack("<III", 28 + 16 + len(data), 0, 16 + len(data)) + owner + data
want_entries = esl_entries(open(f"{r}/dbx.esl", "rb").read())
der = lambda k: open(f"{r}/{k}.der", "rb").read()
if cloud == "gce":
    owner = uuid.UUID("d281fad2-8d88-47a4-9792-5baa47bb1b89").bytes_le
    files = sorted(glob.glob(f"{r}/gce-dbx-*"))
    carried = [("sha256" if f.endswith(".bin") else "x509", open(f, "rb").read()) for f in files]
    names = [os.path.basename(f) for f in files]
    assert names == [f"gce-dbx-{i:03d}.{'bin' if k == 'sha256' else 'der'}" for i, (k, _) in enumerate(carried, 1)], names
    keys = {k: der(k) for k in ("PK", "KEK", "db")}
    for k in keys:
        assert open(f"{r}/gce-{k}.der", "rb").read() == keys[k], f"gce-{k}.der"
else:
    owner = uuid.UUID(json.load(open(f"{r}/cloud-formats.json"))["owner_guid"]).bytes_le
    a = json.load(open(f"{r}/azure-uefi-settings.json"))["uefiSettings"]["additionalSignatures"]
    carried = [(e["type"], base64.b64decode(v)) for e in a.get("dbx", []) for v in e["value"]]
    keys = {"PK": base64.b64decode(a["pk"]["value"][0]), "KEK": base64.b64decode(a["kek"][0]["value"][0]),
            "db": base64.b64decode(a["db"][0]["value"][0])}
    for k in keys:
        assert keys[k] == der(k), f"azure {k}"
assert carried == want_entries, f"{cloud} carries {len(carried)} dbx entries, dbx.esl has {len(want_entries)} (or they differ)"
lists = {k: one_list("x509", owner, v) for k, v in keys.items()}
lists["dbx"] = b"".join(one_list(k, owner, v) for k, v in carried)
if not os.path.exists(f"{r}/golden-{cloud}.json"):
    print(f"dbx: {len(carried)} entries carried (no golden-{cloud}.json: no UKI)")
    sys.exit(0)
banks, events = pcr7_variables(f"{r}/golden-{cloud}.json")
seen = {}
for bank, _, name, data in events:
    if name in lists:
        assert data == lists[name], f"{bank} PCR 7 {name}: {len(data)} bytes measured, the {cloud} lists of what is carried have {len(lists[name])}"
        seen.setdefault(name, set()).add(bank)
assert set(seen) == set(lists), f"golden-{cloud}.json PCR 7 measures {sorted(seen)}"
print(f"golden-{cloud}.json PCR 7 = the {cloud} lists of the carried PK/KEK/db and {len(carried)} dbx entries "
      f"(dbx {len(lists['dbx'])} bytes) in {', '.join(banks)}")
PY
}

for p in $platforms; do
	t0=$(date +%s)
	listed "platform-$p.json"
	[ ! -f "$rel/bootproof.efi" ] || listed "golden-$p.json"
	case $p in
	gce)
		listed bootproof-gce.tar.gz
		need tar gzip
		readable "$rel/bootproof-gce.tar.gz"
		mkdir -p "$w/gce"
		tar -C "$w/gce" -xzSf "$rel/bootproof-gce.tar.gz" 2>"$w/tar.err" ||
			fail "bootproof-gce.tar.gz does not extract with GNU tar: $(tail -n 2 "$w/tar.err" | tr '\n' ' ')"
		[ "$(ls -A "$w/gce")" = disk.raw ] || fail "bootproof-gce.tar.gz holds $(ls -A "$w/gce" | tr '\n' ' '), not only disk.raw"
		cp --sparse=always "$raw" "$w/ref-gce.raw"
		truncate -s %1G "$w/ref-gce.raw"
		cmp "$w/gce/disk.raw" "$w/ref-gce.raw" || fail "GCE: disk.raw is not bootproof.raw padded with zeros to 1 GiB"
		size=$(stat -c %s "$w/gce/disk.raw")
		rm -rf "$w/gce" "$w/ref-gce.raw"
		if has_keys; then
			listed gce-PK.der gce-KEK.der gce-db.der
			for k in PK KEK db; do cmp "$rel/gce-$k.der" "$rel/$k.der" || fail "gce-$k.der is not the release's $k.der"; done
			for f in "$rel"/gce-dbx-*; do [ ! -f "$f" ] || listed "$(basename "$f")"; done
			carried_vs_golden gce >"$w/gce-pcr7.txt" || fail "GCE key files or golden-gce.json's PCR 7"
		fi
		echo "gce: tar -xzS gives disk.raw = bootproof.raw ($rawsize bytes) + zeros to $size bytes$(has_keys && echo "; gce-{PK,KEK,db}.der = the release's; $(cat "$w/gce-pcr7.txt")") ($(secs "$t0") s)"
		;;
	azure)
		listed bootproof-azure.vhd
		need qemu-img
		readable "$rel/bootproof-azure.vhd"
		qemu-img convert -f vpc -O raw "$rel/bootproof-azure.vhd" "$w/azure.raw" 2>"$w/qemu-img.err" ||
			fail "bootproof-azure.vhd does not convert with qemu-img -f vpc: $(tail -n 2 "$w/qemu-img.err" | tr '\n' ' ')"
		cp --sparse=always "$raw" "$w/ref-azure.raw"
		truncate -s %1M "$w/ref-azure.raw"
		cmp "$w/azure.raw" "$w/ref-azure.raw" || fail "Azure: qemu-img convert -f vpc does not give bootproof.raw padded to 1 MiB"
		size=$(stat -c %s "$w/azure.raw")
		[ "$(stat -c %s "$rel/bootproof-azure.vhd")" = $((size + 512)) ] || fail "Azure: the VHD is not the padded disk + a 512-byte footer"
		rm -f "$w/azure.raw" "$w/ref-azure.raw"
		if has_keys; then
			listed azure-uefi-settings.json
			python3 - "$rel" <<'PY' || fail "azure-uefi-settings.json does not carry the release's certificates"
import base64, json, sys
r = sys.argv[1]
s = json.load(open(f"{r}/azure-uefi-settings.json"))["uefiSettings"]
a = s["additionalSignatures"]
der = lambda k: open(f"{r}/{k}.der", "rb").read()
assert s["signatureTemplateNames"] == ["NoSignatureTemplate"], s["signatureTemplateNames"]
assert base64.b64decode(a["pk"]["value"][0]) == der("PK")
assert base64.b64decode(a["kek"][0]["value"][0]) == der("KEK")
assert base64.b64decode(a["db"][0]["value"][0]) == der("db")
PY
			carried_vs_golden azure >"$w/azure-pcr7.txt" || fail "azure-uefi-settings.json's dbx or golden-azure.json's PCR 7"
		fi
		echo "azure: qemu-img convert -f vpc gives bootproof.raw + zeros to $size bytes$(has_keys && echo "; uefiSettings carry the release's DER; $(cat "$w/azure-pcr7.txt")") ($(secs "$t0") s)"
		;;
	aws)
		if ! has_keys; then
			[ ! -e "$rel/aws-uefi-data.b64" ] || fail "an AWS blob in a release without Secure Boot keys"
			echo "aws: no Secure Boot keys, no blob (Secure Boot off, setup mode)"
			continue
		fi
		listed aws-uefi-data.b64
		need virt-fw-vars
		readable "$rel/aws-uefi-data.b64"
		virt-fw-vars -l warning -i "$rel/aws-uefi-data.b64" --output-json "$w/aws-vars.json" 2>"$w/vfv.err" ||
			fail "aws-uefi-data.b64 does not decode with virt-fw-vars: $(tail -n 2 "$w/vfv.err" | tr '\n' ' ')"
		PYTHONPATH=$here python3 - "$rel" "$w/aws-vars.json" >"$w/aws.txt" <<'PY' || fail "the AWS blob or golden-aws.json's PCR 7"
import json, os, sys
from pcr7vars import pcr7_variables
r, vj = sys.argv[1], sys.argv[2]
blob = {x["name"]: (x["guid"], bytes.fromhex(x["data"])) for x in json.load(open(vj))["variables"]}
dbx = open(f"{r}/dbx.esl", "rb").read()
want = {k: open(f"{r}/{k}.esl", "rb").read() for k in ("PK", "KEK", "db")}
if dbx:
    want["dbx"] = dbx
assert set(blob) == set(want), f"the blob carries {sorted(blob)}, the release's lists are {sorted(want)}"
for k, esl in want.items():
    assert blob[k][1] == esl, f"blob {k}: {len(blob[k][1])} bytes, the release's {k}.esl {len(esl)}"
if not os.path.exists(f"{r}/golden-aws.json"):
    print("blob = the release's lists (no golden-aws.json: no UKI)")
    sys.exit(0)
banks, events = pcr7_variables(f"{r}/golden-aws.json")
seen = {}
for bank, guid, name, data in events:
    if name in ("PK", "KEK", "db", "dbx"):
        # an absent variable is measured with no data (Tcg2Dxe ReadAndMeasureVariable)
        carried = blob.get(name, (None, b""))
        assert data == carried[1], f"{bank} PCR 7 {name}: {len(data)} bytes measured, the blob carries {len(carried[1])}"
        if carried[0] is not None:
            assert guid == carried[0], f"{bank} {name}: vendor GUID {guid}, the blob's {carried[0]}"
        seen.setdefault(name, set()).add(bank)
assert set(seen) == {"PK", "KEK", "db", "dbx"}, f"golden-aws.json PCR 7 measures {sorted(seen)}"
sizes = ", ".join(f"{k} {len(want.get(k, b''))}" for k in ("PK", "KEK", "db", "dbx"))
print(f"blob = the release's PK/KEK/db/dbx.esl = golden-aws.json's PCR 7 variable data ({sizes} bytes; "
      f"{'dbx carried' if dbx else 'dbx empty: absent from the blob, measured with 0 bytes'}) in {', '.join(banks)}")
PY
		echo "aws: $(cat "$w/aws.txt") ($(secs "$t0") s)"
		;;
	esac
done
