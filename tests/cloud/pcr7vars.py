# SPDX-License-Identifier: LGPL-2.1-or-later
"""PCR 7's Secure Boot variable events of a golden-T.json, decoded and checked: one reader for
release-check.sh's GCE/Azure and AWS checks."""
import hashlib
import json
import struct
import uuid

ALGS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384}


def pcr7_variables(golden_path):
    """The golden's banks, and (bank, vendor GUID, name, data) for each EV_EFI_VARIABLE_DRIVER_CONFIG
    event of PCR 7. The event data is a UEFI_VARIABLE_DATA (TCG PC Client PFP 10.4.2); its
    VariableDataLength must match what follows, and the event's digest is recomputed from it."""
    g = json.load(open(golden_path))
    out = []
    for bank, pcrs in g["banks"].items():
        for ev in pcrs["7"]["events"]:
            if ev["type"] != "EV_EFI_VARIABLE_DRIVER_CONFIG":
                continue
            d = bytes.fromhex(ev["data"])
            guid = uuid.UUID(bytes_le=d[:16])
            nlen, dlen = struct.unpack_from("<QQ", d, 16)
            name = d[32:32 + 2 * nlen].decode("utf-16-le")
            data = d[32 + 2 * nlen:]
            assert len(data) == dlen, f"{bank} {name}: VariableDataLength {dlen}, {len(data)} bytes follow"
            assert ALGS[bank](d).hexdigest() == ev["digest"], f"{bank} {name}: digest is not the hash of the event data"
            out.append((bank, str(guid), name, data))
    return sorted(g["banks"]), out
