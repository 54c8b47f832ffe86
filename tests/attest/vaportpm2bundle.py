#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# A bootproof bundle + golden.json from a public GCE quote fixture of lockboot/vaportpm
# (tests/data/cloud-ak/gce-quote: JSON with the nonce, sha256 PCRs 0-23, the ECC P-256 AK as
# x/y, TPMS_ATTEST, a DER ECDSA signature and the AK certificate chain as PEM). The AK's
# TPM2B_PUBLIC is rebuilt from x/y with the usual AK attributes and ECDSA-SHA256 on NIST P-256
# (the fixture does not carry GCE's template; the signature check needs only the key). The
# signature becomes a TPMT_SIGNATURE (TPM_ALG_ECDSA, SHA-256, r and s as 32-byte TPM2Bs).
# The quote answers the bare nonce: the bundle is an imported one ("bootproof-bundle/imported-1").
# usage: vaportpm2bundle.py FIXTURE.json OUTDIR  (prints the PCR to pass as --runtime-pcrs)
import base64, json, os, re, struct, sys

f, out = sys.argv[1], sys.argv[2]
d = json.load(open(f))
ak = d["ak_pubkeys"]["ecc_p256"]
x, y = bytes.fromhex(ak["x"]), bytes.fromhex(ak["y"])
attrs = 0x2 | 0x10 | 0x20 | 0x40 | 0x10000 | 0x40000
tpmt = (struct.pack(">HHIH", 0x0023, 0x000B, attrs, 0) +
        struct.pack(">HHHHH", 0x0010, 0x0018, 0x000B, 0x0003, 0x0010) +
        struct.pack(">H", 32) + x + struct.pack(">H", 32) + y)

def der_ecdsa(sig):
    # SEQUENCE { INTEGER r, INTEGER s }, short lengths (P-256)
    assert sig[0] == 0x30 and sig[1] == len(sig) - 2
    i, out = 2, []
    for _ in range(2):
        assert sig[i] == 0x02
        n = sig[i + 1]
        out.append(int.from_bytes(sig[i + 2:i + 2 + n], "big").to_bytes(32, "big"))
        i += 2 + n
    assert i == len(sig)
    return out

q = d["attestation"]["tpm"]["ecc_p256"]
r, s = der_ecdsa(bytes.fromhex(q["signature"]))
sig = struct.pack(">HHH", 0x0018, 0x000B, 32) + r + struct.pack(">H", 32) + s
pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                  d["attestation"]["gcp"]["ak_cert_chain"], re.S)
ders = [base64.b64decode("".join(p.splitlines()[1:-1])) for p in pems]
vals = d["pcrs"]["sha256"]
bundle = {"format": "bootproof-bundle/imported-1", "nonce": d["nonce"],
          "quote": {"attest": q["attest_data"], "signature": sig.hex()},
          "pcrs": {"sha256": vals},
          "ak": {"public": (struct.pack(">H", len(tpmt)) + tpmt).hex(),
                 "certificate": ders[0].hex(), "intermediates": [c.hex() for c in ders[1:]]},
          "ek_certificate": None, "eventlog": {"firmware": None, "userspace": None},
          "container_measurements": None}
json.dump(bundle, open(os.path.join(out, "bundle.json"), "w"), indent=2, sort_keys=True)
# golden: the quoted values of PCR 0-15 as observed (no event log to derive events from);
# PCR 23 is the --runtime-pcrs the caller passes (verify requires runtime PCRs to be quoted).
golden = {"format": "bootproof-golden/2", "image": {"name": "gce-fixture"}, "stub": {},
          "platform": None, "secure_boot": False,
          "banks": {"sha256": {str(p): {"status": "observed", "value": vals[str(p)]}
                               for p in range(16)}}}
json.dump(golden, open(os.path.join(out, "golden.json"), "w"), indent=2, sort_keys=True)
print(23)
