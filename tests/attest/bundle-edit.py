#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Makes the attack catalogue's bundles: edits one thing in a bundle.json (IN OUT OP ARGS...), or
# assembles a bundle from tpm2-tools outputs ("assemble", after "fields" + tpm2_quote -q).
import json, os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import binding  # noqa: E402  (the independent implementation of the quote binding)

def load(p):
    return json.load(open(p))

def save(b, p):
    json.dump(b, open(p, "w"), indent=2, sort_keys=True)

op = sys.argv[1]
if op == "fields":
    # fields OUT NONCE AKPUB(TPM2B_PUBLIC) FW US [BANK...]: a bundle without quote and PCRs yet;
    # prints the qualifying data to give tpm2_quote -q (with BANKs: of a bundle that will quote
    # each of those banks separately, "quotes")
    out, nonce, akpub, fw, us = sys.argv[2:7]
    per_bank = sys.argv[7:] or None
    b = {"format": "bootproof-bundle/2", "nonce": nonce,
         "ak": {"public": open(akpub, "rb").read().hex()}, "ek_certificate": None,
         "eventlog": {"firmware": open(fw, "rb").read().hex(), "userspace": open(us, "rb").read().hex()},
         "container_measurements": None}
    b["binding"] = binding.digests(b, per_bank)
    save(b, out)
    print(binding.qualifying_data(bytes.fromhex(nonce), b["binding"]).hex())
    sys.exit(0)
if op == "assemble":
    # assemble IN(from "fields") OUT MSG SIG TCTI PCRLIST
    src, out, msg, sig, tcti, sel = sys.argv[2:8]
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
    b = load(src)
    b["quote"] = {"attest": open(msg, "rb").read().hex(), "signature": open(sig, "rb").read().hex()}
    b["pcrs"] = pcrs
    save(b, out)
    sys.exit(0)
if op == "per-bank":
    # per-bank IN OUT MSG SIG [MSG SIG ...]: IN's "quote" replaced by "quotes" (one per bank)
    src, out = sys.argv[2:4]
    files = sys.argv[4:]
    b = load(src)
    del b["quote"]
    b["quotes"] = [{"attest": open(m, "rb").read().hex(), "signature": open(g, "rb").read().hex()}
                   for m, g in zip(files[::2], files[1::2])]
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
elif op == "signature-zero":      # every byte of the signature value zeroed (scheme and sizes kept)
    sig = bytearray.fromhex(b["quote"]["signature"])
    # TPMT_SIGNATURE: sigAlg, hash, then RSA: u16 size + bytes; ECDSA: r and s as TPM2B
    if sig[0:2] == b"\x00\x18":
        n = int.from_bytes(sig[4:6], "big"); sig[6:6 + n] = bytes(n)
        m = int.from_bytes(sig[6 + n:8 + n], "big"); sig[8 + n:8 + n + m] = bytes(m)
    else:
        n = int.from_bytes(sig[4:6], "big"); sig[6:6 + n] = bytes(n)
    b["quote"]["signature"] = sig.hex()
elif op == "luks-drop-keyslot":   # ID: delete a keyslot from luks2_metadata, and every reference
    meta = json.loads(bytes.fromhex(b["luks2_metadata"]).rstrip(b"\0"))
    assert args[0] in meta["keyslots"], "no keyslot " + args[0]
    del meta["keyslots"][args[0]]
    for group in ("digests", "tokens"):
        for obj in meta[group].values():
            obj["keyslots"] = [k for k in obj["keyslots"] if k != args[0]]
    b["luks2_metadata"] = json.dumps(meta, separators=(",", ":")).encode().hex()
elif op == "containers-rename":   # OLD NEW: rename an image tag in container_measurements
    cm = bytes.fromhex(b["container_measurements"])
    assert args[0].encode() in cm, "no " + args[0]
    b["container_measurements"] = cm.replace(args[0].encode(), args[1].encode(), 1).hex()
elif op == "make-unbound":        # what bootproof attest before the binding wrote: format /1
    b["format"] = "bootproof-bundle/1"; del b["binding"]
elif op == "attest-size":         # set qualifiedSigner's TPM2B size field to a huge value
    a = bytearray.fromhex(b["quote"]["attest"]); a[6:8] = bytes.fromhex(args[0])
    b["quote"]["attest"] = a.hex()
else:
    sys.exit("unknown op " + op)
save(b, out)
