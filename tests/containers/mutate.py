#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Makes one defective variant of a real container archive (made by docker/podman in the test),
# for the rejection tests of tests/containers/*.sh. Usage: mutate.py OP IN OUT
# Entry order of the input is kept (docker puts manifest.json last); new entries go at the end.
import hashlib
import io
import json
import sys
import tarfile


def load(path):
    out = []
    with tarfile.open(path, "r:") as t:
        for m in t.getmembers():
            data = t.extractfile(m).read() if m.isfile() else None
            out.append([m, data])
    return out


def save(entries, path, fmt=tarfile.PAX_FORMAT):
    with tarfile.open(path, "w:", format=fmt) as t:
        for m, data in entries:
            if data is not None:
                m.size = len(data)
                t.addfile(m, io.BytesIO(data))
            else:
                t.addfile(m)


def find(entries, name):
    for e in entries:
        if e[0].name == name:
            return e
    raise SystemExit("no entry " + name)


def reg(name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = 0o644
    return [ti, data]


def manifest(entries):
    return json.loads(find(entries, "manifest.json")[1])


def first_config(entries):
    return manifest(entries)[0]["Config"]


def first_layer(entries):
    m = manifest(entries)
    return m[0]["Layers"][0]


def resolve(entries, name):
    e = find(entries, name)
    while e[0].issym():
        base = name.rsplit("/", 1)[0] if "/" in name else ""
        target = e[0].linkname
        parts = (base.split("/") if base else []) + target.split("/")
        stack = []
        for p in parts:
            if p == "..":
                stack.pop()
            elif p and p != ".":
                stack.append(p)
        name = "/".join(stack)
        e = find(entries, name)
    return e


def sha(b):
    return hashlib.sha256(b).hexdigest()


def rewrite_layer_with(entries, extra_name):
    """Adds an entry named extra_name to the first layer of the first image and fixes up
    diff_id, config name and manifest so that everything but the layer's names is valid."""
    m = manifest(entries)
    layer_path = m[0]["Layers"][0]
    layer = resolve(entries, layer_path)
    src = tarfile.open(fileobj=io.BytesIO(layer[1]), mode="r:")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:", format=tarfile.PAX_FORMAT) as dst:
        for mm in src.getmembers():
            dst.addfile(mm, src.extractfile(mm) if mm.isfile() else None)
        ti = tarfile.TarInfo(extra_name)
        payload = b"escaped\n"
        ti.size = len(payload)
        dst.addfile(ti, io.BytesIO(payload))
    new_layer = buf.getvalue()
    layer[1] = new_layer
    old_cfg_name = m[0]["Config"]
    cfg_entry = resolve(entries, old_cfg_name)
    cfg = json.loads(cfg_entry[1])
    cfg["rootfs"]["diff_ids"][0] = "sha256:" + sha(new_layer)
    new_cfg = json.dumps(cfg, separators=(",", ":")).encode()
    new_name = sha(new_cfg) + ".json"
    cfg_entry[0].name = new_name
    cfg_entry[1] = new_cfg
    m[0]["Config"] = new_name
    m[0]["RepoTags"] = ["bptest/dotdot:1"]
    find(entries, "manifest.json")[1] = json.dumps(m).encode()
    # the legacy "repositories" file would name the old tags: drop it
    return [e for e in entries if e[0].name != "repositories"]


def main():
    op, src, dst = sys.argv[1:4]
    e = load(src)
    fmt = tarfile.PAX_FORMAT
    if op == "dup-manifest":
        m = manifest(e)
        m[0]["RepoTags"] = ["evil/replaced:latest"]
        e.append(reg("manifest.json", json.dumps(m).encode()))
    elif op == "dup-index":
        e.append(reg("index.json", find(e, "index.json")[1]))
    elif op == "dotdot-name":
        e.insert(0, reg("../../etc/bootproof-test", b"x\n"))
    elif op == "dotdot-inner":
        e.insert(0, reg("blobs/../../bootproof-test", b"x\n"))
    elif op == "absolute-name":
        e.insert(0, reg("/etc/bootproof-test", b"x\n"))
    elif op == "symlink-out":
        ti = tarfile.TarInfo("evil-link")
        ti.type = tarfile.SYMTYPE
        ti.linkname = "../../etc/passwd"
        e.insert(0, [ti, None])
    elif op == "symlink-abs":
        ti = tarfile.TarInfo("evil-link")
        ti.type = tarfile.SYMTYPE
        ti.linkname = "/etc/passwd"
        e.insert(0, [ti, None])
    elif op == "hardlink-out":
        ti = tarfile.TarInfo("evil-hardlink")
        ti.type = tarfile.LNKTYPE
        ti.linkname = "../outside"
        e.insert(0, [ti, None])
    elif op == "layer-symlink-out":
        # point the first layer of the first image outside the archive
        name = first_layer(e)
        ent = find(e, name)
        ti = tarfile.TarInfo(name)
        ti.type = tarfile.SYMTYPE
        ti.linkname = "../../../etc/passwd"
        e[e.index(ent)] = [ti, None]
    elif op == "config-tamper":
        c = resolve(e, first_config(e))
        c[1] = c[1].replace(b'"architecture":"amd64"', b'"architecture":"arm64"', 1)
        if b"arm64" not in c[1]:
            raise SystemExit("config has no architecture field to tamper with")
    elif op == "layer-tamper":
        layer = resolve(e, first_layer(e))
        b = bytearray(layer[1])
        i = b.find(b"bootproof test")  # /etc/motd of the test rootfs
        if i < 0:
            raise SystemExit("motd not found in the layer")
        b[i] ^= 0x20
        layer[1] = bytes(b)
    elif op == "missing-layer":
        target = resolve(e, first_layer(e))
        e = [x for x in e if x is not target]
    elif op == "bad-json":
        find(e, "manifest.json")[1] = b'[{"Config": "x.json", "RepoTags": ['
    elif op == "too-many-images":
        m = manifest(e)
        find(e, "manifest.json")[1] = json.dumps(m * 2000).encode()
    elif op == "layer-count":
        m = manifest(e)
        m[0]["Layers"] = m[0]["Layers"] + m[0]["Layers"][:1]
        find(e, "manifest.json")[1] = json.dumps(m).encode()
    elif op == "absurd-size":
        # a last header that claims a 4 TiB entry, in place of the end-of-archive marker
        save(e, dst, fmt=tarfile.GNU_FORMAT)
        with open(dst, "rb") as f:
            raw = f.read()
        pos = len(raw)
        while pos >= 512 and raw[pos - 512:pos] == b"\0" * 512:
            pos -= 512
        ti = tarfile.TarInfo("huge")
        ti.size = 1 << 42
        with open(dst, "wb") as f:
            f.write(raw[:pos] + ti.tobuf(format=tarfile.GNU_FORMAT) + b"\0" * 4096)
        return
    elif op == "blob-tamper":
        # an OCI archive: change a config blob's content, keep its name
        idx = json.loads(find(e, "index.json")[1])
        man = json.loads(find(e, "blobs/sha256/" + idx["manifests"][0]["digest"][7:])[1])
        c = find(e, "blobs/sha256/" + man["config"]["digest"][7:])
        c[1] = c[1].replace(b"amd64", b"arm64", 1)
    elif op == "index-missing-blob":
        idx = json.loads(find(e, "index.json")[1])
        name = "blobs/sha256/" + idx["manifests"][0]["digest"][7:]
        e = [x for x in e if x[0].name != name]
    elif op in ("add-docker-view-same", "add-docker-view-other"):
        # a docker >= 25 style second view (manifest.json) over the blobs of an OCI archive
        idx = json.loads(find(e, "index.json")[1])
        d = idx["manifests"][0]
        man = json.loads(find(e, "blobs/sha256/" + d["digest"][7:])[1])
        ref = d.get("annotations", {}).get("org.opencontainers.image.ref.name")
        tags = [ref] if op.endswith("same") else ["evil/other:1"]
        item = {"Config": "blobs/sha256/" + man["config"]["digest"][7:],
                "RepoTags": tags,
                "Layers": ["blobs/sha256/" + l["digest"][7:] for l in man["layers"]]}
        e.append(reg("manifest.json", json.dumps([item]).encode()))
    elif op == "dotdot-in-layer":
        e = rewrite_layer_with(e, "../escaped-by-layer")
    elif op == "reorder-manifest-first":
        mf = find(e, "manifest.json")
        e.remove(mf)
        e.insert(0, mf)
    else:
        raise SystemExit("unknown op " + op)
    save(e, dst, fmt)


if __name__ == "__main__":
    main()
