#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# What an operator with access to the TPM could do: append records with arbitrary strings to
# the userspace log AND extend the TPM to match (tpm2_pcrextend), so the log replays to the
# quote. The verifier must then judge the records' meaning (order, release, completeness).
# Usage: forge.py TCTI LOG "BANK BANK..." PCR:STRING...
import hashlib, json, subprocess, sys

tcti, log, banks = sys.argv[1], sys.argv[2], sys.argv[3].split()
with open(log, "ab") as f:
    for arg in sys.argv[4:]:
        pcr, s = arg.split(":", 1)
        ds = [(b, hashlib.new(b, s.encode()).hexdigest()) for b in banks]
        rec = {"pcr": int(pcr), "digests": [{"hashAlg": b, "digest": d} for b, d in ds],
               "content_type": "systemd",
               "content": {"eventType": "bootproof-runtime", "string": s}}
        subprocess.run(["tpm2_pcrextend", "-T", tcti,
                        pcr + ":" + ",".join("%s=%s" % (b, d) for b, d in ds)], check=True)
        f.write(b"\x1e" + json.dumps(rec, separators=(",", ":")).encode() + b"\n")
