#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A non-empty dbx in the GCE and Azure key formats (image/scripts/cloud-formats.sh). dbx.esl here:
# a list of two SHA-256 hashes (one EFI_SIGNATURE_LIST with two entries, laid out in Python per
# UEFI 2.10 32.4.1), a revoked certificate and one more hash (sbsiglist). Then:
#   GCE    gce-dbx-001.bin .. gce-dbx-004.bin / gce-dbx-003.der: each entry in order, the raw 32-byte
#          hash (openssl dgst) or the certificate's DER (openssl x509), for --forbidden-database-file
#   Azure  additionalSignatures.dbx: one {"type": "sha256"|"x509", "value": [base64]} per entry
#   both repeat byte for byte; an empty dbx.esl carries no dbx (no gce-dbx file, no "dbx" key);
#   an entry type neither cloud takes (EFI_CERT_X509_SHA256) and a truncated list are refused
#   (exit 1, naming the file, the offset and what is wrong), leaving no key file behind.
# PCR 7 from exactly what is carried is checked on a real release by tests/cloud/release-check.sh
# (the same rules, lists rebuilt in Python): here the disk is synthetic, so no golden is predicted.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/cloud/lib.sh"
for k in dbx empty sha1 cut; do
	mkdir -p "$WORK/keys-$k"
	cp "$KEYS"/*.pem "$WORK/keys-$k/"
done
for h in one two three; do printf 'revoked build %s' "$h" | openssl dgst -sha256 -binary >"$WORK/h-$h"; done
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/revoked.key" -out "$WORK/revoked.pem" \
	-days 3650 -subj "/CN=bootproof cloud test revoked" -set_serial 7 2>/dev/null
openssl x509 -in "$WORK/revoked.pem" -outform DER -out "$WORK/revoked.der"
python3 - "$WORK" "$SB_OWNER_GUID" <<'PY'
import struct, sys, uuid
w, owner = sys.argv[1], uuid.UUID(sys.argv[2]).bytes_le
SHA256 = uuid.UUID("c1c41626-504c-4092-aca9-41f936934328").bytes_le
X509_SHA256 = uuid.UUID("3bd2a492-96c0-4079-b420-fcf98ef103ed").bytes_le
h = [open(f"{w}/h-{n}", "rb").read() for n in ("one", "two")]
two = SHA256 + struct.pack("<III", 28 + 2 * 48, 0, 48) + b"".join(owner + x for x in h)
open(f"{w}/two-hashes.esl", "wb").write(two)
# EFI_CERT_X509_SHA256: a certificate's TBS hash + revocation time (48 + 16 bytes per entry)
open(f"{w}/x509-sha256.esl", "wb").write(X509_SHA256 + struct.pack("<III", 28 + 64, 0, 64) + owner + bytes(48))
PY
sbsiglist --owner "$SB_OWNER_GUID" --type x509 --output "$WORK/revoked.esl" "$WORK/revoked.der"
sbsiglist --owner "$SB_OWNER_GUID" --type sha256 --output "$WORK/three.esl" "$WORK/h-three"
cat "$WORK/two-hashes.esl" "$WORK/revoked.esl" "$WORK/three.esl" >"$WORK/keys-dbx/dbx.esl"
: >"$WORK/keys-empty/dbx.esl"
cat "$WORK/three.esl" "$WORK/x509-sha256.esl" >"$WORK/keys-sha1/dbx.esl"
head -c 100 "$WORK/keys-dbx/dbx.esl" >"$WORK/keys-cut/dbx.esl"

build a gce,azure keys "$WORK/keys-dbx"
build b gce,azure keys "$WORK/keys-dbx"
build e gce,azure keys "$WORK/keys-empty"
for f in gce-dbx-001.bin gce-dbx-002.bin gce-dbx-003.der gce-dbx-004.bin azure-uefi-settings.json; do
	cmp "$WORK/a/$f" "$WORK/b/$f" || fail "$f differs between two builds"
done
# GCE: the entries in order, each as gcloud takes it
[ "$(cd "$WORK/a" && ls gce-dbx-* | tr '\n' ' ')" = "gce-dbx-001.bin gce-dbx-002.bin gce-dbx-003.der gce-dbx-004.bin " ] ||
	fail "GCE dbx files: $(cd "$WORK/a" && ls gce-dbx-* | tr '\n' ' ')"
cmp "$WORK/a/gce-dbx-001.bin" "$WORK/h-one" || fail "gce-dbx-001.bin is not the first hash"
cmp "$WORK/a/gce-dbx-002.bin" "$WORK/h-two" || fail "gce-dbx-002.bin is not the second hash"
cmp "$WORK/a/gce-dbx-003.der" "$WORK/revoked.der" || fail "gce-dbx-003.der is not the revoked certificate"
cmp "$WORK/a/gce-dbx-004.bin" "$WORK/h-three" || fail "gce-dbx-004.bin is not the third hash"
grep -q 'gce dbx: 4 entries' "$WORK/a.log" || fail "cloud-formats.sh did not report the GCE dbx: $(cat "$WORK/a.log")"
# Azure: one element per entry, in order
python3 - "$WORK" <<'PY' || fail "Azure uefiSettings dbx"
import base64, json, sys
w = sys.argv[1]
a = json.load(open(f"{w}/a/azure-uefi-settings.json"))["uefiSettings"]["additionalSignatures"]
rd = lambda n: open(f"{w}/{n}", "rb").read()
want = [("sha256", rd("h-one")), ("sha256", rd("h-two")), ("x509", rd("revoked.der")), ("sha256", rd("h-three"))]
got = [(e["type"], [base64.b64decode(v) for v in e["value"]]) for e in a["dbx"]]
assert got == [(k, [v]) for k, v in want], [(k, [len(x) for x in v]) for k, v in got]
e = json.load(open(f"{w}/e/azure-uefi-settings.json"))["uefiSettings"]["additionalSignatures"]
assert "dbx" not in e and sorted(e) == ["db", "kek", "pk"], sorted(e)
assert {k: a[k] for k in ("pk", "kek", "db")} == e, "the dbx changed PK/KEK/db"
PY
! ls "$WORK/e"/gce-dbx-* >/dev/null 2>&1 || fail "an empty dbx.esl made GCE dbx files"
cmp "$WORK/a/gce-db.der" "$WORK/e/gce-db.der" || fail "the dbx changed gce-db.der"
echo "dbx carried: GCE gce-dbx-001..004 (.bin raw SHA-256, .der certificate) and Azure's four dbx elements = the entries of dbx.esl in order; repeat; an empty dbx carries nothing"

# refused: an entry type the clouds do not take, a truncated list
for k in sha1:"signature type 3bd2a492-96c0-4079-b420-fcf98ef103ed" cut:"does not fit"; do
	d=${k%%:*} msg=${k#*:}
	mkdir -p "$WORK/r-$d"
	cp --sparse=always "$DISK" "$WORK/r-$d/bootproof.raw"
	rc=0
	SB_KEYS=$WORK/keys-$d "$CF" gce,azure "$WORK/r-$d" >"$WORK/r-$d.log" 2>&1 || rc=$?
	[ "$rc" = 1 ] || { cat "$WORK/r-$d.log"; fail "dbx.esl ($d): exit $rc, expected 1"; }
	grep -q "keys-$d/dbx.esl: offset [0-9]*: .*$msg" "$WORK/r-$d.log" || { cat "$WORK/r-$d.log"; fail "dbx.esl ($d): the refusal does not name the file, offset and '$msg'"; }
	! ls "$WORK/r-$d"/gce-dbx-* "$WORK/r-$d/azure-uefi-settings.json" >/dev/null 2>&1 || fail "dbx.esl ($d): key files left behind"
done
echo "ok: a non-empty dbx is carried by GCE's and Azure's key formats entry by entry; unsupported or broken lists are refused"
