#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Test fixture for the swtpm tests: a small boot as a firmware would log it (TCG PC Client PFP
# 1.05 crypto-agile log: Spec ID Event03 header, TCG_PCR_EVENT2 records) plus systemd's
# pcrphase records (JSON-SEQ userspace log), each event extended into the swtpm with
# tpm2_pcrextend, and a golden.json whose values are read back from the TPM with tpm2_pcrread
# (the independent source) and whose event lists are the fixture's events.
# usage: mkfixture.py TCTI OUTDIR BANK...
import hashlib, json, os, re, struct, subprocess, sys

tcti, out, banks = sys.argv[1], sys.argv[2], sys.argv[3:]
ALG = {"sha1": (0x4, 20), "sha256": (0xB, 32), "sha384": (0xC, 48), "sha512": (0xD, 64)}
EV = {"EV_NO_ACTION": 3, "EV_SEPARATOR": 4, "EV_S_CRTM_VERSION": 8, "EV_IPL": 0xD,
      "EV_EFI_ACTION": 0x80000007, "EV_EFI_BOOT_SERVICES_APPLICATION": 0x80000003}

def H(bank, data):
    return hashlib.new(bank, data).digest()

# (pcr, type name, event data, description, digest-of data or a fixed payload)
firmware = []
def fw(pcr, typ, data, desc, hashed=None):
    firmware.append((pcr, typ, data, desc, hashed if hashed is not None else data))

fw(0, "EV_S_CRTM_VERSION", b"\0\0", "CRTM version")
fw(4, "EV_EFI_ACTION", b"Calling EFI Application from Boot Option",
   "Calling EFI Application from Boot Option")
for p in range(8):
    fw(p, "EV_SEPARATOR", b"\0\0\0\0", "separator")
# A boot application: the digest is of the image, not of the event data.
fw(4, "EV_EFI_BOOT_SERVICES_APPLICATION", b"\0" * 32, "bootproof-test.efi",
   b"bootproof test UKI image bytes")
fw(11, "EV_IPL", ".linux\0".encode("utf-16-le"), ".linux", b".linux\0")
fw(11, "EV_IPL", b"kernel", "kernel section", b"bootproof test kernel section")
phases = ["enter-initrd", "leave-initrd", "sysinit", "ready"]

# Firmware log.
log = bytearray()
spec = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(banks))
for b in banks:
    spec += struct.pack("<HH", *ALG[b])
spec += b"\0"
log += struct.pack("<II", 0, EV["EV_NO_ACTION"]) + b"\0" * 20 + struct.pack("<I", len(spec)) + spec
for pcr, typ, data, desc, hashed in firmware:
    log += struct.pack("<III", pcr, EV[typ], len(banks))
    for b in banks:
        log += struct.pack("<H", ALG[b][0]) + H(b, hashed)
    log += struct.pack("<I", len(data)) + data
open(os.path.join(out, "firmware.bin"), "wb").write(log)

# systemd's userspace log: pcrphase words on PCR 11 (content as systemd 257 writes it).
us = bytearray()
for ph in phases:
    rec = {"pcr": 11, "digests": [{"hashAlg": b, "digest": H(b, ph.encode()).hex()} for b in banks],
           "content_type": "systemd", "content": {"string": ph, "eventType": "phase"}}
    us += b"\x1e" + json.dumps(rec, separators=(",", ":")).encode() + b"\n"
open(os.path.join(out, "userspace.log"), "wb").write(us)

def extend(pcr, digests):
    arg = "%d:" % pcr + ",".join("%s=%s" % (b, d.hex()) for b, d in digests)
    subprocess.run(["tpm2_pcrextend", "-T", tcti, arg], check=True)

for pcr, typ, data, desc, hashed in firmware:
    extend(pcr, [(b, H(b, hashed)) for b in banks])
for ph in phases:
    extend(11, [(b, H(b, ph.encode())) for b in banks])

# Golden: values from the TPM itself.
sel = "+".join("%s:%s" % (b, ",".join(str(i) for i in range(16))) for b in banks)
yaml = subprocess.run(["tpm2_pcrread", "-T", tcti, sel], check=True, capture_output=True,
                      text=True).stdout
values, cur = {}, None
for line in yaml.splitlines():
    m = re.match(r"^  (sha\d+):$", line)
    if m:
        cur = m.group(1); values[cur] = {}
    m = re.match(r"^\s+(\d+)\s*:\s*0x([0-9A-F]+)$", line)
    if m and cur:
        values[cur][int(m.group(1))] = m.group(2).lower()

golden = {"format": "bootproof-golden/1", "image": {"name": "bootproof-test"}, "stub": {},
          "platform": None, "secure_boot": False, "banks": {}}
for b in banks:
    pcrs = {}
    for p in list(range(8)) + [11, 12, 13]:
        evs = []
        for pcr, typ, data, desc, hashed in firmware:
            if pcr == p:
                evs.append({"log": "firmware", "type": typ, "type_id": EV[typ],
                            "description": desc, "digest": H(b, hashed).hex()})
        entry = {"value": values[b][p], "events": evs}
        if p == 11:
            for ph in phases:
                evs.append({"log": "systemd", "type": "phase", "description": ph,
                            "digest": H(b, ph.encode()).hex(), "phase": ph})
            # Phase values: "stub" after the firmware events, then one per phase word.
            v = b"\0" * ALG[b][1]
            for e in evs:
                if e["log"] == "firmware":
                    v = H(b, v + bytes.fromhex(e["digest"]))
            ph_vals = [{"phase": "stub", "value": v.hex()}]
            for e in evs:
                if e["log"] == "systemd":
                    v = H(b, v + bytes.fromhex(e["digest"]))
                    ph_vals.append({"phase": e["phase"], "value": v.hex()})
            entry["phases"] = ph_vals
        pcrs[str(p)] = entry
    golden["banks"][b] = pcrs
json.dump(golden, open(os.path.join(out, "golden.json"), "w"), indent=2, sort_keys=True)
