#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# image/scripts/cloud-formats.sh (issue 11): the GCE tar.gz and the Azure fixed VHD repeat byte
# for byte across two builds (under another umask and TZ too) and convert back to the identical
# raw disk with independent tools: GNU tar, Python's tarfile and gzip header, qemu-img -f vpc.
# The VHD footer equals qemu-img's own for the same disk except the fields qemu-img fills from
# the clock and the RNG (timestamp, UUID, and so the checksum); its checksum is recomputed here.
# Key formats: the GCE DER files and Azure's uefiSettings JSON carry exactly the test
# certificates (openssl), and the platform profiles made beside them have PCR 0-7 rules.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/cloud/lib.sh"

build a "gce" keys
build a2 "azure" keys
(umask 077; TZ=Pacific/Kiritimati; export TZ; build b all keys)
for f in bootproof-gce.tar.gz gce-PK.der gce-KEK.der gce-db.der platform-gce.json; do
	cmp "$WORK/a/$f" "$WORK/b/$f" || fail "$f differs between two builds"
done
for f in bootproof-azure.vhd azure-uefi-settings.json platform-azure.json; do
	cmp "$WORK/a2/$f" "$WORK/b/$f" || fail "$f differs between two builds"
done
echo "two builds: identical (gce, azure, keys, profiles)"

# --- GCE
padded_ref 1G "$WORK/ref-gce.raw"
python3 - "$WORK/a/bootproof-gce.tar.gz" "$SOURCE_DATE_EPOCH" "$(stat -c %s "$WORK/ref-gce.raw")" <<'PY' || fail "GCE archive metadata"
import gzip, sys, tarfile
path, epoch, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hdr = open(path, "rb").read(10)
assert hdr[:3] == b"\x1f\x8b\x08", "not gzip"
assert hdr[3] & 0x08 == 0, "gzip header names a file (gzip -n not used)"
assert hdr[4:8] == b"\0\0\0\0", "gzip header has a timestamp"
raw_tar = gzip.open(path).read(512)
assert raw_tar[257:265] == b"ustar  \0", "not the GNU oldgnu header magic"
with tarfile.open(path, "r:gz") as t:
    m = t.getmembers()
    assert [x.name for x in m] == ["disk.raw"], [x.name for x in m]
    x = m[0]
    assert (x.uid, x.gid, x.mtime, x.mode) == (0, 0, epoch, 0o644), (x.uid, x.gid, x.mtime, oct(x.mode))
    assert x.type == tarfile.GNUTYPE_SPARSE, x.type
    assert x.size == size and size % (1 << 30) == 0, (x.size, size)
PY
mkdir -p "$WORK/x"
tar -C "$WORK/x" -xzSf "$WORK/a/bootproof-gce.tar.gz"
cmp "$WORK/x/disk.raw" "$WORK/ref-gce.raw" || fail "GCE: disk.raw is not the raw disk padded to 1 GiB"
cmp -n "$RAWSIZE" "$WORK/x/disk.raw" "$DISK" || fail "GCE: disk.raw does not start with the raw disk"
echo "GCE: oldgnu sparse disk.raw, owner 0:0, mtime $SOURCE_DATE_EPOCH, gzip -n; extracts to the raw disk + zeros to $(stat -c %s "$WORK/ref-gce.raw") bytes"

# --- Azure
vhd=$WORK/a2/bootproof-azure.vhd
padded_ref 1M "$WORK/ref-az.raw"
vsize=$(stat -c %s "$WORK/ref-az.raw")
[ "$(stat -c %s "$vhd")" = $((vsize + 512)) ] || fail "Azure: VHD is not the 1 MiB-padded disk + 512"
[ $((vsize % 1048576)) = 0 ] || fail "Azure: virtual size $vsize is no multiple of 1 MiB"
qemu-img info -f vpc --output=json "$vhd" >"$WORK/info.json"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["virtual-size"]==int(sys.argv[2]), j' "$WORK/info.json" "$vsize" ||
	fail "Azure: qemu-img reads another virtual size"
qemu-img convert -f vpc -O raw "$vhd" "$WORK/back.raw"
cmp "$WORK/back.raw" "$WORK/ref-az.raw" || fail "Azure: qemu-img convert -f vpc does not give back the raw disk"
qemu-img convert -f raw -O vpc -o subformat=fixed,force_size "$WORK/ref-az.raw" "$WORK/q.vhd"
cmp -n "$vsize" "$WORK/q.vhd" "$vhd" || fail "Azure: data differs from qemu-img's fixed VHD"
python3 - "$vhd" "$WORK/q.vhd" <<'PY' || fail "Azure: footer"
import struct, sys
ours = open(sys.argv[1], "rb").read()[-512:]
qemu = open(sys.argv[2], "rb").read()[-512:]
def masked(f):
    f = bytearray(f)
    f[24:28] = bytes(4)      # timestamp (clock)
    f[64:68] = bytes(4)      # checksum (depends on the two)
    f[68:84] = bytes(16)     # unique id (random in qemu-img)
    return bytes(f)
assert masked(ours) == masked(qemu), "footer differs from qemu-img's beyond timestamp/uuid/checksum"
z = bytearray(ours); z[64:68] = bytes(4)
assert struct.unpack(">I", ours[64:68])[0] == (~sum(z)) & 0xFFFFFFFF, "bad footer checksum"
assert struct.unpack(">I", ours[24:28])[0] == 1700000000 - 946684800, "timestamp not from SOURCE_DATE_EPOCH"
PY
echo "Azure: fixed VHD $vsize + 512 bytes; qemu-img -f vpc converts back identically; footer = qemu-img's but deterministic"

# --- key formats (GCE DER, Azure JSON) carry the test certificates
for k in PK KEK db; do
	openssl x509 -in "$KEYS/$k.pem" -outform DER -out "$WORK/$k.der"
	cmp "$WORK/a/gce-$k.der" "$WORK/$k.der" || fail "gce-$k.der is not the $k certificate"
done
python3 - "$WORK/a2/azure-uefi-settings.json" "$WORK" <<'PY' || fail "Azure uefiSettings"
import base64, json, sys
s = json.load(open(sys.argv[1]))["uefiSettings"]
assert s["signatureTemplateNames"] == ["NoSignatureTemplate"], s
a = s["additionalSignatures"]
der = lambda k: open(f"{sys.argv[2]}/{k}.der", "rb").read()
assert a["pk"]["type"] == "x509" and base64.b64decode(a["pk"]["value"][0]) == der("PK")
assert base64.b64decode(a["kek"][0]["value"][0]) == der("KEK")
assert base64.b64decode(a["db"][0]["value"][0]) == der("db")
PY
python3 - "$WORK/b" <<'PY' || fail "profiles"
import json, sys
g = json.load(open(sys.argv[1] + "/platform-gce.json"))["banks"]["sha256"]
a = json.load(open(sys.argv[1] + "/platform-azure.json"))["banks"]["sha256"]
w = json.load(open(sys.argv[1] + "/platform-aws.json"))["banks"]["sha256"]
st = lambda p: [p[str(i)]["status"] for i in range(8)]
assert st(g) == ["computed", "variable", "exact", "exact", "computed", "computed", "exact", "computed"], st(g)
assert st(a) == ["variable", "exact", "variable", "exact", "computed", "computed", "per-instance", "computed"], st(a)
assert st(w) == ["observed", "observed", "exact", "exact", "computed", "computed", "exact", "computed"], st(w)
PY
# cloud-formats.json: what an audit rebuilds (image/scripts/audit.sh reads it)
python3 - "$WORK/b/cloud-formats.json" "$SB_OWNER_GUID" <<'PY' || fail "cloud-formats.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r == {"format": "bootproof-cloud-formats/1", "platforms": ["aws", "azure", "gce"],
             "gce": {"cvm": "none", "firmware": "2"}, "keys": "SB_KEYS", "owner_guid": sys.argv[2]}, r
PY
GCE_CVM=sev-snp build list "aws,gce" keys
[ ! -e "$WORK/list/bootproof-azure.vhd" ] || fail "a comma list without azure made the VHD"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["platforms"] == ["aws", "gce"] and r["gce"]["cvm"] == "sev-snp", r' \
	"$WORK/list/cloud-formats.json" || fail "cloud-formats.json of a comma list"
rc=0; "$CF" "gce,qemu" "$WORK/list" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "an unknown platform in the list: exit $rc, not 2"
# An audit whose rebuilt UKI fits no published signature (secure-boot-unsigned.txt): the formats
# and profiles are made, no golden-T.json (the firmware would refuse the UKI; compare.sh names it)
mkdir -p "$WORK/unsigned"
cp --sparse=always "$DISK" "$WORK/unsigned/bootproof.raw"
head -c 4096 /dev/zero >"$WORK/unsigned/bootproof.efi"
echo "uki.efi: unsigned" >"$WORK/unsigned/secure-boot-unsigned.txt"
SB_KEYS=$KEYS "$CF" all "$WORK/unsigned" >"$WORK/unsigned.log" 2>&1 || { cat "$WORK/unsigned.log"; fail "cloud-formats.sh beside an unsigned rebuild failed"; }
for t in gce azure aws; do
	[ -f "$WORK/unsigned/platform-$t.json" ] || fail "no platform-$t.json beside an unsigned rebuild"
	[ ! -e "$WORK/unsigned/golden-$t.json" ] || fail "golden-$t.json predicted for an unsigned rebuild"
	grep -q "golden-$t.json NOT predicted" "$WORK/unsigned.log" || fail "the skipped golden-$t.json is not reported"
done
# Without keys GCE and Azure keep their default keys: PCR 7 is variable there.
build nokeys all
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["banks"]["sha256"]["7"]["status"] == "variable"' "$WORK/nokeys/platform-gce.json" ||
	fail "GCE without custom keys: PCR 7 not variable"
[ ! -e "$WORK/nokeys/aws-uefi-data.b64" ] || fail "AWS blob written without keys"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["keys"] == "none" and "owner_guid" not in r, r' \
	"$WORK/nokeys/cloud-formats.json" || fail "cloud-formats.json without keys"
echo "ok: cloud formats reproducible, round-trip, key formats carry the certificates"
