#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# A bootproof bundle + golden.json from a public tpm2-tools capture (tests/data/cloud-ak/azure:
# tpm2_quote -f plain: quote.msg = TPMS_ATTEST, quote.sig = raw RSASSA signature, pcrs.bin =
# tpm2-tools' PCR file, ak.pub = PEM, nonce.hex), optionally with an AK certificate.
# The AK's TPM2B_PUBLIC is rebuilt from the PEM modulus with tpm2_createak's RSA template
# (RSA 2048, RSASSA-SHA256, fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|
# sign): the signature check only needs the key; the attributes are what tpm2_createak sets.
# The quote answers the bare nonce (tpm2_quote -q NONCE), so the bundle is an imported one
# ("bootproof-bundle/imported-1", docs/attest.md): no bootproof binding.
# usage: fixture2bundle.py DIR OUTDIR [CERT.der]
import json, os, struct, subprocess, sys

d, out = sys.argv[1], sys.argv[2]
rd = lambda n: open(os.path.join(d, n), "rb").read()
mod = subprocess.run(["openssl", "rsa", "-pubin", "-in", os.path.join(d, "ak.pub"), "-noout",
                      "-modulus"], capture_output=True, text=True, check=True).stdout
n = bytes.fromhex(mod.strip().split("=")[1])
assert len(n) == 256
attrs = 0x2 | 0x10 | 0x20 | 0x40 | 0x10000 | 0x40000
tpmt = (struct.pack(">HHIH", 0x0001, 0x000B, attrs, 0) +          # type, nameAlg, attrs, authPolicy
        struct.pack(">HHHHI", 0x0010, 0x0014, 0x000B, 2048, 0) +  # sym NULL, RSASSA-SHA256, bits, exp
        struct.pack(">H", len(n)) + n)
sig = struct.pack(">HHH", 0x0014, 0x000B, 256) + rd("quote.sig")
# pcrs.bin: TPML_PCR_SELECTION (host order, 132 bytes), u32 count, TPML_DIGEST[count]
raw = rd("pcrs.bin")
cnt = struct.unpack_from("<I", raw, 0)[0]
hashes = [struct.unpack_from("<H", raw, 4 + 6 * i)[0] for i in range(cnt)]
assert hashes == [0x000B], hashes
sel = raw[4 + 3: 4 + 6]  # sizeofSelect at +2, pcrSelect[0..2]
pcrs = [i for i in range(24) if sel[i // 8] >> (i % 8) & 1]
off = 132 + 4
ndig = struct.unpack_from("<I", raw, off)[0]
assert ndig == len(pcrs), (ndig, pcrs)
vals = {}
for i, p in enumerate(pcrs):
    size = struct.unpack_from("<H", raw, off + 4 + 66 * i)[0]
    assert size == 32
    vals[str(p)] = raw[off + 6 + 66 * i: off + 6 + 66 * i + 32].hex()
bundle = {"format": "bootproof-bundle/imported-1", "nonce": open(os.path.join(d, "nonce.hex")).read().strip(),
          "quote": {"attest": rd("quote.msg").hex(), "signature": sig.hex()},
          "pcrs": {"sha256": vals}, "ak": {"public": (struct.pack(">H", len(tpmt)) + tpmt).hex()},
          "ek_certificate": None, "eventlog": {"firmware": None, "userspace": None},
          "container_measurements": None}
if len(sys.argv) > 3:
    bundle["ak"]["certificate"] = open(sys.argv[3], "rb").read().hex()
    bundle["ak"]["intermediates"] = []
json.dump(bundle, open(os.path.join(out, "bundle.json"), "w"), indent=2, sort_keys=True)
# golden: the TPM's own values for every PCR but the highest, which the caller passes as
# --runtime-pcrs (verify requires runtime PCRs to be quoted; this capture quoted 0-7 only).
# Format 2, status observed: the capture has no event log to derive events from.
golden = {"format": "bootproof-golden/2", "image": {"name": "azure-fixture"}, "stub": {},
          "platform": None, "secure_boot": False,
          "banks": {"sha256": {p: {"status": "observed", "value": v} for p, v in vals.items()
                               if int(p) != pcrs[-1]}}}
json.dump(golden, open(os.path.join(out, "golden.json"), "w"), indent=2, sort_keys=True)
print(pcrs[-1])
