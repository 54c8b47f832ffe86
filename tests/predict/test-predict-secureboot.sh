#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# PCR 7 and PCR 4 with Secure Boot on: systemd-boot and a UKI signed with sbsign by a key whose
# certificate is the second entry of db (the first is an unrelated certificate). Expected values
# come from an independent Python model of EDK2's measurements (UEFI_VARIABLE_DATA per
# TCG PFP 1.05 §10.4.4; one EV_EFI_VARIABLE_AUTHORITY with the db entry that verified
# systemd-boot, the UKI's deduplicated; no kernel event in PCR 4), checked against
# sbverify. Keys given as .esl and as .auth files give the same result.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sb-lib.sh"
need sbsign sbverify openssl python3 jq apt-get dpkg-deb
sb_binaries

sb_keys "$TMP" pk kek db other
sb_signed_chain "$TMP"
sbverify --cert "$TMP/db.crt" "$TMP/boot.signed.efi" >/dev/null 2>&1 || fail "sbverify systemd-boot"
sbverify --cert "$TMP/db.crt" "$TMP/uki.signed.efi" >/dev/null 2>&1 || fail "sbverify UKI"

# Signature lists (.esl: pk, kek, db = [other, db]) and .auth wrappers of them, made by Python
# (UEFI 2.10 §32.4.1, §8.2.2).
sb_lists "$TMP"
python3 - "$TMP" <<'PY'
import struct, sys, uuid, os
t = sys.argv[1]
PKCS7 = uuid.UUID('4aafd29d-68df-49ee-8aa9-347d375665a7').bytes_le
sig = b'\x30\x03\x02\x01\x01'  # a stand-in PKCS#7 blob: only the header layout matters
wc = struct.pack('<IHH', 24 + len(sig), 0x0200, 0x0EF1) + PKCS7 + sig
for n in ('pk', 'kek', 'db'):
    body = open(os.path.join(t, n + '.esl'), 'rb').read()
    open(os.path.join(t, n + '.auth'), 'wb').write(b'\x00' * 16 + wc + body)
PY

"$BOOTPROOF" predict --uki "$TMP/uki.signed.efi" --bootloader "$TMP/boot.signed.efi" \
	--secure-boot on --pk "$TMP/pk.esl" --kek "$TMP/kek.esl" --db "$TMP/db.esl" \
	--banks sha1,sha256,sha384 -o "$TMP/sb.json"
"$BOOTPROOF" predict --uki "$TMP/uki.signed.efi" --bootloader "$TMP/boot.signed.efi" \
	--secure-boot on --pk "$TMP/pk.auth" --kek "$TMP/kek.auth" --db "$TMP/db.auth" \
	--banks sha1,sha256,sha384 -o "$TMP/sb-auth.json"
cmp "$TMP/sb.json" "$TMP/sb-auth.json" || fail ".auth and .esl inputs differ"

python3 - "$TMP" <<'PY' || fail "PCR 7 / PCR 4 with Secure Boot on"
import hashlib, json, struct, sys, uuid, os
t = sys.argv[1]
GLOBAL = uuid.UUID('8be4df61-93ca-11d2-aa0d-00e098032b8c').bytes_le
DB = uuid.UUID('d719b2cb-3d3a-4596-a3bc-dad00e67656f').bytes_le
def var(g, name, data):
    return g + struct.pack('<QQ', len(name), len(data)) + name.encode('utf-16-le') + data
esl = lambda n: open(os.path.join(t, n + '.esl'), 'rb').read()
owner = uuid.UUID('44444444-4444-4444-4444-444444444444').bytes_le
der = open(os.path.join(t, 'db.der'), 'rb').read()
events = [var(GLOBAL, 'SecureBoot', b'\x01'), var(GLOBAL, 'PK', esl('pk')), var(GLOBAL, 'KEK', esl('kek')),
          var(DB, 'db', esl('db')), var(DB, 'dbx', b''), b'\0\0\0\0', var(DB, 'db', owner + der)]
g = json.load(open(os.path.join(t, 'sb.json')))
for bank in ('sha1', 'sha256', 'sha384'):
    pcr = b'\0' * hashlib.new(bank).digest_size
    for e in events:
        pcr = hashlib.new(bank, pcr + hashlib.new(bank, e).digest()).digest()
    got = g['banks'][bank]['7']
    assert got['value'] == pcr.hex(), (bank, got['value'], pcr.hex())
    assert got['events'][-1]['type'] == 'EV_EFI_VARIABLE_AUTHORITY'
    p4 = [e['description'] for e in g['banks'][bank]['4']['events']]
    assert len(p4) == 4 and not any('kernel' in d for d in p4), p4   # no kernel event with SB on
    # systemd-boot 252 measures the UKI's command line it passes; with SB on the stub ignores
    # it (pcr-spec.md §4.1): one event.
    p12 = [e['digest'] for e in g['banks'][bank]['12']['events']]
    assert p12 == [hashlib.new(bank, 'quiet\0'.encode('utf-16-le')).hexdigest()], p12
assert g['secure_boot'] is True
PY
echo "ok PCR 7 (SB on, authority = 2nd db entry), PCR 4 without the kernel, .auth = .esl"

# A db that verifies nothing: predict refuses (the firmware would not boot).
rc=0; "$BOOTPROOF" predict --uki "$TMP/uki.signed.efi" --bootloader "$TMP/boot.signed.efi" \
	--secure-boot on --db "$TMP/kek.esl" -o "$TMP/no.json" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "does not chain to any db certificate" "$TMP/err" || fail "unverifiable image accepted (rc $rc)"
echo "all ok"
