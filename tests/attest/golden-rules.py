#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Turns the swtpm fixture's golden.json (format 1, values read from the TPM) into a format 2
# golden with one PCR rule changed, for tests/attest/test-verify-rules.sh. Wrong values are made
# by appending a separator to a PCR's events and replaying with hashlib, so every value still is
# the replay of its events (golden_load checks that).
# usage: golden-rules.py IN OUT CASE
import copy, hashlib, json, sys

src, out, case = sys.argv[1:4]
g = json.load(open(src))
g["format"] = "bootproof-golden/2"
SEP = {"log": "firmware", "type": "EV_SEPARATOR", "type_id": 4, "description": "extra",
       "digest": None}

def replay(bank, events, locality=0):
    n = hashlib.new(bank).digest_size
    v = b"\0" * (n - 1) + bytes([locality])
    for e in events:
        v = hashlib.new(bank, v + bytes.fromhex(e["digest"])).digest()
    return v.hex()

def wrong(bank, pcr):
    """The PCR object with one extra separator event: a value the TPM does not hold."""
    e = copy.deepcopy(pcr)
    s = dict(SEP, digest=hashlib.new(bank, b"\0\0\0\0").hexdigest())
    e["events"] = e["events"] + [s]
    e["value"] = replay(bank, e["events"])
    return e

for bank, pcrs in g["banks"].items():
    def setp(i, **kw):
        pcrs[str(i)].update(kw)
    if case == "all-exact":
        for k in pcrs:
            pcrs[k]["status"] = "exact"
    elif case == "exact-mismatch":
        pcrs["2"] = dict(wrong(bank, pcrs["2"]), status="exact")
    elif case == "computed-mismatch":
        pcrs["4"] = dict(wrong(bank, pcrs["4"]), status="computed")
    elif case == "observed-mismatch":
        w = wrong(bank, pcrs["1"])
        pcrs["1"] = {"status": "observed", "value": w["value"], "source": "test"}
    elif case == "observed-match":
        pcrs["1"] = {"status": "observed", "value": pcrs["1"]["value"]}
    elif case == "observed-unseen":
        pcrs["1"] = {"status": "observed", "source": "no real boot yet"}
    elif case == "variable":
        pcrs["0"] = {"status": "variable"}
    elif case == "per-instance":
        pcrs["6"] = {"status": "per-instance", "source": "VM UUID"}
    elif case in ("alternative", "alternative-none"):
        real = pcrs["5"]
        w = wrong(bank, real)
        alt = {"name": "ebs-retry", "value": real["value"], "events": real["events"]}
        if case == "alternative-none":
            w2 = wrong(bank, w)
            alt = {"name": "ebs-retry", "value": w2["value"], "events": w2["events"]}
        pcrs["5"] = dict(w, status="computed", alternatives=[alt])
    else:
        sys.exit("unknown case " + case)
json.dump(g, open(out, "w"), indent=2, sort_keys=True)
