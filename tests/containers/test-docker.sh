#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bootproof containers against real docker archives (docker.io 20.10 from Debian 12: the legacy
# `docker save` layout), and `containers check` against a real dockerd.
# Expected values come from the tools themselves: `docker inspect` on the daemon that built the
# images, `docker images` on a second daemon after `docker load` of each archive, sha256sum.
# Two dockerd instances are started once for the whole script (own data/exec roots, sockets,
# pidfiles, no bridge/iptables) and stopped by pid on exit.
. "$(dirname "$0")/lib.sh"
need dockerd jq python3 tar gzip zstd busybox podman
MUTATE="python3 $BOOTPROOF_SOURCE_DIR/tests/containers/mutate.py"
A=$WORK/archives
mkdir -p "$A"

start_dockerd src --storage-driver overlay2
SRC=$DOCKER_HOST_SOCK
start_dockerd load --storage-driver overlay2
LOAD=$DOCKER_HOST_SOCK
ds() { DOCKER_HOST_SOCK=$SRC dk "$@"; }
dl() { DOCKER_HOST_SOCK=$LOAD dk "$@"; }

# --- images built from scratch on the source daemon ------------------------------------------
make_rootfs "$WORK/rootfs"
tar_rootfs "$WORK/rootfs" "$WORK/rootfs.tar"
ds import -c 'LABEL org.example.test=bootproof' "$WORK/rootfs.tar" bptest/imp:1.0 >/dev/null
ds tag bptest/imp:1.0 bptest/imp:latest
ds tag bptest/imp:1.0 docker.io/library/bptest-lib:7   # shown by docker as bptest-lib:7
mkdir -p "$WORK/ctx"
cp /bin/busybox "$WORK/ctx/busybox"
cat >"$WORK/ctx/Dockerfile" <<'EOF'
FROM bptest/imp:1.0
COPY busybox /bin/bb2
RUN ["/bin/busybox", "rm", "/etc/motd"]
ENV BPTEST=1
EOF
DOCKER_BUILDKIT=0 ds build -q --network none -t bptest/child:2 "$WORK/ctx" >/dev/null
printf 'FROM bptest/child:2\nENV UNTAGGED=1\n' >"$WORK/ctx/Dockerfile"
untagged=$(DOCKER_BUILDKIT=0 ds build -q --network none "$WORK/ctx")
id_imp=$(ds inspect -f '{{.Id}}' bptest/imp:1.0)
id_child=$(ds inspect -f '{{.Id}}' bptest/child:2)
note "docker inspect: imp $id_imp child $id_child untagged $untagged"

ds save -o "$A/imp.tar" bptest/imp:1.0 bptest/imp:latest bptest-lib:7
ds save -o "$A/multi.tar" bptest/imp:1.0 bptest/imp:latest bptest/child:2
ds save -o "$A/untagged.tar" "$untagged"
gzip -9 -n -c "$A/multi.tar" >"$A/multi.tar.gz"
zstd -q -19 -c "$A/multi.tar" >"$A/multi.tar.zst"

# --- IDs and tags equal what docker inspect reports -------------------------------------------
expect_ids() { # expect_ids JSON "id tag" lines...
	json=$1
	shift
	printf '%s\n' "$@" | sort >"$WORK/want"
	ids_of "$json" >"$WORK/got"
	diff -u "$WORK/want" "$WORK/got" || fail "$json: IDs/tags differ from docker's"
}
measure "$A/imp.tar" >"$WORK/imp.json"
expect_ids "$WORK/imp.json" "$id_imp bptest-lib:7" "$id_imp bptest/imp:1.0" "$id_imp bptest/imp:latest"
measure "$A/multi.tar" >"$WORK/multi.json"
expect_ids "$WORK/multi.json" "$id_imp bptest/imp:1.0" "$id_imp bptest/imp:latest" \
	"$id_child bptest/child:2"
measure "$A/untagged.tar" >"$WORK/untagged.json"
expect_ids "$WORK/untagged.json" "$untagged -"
for w in gz zst; do
	measure "$A/multi.tar.$w" >"$WORK/multi-$w.json"
	jq -S 'del(.images[].sources)' "$WORK/multi.json" >"$WORK/a"
	jq -S 'del(.images[].sources)' "$WORK/multi-$w.json" >"$WORK/b"
	cmp -s "$WORK/a" "$WORK/b" || fail "multi.tar.$w measures differently from multi.tar"
done
# diff_ids equal docker inspect's RootFS.Layers, in order
for img in bptest/imp:1.0 bptest/child:2; do
	ds inspect -f '{{json .RootFS.Layers}}' "$img" | jq -c . >"$WORK/want"
	jq -c --arg t "$img" '.images[] | select(.tags | index($t)) | .diff_ids' "$WORK/multi.json" >"$WORK/got"
	cmp -s "$WORK/want" "$WORK/got" || fail "$img: diff_ids differ from docker inspect"
done
# the archive's sha256 is sha256sum's
want=$(sha256sum "$A/multi.tar.gz" | cut -d' ' -f1)
got=$(jq -r '.images[0].sources[0].sha256' "$WORK/multi-gz.json")
[ "$want" = "$got" ] || fail "archive sha256 $got, sha256sum says $want"
# one image under several tags is reported once, with all of them
[ "$(jq '.images | length' "$WORK/imp.json")" = 1 ] || fail "one image, several tags: not merged"
# the same image from several archives: one entry, every source listed
measure "$A/imp.tar" "$A/multi.tar" >"$WORK/both.json"
[ "$(jq '[.images[] | select(.id == "'"$id_imp"'")] | length' "$WORK/both.json")" = 1 ] ||
	fail "same image in two archives reported twice"
[ "$(jq '.images[] | select(.id == "'"$id_imp"'") | .sources | length' "$WORK/both.json")" = 2 ] ||
	fail "sources of an image in two archives"

# --- deterministic bytes: locale, timezone, umask, twice, file vs stdout ----------------------
(umask 077 && LC_ALL=C.UTF-8 TZ=Pacific/Kiritimati "$BOOTPROOF" containers -o "$WORK/d1.json" "$A/multi.tar")
(umask 022 && LC_ALL=C TZ=UTC "$BOOTPROOF" containers -o "$WORK/d2.json" "$A/multi.tar")
cmp "$WORK/d1.json" "$WORK/d2.json" || fail "output differs between runs"
cmp "$WORK/d1.json" "$WORK/multi.json" || fail "-o FILE differs from stdout"
[ "$(stat -c %a "$WORK/d1.json")" = 644 ] || fail "output mode depends on the umask"

# --- aicert format ----------------------------------------------------------------------------
"$BOOTPROOF" containers --format aicert -o "$WORK/aicert.json" "$A/multi.tar"
jq -r 'to_entries[] | "\(.value) \(.key)"' "$WORK/aicert.json" | sort >"$WORK/got"
printf '%s\n' "$id_child @local/bptest/child:2" "$id_imp @local/bptest/imp:1.0" \
	"$id_imp @local/bptest/imp:latest" | sort >"$WORK/want"
diff -u "$WORK/want" "$WORK/got" || fail "aicert map"

# --- podman's docker-archive (symlinked layer dirs) of the same images -------------------------
P="podman --root $WORK/podman/root --runroot $WORK/podman/run --storage-driver overlay"
$P load -q -i "$A/multi.tar" >/dev/null
$P save -q -o "$A/podman-docker.tar" bptest/child:2
$P save -q -m -o "$A/podman-multi.tar" bptest/child:2 bptest/imp:1.0
tar -tvf "$A/podman-docker.tar" | grep -q '^l.*layer.tar -> ' || fail "podman archive without symlinks?"
measure "$A/podman-docker.tar" >"$WORK/podman-docker.json"
expect_ids "$WORK/podman-docker.json" "$id_child localhost/bptest/child:2"
measure "$A/podman-multi.tar" >"$WORK/podman-multi.json"
expect_ids "$WORK/podman-multi.json" "$id_child localhost/bptest/child:2" \
	"$id_imp localhost/bptest/imp:1.0"

# --- docker load of each archive: dockerd reports the IDs bootproof measured -------------------
for f in imp multi untagged podman-docker podman-multi; do
	dl load -q -i "$A/$f.tar" >/dev/null
	jq -r '.images[].id' "$WORK/$f.json" | while read -r id; do
		dl inspect -f '{{.Id}}' "$id" >/dev/null 2>&1 || fail "$f: $id not in dockerd after docker load"
	done
	jq -r '.images[] | .id as $id | .tags[] | "\($id) \(.)"' "$WORK/$f.json" | while read -r id tag; do
		got=$(dl inspect -f '{{.Id}}' "$tag") || fail "$f: $tag missing after docker load"
		[ "$got" = "$id" ] || fail "$f: dockerd has $tag = $got, bootproof measured $id"
	done
	"$BOOTPROOF" containers check "$WORK/$f.json" --host "unix://$LOAD" ||
		fail "containers check $f.json exited $?"
done
dl load -q -i "$A/multi.tar.gz" >/dev/null

# --- containers check: mismatches fail closed ---------------------------------------------------
check_expect() { # check_expect RC PATTERN JSON [host]
	set +e
	"$BOOTPROOF" containers check "$3" --host "${4:-unix://$LOAD}" 2>"$WORK/check.err"
	rc=$?
	set -e
	[ "$rc" = "$1" ] || { cat "$WORK/check.err" >&2; fail "check $3: exit $rc, expected $1"; }
	grep -Eq -- "$2" "$WORK/check.err" || { cat "$WORK/check.err" >&2; fail "check: no '$2'"; }
}
dl tag bptest/child:2 bptest/imp:latest   # the tag now names another image
check_expect 3 "tag bptest/imp:latest is $id_child instead" "$WORK/multi.json"
dl tag bptest/imp:1.0 bptest/imp:latest
"$BOOTPROOF" containers check "$WORK/multi.json" --host "unix://$LOAD" || fail "check after re-tag"
# untagging: the image stays (an image loaded from untagged.tar is its child), its tag is gone
dl rmi -f bptest/child:2 >/dev/null
check_expect 3 "image $id_child: tag bptest/child:2 is missing" "$WORK/multi.json"
dl rmi -f "$untagged" >/dev/null
check_expect 3 "image $untagged: not present" "$WORK/untagged.json"
check_expect 1 "Couldn't connect|connect" "$WORK/multi.json" "unix://$WORK/no-such.sock"
DOCKER_HOST=unix://$LOAD "$BOOTPROOF" containers check "$WORK/imp.json" || fail "DOCKER_HOST"
set +e
"$BOOTPROOF" containers check "$WORK/imp.json" --host tcp://127.0.0.1:2375 2>/dev/null
[ $? = 2 ] || fail "tcp host must be a usage error"
echo '{"format":"x"}' >"$WORK/bad-m.json"
"$BOOTPROOF" containers check "$WORK/bad-m.json" --host "unix://$LOAD" 2>/dev/null
[ $? = 1 ] || fail "bad measurements must exit 1"
set -e

# --- bad archives: exit 1, the archive, entry and defect named, output untouched ----------------
m=$A/multi.tar
bad() { # bad OP PATTERN
	$MUTATE "$1" "$m" "$A/bad-$1.tar"
	expect_reject 1 "$2" "$A/bad-$1.tar"
}
bad dup-manifest "bad-dup-manifest.tar.*entry 'manifest.json': duplicate entry"
bad dotdot-name "entry '../../etc/bootproof-test': name contains '..'"
bad dotdot-inner "entry 'blobs/../../bootproof-test': name contains '..'"
bad absolute-name "entry '/etc/bootproof-test': absolute name"
bad symlink-out "entry 'evil-link': symlink leads outside the archive"
bad symlink-abs "entry 'evil-link': symlink leads outside the archive: '/etc/passwd'"
bad hardlink-out "entry 'evil-hardlink': hardlink leads outside the archive"
bad layer-symlink-out "layer.tar': symlink leads outside the archive"
bad config-tamper "entry '[0-9a-f]{64}.json': config hash does not match its name"
bad layer-tamper "layer 0 '.*/layer.tar': uncompressed content is sha256:[0-9a-f]{64}, config diff_id is"
bad missing-layer "layer 0 '.*layer.tar': no such entry"
bad bad-json "entry 'manifest.json': invalid JSON"
bad too-many-images "entry 'manifest.json': 4000 images, more than"
bad layer-count "manifest.json image 0: [0-9]+ layers, config '[0-9a-f]{64}.json' has [0-9]+ diff_ids"
bad absurd-size "entry 'huge': absurd size"
# Decision (docs/containers.md): '..' inside a layer tar is rejected, though docker loads it.
bad dotdot-in-layer "layer 0 '.*': entry name '../escaped-by-layer' leaves the root"
# docker itself loads that archive (it extracts in a chroot): bootproof is stricter on purpose
dl load -q -i "$A/bad-dotdot-in-layer.tar" >/dev/null 2>&1 && note "docker load accepted the '..'-in-layer archive"
# manifest.json first instead of last is fine
$MUTATE reorder-manifest-first "$m" "$A/reordered.tar"
measure "$A/reordered.tar" | jq -S 'del(.images[].sources)' >"$WORK/b"
jq -S 'del(.images[].sources)' "$WORK/multi.json" >"$WORK/a"
cmp -s "$WORK/a" "$WORK/b" || fail "entry order changed the result"

# truncations: in a header, in a layer, in the end marker, in the gzip/zstd wrapper
size=$(stat -c %s "$m")
layer_off=$(tar -tvf "$m" --block-number | awk '/layer.tar$/ && $5 > 100000 {print $2; exit}' | tr -d :)
cut_at() { head -c "$2" "$1" >"$3"; }
cut_at "$m" 700 "$A/trunc-header.tar"
expect_reject 1 "trunc-header.tar.*Truncated tar archive" "$A/trunc-header.tar"
cut_at "$m" $(((layer_off + 1) * 512 + 50000)) "$A/trunc-layer.tar"
expect_reject 1 "trunc-layer.tar': entry '.*layer.tar': Truncated tar archive" "$A/trunc-layer.tar"
cut_at "$m" $((size - 1024)) "$A/trunc-end.tar"
expect_reject 1 "without its end-of-archive marker" "$A/trunc-end.tar"
gsize=$(stat -c %s "$A/multi.tar.gz")
cut_at "$A/multi.tar.gz" $((gsize / 2)) "$A/trunc-mid.tar.gz"
expect_reject 1 "trunc-mid.tar.gz': .*truncated gzip input" "$A/trunc-mid.tar.gz"
cut_at "$A/multi.tar.gz" $((gsize - 4)) "$A/trunc-trailer.tar.gz"
expect_reject 1 "trunc-trailer.tar.gz': " "$A/trunc-trailer.tar.gz"
zsize=$(stat -c %s "$A/multi.tar.zst")
cut_at "$A/multi.tar.zst" $((zsize / 2)) "$A/trunc-mid.tar.zst"
expect_reject 1 "trunc-mid.tar.zst': " "$A/trunc-mid.tar.zst"
# one bad archive among good ones: nothing written
expect_reject 1 "bad-layer-tamper.tar" "$A/imp.tar" "$A/bad-layer-tamper.tar" "$A/multi.tar"
# not an archive, missing file
head -c 5000 /dev/urandom >"$A/random.bin"
expect_reject 1 "random.bin': not a tar archive" "$A/random.bin"
expect_reject 1 "no-such.tar" "$A/no-such.tar"
echo "ok"
