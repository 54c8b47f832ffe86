#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Change a container archive the way a supplier or a compromised build input would: one more file in
# the archive (it stays a valid archive of the same image, so the build accepts it, but its bytes and
# measurements differ). Usage: tamper-archive.sh ARCHIVE.tar
set -eu
a=${1:?usage: tamper-archive.sh ARCHIVE.tar}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
echo "changed after golden.json was made" >"$w/tampered.txt"
tar -C "$w" --owner=0 --group=0 --numeric-owner --mtime=@0 -rf "$a" tampered.txt
echo "tamper-archive: appended tampered.txt to $a"
