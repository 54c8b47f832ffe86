#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The verifier's three doors agree: on every bundle of the attack catalogue (real swtpm quotes,
# tests/api/catalogue.sh) the CLI's `verify --json` exits and reasons as the catalogue expects,
# the Python package (`pip install ./python` offline into a fresh venv, Debian's python3-venv)
# returns byte for byte the same verdict, and the `verify --html` report, rendered in headless
# Chromium, shows the same verdict and reason in its verdict element. Python's operational errors are exceptions with the CLI's exit class;
# bootproof.replay() matches the TPM's own PCR values (tpm2_pcrread in mkfixture.py) and the
# CLI's replay; and the fuzz corpora run through the Python API without a crash.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
: "${BOOTPROOF_BUILD_DIR:?}"
# Debian's interpreter and venv, not one that happens to be first in PATH.
PY=/usr/bin/python3
$PY -c 'import ensurepip, venv' 2>/dev/null || { echo "SKIP: python3-venv not installed (tests/deps/api.list)"; exit 77; }
LIB=$BOOTPROOF_BUILD_DIR/lib/libbootproof.so.0
[ -f "$LIB" ] || fail "$LIB not built"
command -v chromium >/dev/null || { echo "SKIP: chromium not installed (tests/deps/api.list)"; exit 77; }

. "$BOOTPROOF_SOURCE_DIR/tests/api/catalogue.sh"

# A clean venv, the package installed offline from a copy of python/ (pip builds in the tree).
cp -r "$BOOTPROOF_SOURCE_DIR/python" "$WORK/python-src"
$PY -m venv "$WORK/venv"
PIP_NO_INDEX=1 PIP_FIND_LINKS= "$WORK/venv/bin/pip" install --isolated --no-index -q "$WORK/python-src" ||
	fail "pip install ./python (offline) failed"
export BOOTPROOF_LIBRARY="$LIB"
# A sanitizer build's library needs its runtimes loaded first: preload them into Python (only).
PRELOAD=
for l in $(readelf -d "$LIB" | sed -n 's/.*NEEDED.*\[\(lib[a-z]*san\.so[.0-9]*\)\].*/\1/p'); do
	PRELOAD="${PRELOAD:+$PRELOAD:}$(cc -print-file-name="$l")"
done
PYTHON="env LD_PRELOAD=$PRELOAD ASAN_OPTIONS=detect_leaks=0 $WORK/venv/bin/python"
[ -n "$PRELOAD" ] || PYTHON=$WORK/venv/bin/python
cd "$WORK" # not the source tree: the installed package must be the one imported

mkdir -p "$WORK/html"
$PYTHON - "$BOOTPROOF" "$WORK/cases" "$BOOTPROOF_SOURCE_DIR/tests/api/dom.py" "$WORK/html" <<'PY' || fail "the doors disagree"
import json, os, subprocess, sys
import bootproof
assert bootproof.__file__.startswith(sys.prefix), bootproof.__file__
bp, cases, dom_py, html_dir = sys.argv[1:5]
n = 0
for line in open(cases):
    label, want_rc, want_reason, bundle, args = line.rstrip("\n").split("|")
    args = args.split()
    page = f"{html_dir}/{n}.html"
    cli = subprocess.run([bp, "verify", "--json", "--html", page, bundle] + args,
                         capture_output=True)
    assert cli.returncode == int(want_rc), (label, cli.returncode, cli.stderr)
    # Door 3: the report as Chromium renders it.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}  # not into Chromium
    dom = json.loads(subprocess.run(["/usr/bin/python3", dom_py, page], capture_output=True,
                                    check=True, text=True, env=env).stdout)
    word = "VERIFIED" if want_rc == "0" else "REFUSED"
    assert dom["ids"]["reason"] == want_reason, (label, dom["ids"].get("reason"))
    assert dom["ids"]["verdict-word"] == word, (label, dom["ids"].get("verdict-word"))
    assert dom["ids"]["verdict"].startswith(f"{word} {want_reason}: "), (label, dom["ids"]["verdict"])
    assert dom["ids"]["detail"] == json.loads(cli.stdout)["detail"], label
    kw = {"ca": []}
    for a in args:
        k, v = a[2:].split("=", 1)
        if k == "ca":
            kw["ca"].append(v)
        else:
            kw[k.replace("-", "_")] = v
    v = bootproof.verify(bundle, **kw)
    assert v.reason == want_reason and json.loads(cli.stdout)["reason"] == want_reason, (label, v)
    assert v.ok == (want_rc == "0"), label
    assert v.json.encode() == cli.stdout, f"{label}: verdict bytes differ"
    if not v.ok:
        try:
            bootproof.verify(bundle, check=True, **kw)
            raise AssertionError(f"{label}: check=True did not raise")
        except bootproof.Refused as e:
            assert e.reason == want_reason and e.detail == v.detail, (label, e)
    else:
        assert v.runtime["inputs"] and v.runtime["outputs"], v.runtime
    # The same bundle from memory, named as the CLI names it: the same bytes.
    with bootproof.Verifier(kw.pop("golden"), kw.pop("nonce"), **kw) as ver:
        assert ver.verify(open(bundle, "rb").read(), name=bundle).json == v.json, label
    print(f"CASE {label}: CLI exit {cli.returncode}, Python {v.reason}, HTML "
          f"'{dom['ids']['verdict-word']} {dom['ids']['reason']}': agree")
    n += 1
assert n >= 18, n
print(f"ok: {n} catalogue cases, CLI, Python and HTML report agree")
PY

# Operational errors: an exception where the CLI exits 1 (unreadable) or 2 (bad nonce).
$PYTHON - "$BOOTPROOF" "$WORK" <<'PY' || fail "errors"
import errno, subprocess, sys
import bootproof
bp, w = sys.argv[1], sys.argv[2]
g, ak = f"{w}/golden.json", f"{w}/ak.pem"
def cli(*a):
    return subprocess.run([bp, "verify", *a], capture_output=True).returncode
for bundle, nonce, golden, key, want_rc, want_errno in [
        (f"{w}/missing.json", "00", g, ak, 1, errno.ENOENT),
        (f"{w}/cat/good.json", "xyz", g, ak, 2, errno.EINVAL),
        (f"{w}/cat/good.json", "00", f"{w}/ak.pem", ak, 1, errno.EBADMSG),
        (f"{w}/cat/good.json", "00", g, g, 1, None)]:
    assert cli(bundle, "--golden", golden, "--nonce", nonce, "--ak-pub", key) == want_rc
    try:
        bootproof.verify(bundle, golden=golden, nonce=nonce, ak_pub=key)
        raise AssertionError("no exception for " + bundle)
    except bootproof.Error as e:
        assert want_errno is None or e.errno == want_errno, (e.errno, e)
        assert e.strerror, e
        print(f"error: CLI exit {want_rc}, Python {type(e).__name__}({e.errno}): {e.strerror}")
PY

# replay(): the TPM's values (read back by mkfixture.py with tpm2_pcrread) and the CLI's bytes.
$PYTHON - "$BOOTPROOF" "$WORK" <<'PY' || fail "replay"
import json, subprocess, sys
import bootproof
bp, w = sys.argv[1], sys.argv[2]
r = bootproof.replay(f"{w}/firmware.bin", userspace_log=f"{w}/userspace.log")
golden = json.load(open(f"{w}/golden.json"))
n = 0
for bank, pcrs in golden["banks"].items():
    for p, e in pcrs.items():
        if int(p) in r.banks[bank]:
            assert r.banks[bank][int(p)] == e["value"], (bank, p)
            n += 1
assert n >= 3 * 9, n
cli = subprocess.run([bp, "eventlog", "replay", f"{w}/firmware.bin", "--userspace-log",
                      f"{w}/userspace.log", "--json"], capture_output=True, check=True).stdout
assert r.json.encode() == cli
assert list(bootproof.replay(f"{w}/firmware.bin", banks=["sha256"]).banks) == ["sha256"]
print(f"ok: replay() equals tpm2_pcrread on {n} PCRs and the CLI's replay bytes")
PY

# Hostile input: every fuzz corpus file through the API in a child process (a crash = a signal).
$PYTHON - "$BOOTPROOF_SOURCE_DIR/tests/fuzz/corpus" "$WORK" <<'PY' || fail "fuzz corpora through Python"
import os, sys
import bootproof
corpus, w = sys.argv[1], sys.argv[2]
def files(d):
    d = os.path.join(corpus, d)
    return [os.path.join(d, f) for f in sorted(os.listdir(d))]
n = 0
v = bootproof.Verifier(f"{w}/golden.json", "00112233445566778899aabbccddeeff", ak_pub=f"{w}/ak.pem")
for f in files("fuzz-bundle") + files("fuzz-json"):
    vd = v.verify(open(f, "rb").read(), name=os.path.basename(f))
    assert not vd.ok and vd.reason, f
    n += 1
for f in files("fuzz-eventlog"):
    for kw in ({"log": f}, {"userspace_log": f}):
        try:
            bootproof.replay(**kw)
        except bootproof.Error as e:
            assert e.strerror
        n += 1
for f in files("fuzz-jsonseq"):
    try:
        bootproof.replay(userspace_log=f)
    except bootproof.Error as e:
        assert e.strerror
    n += 1
for f in files("fuzz-golden"):
    try:
        bootproof.Verifier(f, "00", ak_pub=f"{w}/ak.pem").close()
    except bootproof.Error as e:
        assert e.strerror
    n += 1
print(f"ok: {n} fuzz corpus inputs through bootproof.verify/replay/Verifier, no crash")
PY
echo "ok: CLI, Python and HTML report give the same verdicts"
