#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compare `bootproof eventlog replay --json` with the `pcrs:` block of a tpm2_eventlog YAML
# (tpm2-tools lib/tpm2_eventlog_yaml.c yaml_eventlog_pcrs: "  <bank>:\n    <pcr> : 0x<hex>").
# Every PCR of every bank on either side must be present on the other with the same value,
# except PCRs bootproof marks incomplete (events lacking that bank's digest), which
# tpm2_eventlog prints as if the missing digests were not there: those must be absent from
# bootproof's values and listed under "incomplete".
# Usage: pcrs-compare.py BOOTPROOF.json TPM2_EVENTLOG.yaml LABEL
import json
import re
import sys


def yaml_pcrs(path):
    banks = {}
    in_pcrs = False
    bank = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "pcrs:":
                in_pcrs = True
                continue
            if not in_pcrs:
                continue
            m = re.match(r"^  (\w+):$", line)
            if m:
                bank = m.group(1)
                banks[bank] = {}
                continue
            m = re.match(r"^    (\d+)\s*: 0x([0-9a-fA-F]+)$", line)
            if m and bank:
                banks[bank][int(m.group(1))] = m.group(2).lower()
                continue
            if line and not line.startswith(" "):
                in_pcrs = False
    return banks


def main():
    ours = json.load(open(sys.argv[1]))
    theirs = yaml_pcrs(sys.argv[2])
    label = sys.argv[3]
    ok = True
    n = 0
    incomplete = {b: set(v) for b, v in ours.get("incomplete", {}).items()}
    if not theirs:
        print(f"FAIL {label}: no pcrs block in {sys.argv[2]}")
        return 1
    for bank in sorted(set(theirs) | set(ours["banks"])):
        t = theirs.get(bank, {})
        o = {int(k): v for k, v in ours["banks"].get(bank, {}).items()}
        for pcr in sorted(set(t) | set(o)):
            if pcr in incomplete.get(bank, set()):
                if pcr in o:
                    print(f"FAIL {label}: {bank} PCR {pcr} incomplete but has a value")
                    ok = False
                continue
            if t.get(pcr) != o.get(pcr):
                print(f"FAIL {label}: {bank} PCR {pcr}: bootproof {o.get(pcr)} reference {t.get(pcr)}")
                ok = False
            n += 1
    print(f"{'ok' if ok else 'FAIL'} {label}: {n} PCR values compared")
    return 0 if ok else 1


sys.exit(main())
