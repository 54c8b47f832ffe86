#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Write the demo container image, reproducibly and without any registry: one layer holding trixie's
# busybox-static (from the tools tree, whose package versions the release records) as /bin/busybox
# and /bin/sh, packed as a docker-save archive in the docker >= 25 layout, which is an OCI image
# layout too (oci-layout, index.json, blobs/sha256/...) plus docker's manifest.json.
# Every byte is a function of the busybox binary and SOURCE_DATE_EPOCH. Run it inside the tools
# tree (image/scripts/in-tools.sh) so tar and the JSON text come from pinned tools, not the host.
# Usage: demo-container.sh OUT.tar     (needs SOURCE_DATE_EPOCH)
set -eu
out=${1:?usage: demo-container.sh OUT.tar}
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}"
tag=bootproof-demo:latest
busybox=/usr/bin/busybox
[ -x "$busybox" ] || { echo "demo-container: $busybox missing (tools tree lacks busybox-static)" >&2; exit 1; }

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
umask 022
tarc() {	# DIR OUT PATHS...: deterministic tar
	d=$1 o=$2; shift 2
	tar -C "$d" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
	    --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
	    --no-acls --no-xattrs --no-selinux -cf "$o" "$@"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
blob() {	# FILE -> moves into blobs/sha256/<hex>, prints hex and size
	h=$(sha "$1"); s=$(stat -c %s "$1")
	mv "$1" "$w/a/blobs/sha256/$h"
	echo "$h $s"
}

mkdir -p "$w/rootfs/bin" "$w/a/blobs/sha256"
cp "$busybox" "$w/rootfs/bin/busybox"
chmod 0755 "$w/rootfs/bin" "$w/rootfs/bin/busybox"
ln -s busybox "$w/rootfs/bin/sh"
tarc "$w/rootfs" "$w/layer.tar" bin
set -- $(blob "$w/layer.tar"); layer=$1 layer_size=$2

created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
printf '{"architecture":"amd64","config":{"Cmd":["/bin/sh"],"Env":["PATH=/bin"],"WorkingDir":"/"},"created":"%s","history":[{"created":"%s","created_by":"bootproof image/scripts/demo-container.sh"}],"os":"linux","rootfs":{"diff_ids":["sha256:%s"],"type":"layers"}}' \
	"$created" "$created" "$layer" >"$w/config.json"
set -- $(blob "$w/config.json"); config=$1 config_size=$2

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
	"$config" "$config_size" "$layer" "$layer_size" >"$w/manifest.json"
set -- $(blob "$w/manifest.json"); manifest=$1 manifest_size=$2

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"docker.io/library/%s","org.opencontainers.image.ref.name":"latest"}}]}\n' \
	"$manifest" "$manifest_size" "$tag" >"$w/a/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$w/a/oci-layout"
printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":["blobs/sha256/%s"]}]\n' \
	"$config" "$tag" "$layer" >"$w/a/manifest.json"
chmod -R u=rwX,go=rX "$w/a"
tarc "$w/a" "$w/out.tar" blobs index.json manifest.json oci-layout
mv "$w/out.tar" "$out"
echo "demo-container: $out ($tag, image ID sha256:$config)"
