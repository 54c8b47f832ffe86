#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run a command with the trixie tools tree as its /usr (bubblewrap), so that the bytes it produces do
# not depend on the host's tool versions. The repository top and $OUT are bound read-write at their
# own paths. Usage: TOOLS=<tools tree> in-tools.sh CMD [ARGS...]
#                   TOOLS=<tools tree> in-tools.sh --check CMD...   (can these run? exit 0, or 125/127)
# Exit codes: the command's own; or, when it could not be started at all, 125 (no tools tree at
# $TOOLS, bwrap missing or failing) or 127 (CMD is not in the tools tree), with the cause on stderr.
# bwrap's own failures exit 1 like most tools' "no": a caller that reads a tool's exit code as a
# verdict (secure-boot.sh check) runs --check first, so that a tool that could not start is never
# taken for a tool that said no.
set -eu
: "${TOOLS:?TOOLS must point at the tools tree (out/tools/mkosi.tools)}"
top=$(cd "$(dirname "$0")/../.." && pwd)
cannot() {	# RC CAUSE
	echo "in-tools.sh: cannot run '$cmd' in the tools tree: $2" >&2
	exit "$1"
}
present() {	# CMD: a bare name is in the tree's usr/bin or usr/sbin (a path is the caller's file)
	case "$1" in
	*/*) return 0 ;;
	esac
	# a symlink counts as is: the tree's absolute ones (/etc/alternatives/...) resolve only inside
	for _p in "$TOOLS/usr/bin/$1" "$TOOLS/usr/sbin/$1"; do
		if [ -L "$_p" ] || { [ -f "$_p" ] && [ -x "$_p" ]; }; then return 0; fi
	done
	return 1
}
check=
[ "${1:-}" != --check ] || { check=1; shift; }
cmd=${1:?usage: in-tools.sh [--check] CMD [ARGS...]}
[ -d "$TOOLS/usr/bin" ] && [ -d "$TOOLS/etc" ] ||
	cannot 125 "there is no tools tree at $TOOLS (made by 'image/scripts/pipeline.sh tools-tree'; an audit's rebuild makes its own under OUT/audit/tools)"
command -v bwrap >/dev/null 2>&1 || cannot 125 "bwrap is not installed (apt-get install bubblewrap, or image/setup-host.sh)"
for c; do
	present "$c" || { cmd=$c; cannot 127 "'$c' is not in the tools tree $TOOLS (usr/bin, usr/sbin)"; }
	[ -n "$check" ] || break
done
if [ -n "$check" ]; then
	# the sandbox itself must start: the tree's own 'true', with the same tree binds
	_e=$(bwrap --ro-bind "$TOOLS/usr" /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --ro-bind "$TOOLS/etc" /etc --proc /proc --dev /dev -- true 2>&1) ||
		cannot 125 "bwrap could not start the tools tree $TOOLS: $_e"
	exit 0
fi
set -- --ro-bind "$TOOLS/usr" /usr --symlink usr/bin /bin --symlink usr/sbin /sbin \
	--symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind "$TOOLS/etc" /etc \
	--proc /proc --dev /dev --tmpfs /tmp --bind "$top" "$top" \
	${OUT:+--bind "$(mkdir -p "$OUT" && cd "$OUT" && pwd)" "$(cd "$OUT" && pwd)"} \
	--chdir "$(pwd)" --setenv PATH /usr/bin:/usr/sbin --unsetenv PYTHONPATH -- "$@"
exec bwrap "$@"
