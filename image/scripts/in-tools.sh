#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run a command with the trixie tools tree as its /usr (bubblewrap), so that the bytes it produces do
# not depend on the host's tool versions. The repository top and $OUT are bound read-write at their
# own paths. Usage: TOOLS=<tools tree> in-tools.sh CMD [ARGS...]
set -eu
: "${TOOLS:?TOOLS must point at the tools tree (out/tools/mkosi.tools)}"
top=$(cd "$(dirname "$0")/../.." && pwd)
set -- --ro-bind "$TOOLS/usr" /usr --symlink usr/bin /bin --symlink usr/sbin /sbin \
	--symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind "$TOOLS/etc" /etc \
	--proc /proc --dev /dev --tmpfs /tmp --bind "$top" "$top" \
	${OUT:+--bind "$(mkdir -p "$OUT" && cd "$OUT" && pwd)" "$(cd "$OUT" && pwd)"} \
	--chdir "$(pwd)" --setenv PATH /usr/bin:/usr/sbin --unsetenv PYTHONPATH -- "$@"
exec bwrap "$@"
