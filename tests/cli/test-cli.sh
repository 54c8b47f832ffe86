#!/bin/sh
# The CLI contract of design.md: --help and --version, per-verb help, exit code 2 for usage errors.
set -eu
: "${BOOTPROOF:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { # expect_rc RC CMD...
	want=$1; shift
	set +e; "$@" >/dev/null 2>&1; rc=$?; set -e
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want"
}

"$BOOTPROOF" --version | grep -Eq '^bootproof [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$BOOTPROOF" --help | grep -q 'Exit codes' || fail "--help"
expect_rc 0 "$BOOTPROOF" --help
expect_rc 2 "$BOOTPROOF"
expect_rc 2 "$BOOTPROOF" no-such-verb
expect_rc 2 "$BOOTPROOF" --no-such-option
for verb in containers pe-hash uki predict eventlog extend attest verify manifest; do
	"$BOOTPROOF" --help | grep -q "^  $verb " || fail "verb $verb missing from --help"
done
echo "ok"
