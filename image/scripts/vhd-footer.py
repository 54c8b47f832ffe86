#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes the 512-byte footer of a fixed VHD (Microsoft "Virtual Hard Disk Image Format
# Specification" 1.0, "Hard Disk Footer Format") for a raw disk of SIZE bytes to stdout: the raw
# disk followed by this footer is the fixed VHD Azure imports.
#
# The fields are those `qemu-img convert -O vpc -o subformat=fixed,force_size` writes (creator
# "qem2" so readers take current_size, not the CHS geometry; geometry 65535/16/255 as qemu sets
# it with force_size), except the two qemu fills from the clock and the RNG:
#   timestamp  SOURCE_DATE_EPOCH - 946684800 (seconds since 2000-01-01 UTC, 0 if earlier)
#   unique id  the first 16 bytes of SHA-256("bootproof-vhd" || DIGEST), DIGEST being the
#              sha256 (hex) of the raw disk the caller passes: a new disk, a new id
# so two builds of the same disk give the same bytes. Checksum: ones' complement of the byte sum
# with the checksum field zero.
# usage: vhd-footer.py SIZE SOURCE_DATE_EPOCH RAW_SHA256_HEX > footer
import hashlib, struct, sys

size, epoch, digest = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if size <= 0 or size % (1 << 20) or len(digest) != 64:
    sys.exit("vhd-footer.py: SIZE must be a positive multiple of 1 MiB, DIGEST 64 hex digits")
ts = max(0, epoch - 946684800) & 0xFFFFFFFF
uid = hashlib.sha256(b"bootproof-vhd" + bytes.fromhex(digest)).digest()[:16]
f = bytearray(512)
struct.pack_into(">8sIIQI4sI4sQQHBBI", f, 0,
                 b"conectix", 0x2, 0x00010000, 0xFFFFFFFFFFFFFFFF, ts, b"qem2", 0x00050003,
                 b"Wi2k", size, size, 65535, 16, 255, 2)
f[68:84] = uid
struct.pack_into(">I", f, 64, (~sum(f)) & 0xFFFFFFFF)
sys.stdout.buffer.write(bytes(f))
