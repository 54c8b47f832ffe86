# SPDX-License-Identifier: LGPL-2.1-or-later
"""A PEP 517 build backend for this pure-Python package, standard library only, so that
`pip install ./python` needs no setuptools from an index (offline machines). It writes a
reproducible wheel (sorted entries, fixed timestamps) of bootproof/ with PEP 427 metadata."""
import base64
import hashlib
import os
import zipfile

NAME, VERSION = "bootproof", "0.1.0"
SUMMARY = "Verify bootproof TPM quote bundles (ctypes over libbootproof.so.0)"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
EPOCH = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: the same bytes every build


def _metadata():
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\nSummary: {SUMMARY}\n"
            "License: LGPL-2.1-or-later\nRequires-Python: >=3.9\n").encode()


def _files():
    """(archive name, bytes) of the package, sorted."""
    out = []
    pkg = os.path.join(ROOT, NAME)
    for dirpath, dirnames, filenames in os.walk(pkg):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for f in sorted(filenames):
            if f.endswith(".py"):
                p = os.path.join(dirpath, f)
                with open(p, "rb") as fh:
                    out.append((os.path.relpath(p, ROOT).replace(os.sep, "/"), fh.read()))
    out.append((f"{DIST_INFO}/METADATA", _metadata()))
    out.append((f"{DIST_INFO}/WHEEL", b"Wheel-Version: 1.0\nGenerator: bootproof wheel_backend\n"
                b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    out.append((f"{DIST_INFO}/top_level.txt", f"{NAME}\n".encode()))
    return out


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    d = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "wb") as f:
        f.write(_metadata())
    return DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel = f"{NAME}-{VERSION}-py3-none-any.whl"
    files = _files()
    record = "".join(_record_line(n, d) for n, d in files) + f"{DIST_INFO}/RECORD,,\n"
    files.append((f"{DIST_INFO}/RECORD", record.encode()))
    tmp = os.path.join(wheel_directory, wheel + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    os.replace(tmp, os.path.join(wheel_directory, wheel))
    return wheel
