#!/bin/sh
# Issue 17: "build the release if missing" is decided in one place (Makefile.images' $(OUT)/release/SHA256SUMS
# target, image/scripts/release-state.sh), and a release made with other settings is not reused.
# The defect this guards: README's first command leaves a PLATFORM=qemu release in out/; README's test
# command (tests/run: boot-test PLATFORM=all) reused it, and the cloud round trips never ran.
# No build: fake release folders hold only the files the decision reads, written here from the
# documented formats (docs/cloud-formats: cloud-formats.json; secure-boot.txt), and make's
# BUILD_RELEASE is replaced by a marker, so the test sees whether make WOULD build.
set -eu
S=${BOOTPROOF_SOURCE_DIR:?}
. "$S/tests/lib/common.sh"
need jq make
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
owner=de9c9933-f5c4-48bb-91ed-87c9727170e2	# secure-boot-owner.sh's, written out: an independent copy

# a Secure Boot release with development keys and an empty dbx, no cloud formats (PLATFORM=qemu)
fake_qemu_release() {	# DIR
	mkdir -p "$1"
	: >"$1/SHA256SUMS"
	: >"$1/db.esl"
	: >"$1/dbx.esl"
	printf '%s\n' "Secure Boot material of this release (made by image/scripts/secure-boot.sh)" \
		"keys: DEVELOPMENT keys generated on the build machine" \
		"owner GUID of every signature list entry: $owner" >"$1/secure-boot.txt"
}
cloud_formats() {	# DIR PLATFORMS-JSON-ARRAY [GCE-FIRMWARE]
	cat >"$1/cloud-formats.json" <<EOF
{
  "format": "bootproof-cloud-formats/1",
  "gce": {
    "cvm": "none",
    "firmware": "${3:-2}"
  },
  "keys": "release",
  "owner_guid": "$owner",
  "platforms": $2
}
EOF
}

# the decision through make, as tests/run and README reach it
decide() {	# OUT-DIR MAKE-ARGS... -> the output; fails the test if make fails
	_o=$1; shift
	(cd "$S" && env -u SECURE_BOOT_KEYS -u SECURE_BOOT_DBX -u SB_OWNER_GUID -u GCE_CVM -u GCE_FIRMWARE \
		make -s -f Makefile.images "$_o/release/SHA256SUMS" OUT="$_o" \
		BUILD_RELEASE='echo WOULD-BUILD' "$@" 2>&1) || fail "make $* with OUT=$_o failed"
}
expect_build() {	# WHY-REGEX OUT-DIR MAKE-ARGS...
	_why=$1; shift
	_r=$(decide "$@")
	echo "$_r" | grep -q '^WOULD-BUILD$' || fail "$*: the release would be reused, expected a rebuild: $_r"
	echo "$_r" | grep -q "^rebuild: .*$_why" || fail "$*: no reason matching '$_why': $_r"
	echo "ok: rebuild for $*: $(echo "$_r" | grep '^rebuild:')"
}
expect_reuse() {	# OUT-DIR MAKE-ARGS...
	_r=$(decide "$@")
	if echo "$_r" | grep -q 'WOULD-BUILD'; then fail "$*: expected reuse, make would build: $_r"; fi
	echo "$_r" | grep -q '^reuse: ' || fail "$*: no 'reuse:' line: $_r"
	echo "ok: reuse for $*"
}

# 1. no release at all
expect_build 'no release' "$W/none" PLATFORM=qemu

# 2. the defect: a PLATFORM=qemu release, then tests/run's PLATFORM=all
q=$W/qemu
fake_qemu_release "$q/release"
expect_build 'has none (no cloud-formats.json)' "$q" PLATFORM=all SECURE_BOOT=on
expect_reuse "$q" PLATFORM=qemu SECURE_BOOT=on
# ... and through tests/run's own command lines, whatever they are now: each must rebuild here
grep -q 'make -f Makefile.images boot-test' "$S/tests/run" || fail "tests/run no longer runs boot-test"
sed -n 's/^[[:space:]]*make -f Makefile.images \(\(boot\|offline\)-test .*\)$/\1/p' "$S/tests/run" >"$W/run-lines"
[ "$(wc -l <"$W/run-lines")" = 2 ] || fail "tests/run: expected the boot-test and offline-test lines, got: $(cat "$W/run-lines")"
while read -r line; do
	# shellcheck disable=SC2086 # the words of tests/run's make command line
	r=$(cd "$S" && make -s -f Makefile.images $line OUT="$q" BUILD_RELEASE='echo WOULD-BUILD; exit 42' 2>&1) && rc=0 || rc=$?
	{ [ "$rc" != 0 ] && echo "$r" | grep -q '^WOULD-BUILD$'; } ||
		fail "tests/run's 'make ... $line' would test the PLATFORM=qemu release in out/ (rc $rc): $r"
	echo "ok: tests/run's '$line' rebuilds a PLATFORM=qemu release first"
done <"$W/run-lines"

# 3. a release with every cloud format: reused for all, for a subset and for qemu alone
a=$W/all
fake_qemu_release "$a/release"
cloud_formats "$a/release" '["aws", "azure", "gce"]'
expect_reuse "$a" PLATFORM=all
expect_reuse "$a" PLATFORM=gce,aws
expect_reuse "$a" PLATFORM=qemu
expect_build 'GCE_FIRMWARE=1' "$a" PLATFORM=all GCE_FIRMWARE=1
expect_build 'SB_OWNER_GUID=' "$a" PLATFORM=all SB_OWNER_GUID=00000000-0000-0000-0000-000000000001

# 4. some formats only
g=$W/gce
fake_qemu_release "$g/release"
cloud_formats "$g/release" '["gce"]'
expect_reuse "$g" PLATFORM=gce
expect_build 'asks for azure' "$g" PLATFORM=all

# 5. Secure Boot settings
expect_build 'Secure Boot on (db.esl)' "$a" PLATFORM=qemu SECURE_BOOT=off
o=$W/off
mkdir -p "$o/release" && : >"$o/release/SHA256SUMS"
expect_reuse "$o" SECURE_BOOT=off
expect_build 'Secure Boot off' "$o" SECURE_BOOT=on
printf 'not empty' >"$W/dbx.esl"
expect_build 'SECURE_BOOT_DBX' "$a" SECURE_BOOT_DBX="$W/dbx.esl"
mkdir -p "$W/keys"
expect_build 'SECURE_BOOT_KEYS' "$a" SECURE_BOOT_KEYS="$W/keys"
sed -i 's/^keys: .*/keys: from SECURE_BOOT_KEYS/' "$g/release/secure-boot.txt"
expect_build 'signed with other keys' "$g" PLATFORM=gce

# 6. the script's own exit codes: 3 for a rebuild, 0 for reuse, 2 for usage
rc=0; "$S/image/scripts/release-state.sh" "$W/none/release" >/dev/null || rc=$?
[ "$rc" = 3 ] || fail "release-state.sh on a missing release exited $rc, expected 3"
rc=0; PLATFORM=nowhere "$S/image/scripts/release-state.sh" "$a/release" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "release-state.sh PLATFORM=nowhere exited $rc, expected 2"
echo "PASS: the release in out/ is reused only with the settings it was made with"
