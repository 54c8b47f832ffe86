#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Independent helpers for the forged-volume tests (tests/seal/test-seal-forged.sh): written from
the specifications, sharing no code with bootproof.

  luks2-edit.py get-json DEV            print the JSON area of the primary LUKS2 header
  luks2-edit.py set-json DEV FILE [primary|secondary|both]
                                        write FILE's text as the JSON area of the chosen header
                                        copies (default both), NUL-padded, each checksum
                                        recomputed: LUKS2 On-Disk Format §2.1, SHA-256 over the
                                        hdr_size bytes of that copy with the csum field (64 bytes at
                                        offset 448) zeroed
  luks2-edit.py blob POLICY_HEX [ATTRS [NAME_ALG [SEED]]]
                                        base64 of a systemd-shaped tpm2-blob: TPM2B_PRIVATE (a
                                        32-byte integrity digest + 48 opaque bytes) || TPM2B_PUBLIC
                                        (TPM 2.0 Part 2 §12.2: keyed hash, nameAlg, attributes,
                                        authPolicy, scheme NULL, 32-byte unique) [|| a
                                        TPM2B_ENCRYPTED_SECRET of SEED bytes]; ATTRS default 0x12
                                        (fixedTPM|fixedParent), NAME_ALG default 0x000b (SHA-256)
"""
import base64
import hashlib
import struct
import sys

HDR_BIN = 4096


def header_copies(data):
    """(offset, hdr_size) of both copies, from the primary's hdr_size (u64be at 8)."""
    if data[:6] != b"LUKS\xba\xbe":
        sys.exit("not a LUKS header")
    size = struct.unpack_from(">Q", data, 8)[0]
    return {"primary": (0, size), "secondary": (size, size)}


def get_json(dev):
    with open(dev, "rb") as f:
        data = f.read(8 << 20)
    off, size = header_copies(data)["primary"]
    area = data[off + HDR_BIN:off + size]
    sys.stdout.write(area.split(b"\0", 1)[0].decode())


def set_json(dev, path, which="both"):
    with open(path, "rb") as f:
        text = f.read().strip()
    with open(dev, "r+b") as f:
        data = bytearray(f.read(8 << 20))
        copies = header_copies(data)
        names = ["primary", "secondary"] if which == "both" else [which]
        for name in names:
            off, size = copies[name]
            if len(text) >= size - HDR_BIN:
                sys.exit("JSON too long for the area")
            area = text + b"\0" * (size - HDR_BIN - len(text))
            data[off + HDR_BIN:off + size] = area
            data[off + 448:off + 512] = b"\0" * 64
            csum = hashlib.sha256(bytes(data[off:off + size])).digest()
            data[off + 448:off + 448 + 32] = csum
            f.seek(off)
            f.write(data[off:off + size])


def tpm2b(b):
    return struct.pack(">H", len(b)) + b


def blob(policy_hex, attrs="0x12", name_alg="0x000b", seed="0"):
    policy = bytes.fromhex(policy_hex)
    private = tpm2b(b"\xa5" * 32) + b"\x5a" * 48
    public = struct.pack(">HHI", 0x0008, int(name_alg, 0), int(attrs, 0)) + tpm2b(policy) + \
        struct.pack(">H", 0x0010) + tpm2b(b"\x11" * 32)
    out = tpm2b(private) + tpm2b(public)
    if int(seed):
        out += tpm2b(b"\x33" * int(seed))
    print(base64.b64encode(out).decode())


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"get-json": get_json, "set-json": set_json, "blob": blob}[cmd](*args)


if __name__ == "__main__":
    main()
