#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bootproof containers on archives written by podman, buildah, skopeo and umoci (Debian 12):
# OCI archives with gzip and zstd layers, podman docker-archives, an umoci layout with two tags,
# a layer with a whiteout. Expected IDs come from `podman inspect` after `podman load` of each
# archive into a fresh store; for umoci (podman cannot load a two-tag layout) from the config
# digests umoci wrote, checked with sha256sum; diff_ids from zcat/zstd -dc | sha256sum.
# podman/buildah run with private --root/--runroot under the test's work directory.
. "$(dirname "$0")/lib.sh"
need podman buildah skopeo umoci jq python3 tar zstd gzip busybox
MUTATE="python3 $BOOTPROOF_SOURCE_DIR/tests/containers/mutate.py"
A=$WORK/archives
mkdir -p "$A"
STORE="--root $WORK/s1/root --runroot $WORK/s1/run --storage-driver overlay"
P="podman $STORE"
BA="buildah $STORE"
P2="podman --root $WORK/s2/root --runroot $WORK/s2/run --storage-driver overlay"

# --- images: podman import + buildah layers (a COPY, a whiteout) -------------------------------
make_rootfs "$WORK/rootfs"
tar_rootfs "$WORK/rootfs" "$WORK/rootfs.tar"
$P import -q "$WORK/rootfs.tar" localhost/bptest/base:1 >/dev/null
c=$($BA from localhost/bptest/base:1)
$BA copy "$c" /bin/busybox /bin/bb2 >/dev/null
$BA config --env BPTEST=1 "$c"
$BA commit -q "$c" localhost/bptest/bah:1 >/dev/null
$BA rm "$c" >/dev/null
c=$($BA from localhost/bptest/bah:1)
mnt=$($BA mount "$c")
rm "$mnt/etc/motd"
$BA umount "$c" >/dev/null
$BA commit -q "$c" localhost/bptest/bah-top:1.0 >/dev/null
$BA rm "$c" >/dev/null

$P save -q --format oci-archive -o "$A/podman-oci.tar" localhost/bptest/bah-top:1.0
$P save -q --format docker-archive -o "$A/podman-docker.tar" localhost/bptest/bah-top:1.0
$BA push -q localhost/bptest/bah:1 "oci-archive:$A/buildah-oci.tar:bptest/bah:1" >/dev/null 2>&1 ||
	$BA push localhost/bptest/bah:1 "oci-archive:$A/buildah-oci.tar:bptest/bah:1" >/dev/null
skopeo copy -q --dest-compress-format zstd "oci-archive:$A/podman-oci.tar" \
	"oci-archive:$A/skopeo-zstd.tar:localhost/bptest/bah-top:zstd"
skopeo copy -q "oci-archive:$A/podman-oci.tar" "docker-archive:$A/skopeo-docker.tar:bptest/sk:1"

# umoci: two tags in one layout, the second with a repacked layer
U=$WORK/umoci
umoci init --layout "$U/layout"
umoci new --image "$U/layout:v1"
umoci unpack --image "$U/layout:v1" "$U/bundle" >/dev/null
cp -a "$WORK/rootfs/." "$U/bundle/rootfs/"
umoci repack --image "$U/layout:v1" "$U/bundle"
umoci config --image "$U/layout:v1" --tag v2 --config.env BPTEST=2
umoci gc --layout "$U/layout"
tar --sort=name -C "$U/layout" -cf "$A/umoci-layout.tar" .
$P save -q --format oci-archive -o "$A/podman-base.tar" localhost/bptest/base:1
gzip -n -c "$A/podman-oci.tar" >"$A/podman-oci.tar.gz"

for f in podman-oci podman-docker buildah-oci skopeo-zstd skopeo-docker umoci-layout podman-oci.tar.gz; do
	case $f in *.gz) src=$A/$f ;; *) src=$A/$f.tar ;; esac
	measure "$src" >"$WORK/$f.json"
done

# zstd layers really are zstd, gzip ones gzip
tar -xOf "$A/skopeo-zstd.tar" index.json >/dev/null
for l in $(tar -tf "$A/skopeo-zstd.tar" | grep 'blobs/sha256/.'); do
	tar -xOf "$A/skopeo-zstd.tar" "$l" | head -c 4 | od -An -tx1 | grep -q '28 b5 2f fd' && zstd_seen=1
done
[ "${zstd_seen:-0}" = 1 ] || fail "skopeo wrote no zstd layer"

# --- IDs equal what podman reports after loading each archive into a fresh store ---------------
for f in podman-oci podman-docker buildah-oci skopeo-zstd skopeo-docker; do
	names=$($P2 load -i "$A/$f.tar" 2>/dev/null | sed -n 's/^Loaded image[^:]*: //p' | tr ',' ' ')
	[ -n "$names" ] || fail "podman load $f printed no image"
	for n in $names; do $P2 inspect --format '{{.Id}}' "$n"; done | sed 's/^/sha256:/' | sort -u >"$WORK/want"
	jq -r '.images[].id' "$WORK/$f.json" | sort -u >"$WORK/got"
	diff -u "$WORK/want" "$WORK/got" || fail "$f: IDs differ from podman inspect after podman load"
done
# and equal podman's own store, where no conversion happened (docker-archive keeps the config)
want=$($P inspect --format '{{.Id}}' localhost/bptest/bah-top:1.0)
[ "$(jq -r '.images[0].id' "$WORK/podman-docker.json")" = "sha256:$want" ] ||
	fail "podman-docker.tar: ID differs from podman inspect in the source store"
# tags as docker/podman show them
[ "$(jq -r '.images[0].tags | join(",")' "$WORK/podman-oci.json")" = "localhost/bptest/bah-top:1.0" ] ||
	fail "podman-oci tags"
[ "$(jq -r '.images[0].tags | join(",")' "$WORK/buildah-oci.json")" = "bptest/bah:1" ] ||
	fail "buildah-oci tags"
# the OCI manifest digest is reported: the descriptor digest in index.json
want=$(tar -xOf "$A/podman-oci.tar" index.json | jq -r '.manifests[0].digest')
[ "$(jq -r '.images[0].manifest_digests[0]' "$WORK/podman-oci.json")" = "$want" ] ||
	fail "manifest digest"
# gzip and zstd layers: diff_ids are the sha256 of the decompressed blobs, in order
check_diff_ids() { # check_diff_ids ARCHIVE JSON DECOMPRESSOR
	ix=$(tar -xOf "$1" index.json | jq -r '.manifests[0].digest' | cut -d: -f2)
	tar -xOf "$1" "blobs/sha256/$ix" | jq -r '.layers[].digest' | cut -d: -f2 | while read -r l; do
		echo "sha256:$(tar -xOf "$1" "blobs/sha256/$l" | $3 | sha256sum | cut -d' ' -f1)"
	done >"$WORK/want"
	jq -r '.images[0].diff_ids[]' "$2" >"$WORK/got"
	diff -u "$WORK/want" "$WORK/got" || fail "$1: diff_ids"
	[ "$(wc -l <"$WORK/got")" -ge 3 ] || fail "$1: expected at least 3 layers"
}
check_diff_ids "$A/podman-oci.tar" "$WORK/podman-oci.json" "gzip -dc"
check_diff_ids "$A/skopeo-zstd.tar" "$WORK/skopeo-zstd.json" "zstd -dc"
# gzip-wrapped OCI archive measures like the plain one
jq -S 'del(.images[].sources)' "$WORK/podman-oci.json" >"$WORK/a"
jq -S 'del(.images[].sources)' "$WORK/podman-oci.tar.gz.json" >"$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "gzip-wrapped OCI archive"

# --- umoci: two tags, configs whose sha256sum is the digest umoci wrote --------------------------
tar -xOf "$A/umoci-layout.tar" ./index.json | jq -r '.manifests[] | "\(.digest) \(.annotations["org.opencontainers.image.ref.name"])"' |
	while read -r d ref; do
		cfg=$(tar -xOf "$A/umoci-layout.tar" "./blobs/sha256/${d#sha256:}" | jq -r .config.digest)
		sum=$(tar -xOf "$A/umoci-layout.tar" "./blobs/sha256/${cfg#sha256:}" | sha256sum | cut -d' ' -f1)
		[ "sha256:$sum" = "$cfg" ] || fail "umoci config digest"
		echo "$cfg $ref:latest"
	done | sort >"$WORK/want"
ids_of "$WORK/umoci-layout.json" >"$WORK/got"
diff -u "$WORK/want" "$WORK/got" || fail "umoci-layout IDs/tags"

# --- several archives, several images, deterministic ---------------------------------------------
"$BOOTPROOF" containers -o "$WORK/all1.json" "$A/podman-oci.tar" "$A/umoci-layout.tar" "$A/podman-docker.tar" "$A/podman-base.tar"
"$BOOTPROOF" containers -o "$WORK/all2.json" "$A/podman-base.tar" "$A/podman-docker.tar" "$A/umoci-layout.tar" "$A/podman-oci.tar"
cmp "$WORK/all1.json" "$WORK/all2.json" || fail "output depends on the order of the archives"
measure "$A/podman-base.tar" >"$WORK/podman-base.json"
n=$(cat "$WORK/podman-oci.json" "$WORK/umoci-layout.json" "$WORK/podman-docker.json" "$WORK/podman-base.json" |
	jq -r '.images[].id' | sort -u | wc -l)
[ "$(jq '.images | length' "$WORK/all1.json")" = "$n" ] || fail "expected $n images, one per ID"

# --- dual view (docker >= 25 style): manifest.json beside index.json must agree ------------------
$MUTATE add-docker-view-same "$A/podman-oci.tar" "$A/dual-same.tar"
measure "$A/dual-same.tar" >"$WORK/dual.json"
[ "$(jq -r '.images[0].id' "$WORK/dual.json")" = "$(jq -r '.images[0].id' "$WORK/podman-oci.json")" ] ||
	fail "dual view ID"
$MUTATE add-docker-view-other "$A/podman-oci.tar" "$A/dual-other.tar"
expect_reject 1 "manifest.json and index.json disagree on the tags of image sha256:[0-9a-f]{64}: \[evil/other:1\] vs \[localhost/bptest/bah-top:1.0\]" "$A/dual-other.tar"

# --- bad OCI archives -----------------------------------------------------------------------------
$MUTATE blob-tamper "$A/podman-oci.tar" "$A/bad-blob.tar"
expect_reject 1 "bad-blob.tar': entry 'blobs/sha256/[0-9a-f]{64}': blob digest mismatch, content is sha256:" "$A/bad-blob.tar"
$MUTATE index-missing-blob "$A/podman-oci.tar" "$A/bad-index.tar"
expect_reject 1 "entry 'index.json': manifests\[0\]: index.json entry sha256:[0-9a-f]{64}: blob 'blobs/sha256/[0-9a-f]{64}' missing" "$A/bad-index.tar"
$MUTATE dup-index "$A/podman-oci.tar" "$A/bad-dup-index.tar"
expect_reject 1 "entry 'index.json': duplicate entry" "$A/bad-dup-index.tar"
echo "ok"
