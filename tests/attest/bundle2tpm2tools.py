#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Converts a bootproof bundle.json into the files tpm2_checkquote reads: the TPMS_ATTEST message,
# the TPMT_SIGNATURE, and the PCR file in tpm2-tools' "serialized" layout (what tpm2_quote -o
# writes; layout read from a file tpm2_quote wrote: native little-endian TPML_PCR_SELECTION of
# 16 x 8-byte TPMS_PCR_SELECTION, a u32 count of TPML_DIGESTs, then TPML_DIGESTs of 8 x
# TPM2B_DIGEST(u16 size + 64 bytes)), and OUT.qd: the qualifying data (hex) to give
# tpm2_checkquote -q, computed from the bundle's nonce and fields by binding.py (docs/attest.md).
# Also prints the -l PCR list.
import json, os, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import binding  # noqa: E402

ALG = {"sha1": 0x4, "sha256": 0xB, "sha384": 0xC, "sha512": 0xD}

def convert(src, out, index=0):
    b = json.load(open(src))
    q = b["quotes"][index] if "quotes" in b else b["quote"]  # a per-bank bundle: quote INDEX

    att = bytes.fromhex(q["attest"])
    open(out + ".msg", "wb").write(att)
    open(out + ".sig", "wb").write(bytes.fromhex(q["signature"]))
    qd = binding.qualifying_data(bytes.fromhex(b["nonce"]), binding.digests(b))
    open(out + ".qd", "w").write(qd.hex() + "\n")

    # The selection, in the quote's own order (TPMS_ATTEST after magic/type/signer/extra/clock/fw).
    off = 6
    n = struct.unpack(">H", att[off:off + 2])[0]; off += 2 + n
    n = struct.unpack(">H", att[off:off + 2])[0]; off += 2 + n
    off += 17 + 8
    count = struct.unpack(">I", att[off:off + 4])[0]; off += 4
    sel = []
    for _ in range(count):
        h, sz = struct.unpack(">HB", att[off:off + 3]); off += 3
        mask = int.from_bytes(att[off:off + sz], "little"); off += sz
        sel.append((h, sz, mask))
    names = {v: k for k, v in ALG.items()}
    blob = struct.pack("<I", len(sel))
    for i in range(16):
        if i < len(sel):
            h, sz, mask = sel[i]
            blob += struct.pack("<HB", h, sz) + mask.to_bytes(4, "little") + b"\0"
        else:
            blob += b"\0" * 8
    digests = []
    for h, sz, mask in sel:
        for p in range(24):
            if mask & (1 << p):
                digests.append(bytes.fromhex(b["pcrs"][names[h]][str(p)]))
    groups = [digests[i:i + 8] for i in range(0, len(digests), 8)]
    blob += struct.pack("<I", len(groups))
    for g in groups:
        blob += struct.pack("<I", len(g))
        for d in g + [b""] * (8 - len(g)):
            blob += struct.pack("<H", len(d)) + d + b"\0" * (64 - len(d))
    open(out + ".pcrs", "wb").write(blob)
    return ("+".join(names[h] + ":" + ",".join(str(p) for p in range(24) if mask & (1 << p))
                   for h, sz, mask in sel))


# usage: bundle2tpm2tools.py BUNDLE OUT_PREFIX [INDEX]  (prints the -l PCR list; INDEX: which
#                                                      of a per-bank bundle's "quotes", default 0)
#        bundle2tpm2tools.py --batch N IN_DIR OUT_DIR  (IN_DIR/%05d.json -> OUT_DIR/<i>.*)
if sys.argv[1] == "--batch":
    n, ind, outd = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    for i in range(1, n + 1):
        convert("%s/%05d.json" % (ind, i), "%s/%d" % (outd, i))
else:
    print(convert(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0))
