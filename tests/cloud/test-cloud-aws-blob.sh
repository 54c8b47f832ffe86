#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The AWS --uefi-data blob (issue 11): written by virt-fw-vars from the Secure Boot certificates,
# identical across two builds, and decoded back (virt-fw-vars -i) its PK, KEK and db are byte
# for byte the EFI signature lists that sbsiglist makes from the same certificates: the lists
# predict's PCR 7 model is given. virt-fw-vars comes from bookworm-backports
# (python3-virt-firmware, tests/deps/bookworm-backports/cloud.list, installed by tests/install-deps.sh).
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/cloud/lib.sh"
command -v virt-fw-vars >/dev/null || { echo "SKIP: virt-fw-vars missing (python3-virt-firmware from bookworm-backports: run tests/install-deps.sh)"; exit 77; }
build a aws keys
build b aws keys
cmp "$WORK/a/aws-uefi-data.b64" "$WORK/b/aws-uefi-data.b64" || fail "AWS blob differs between two builds"
virt-fw-vars -l warning -i "$WORK/a/aws-uefi-data.b64" --output-json "$WORK/vars.json"
for k in PK KEK db; do
	openssl x509 -in "$KEYS/$k.pem" -outform DER -out "$WORK/$k.der"
	sbsiglist --owner "$SB_OWNER_GUID" --type x509 --output "$WORK/$k.esl" "$WORK/$k.der"
done
python3 - "$WORK/vars.json" "$WORK" <<'PY' || fail "AWS blob variables"
import json, sys
v = {x["name"]: bytes.fromhex(x["data"]) for x in json.load(open(sys.argv[1]))["variables"]}
for k in ("PK", "KEK", "db"):
    esl = open(f"{sys.argv[2]}/{k}.esl", "rb").read()
    assert v[k] == esl, f"{k}: blob carries {len(v[k])} bytes, the ESL has {len(esl)}"
PY
echo "ok: AWS blob repeats; PK/KEK/db decoded with virt-fw-vars equal sbsiglist's ESLs"
