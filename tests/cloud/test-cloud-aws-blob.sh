#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The AWS --uefi-data blob (issue 11): written by virt-fw-vars from the Secure Boot certificates,
# identical across two builds, and decoded back (virt-fw-vars -i) its PK, KEK and db are byte
# for byte the EFI signature lists that sbsiglist makes from the same certificates: the lists
# predict's PCR 7 model is given. dbx: a non-empty dbx.esl (two sha256 lists made by sbsiglist)
# is carried byte for byte, with the timestamp SOURCE_DATE_EPOCH; an empty one leaves dbx out of
# the blob (EDK2 measures an absent dbx as 0 data bytes, the empty list predict models).
# virt-fw-vars comes from bookworm-backports (python3-virt-firmware,
# tests/deps/bookworm-backports/cloud.list, installed by tests/install-deps.sh).
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/cloud/lib.sh"
command -v virt-fw-vars >/dev/null || { echo "SKIP: virt-fw-vars missing (python3-virt-firmware from bookworm-backports: run tests/install-deps.sh)"; exit 77; }
# keys with a dbx of two sha256 entries, and with an empty dbx.esl
for k in dbx empty; do
	mkdir -p "$WORK/keys-$k"
	cp "$KEYS"/*.pem "$WORK/keys-$k/"
done
for h in one two; do
	printf 'revoked %s' "$h" | openssl dgst -sha256 -binary >"$WORK/h-$h"
	sbsiglist --owner "$SB_OWNER_GUID" --type sha256 --output "$WORK/h-$h.esl" "$WORK/h-$h"
done
cat "$WORK/h-one.esl" "$WORK/h-two.esl" >"$WORK/keys-dbx/dbx.esl"
: >"$WORK/keys-empty/dbx.esl"
build a aws keys
build b aws keys
build c aws keys "$WORK/keys-dbx"
build d aws keys "$WORK/keys-dbx"
build e aws keys "$WORK/keys-empty"
cmp "$WORK/a/aws-uefi-data.b64" "$WORK/b/aws-uefi-data.b64" || fail "AWS blob differs between two builds"
cmp "$WORK/c/aws-uefi-data.b64" "$WORK/d/aws-uefi-data.b64" || fail "AWS blob with dbx differs between two builds"
cmp "$WORK/a/aws-uefi-data.b64" "$WORK/e/aws-uefi-data.b64" || fail "an empty dbx.esl changed the blob"
for k in PK KEK db; do
	openssl x509 -in "$KEYS/$k.pem" -outform DER -out "$WORK/$k.der"
	sbsiglist --owner "$SB_OWNER_GUID" --type x509 --output "$WORK/$k.esl" "$WORK/$k.der"
done
for x in a c; do
	virt-fw-vars -l warning -i "$WORK/$x/aws-uefi-data.b64" --output-json "$WORK/vars-$x.json"
done
python3 - "$WORK" "$SOURCE_DATE_EPOCH" <<'PY' || fail "AWS blob variables"
import datetime, json, struct, sys
w, epoch = sys.argv[1], int(sys.argv[2])
def blob(x):
    return {v["name"]: v for v in json.load(open(f"{w}/vars-{x}.json"))["variables"]}
for x, names in (("a", {"PK", "KEK", "db"}), ("c", {"PK", "KEK", "db", "dbx"})):
    v = blob(x)
    assert set(v) == names, f"{x}: the blob carries {sorted(v)}, expected {sorted(names)}"
    for k in ("PK", "KEK", "db"):
        esl = open(f"{w}/{k}.esl", "rb").read()
        assert bytes.fromhex(v[k]["data"]) == esl, f"{x} {k}: blob carries {len(v[k]['data']) // 2} bytes, the ESL has {len(esl)}"
dbx = blob("c")["dbx"]
esl = open(f"{w}/keys-dbx/dbx.esl", "rb").read()
assert bytes.fromhex(dbx["data"]) == esl, "dbx: not dbx.esl's bytes"
assert dbx["guid"] == "d719b2cb-3d3a-4596-a3bc-dad00e67656f", dbx["guid"]  # EFI_IMAGE_SECURITY_DATABASE_GUID
assert dbx["attr"] == blob("c")["db"]["attr"] == 0x27, hex(dbx["attr"])
y, mo, d, h, mi, s = struct.unpack_from("<HBBBBB", bytes.fromhex(dbx["time"]))
t = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
assert int(t.timestamp()) == epoch, f"dbx timestamp {t}, SOURCE_DATE_EPOCH {epoch}"
PY
grep -q 'dbx (152 bytes)' "$WORK/c.log" || fail "cloud-formats.sh did not report the dbx it carries: $(cat "$WORK/c.log")"
grep -q 'dbx empty: not in the blob' "$WORK/e.log" || fail "cloud-formats.sh did not report the empty dbx"
echo "ok: AWS blob repeats; PK/KEK/db decoded with virt-fw-vars equal sbsiglist's ESLs; a non-empty dbx.esl is carried byte for byte (SOURCE_DATE_EPOCH), an empty one leaves dbx out"
