#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Event-level cross-check: `bootproof eventlog show --json` against tpm2_eventlog's YAML
# (tpm2-tools lib/tpm2_eventlog_yaml.c): the same records in the same order, each with the same
# PCR index, event type name and digest of every bank.
# Usage: events-compare.py BOOTPROOF-SHOW.json TPM2_EVENTLOG.yaml LABEL
import json
import re
import sys


def yaml_events(path):
    events = []
    cur = None
    alg = None
    in_events = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "events:":
                in_events = True
                continue
            if not in_events:
                continue
            if line and not line.startswith((" ", "-")):
                break  # "pcrs:" and what follows
            if line.startswith("- "):
                cur = {"pcr": None, "type": None, "digests": {}}
                events.append(cur)
                line = "  " + line[2:]
            m = re.match(r"^  PCRIndex: (\d+)$", line)
            if m:
                # tpm2_eventlog 5.4 prints legacy SHA1 records without "- EventNum:"
                if cur is None or cur["pcr"] is not None:
                    cur = {"pcr": None, "type": None, "digests": {}}
                    events.append(cur)
                cur["pcr"] = int(m.group(1))
            m = re.match(r"^  EventType: (\S+)$", line)
            if m:
                cur["type"] = m.group(1)
            m = re.match(r'^  Digest: "([0-9a-f]+)"$', line)  # legacy record: SHA1
            if m:
                cur["digests"]["sha1"] = m.group(1)
            m = re.match(r"^  - AlgorithmId: (\w+)$", line)
            if m:
                alg = m.group(1)
            m = re.match(r'^    Digest: "([0-9a-f]+)"$', line)
            if m and alg:
                cur["digests"][alg] = m.group(1)
                alg = None
    return events


def main():
    ours = json.load(open(sys.argv[1]))
    theirs = yaml_events(sys.argv[2])
    label = sys.argv[3]
    fw = ours["firmware"]
    recs = fw["records"]
    if len(recs) != len(theirs):
        print(f"FAIL {label}: {len(recs)} records, tpm2_eventlog has {len(theirs)}")
        return 1
    bad = 0
    for i, (o, t) in enumerate(zip(recs, theirs)):
        header = i == 0 and fw["format"] == "crypto-agile"
        want = t["digests"] if not header else {}
        if o["pcr"] != t["pcr"] or o["type"] != t["type"] or o["digests"] != want:
            if bad < 5:
                print(f"FAIL {label}: record {i}: bootproof {o['pcr']} {o['type']} {o['digests']}"
                      f" vs tpm2_eventlog {t['pcr']} {t['type']} {want}")
            bad += 1
    print(f"{'ok' if not bad else 'FAIL'} {label}: {len(recs)} records compared")
    return 1 if bad else 0


sys.exit(main())
