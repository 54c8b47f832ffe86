#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A non-empty dbx (forbidden signatures) end to end, with real firmware, on the release's own disk
# (no image build): run by tests/boot/secure-boot-test.sh after its refusals. Three boots under
# OVMF's Secure Boot build + swtpm (tests/boot/boot.sh), ~2 minutes under TCG:
#   E. enrollment: a copy of the release's disk whose ESP carries, besides PK/KEK/db.auth, a
#      dbx.auth made now by image/scripts/secure-boot.sh dbx-auth (the release pipeline's code for
#      SECURE_BOOT_DBX) from a dbx.esl with one EFI_CERT_SHA256 entry: the Authenticode sha256
#      (bootproof pe-hash) of an EFI binary this machine never loads (systemd's addonx64.efi.stub
#      from the tools tree). Before the boot: dbx.auth's PKCS#7 verifies with the release's KEK
#      certificate (openssl, over VariableName || VendorGuid || Attributes || TimeStamp || data as
#      UEFI 2.10 8.2.2 defines it). systemd-boot enrolls db, dbx, KEK, PK and resets; afterwards the
#      variable store (read by virt-fw-vars) holds dbx = dbx.esl byte for byte.
#   D. Secure Boot on with that store: the guest's quote and event log are checked against golden
#      values predicted for this disk with `bootproof predict --dbx dbx.esl` (eventlog compare, verify
#      with the enrolled AK, PCR 7 read in the guest = predicted in every bank; it differs from the
#      release's golden.json, whose dbx is empty: the dbx event carries the 76 bytes of dbx.esl).
#   R. refusal: the store of E with dbx replaced (virt-fw-vars, no extra enrollment boot) by a list
#      holding the UKI's own Authenticode sha256: `bootproof predict` refuses that chain (exit 1,
#      naming dbx) and the firmware refuses the UKI (systemd-boot and BdsDxe report it on the
#      console, no kernel starts).
# Needs the release's KEK key (secure-boot.sh keys: the development keys of this out/, or
# SECURE_BOOT_KEYS) to sign dbx.auth; without it the test says so and does nothing.
# Writes $OUT/secure-boot-test/dbx/ (summary.txt, golden-dbx.json, boots). Usage: dbx-test.sh RELEASE_DIR
set -eu
. "$(dirname "$0")/../../image/scripts/lib.sh"
. "$(dirname "$0")/secure-boot-lib.sh"
rel=$(cd "${1:?usage: dbx-test.sh RELEASE_DIR}" && pwd)
[ -f "$rel/db.esl" ] || die "$rel is not a Secure Boot release (no db.esl)"
[ -x "$BOOTPROOF" ] || "$TOP/image/scripts/pipeline.sh" tool
command -v virt-fw-vars >/dev/null || die "virt-fw-vars missing (python3-virt-firmware, bookworm-backports: tests/install-deps.sh)"
t=$OUT/secure-boot-test/dbx
rm -rf "$t"
mkdir -p "$t"
summary=$t/summary.txt
: >"$summary"
note() { printf '%s\n' "$*" | tee -a "$summary"; }
. "$TOP/image/scripts/secure-boot-owner.sh"
owner=$SB_OWNER_GUID
# hex on stdin -> bytes on stdout
unhex() { python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))'; }
t0=$(date +%s)

keys=$("$TOP/image/scripts/secure-boot.sh" keys)
if ! [ -f "$keys/KEK.crt" ] || [ "$(openssl x509 -in "$keys/KEK.crt" -outform der | sha256sum)" != "$(sha256sum <"$rel/KEK.der")" ]; then
	note "note: the release's KEK key is not at hand ($keys): no dbx boots (dbx.auth cannot be signed here)"
	exit 0
fi

step "dbx: a forbidden-signatures list made now, signed by the release's KEK (secure-boot.sh dbx-auth)"
unrelated=$TOOLS/usr/lib/systemd/boot/efi/addonx64.efi.stub
[ -f "$unrelated" ] || die "$unrelated missing (systemd-boot-efi in the tools tree)"
"$BOOTPROOF" pe-hash --bank sha256 "$unrelated" | sed -n 's/^sha256:\([0-9a-f]\{64\}\) .*/\1/p' >"$t/unrelated.hex"
[ -s "$t/unrelated.hex" ] || die "bootproof pe-hash gave no digest for $unrelated"
unhex <"$t/unrelated.hex" >"$t/unrelated.sha256"
sbsiglist --owner "$owner" --type sha256 --output "$t/dbx.esl" "$t/unrelated.sha256"
"$TOP/image/scripts/secure-boot.sh" dbx-auth "$t/dbx.esl" "$t/dbx.auth"
python3 - "$t/dbx.auth" "$t" <<'PY' || die "dbx.auth is not a dbx write of dbx.esl"
# UEFI 2.10 8.2.2: EFI_VARIABLE_AUTHENTICATION_2 = TimeStamp, WIN_CERTIFICATE_UEFI_GUID (PKCS#7
# SignedData, no ContentInfo), then the data; the signed message is
# VariableName || VendorGuid || Attributes || TimeStamp || data.
import struct, sys, uuid
a, t = open(sys.argv[1], "rb").read(), sys.argv[2]
length, rev, typ = struct.unpack_from("<IHH", a, 16)
assert (rev, typ) == (0x0200, 0x0EF1), (hex(rev), hex(typ))
assert uuid.UUID(bytes_le=a[24:40]) == uuid.UUID("4aafd29d-68df-49ee-8aa9-347d375665a7"), "not EFI_CERT_TYPE_PKCS7_GUID"
data = a[16 + length:]
assert data == open(f"{t}/dbx.esl", "rb").read(), "the data after the header is not dbx.esl"
dbguid = uuid.UUID("d719b2cb-3d3a-4596-a3bc-dad00e67656f").bytes_le  # EFI_IMAGE_SECURITY_DATABASE_GUID
attrs = struct.pack("<I", 0x27)  # NV | BS | RT | TIME_BASED_AUTHENTICATED_WRITE_ACCESS
open(f"{t}/dbx.signed-message", "wb").write("dbx".encode("utf-16-le") + dbguid + attrs + a[:16] + data)
def tlv(tag, body):
    n = len(body)
    ln = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + ln + body
signed_data = a[40:16 + length]
oid_signed_data = bytes.fromhex("06092a864886f70d010702")
open(f"{t}/dbx.p7", "wb").write(tlv(0x30, oid_signed_data + tlv(0xA0, signed_data)))
PY
openssl smime -verify -binary -inform DER -in "$t/dbx.p7" -content "$t/dbx.signed-message" -noverify -nointern \
	-certfile "$rel/KEK.crt" -out /dev/null >"$t/dbx-auth-verify.txt" 2>&1 ||
	{ cat "$t/dbx-auth-verify.txt" >&2; die "dbx.auth is not signed by the release's KEK"; }
note "dbx.esl: 1 EFI_CERT_SHA256 entry = Authenticode sha256 $(cat "$t/unrelated.hex") of $(basename "$unrelated") (never loaded); dbx.auth verifies with the release's KEK.crt (openssl)"

step "boot E: systemd-boot enrolls db, dbx, KEK, PK from the ESP (fresh store in setup mode)"
mkdir -p "$t/disks"
disk=$t/disks/dbx.raw
cp --sparse=always "$rel/bootproof.raw" "$disk"
img=$(esp_spec "$disk") || die "no ESP in $disk"
MTOOLS_SKIP_CHECK=1 mcopy -n -i "$img" "$t/dbx.auth" ::/loader/keys/auto/dbx.auth
enrollment_boot "$disk" "$t/enroll" "dbx enrollment boot"
cp "$t/enroll/vars.fd" "$t/enrolled-vars.fd"
virt-fw-vars -l warning -i "$t/enrolled-vars.fd" --output-json "$t/enrolled-vars.json"
jq -r '.variables[] | select(.name == "dbx") | .data' "$t/enrolled-vars.json" | unhex >"$t/enrolled-dbx.esl"
cmp -s "$t/enrolled-dbx.esl" "$t/dbx.esl" || die "the enrolled store's dbx ($(stat -c %s "$t/enrolled-dbx.esl") bytes) is not dbx.esl"
for v in PK KEK db; do
	jq -r --arg v "$v" '.variables[] | select(.name == $v) | .data' "$t/enrolled-vars.json" | unhex | cmp -s - "$rel/$v.esl" ||
		die "the enrolled store's $v is not the release's $v.esl"
done
note "boot E (enrollment, $(sed -n 's/^done //p' "$t/enroll/timing")s): systemd-boot enrolled dbx.auth; the store (virt-fw-vars) holds dbx = dbx.esl, PK/KEK/db = the release's"

step "golden values for this machine: bootproof predict --dbx dbx.esl"
"$BOOTPROOF" predict --disk "$disk" --platform "$rel/platform.json" --name bootproof \
	--image-version "$(jq -r '.image.version // "unknown"' "$rel/golden.json")" --banks sha1,sha256,sha384 \
	--secure-boot on --pk "$rel/PK.esl" --kek "$rel/KEK.esl" --db "$rel/db.esl" --dbx "$t/dbx.esl" \
	-o "$t/golden-dbx.json" >"$t/predict.txt" 2>&1 || { cat "$t/predict.txt" >&2; die "predict with the dbx failed"; }

step "boot D: Secure Boot on with the enrolled dbx, quote and event log vs that prediction"
BOOT_SECURE_BOOT=1 OVMF_CODE=$code OVMF_VARS=$t/enrolled-vars.fd \
	"$TOP/tests/boot/boot.sh" "$disk" "$t/boot" "${BOOT_TIMEOUT:-600}" || die "boot D failed (see $t/boot/console.log)"
b=$t/boot
[ "$(cat "$b/attest.rc")" = 0 ] || { cat "$b/attest.log" >&2; die "bootproof attest failed in the guest"; }
sb=$(sed -n 's/^secure-boot: //p' "$b/info.txt")
[ "$sb" = "enabled (user)" ] || die "boot D: the guest reports Secure Boot '$sb', expected 'enabled (user)'"
set +e
"$BOOTPROOF" eventlog compare "$b/binary_bios_measurements" "$t/golden-dbx.json" \
	--userspace-log "$b/tpm2-measure.log" >"$t/compare.txt" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$t/compare.txt" >&2; die "boot D: $(why_failed "$rc" "the event log does not match the dbx prediction (eventlog compare)" "bootproof eventlog compare")"; }
set +e
"$BOOTPROOF" verify "$b/bundle.json" --golden "$t/golden-dbx.json" --nonce "$(cat "$b/nonce")" \
	--ak-pub "$b/ak.pem" -o "$t/verdict.json" >"$t/verify.txt" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$t/verify.txt" >&2; die "boot D: $(why_failed "$rc" "the quote does not verify against the dbx prediction" "bootproof verify")"; }
for bank in sha1 sha256 sha384; do
	guest=$(awk -v k="$bank" '$1 == k && $2 == 7 { print tolower($3) }' "$b/pcrs.txt")
	gold=$(jq -r --arg k "$bank" '.banks[$k]["7"].value' "$t/golden-dbx.json")
	rgold=$(jq -r --arg k "$bank" '.banks[$k]["7"].value' "$rel/golden.json")
	[ "$guest" = "$gold" ] || die "boot D: $bank PCR 7 read in the guest $guest, predicted with the dbx $gold"
	[ "$gold" != "$rgold" ] || die "boot D: $bank PCR 7 with the dbx equals the release's (empty dbx): the dbx is not measured"
	note "boot D PCR 7 $bank: predicted with dbx.esl = guest = $gold (release golden.json, empty dbx: $rgold)"
done
# the predicted dbx event carries exactly dbx.esl (UEFI_VARIABLE_DATA: GUID, 2 x u64, name, data);
# eventlog compare above matched the firmware's event to it
python3 - "$t/golden-dbx.json" "$t/dbx.esl" <<'PY' || die "golden-dbx.json's dbx event does not measure dbx.esl"
import json, struct, sys
g, esl = json.load(open(sys.argv[1])), open(sys.argv[2], "rb").read()
for bank, pcrs in g["banks"].items():
    found = 0
    for ev in pcrs["7"]["events"]:
        if ev["type"] != "EV_EFI_VARIABLE_DRIVER_CONFIG":
            continue
        d = bytes.fromhex(ev["data"])
        nlen, dlen = struct.unpack_from("<QQ", d, 16)
        if d[32:32 + 2 * nlen].decode("utf-16-le") == "dbx":
            assert d[32 + 2 * nlen:] == esl and dlen == len(esl), f"{bank}: dbx event has {dlen} bytes"
            found += 1
    assert found == 1, f"{bank}: {found} dbx events"
PY
note "boot D ($(sed -n 's/^done //p' "$b/timing")s to the attestation): Secure Boot: $sb; eventlog compare and verify (enrolled AK) pass against golden-dbx.json; its dbx event measures the $(stat -c %s "$t/dbx.esl") bytes of dbx.esl"

step "boot R: the UKI's own Authenticode hash in dbx: predict and the firmware refuse it"
uki_hex=$("$BOOTPROOF" pe-hash --bank sha256 "$rel/bootproof.efi" | sed -n 's/^sha256:\([0-9a-f]\{64\}\) .*/\1/p')
[ -n "$uki_hex" ] || die "bootproof pe-hash gave no digest for the UKI"
echo "$uki_hex" | unhex >"$t/uki.sha256"
sbsiglist --owner "$owner" --type sha256 --output "$t/dbx-uki.esl" "$t/uki.sha256"
set +e
"$BOOTPROOF" predict --disk "$disk" --platform "$rel/platform.json" --name bootproof --banks sha256 \
	--secure-boot on --pk "$rel/PK.esl" --kek "$rel/KEK.esl" --db "$rel/db.esl" --dbx "$t/dbx-uki.esl" \
	-o "$t/golden-refused.json" >"$t/predict-refused.txt" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] && [ ! -e "$t/golden-refused.json" ] && grep -q "would refuse to start '/EFI/Linux/.*digest $uki_hex is in dbx" "$t/predict-refused.txt" ||
	{ cat "$t/predict-refused.txt" >&2; die "predict with the UKI's hash in dbx: exit $rc, expected 1 naming the UKI and its digest in dbx, and no golden values"; }
note "predict with the UKI's hash in dbx: refused (exit 1): $(sed -n "s/.*would refuse to start '\(.*\)'.*: \(its sha256 .*\)/\1: \2/p" "$t/predict-refused.txt" | head -n1)"
python3 - "$t/dbx-uki.esl" "$SOURCE_DATE_EPOCH" "$t/dbx-uki.json" <<'PY'
import datetime, json, struct, sys
data = open(sys.argv[1], "rb").read()
t = datetime.datetime.fromtimestamp(int(sys.argv[2]), datetime.timezone.utc)
efi_time = struct.pack("<HBBBBBxIhBx", t.year, t.month, t.day, t.hour, t.minute, t.second, 0, 0, 0)
var = {"name": "dbx", "guid": "d719b2cb-3d3a-4596-a3bc-dad00e67656f", "attr": 0x27,
       "data": data.hex(), "time": efi_time.hex()}
json.dump({"version": 2, "variables": [var]}, open(sys.argv[3], "w"))
PY
virt-fw-vars -l warning -i "$t/enrolled-vars.fd" -o "$t/refuse-vars.fd" --set-json "$t/dbx-uki.json"
virt-fw-vars -l warning -i "$t/refuse-vars.fd" --output-json - | jq -r '.variables[] | select(.name == "dbx") | .data' |
	unhex | cmp -s - "$t/dbx-uki.esl" || die "the refusal store's dbx is not the UKI's hash list"
refusal_boot "$rel/bootproof.raw" "$t/refuse-vars.fd" "$t/refuse" "boot R (the UKI's hash in dbx)"
note "boot R (refused, $(sed -n 's/^done //p' "$t/refuse/timing")s, no kernel started):"
note "    $refused_sdboot"
note "    $refused_fw"
rm -rf "$t/disks"
note "dbx boots (enrollment with dbx.auth, Secure Boot on with the dbx, refusal by dbx): $(($(date +%s) - t0))s"
