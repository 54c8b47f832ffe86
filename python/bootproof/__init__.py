# SPDX-License-Identifier: LGPL-2.1-or-later
"""Verify bootproof quote bundles from Python.

    import bootproof
    v = bootproof.verify("bundle.json", golden="golden.json", nonce="0011...", ak_pub="ak.pem")
    if not v.ok:
        print(v.reason, v.detail)

The work is done by libbootproof.so.0 (the C library the `bootproof` CLI is built from, see
docs/api.md), called through ctypes: the verdict is byte for byte the CLI's `verify --json`.
"""
import ctypes
import ctypes.util
import errno as _errno
import json as _json
import os

__all__ = ["verify", "replay", "Verifier", "Verdict", "Replay", "Error", "Refused",
           "library_version"]

VERIFIED = 0
REFUSED = 3


class Error(OSError):
    """The check could not run (unreadable file, malformed golden.json, bad nonce...).
    .errno is the C library's errno, .strerror the library's sentence (the CLI's words)."""


class Refused(Exception):
    """Raised by Verdict.check() / verify(check=True) when a check failed; .reason is the
    verdict's stable reason code, .detail its sentence, .verdict the whole Verdict."""

    def __init__(self, verdict):
        super().__init__(f"{verdict.reason}: {verdict.detail}")
        self.verdict = verdict
        self.reason = verdict.reason
        self.detail = verdict.detail


def _load_library():
    # BOOTPROOF_LIBRARY names the file (a build tree); otherwise the system's soname.
    path = os.environ.get("BOOTPROOF_LIBRARY") or ctypes.util.find_library("bootproof") \
        or "libbootproof.so.0"
    lib = ctypes.CDLL(path)
    c_char_pp = ctypes.POINTER(ctypes.c_void_p)
    proto = {
        "bootproof_version": (ctypes.c_char_p, []),
        "bootproof_free": (None, [ctypes.c_void_p]),
        "bootproof_verifier_new": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_char_p,
                                                  ctypes.POINTER(ctypes.c_void_p), c_char_pp]),
        "bootproof_verifier_set_ak_pub": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p,
                                                         c_char_pp]),
        "bootproof_verifier_add_ca": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p,
                                                     c_char_pp]),
        "bootproof_verifier_set_runtime_pcrs": (ctypes.c_int, [ctypes.c_void_p,
                                                               ctypes.c_uint32]),
        "bootproof_verify": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                            ctypes.c_char_p, c_char_pp, c_char_pp]),
        "bootproof_verify_file": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, c_char_pp,
                                                 c_char_pp]),
        "bootproof_verifier_free": (None, [ctypes.c_void_p]),
        "bootproof_replay": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                            ctypes.c_size_t, ctypes.c_char_p, c_char_pp,
                                            c_char_pp]),
    }
    for name, (res, args) in proto.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


_lib = _load_library()


def library_version():
    """The release libbootproof was built from, e.g. '0.1.0'."""
    return _lib.bootproof_version().decode()


def _take_string(p):
    """A malloc'd C string from the library, as str, freed."""
    if not p.value:
        return None
    try:
        return ctypes.string_at(p.value).decode("utf-8", "replace")
    finally:
        _lib.bootproof_free(p.value)


def _check(r, err):
    msg = _take_string(err)
    if r < 0:
        raise Error(-r, msg or os.strerror(-r))
    return r


def _path(p):
    return os.fsencode(p)


def _pcr_mask(pcrs):
    mask = 0
    for p in pcrs:
        if not isinstance(p, int) or not 0 <= p < 24:
            raise ValueError(f"runtime PCR {p!r} is not 0-23")
        mask |= 1 << p
    return mask


class Verdict:
    """One bundle's verdict. .json is the canonical JSON text (the CLI's `verify --json`),
    .data the parsed object; .ok, .reason, .detail, .runtime, .ak, .quote, .phases, .warnings,
    .pcr_rules, .not_golden and .container_measurements_sha256 are its fields."""

    def __init__(self, text):
        self.json = text
        self.data = _json.loads(text)

    ok = property(lambda self: self.data["ok"] is True)
    reason = property(lambda self: self.data["reason"])
    detail = property(lambda self: self.data["detail"])
    bundle = property(lambda self: self.data["bundle"])
    runtime = property(lambda self: self.data.get("runtime"))
    ak = property(lambda self: self.data.get("ak"))
    quote = property(lambda self: self.data.get("quote"))
    phases = property(lambda self: self.data.get("phases"))
    warnings = property(lambda self: self.data.get("warnings", []))
    pcr_rules = property(lambda self: self.data.get("pcr_rules"))
    not_golden = property(lambda self: self.data.get("not_golden"))
    container_measurements_sha256 = property(
        lambda self: self.data.get("container_measurements_sha256"))

    def __bool__(self):
        return self.ok

    def check(self):
        """Returns self if verified, raises Refused(reason, detail) otherwise."""
        if not self.ok:
            raise Refused(self)
        return self

    def __repr__(self):
        return f"<Verdict {self.bundle}: {'VERIFIED' if self.ok else self.reason}>"


class Verifier:
    """Loads golden.json, the nonce and the trust anchors once, for many bundles.

    nonce: hex str or bytes; ak_pub: PEM public key file; ca: one PEM file or a list;
    runtime_pcrs: PCRs replayed from the runtime log (default 14, 15)."""

    def __init__(self, golden, nonce, ak_pub=None, ca=None, runtime_pcrs=None):
        if isinstance(nonce, (bytes, bytearray)):
            nonce = bytes(nonce).hex()
        self._v = ctypes.c_void_p()
        err = ctypes.c_void_p()
        _check(_lib.bootproof_verifier_new(_path(golden), nonce.encode(),
                                           ctypes.byref(self._v), ctypes.byref(err)), err)
        if ak_pub is not None:
            _check(_lib.bootproof_verifier_set_ak_pub(self._v, _path(ak_pub),
                                                      ctypes.byref(err)), err)
        for c in ([ca] if isinstance(ca, (str, bytes, os.PathLike)) else ca or []):
            _check(_lib.bootproof_verifier_add_ca(self._v, _path(c), ctypes.byref(err)), err)
        if runtime_pcrs is not None:
            _check(_lib.bootproof_verifier_set_runtime_pcrs(self._v, _pcr_mask(runtime_pcrs)),
                   ctypes.c_void_p())

    def verify(self, bundle, name=None, check=False):
        """bundle: a path, or the bundle's bytes (then name is the verdict's "bundle")."""
        out, err = ctypes.c_void_p(), ctypes.c_void_p()
        if isinstance(bundle, (bytes, bytearray)):
            data = bytes(bundle)
            r = _lib.bootproof_verify(self._v, data, len(data),
                                      (name or "<bytes>").encode(), ctypes.byref(out),
                                      ctypes.byref(err))
        else:
            r = _lib.bootproof_verify_file(self._v, _path(bundle), ctypes.byref(out),
                                           ctypes.byref(err))
        _check(r, err)
        v = Verdict(_take_string(out))
        return v.check() if check else v

    def close(self):
        if self._v:
            _lib.bootproof_verifier_free(self._v)
            self._v = ctypes.c_void_p()

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def verify(bundle, golden, nonce, ak_pub=None, ca=None, runtime_pcrs=None, check=False):
    """Verifies one bundle (a path or bytes) as `bootproof verify --json` does. Returns a
    Verdict; with check=True a refused bundle raises Refused instead. Raises Error when the
    check cannot run (the CLI's exit 1)."""
    with Verifier(golden, nonce, ak_pub=ak_pub, ca=ca, runtime_pcrs=runtime_pcrs) as v:
        return v.verify(bundle, check=check)


class Replay:
    """PCR values a log replays to. .json: `bootproof eventlog replay --json`'s text; .data:
    parsed; .banks: {"sha256": {0: "hex", ...}}; .incomplete: {"sha1": [9]}."""

    def __init__(self, text):
        self.json = text
        self.data = _json.loads(text)
        self.banks = {b: {int(p): v for p, v in pcrs.items()}
                      for b, pcrs in self.data.get("banks", {}).items()}
        self.incomplete = self.data.get("incomplete", {})

    def __repr__(self):
        return f"<Replay banks={sorted(self.banks)}>"


def _bytes_of(x):
    if x is None or isinstance(x, (bytes, bytearray)):
        return None if x is None else bytes(x)
    with open(x, "rb") as f:
        return f.read()


def replay(log=None, userspace_log=None, banks=None):
    """Replays a TCG firmware event log and/or systemd's userspace log (paths or bytes).
    banks: e.g. ["sha256"] (default: the firmware log's banks). Raises Error with the record
    and offset if a log does not parse."""
    fw, us = _bytes_of(log), _bytes_of(userspace_log)
    if fw is None and us is None:
        raise ValueError("replay() needs a firmware log or a userspace log")
    if banks is not None and not isinstance(banks, str):
        banks = ",".join(banks)
    out, err = ctypes.c_void_p(), ctypes.c_void_p()
    r = _lib.bootproof_replay(fw, len(fw) if fw is not None else 0, us,
                              len(us) if us is not None else 0,
                              banks.encode() if banks else None, ctypes.byref(out),
                              ctypes.byref(err))
    _check(r, err)
    return Replay(_take_string(out))
