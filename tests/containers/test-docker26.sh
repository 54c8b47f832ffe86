#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bootproof containers on docker >= 25 archives: docker 26.1 from Debian trixie (extracted, not
# installed, by setup-docker26.sh; cached in the build directory), with its default overlay2
# store (hybrid archives: manifest.json + OCI index.json over the same blobs) and with the
# containerd image store (nested indexes, BuildKit attestation manifests, gzip blobs in
# manifest.json). Expected values: `docker inspect` of the daemon that made the images, and
# `containers check` against it. Skips (77) when trixie is unreachable.
. "$(dirname "$0")/lib.sh"
need jq busybox runc
D26=$("$BOOTPROOF_SOURCE_DIR/tests/containers/setup-docker26.sh" "$BUILD_DIR/docker26") ||
	skip "docker 26 from trixie is not available"
DOCKER_CLI=$D26/usr/bin/docker
# dockerd 26 runs containerd, its shim and docker-init from PATH; runc comes from bookworm.
PATH=$D26/usr/bin:$D26/usr/sbin:$D26/usr/libexec/docker:$PATH
export PATH
export DOCKER_CONFIG=$WORK/docker-config
mkdir -p "$DOCKER_CONFIG"
printf '{"cliPluginsExtraDirs":["%s"]}\n' "$D26/usr/libexec/docker/cli-plugins" >"$DOCKER_CONFIG/config.json"
A=$WORK/archives
mkdir -p "$A"

# start_dockerd (lib.sh) runs docker 26's dockerd, which finds containerd, its shim and
# docker-init from this PATH
DOCKERD=$D26/usr/sbin/dockerd DOCKERD_PATH=$PATH

make_rootfs "$WORK/rootfs"
tar_rootfs "$WORK/rootfs" "$WORK/rootfs.tar"
mkdir -p "$WORK/ctx"
cp /bin/busybox "$WORK/ctx/busybox"

# build_images: an import with two tags, a legacy-builder child, and an untagged image
build_images() {
	dk import -c 'LABEL org.example.test=bootproof' "$WORK/rootfs.tar" bptest/imp:1.0 >/dev/null
	dk tag bptest/imp:1.0 bptest/imp:latest
	cat >"$WORK/ctx/Dockerfile" <<'EOF'
FROM bptest/imp:1.0
COPY busybox /bin/bb2
RUN ["/bin/busybox", "rm", "/etc/motd"]
ENV BPTEST=1
EOF
	DOCKER_BUILDKIT=0 dk build -q --network none -t bptest/child:2 "$WORK/ctx" >/dev/null
}

# expect_inspect JSON TAG...: for each tag, docker inspect's Id is the measured id (classic
# store) or one of the measured manifest/index digests (containerd store)
expect_inspect() {
	json=$1
	shift
	for t in "$@"; do
		got=$(dk inspect -f '{{.Id}}' "$t")
		jq -e --arg t "$t" --arg id "$got" \
			'[.images[] | select(.tags | index($t)) | ([.id] + .manifest_digests + .index_digests) | index($id)] | .[0] != null' \
			"$json" >/dev/null || fail "$json: $t is $got in dockerd, not among the measured digests"
	done
}

# --- docker 26, overlay2: hybrid archives -----------------------------------------------------
start_dockerd d26 --storage-driver overlay2
build_images
dk save -o "$A/d26-multi.tar" bptest/imp:1.0 bptest/imp:latest bptest/child:2
tar -tf "$A/d26-multi.tar" | grep -qx index.json || fail "docker 26 archive without index.json"
tar -tf "$A/d26-multi.tar" | grep -qx manifest.json || fail "docker 26 archive without manifest.json"
measure "$A/d26-multi.tar" >"$WORK/d26.json"
expect_inspect "$WORK/d26.json" bptest/imp:1.0 bptest/imp:latest bptest/child:2
for t in bptest/imp:1.0 bptest/child:2; do
	want=$(dk inspect -f '{{.Id}}' "$t")
	got=$(jq -r --arg t "$t" '.images[] | select(.tags | index($t)) | .id' "$WORK/d26.json")
	[ "$want" = "$got" ] || fail "d26: $t: dockerd $want, bootproof $got"
done
[ "$(jq '[.images[].manifest_digests | length] | add' "$WORK/d26.json")" -ge 2 ] ||
	fail "d26: the OCI view's manifest digests are missing"
"$BOOTPROOF" containers check "$WORK/d26.json" --host "unix://$DOCKER_HOST_SOCK" || fail "check d26"
# untagged save: RepoTags null, an index entry without annotations
dk save -o "$A/d26-untagged.tar" "$(dk inspect -f '{{.Id}}' bptest/child:2)"
measure "$A/d26-untagged.tar" >"$WORK/d26-untagged.json"
[ "$(jq -c '.images[0].tags' "$WORK/d26-untagged.json")" = "[]" ] || fail "d26 untagged"
# the two views must agree: a manifest.json with other tags is rejected
python3 - "$A/d26-multi.tar" "$A/d26-disagree.tar" <<'EOF'
import io, json, sys, tarfile
src, dst = sys.argv[1:3]
with tarfile.open(src) as t, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as o:
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else None
        if m.name == "manifest.json":
            j = json.loads(data)
            j[0]["RepoTags"] = ["evil/other:1"]
            data = json.dumps(j).encode()
            m.size = len(data)
        o.addfile(m, io.BytesIO(data) if data is not None else None)
EOF
expect_reject 1 "manifest.json and index.json disagree" "$A/d26-disagree.tar"

# --- docker 26, containerd image store: nested index, attestation, gzip blobs ------------------
echo '{"features":{"containerd-snapshotter":true}}' >"$WORK/daemon.json"
start_dockerd d26c --config-file "$WORK/daemon.json"
build_images
printf 'FROM bptest/imp:1.0\nCOPY busybox /bin/bb3\n' >"$WORK/ctx/Dockerfile.bk"
if dk buildx build -q --network none --provenance=mode=min --load -t bptest/bk:1 \
	-f "$WORK/ctx/Dockerfile.bk" "$WORK/ctx" >"$WORK/buildx.log" 2>&1; then
	bk=bptest/bk:1
else
	note "buildx build failed, continuing without a BuildKit image: $(tail -n 3 "$WORK/buildx.log")"
	bk=""
fi
dk save -o "$A/d26c-multi.tar" bptest/imp:1.0 bptest/imp:latest bptest/child:2 $bk
measure "$A/d26c-multi.tar" >"$WORK/d26c.json"
expect_inspect "$WORK/d26c.json" bptest/imp:1.0 bptest/imp:latest bptest/child:2 $bk
if [ -n "$bk" ]; then
	[ "$(jq -r '.images[] | select(.tags | index("bptest/bk:1")) | .index_digests | length' "$WORK/d26c.json")" = 1 ] ||
		note "BuildKit image without a nested index (no attestation manifest?)"
fi
"$BOOTPROOF" containers check "$WORK/d26c.json" --host "unix://$DOCKER_HOST_SOCK" || fail "check d26c"
# BuildKit's own OCI exporter (works with the containerd store): same build, same config
if [ -n "$bk" ]; then
	if dk buildx build -q --network none --provenance=mode=min \
		--output "type=oci,dest=$A/buildkit-oci.tar,name=bptest/bk:1" \
		-f "$WORK/ctx/Dockerfile.bk" "$WORK/ctx" >"$WORK/buildx-oci.log" 2>&1; then
		measure "$A/buildkit-oci.tar" >"$WORK/bk-oci.json"
		want=$(jq -r '.images[] | select(.tags | index("bptest/bk:1")) | .id' "$WORK/d26c.json")
		got=$(jq -r '.images[] | select(.tags | index("bptest/bk:1")) | .id' "$WORK/bk-oci.json")
		[ -n "$got" ] && [ "$got" = "$want" ] ||
			fail "BuildKit OCI export: id '$got', docker save of the same build: '$want'"
	else
		note "BuildKit OCI exporter failed: $(tail -n 3 "$WORK/buildx-oci.log")"
	fi
fi
dk tag bptest/child:2 bptest/imp:latest
set +e
"$BOOTPROOF" containers check "$WORK/d26c.json" --host "unix://$DOCKER_HOST_SOCK" 2>"$WORK/err"
rc=$?
set -e
[ "$rc" = 3 ] || { cat "$WORK/err" >&2; fail "check d26c after re-tag: exit $rc"; }
grep -q "tag bptest/imp:latest is sha256:" "$WORK/err" || fail "check d26c message"
# the hybrid archive from the overlay2 daemon loads into the containerd store; the IDs it then
# reports are manifest digests that the archive carries
dk load -q -i "$A/d26-multi.tar" >/dev/null
echo "ok"
