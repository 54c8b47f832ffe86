# SPDX-License-Identifier: LGPL-2.1-or-later
# sb-craft.py: the PE files of the Secure Boot edge cases that predict must judge as EDK2 does
# (issue 22 finding 3), shared by tests/predict/test-sb-firmware-cases.sh (bootproof's verdict)
# and tests/boot/sb-firmware-verdicts.sh (the firmware's verdict on the same bytes).
#   efi-app OUT [N]                 a minimal PE32+ EFI application (x86-64) whose entry point
#                                   returns EFI_UNSUPPORTED: when the firmware accepts it, its boot
#                                   manager reports "Unsupported", when it refuses it "Access Denied";
#                                   N (default 0) is stored after the code: another N, other digests
#   authenticode FILE ALG           the Authenticode digest (hex) of an unsigned efi-app image,
#                                   computed here independently: the file without CheckSum and the
#                                   certificate directory entry (one section, no trailing data)
#   truncated-entry IN OUT N        IN signed: a second WIN_CERTIFICATE (PKCS_SIGNED_DATA) holding
#                                   the first N bytes of the first's PKCS#7
#   spc-length IN OUT HEX           IN signed: the SpcIndirectDataContent SEQUENCE's length bytes
#                                   re-encoded as HEX ("82" = 82 00 6a, "83" = 83 00 00 6a), the
#                                   enclosing lengths fixed up in the form they had (the signed
#                                   bytes are unchanged, so the signature stays valid)
#   unpadded IN OUT                 IN signed: the last (only) WIN_CERTIFICATE made 4 bytes longer
#                                   than 8-aligned and the table ending right after it (no padding)
# Layout per Microsoft "PE Format" §4.7 (attribute certificate table); DER per X.690.
import struct, sys

def pe_dirs(d):
    pe = struct.unpack_from('<I', d, 0x3c)[0]
    opt = pe + 24
    magic = struct.unpack_from('<H', d, opt)[0]
    dd = opt + (96 if magic == 0x10b else 112)
    return pe, opt, dd + 8 * 4  # the certificate table directory entry

def table(d):
    _, _, cd = pe_dirs(d)
    off, size = struct.unpack_from('<II', d, cd)
    assert off and size and off + size == len(d), 'expected a certificate table at the end'
    return cd, off, size

def first_entry(d):
    cd, off, size = table(d)
    dw, rev, typ = struct.unpack_from('<IHH', d, off)
    assert typ == 2, 'expected WIN_CERT_TYPE_PKCS_SIGNED_DATA'
    return cd, off, size, dw

def set_table(d, off, tab):
    cd, _, _ = table(d)
    out = bytearray(d[:off] + tab)
    struct.pack_into('<II', out, cd, off, len(tab))
    return bytes(out)

def pad8(b):
    return b + bytes((8 - len(b) % 8) % 8)

def efi_app(out, variant=0):
    code = bytes.fromhex('48b80300000000000080c3')  # mov rax, EFI_UNSUPPORTED; ret
    h = bytearray(0x200)
    h[0:2] = b'MZ'
    struct.pack_into('<I', h, 0x3c, 0x40)
    h[0x40:0x44] = b'PE\0\0'
    # COFF: x86-64, 1 section, optional header 240 bytes, executable | large address aware
    struct.pack_into('<HHIIIHH', h, 0x44, 0x8664, 1, 0, 0, 0, 240, 0x22)
    o = 0x58
    struct.pack_into('<HBBIIIII', h, o, 0x20b, 0, 0, 0x200, 0, 0, 0x1000, 0x1000)
    struct.pack_into('<QII', h, o + 24, 0x140000000, 0x1000, 0x200)
    struct.pack_into('<IIII', h, o + 56, 0x2000, 0x200, 0, 10)  # SizeOfImage/Headers, CheckSum
    struct.pack_into('<H', h, o + 70, 0)                          # DllCharacteristics
    struct.pack_into('<QQQQII', h, o + 72, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    s = o + 240
    h[s:s + 8] = b'.text\0\0\0'
    struct.pack_into('<IIIIIIHHI', h, s + 8, len(code), 0x1000, 0x200, 0x200, 0, 0, 0, 0,
                     0x60000020)
    body = bytearray(0x200)
    body[:len(code)] = code
    body[0x100] = variant
    open(out, 'wb').write(bytes(h) + bytes(body))

def authenticode(f, alg):
    import hashlib
    d = open(f, 'rb').read()
    pe, opt, cd = pe_dirs(d)
    assert struct.unpack_from('<II', d, cd) == (0, 0), 'expected an unsigned image'
    assert struct.unpack_from('<H', d, pe + 6)[0] == 1 and len(d) == 0x400, 'expected an efi-app image'
    print(hashlib.new(alg, d[:opt + 64] + d[opt + 68:cd] + d[cd + 8:]).hexdigest())

def truncated_entry(src, out, n):
    d = open(src, 'rb').read()
    _, off, size, dw = first_entry(d)
    p7 = d[off + 8:off + dw]
    e1 = pad8(d[off:off + dw])
    e2 = pad8(struct.pack('<IHH', 8 + n, 0x0200, 2) + p7[:n])
    open(out, 'wb').write(set_table(d, off, e1 + e2))

# --- DER: decode one TLV, re-encode a length in a given form ---
def tlv(b, i):
    l, j = b[i + 1], i + 2
    n = 0
    if l & 0x80:
        n = l & 0x7f
        l = int.from_bytes(b[j:j + n], 'big')
        j += n
    return j, l, n  # content start, content length, number of long-form length bytes (0: short)

def enc_len(l, n):
    if n == 0:
        if l < 0x80:
            return bytes([l])
        n = (l.bit_length() + 7) // 8
    assert l < 1 << (8 * n), 'length does not fit'
    return bytes([0x80 | n]) + l.to_bytes(n, 'big')

def children(b):
    i, out = 0, []
    while i < len(b):
        j, l, _ = tlv(b, i)
        out.append(b[i:j + l])
        i = j + l
    return out

def rebuild(node, path, form):
    """node: one TLV; path: child indexes down to the TLV whose length gets form."""
    j, l, n = tlv(node, 0)
    body = node[j:j + l]
    if not path:
        return node[:1] + enc_form(l, form) + body
    kids = children(body)
    kids[path[0]] = rebuild(kids[path[0]], path[1:], form)
    body = b''.join(kids)
    return node[:1] + enc_len(len(body), n) + body

def enc_form(l, form):
    n = int(form, 16) & 0x7f
    return bytes([0x80 | n]) + l.to_bytes(n, 'big')

def spc_length(src, out, form):
    d = open(src, 'rb').read()
    _, off, size, dw = first_entry(d)
    p7 = d[off + 8:off + dw]
    j, l, _ = tlv(p7, 0)
    p7 = p7[:j + l]
    # ContentInfo{ oid, [0]{ SignedData{ version, digestAlgorithms, contentInfo{ oid, [0]{ SEQ }}}}}
    new = rebuild(p7, [1, 0, 2, 1, 0], form)
    e = pad8(struct.pack('<IHH', 8 + len(new), 0x0200, 2) + new)
    open(out, 'wb').write(set_table(d, off, e))

def unpadded(src, out):
    d = open(src, 'rb').read()
    _, off, size, dw = first_entry(d)
    p7 = d[off + 8:off + dw]
    j, l, _ = tlv(p7, 0)
    p7 = p7[:j + l]
    p7 += bytes((4 - (8 + len(p7)) % 8) % 8)  # 8 + len = 4 (mod 8): never 8-aligned
    e = struct.pack('<IHH', 8 + len(p7), 0x0200, 2) + p7
    assert len(e) % 8 == 4
    open(out, 'wb').write(set_table(d, off, e))

cmd = sys.argv[1]
if cmd == 'efi-app':
    efi_app(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
elif cmd == 'authenticode':
    authenticode(sys.argv[2], sys.argv[3])
elif cmd == 'truncated-entry':
    truncated_entry(sys.argv[2], sys.argv[3], int(sys.argv[4]))
elif cmd == 'spc-length':
    spc_length(sys.argv[2], sys.argv[3], sys.argv[4])
elif cmd == 'unpadded':
    unpadded(sys.argv[2], sys.argv[3])
else:
    sys.exit('sb-craft.py: unknown command ' + cmd)
