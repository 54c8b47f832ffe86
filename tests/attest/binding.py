#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# An independent implementation, from docs/attest.md ("What the quote binds"), of the qualifying
# data bootproof attest asks the TPM to sign: the tests compare it with what the TPM signed
# (tpm2_checkquote -q) and use it to make tpm2_quote quotes bootproof must accept.
#   binding.py qd BUNDLE             prints the qualifying data (hex) for the bundle's own nonce
#   binding.py qd BUNDLE NONCE       ... for another nonce
import hashlib, json, struct, sys

FIELDS = ["ak.public", "ak.certificate", "ak.intermediates", "ek_certificate",
          "eventlog.firmware", "eventlog.userspace", "container_measurements", "credential",
          "luks2_metadata"]

def field_bytes(bundle, name):
    """The field's bytes, or None when null / absent. ak.intermediates: u32 big-endian length
    and DER of each certificate, present exactly when ak.certificate is (an empty list too)."""
    if name == "ak.intermediates":
        ak = bundle.get("ak", {})
        if ak.get("certificate") is None:
            return None
        return b"".join(struct.pack(">I", len(c) // 2) + bytes.fromhex(c)
                        for c in ak.get("intermediates", []))
    v = bundle
    for part in name.split("."):
        v = v.get(part) if isinstance(v, dict) else None
    return None if v is None else bytes.fromhex(v)

# TPM_ALG_IDs of the banks, in bootproof's bank order (binding.quotes)
BANKS = [("sha1", 0x0004), ("sha256", 0x000B), ("sha384", 0x000C), ("sha512", 0x000D)]

def quoted_banks_digest(banks):
    """binding.quotes: SHA-256 of the u16 big-endian TPM_ALG_ID of every quoted bank, in order."""
    return hashlib.sha256(b"".join(struct.pack(">H", alg) for k, alg in BANKS if k in banks)).hexdigest()

def digests(bundle, per_bank=None):
    """{field: sha256 hex | None}: the "binding" object as attest writes it. A bundle with one
    quote per bank ("quotes", or per_bank = the banks it will quote) also gets "quotes"."""
    out = {}
    for name in FIELDS:
        b = field_bytes(bundle, name)
        out[name] = None if b is None else hashlib.sha256(b).hexdigest()
    if per_bank is not None or "quotes" in bundle:
        out["quotes"] = quoted_banks_digest(per_bank if per_bank is not None else bundle["pcrs"])
    return out

def qualifying_data(nonce, binding):
    f = b"bootproof-bundle-binding/1\0"
    for name in FIELDS:
        f += struct.pack("B", len(name)) + name.encode()
        f += b"\0" if binding[name] is None else b"\1" + bytes.fromhex(binding[name])
    if "quotes" in binding:  # per-bank bundles only: after the nine fields
        f += struct.pack("B", 6) + b"quotes" + b"\1" + bytes.fromhex(binding["quotes"])
    q = b"bootproof-qualifying-data/1\0" + struct.pack("B", len(nonce)) + nonce
    return hashlib.sha256(q + hashlib.sha256(f).digest()).digest()

if __name__ == "__main__":
    if sys.argv[1] == "qd":
        b = json.load(open(sys.argv[2]))
        nonce = bytes.fromhex(sys.argv[3] if len(sys.argv) > 3 else b["nonce"])
        # from the fields themselves, not from the bundle's "binding"
        print(qualifying_data(nonce, digests(b)).hex())
    else:
        sys.exit("usage: binding.py qd BUNDLE [NONCE]")
