#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# CLI contract of `bootproof containers` without any daemon, on the small real archives kept as
# fuzz seeds (made by docker 20.10, podman 4.3 and skopeo 1.9; see tests/fuzz/corpus/).
# Expected IDs: sha256sum of the config entry, read with GNU tar (independent of bootproof).
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}"
C=$BOOTPROOF_SOURCE_DIR/tests/fuzz/corpus/fuzz-docker-archive
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"
rc() { set +e; "$@" >"$W/out" 2>"$W/err"; r=$?; set -e; echo "$r"; }

[ "$(rc "$BOOTPROOF" containers --help)" = 0 ] || fail "--help"
grep -q "containers check" "$W/out" || fail "--help text"
[ "$(rc "$BOOTPROOF" containers)" = 2 ] || fail "no archive: usage"
[ "$(rc "$BOOTPROOF" containers --format xml "$C/real-d20.tar")" = 2 ] || fail "bad --format"
[ "$(rc "$BOOTPROOF" containers check)" = 2 ] || fail "check without file"
[ "$(rc "$BOOTPROOF" containers check --help)" = 0 ] || fail "check --help"

# docker 20.10 legacy archive: the ID is the sha256 of <id>.json
cfg=$(tar -tf "$C/real-d20.tar" | grep -E '^[0-9a-f]{64}\.json$')
want=sha256:$(tar -xOf "$C/real-d20.tar" "$cfg" | sha256sum | cut -d' ' -f1)
"$BOOTPROOF" containers -o "$W/m.json" "$C/real-d20.tar"
grep -q "\"id\": \"$want\"" "$W/m.json" || fail "docker archive ID"
grep -q "\"tiny/x:1\"" "$W/m.json" || fail "docker archive tag"
# the same archive gzip-compressed and podman's OCI archive of the same image
"$BOOTPROOF" containers -o "$W/gz.json" "$C/real-d20.tar.gz"
grep -q "\"id\": \"$want\"" "$W/gz.json" || fail "gzip-wrapped archive ID"
for f in real-poci.tar real-skzstd.tar; do
	m=$(tar -xOf "$C/$f" index.json | sed 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/')
	cd_=$(tar -xOf "$C/$f" "blobs/sha256/$m" | sed 's/.*"config":{[^}]*"digest":"sha256:\([0-9a-f]*\)".*/\1/')
	[ "$(tar -xOf "$C/$f" "blobs/sha256/$cd_" | sha256sum | cut -d' ' -f1)" = "$cd_" ] || fail "$f fixture"
	"$BOOTPROOF" containers -o "$W/o.json" "$C/$f"
	grep -q "\"id\": \"sha256:$cd_\"" "$W/o.json" || fail "$f ID"
done
# aicert
"$BOOTPROOF" containers --format aicert -o "$W/a.json" "$C/real-d20.tar"
[ "$(cat "$W/a.json")" = "{
  \"@local/tiny/x:1\": \"$want\"
}" ] || fail "aicert output"
# bad seeds: exit 1, the existing output untouched
echo keep >"$W/keep.json"
for f in "$C"/bad-*.tar; do
	[ "$(rc "$BOOTPROOF" containers -o "$W/keep.json" "$f")" = 1 ] || fail "$f accepted"
	grep -q "$(basename "$f")" "$W/err" || fail "$f: message does not name the archive"
done
[ "$(cat "$W/keep.json")" = keep ] || fail "output changed by a failed run"
echo "ok"
