#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Makes the attack catalogue's bundles: edits one thing in a bundle.json (IN OUT OP ARGS...), or
# assembles a bundle from tpm2-tools outputs ("assemble").
import json, re, subprocess, sys

def load(p):
    return json.load(open(p))

def save(b, p):
    json.dump(b, open(p, "w"), indent=2, sort_keys=True)

op = sys.argv[1]
if op == "assemble":
    # assemble OUT NONCE MSG SIG AKPUB(TPM2B_PUBLIC) TCTI PCRLIST FW US
    out, nonce, msg, sig, akpub, tcti, sel, fw, us = sys.argv[2:11]
    yaml = subprocess.run(["tpm2_pcrread", "-T", tcti, sel], check=True, capture_output=True,
                          text=True).stdout
    pcrs, cur = {}, None
    for line in yaml.splitlines():
        m = re.match(r"^  (sha\d+):$", line)
        if m:
            cur = m.group(1); pcrs[cur] = {}
        m = re.match(r"^\s+(\d+)\s*:\s*0x([0-9A-F]+)$", line)
        if m and cur:
            pcrs[cur][m.group(1)] = m.group(2).lower()
    b = {"format": "bootproof-bundle/1", "nonce": nonce,
         "quote": {"attest": open(msg, "rb").read().hex(), "signature": open(sig, "rb").read().hex()},
         "pcrs": pcrs, "ak": {"public": open(akpub, "rb").read().hex()}, "ek_certificate": None,
         "eventlog": {"firmware": open(fw, "rb").read().hex(), "userspace": open(us, "rb").read().hex()},
         "container_measurements": None}
    save(b, out)
    sys.exit(0)

src, out = sys.argv[2], sys.argv[3]
args = sys.argv[4:]
b = load(src)
if op == "set-nonce":
    b["nonce"] = args[0]
elif op == "flip-pcr":            # BANK IDX: change the last byte of one PCR value
    v = bytearray.fromhex(b["pcrs"][args[0]][args[1]]); v[-1] ^= 1
    b["pcrs"][args[0]][args[1]] = v.hex()
elif op == "add-pcr":             # BANK IDX HEX: supply a value the quote may not cover
    b["pcrs"].setdefault(args[0], {})[args[1]] = args[2]
elif op == "fw-flip":             # HEX: flip a byte inside the first occurrence in the firmware log
    log = bytearray.fromhex(b["eventlog"]["firmware"]); pat = bytes.fromhex(args[0])
    i = log.find(pat)
    assert i >= 0, "pattern not in the firmware log"
    log[i + len(pat) // 2] ^= 0x80
    b["eventlog"]["firmware"] = log.hex()
elif op == "us-replace":          # OLD NEW: text replacement in the userspace log
    log = bytes.fromhex(b["eventlog"]["userspace"])
    assert args[0].encode() in log
    b["eventlog"]["userspace"] = log.replace(args[0].encode(), args[1].encode(), 1).hex()
elif op == "us-drop-last":        # remove the last JSON-SEQ record
    log = bytes.fromhex(b["eventlog"]["userspace"])
    b["eventlog"]["userspace"] = log[:log.rstrip(b"\n").rfind(b"\x1e")].hex()
elif op == "signature-from":      # FILE: another bundle's signature
    b["quote"]["signature"] = load(args[0])["quote"]["signature"]
elif op == "quote-from":          # FILE: another bundle's attest + signature
    o = load(args[0]); b["quote"] = o["quote"]
elif op == "attest-truncate":
    b["quote"]["attest"] = b["quote"]["attest"][:-2]
elif op == "attest-append":
    b["quote"]["attest"] += args[0]
elif op == "signature-truncate":
    b["quote"]["signature"] = b["quote"]["signature"][:-2]
elif op == "attest-size":         # set qualifiedSigner's TPM2B size field to a huge value
    a = bytearray.fromhex(b["quote"]["attest"]); a[6:8] = bytes.fromhex(args[0])
    b["quote"]["attest"] = a.hex()
else:
    sys.exit("unknown op " + op)
save(b, out)
