# SPDX-License-Identifier: LGPL-2.1-or-later
# esl.py OUT ENTRY...: EFI_SIGNATURE_LISTs (UEFI 2.10 §32.4.1), one list per entry, for the
# Secure Boot predict tests (sb-lib.sh). ENTRY is x509:OWNER:FILE.der, sha1/sha256/sha384/sha512:
# OWNER:HEX, or x509sha256/x509sha384:OWNER:FILE.der (TBSCertificate digest, zero time of
# revocation).
import hashlib, struct, sys, uuid
T = {'x509': 'a5c059a1-94e4-4aa7-87b5-ab155c2bf072', 'sha256': 'c1c41626-504c-4092-aca9-41f936934328',
     'sha384': 'ff3e5307-9fd0-48c9-85f1-8ad56c701e01',
     'sha1': '826ca512-cf10-4ac9-b187-be01496631bd', 'sha512': '093e0fae-a6c4-4f50-9f1b-d41e2b89c19a',
     'x509sha256': '3bd2a492-96c0-4079-b420-fcf98ef103ed',
     'x509sha384': '7076876e-80c2-4ee6-aad2-28b349a6865b'}
def tlv(b, i):
    l, j = b[i + 1], i + 2
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(b[j:j + n], 'big'); j += n
    return j, l
def tbs(der):
    s, _ = tlv(der, 0)
    ts, tl = tlv(der, s)
    return der[s:ts + tl]
out = b''
for e in sys.argv[2:]:
    kind, owner, arg = e.split(':', 2)
    if kind == 'x509': data = open(arg, 'rb').read()
    elif kind in ('sha1', 'sha256', 'sha384', 'sha512'): data = bytes.fromhex(arg)
    else: data = hashlib.new(kind[4:], tbs(open(arg, 'rb').read())).digest() + b'\0' * 16
    sig = uuid.UUID(owner).bytes_le + data
    out += uuid.UUID(T[kind]).bytes_le + struct.pack('<III', 28 + len(sig), 0, len(sig)) + sig
open(sys.argv[1], 'wb').write(out)
