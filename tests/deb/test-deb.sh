#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian package (packaging/deb/build-deb.sh, docs/packaging.md):
# 1. reproducible: built from two copies of the source tree at different paths, the same bytes;
# 2. lintian: no error or warning left (the overrides say why);
# 3. a man page for bootproof and each verb of `bootproof --help`, bash completion that
#    completes verbs and a verb's options;
# 4. on clean Debian 12 (and 13: BOOTPROOF_DEB_SUITES) systems made with mmdebstrap from the
#    Debian mirror, `apt-get install ./bootproof_*.deb` pulls only libc, libssl and libjansson
#    (not libtss2, libarchive, libcurl: dlopen()ed), and `bootproof verify` there gives byte
#    for byte the host's verdicts on a genuine and a tampered swtpm bundle (exit 0 and 3), and so
#    does the Python package (python/) there, loading the library the package installed.
set -eu
. "$BOOTPROOF_SOURCE_DIR/tests/attest/lib.sh"
for t in mmdebstrap lintian help2man dpkg-deb dpkg-shlibdeps bash; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed (tests/deps/deb.list)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: mmdebstrap --mode=root needs root"; exit 77; }
SUITES=${BOOTPROOF_DEB_SUITES:-bookworm trixie}
MIRROR=${BOOTPROOF_DEB_MIRROR:-http://deb.debian.org/debian}
BP=$BOOTPROOF

# 1. Two builds from two copies (tracked and new files of the checkout), one SOURCE_DATE_EPOCH.
SDE=$(git -C "$BOOTPROOF_SOURCE_DIR" log -1 --format=%ct)
# (One snapshot of the checkout, copied: an edit during the test cannot make them differ.)
mkdir -p "$WORK/a/src" "$WORK/b"
(cd "$BOOTPROOF_SOURCE_DIR" && git ls-files -co --exclude-standard -z |
	xargs -0 cp --parents -t "$WORK/a/src")
cp -a "$WORK/a/src" "$WORK/b/src"
for c in a b; do
	SOURCE_DATE_EPOCH=$SDE "$WORK/$c/src/packaging/deb/build-deb.sh" "$WORK/$c/out" >/dev/null ||
		fail "build-deb.sh in copy $c"
done
DEB=$(ls "$WORK"/a/out/bootproof_*_amd64.deb)
NAME=$(basename "$DEB")
cmp "$DEB" "$WORK/b/out/$NAME" || fail "two builds of $NAME differ"
echo "reproducible: $NAME twice, sha256 $(sha256sum "$DEB" | cut -c1-16)..., $(stat -c %s "$DEB") bytes"

# 2. lintian, overrides applied.
lintian --fail-on none "$DEB" >"$WORK/lintian.txt" 2>&1 || true
if grep -E '^[EW]: ' "$WORK/lintian.txt"; then fail "lintian errors or warnings"; fi
echo "lintian: $(grep -c '^[EWIP]: ' "$WORK/lintian.txt" || true) tags left (none E/W)"

# 3. Man pages and completion, from the package's files.
dpkg-deb -x "$DEB" "$WORK/x"
for verb in $("$BP" --help | sed -n '/^Commands of bootproof:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
	page=$WORK/x/usr/share/man/man1/bootproof-$verb.1.gz
	[ -f "$page" ] || fail "no man page for $verb"
	desc=$("$BP" --help | sed -n "s/^  $verb  *//p")
	zcat "$page" | grep -q '^\.SH SYNOPSIS' || fail "man page of $verb has no synopsis"
	zcat "$page" | grep -qF "bootproof-$verb \\- $desc" || fail "man page of $verb: NAME is not '$desc'"
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" >/dev/null 2>&1 || fail "man -l bootproof-$verb.1.gz"
done
[ -f "$WORK/x/usr/share/man/man1/bootproof.1.gz" ] || fail "no bootproof.1"
zcat "$WORK/x/usr/share/man/man1/bootproof-verify.1.gz" | grep -q -- '-\\-html' || fail "verify's man page lacks --html"
bash -c '. "$1"; COMP_WORDS=(bootproof ver); COMP_CWORD=1; _bootproof; [ "${COMPREPLY[*]}" = verify ] || exit 1
	COMP_WORDS=(bootproof verify --go); COMP_CWORD=2; _bootproof; [ "${COMPREPLY[*]}" = --golden ] || exit 2
	COMP_WORDS=(bootproof eventlog re); COMP_CWORD=2; _bootproof; [ "${COMPREPLY[*]}" = replay ] || exit 3' \
	_ "$WORK/x/usr/share/bash-completion/completions/bootproof" || fail "bash completion (case $?)"
echo "man pages: bootproof(1) and one per verb; bash completion completes verbs, options, sub-commands"

# 4. A genuine and a tampered bundle from swtpm, their verdicts on this host.
start_swtpm a --pcr-banks sha256
python3 "$SRC/mkfixture.py" "$a_TCTI" "$WORK" sha256 >/dev/null
N=00112233445566778899aabbccddeeff
mkdir -p "$WORK/t"
"$BP" attest --tcti "$a_TCTI" --eventlog "$WORK/firmware.bin" --userspace-log "$WORK/userspace.log" \
	--nonce $N -o "$WORK/t/good.json" --ak-pub-out "$WORK/t/ak.pem" >/dev/null
tpm2_flush "$a_TCTI"
stop_swtpms
cp "$WORK/golden.json" "$WORK/t/"
python3 "$SRC/bundle-edit.py" flip-pcr "$WORK/t/good.json" "$WORK/t/bad.json" sha256 4
# The Python door in the chroot: the package from python/ with the library the .deb installed
# (found through ldconfig, no BOOTPROOF_LIBRARY).
cat >"$WORK/t/doors.py" <<'PY'
import os, sys
import bootproof
assert "BOOTPROOF_LIBRARY" not in os.environ
for b in ("good", "bad"):
    v = bootproof.verify(f"{b}.json", golden="golden.json", nonce=sys.argv[1], ak_pub="ak.pem")
    open(f"{b}.py.json", "w").write(v.json)
print("python:", bootproof.library_version(), "ok")
PY
(cd "$WORK/t" && for b in good bad; do
	"$BP" verify $b.json --golden golden.json --ak-pub ak.pem --nonce $N --json >$b.host.json || true
done)

for suite in $SUITES; do
	root=$WORK/root-$suite
	start=$(date +%s)
	mmdebstrap --variant=minbase --mode=root --quiet \
		--customize-hook="copy-in $DEB /tmp" \
		--customize-hook="chroot \"\$1\" sh -c 'cd /tmp && apt-get install -y -q ./$NAME' >'$WORK/apt-$suite.log' 2>&1" \
		--customize-hook="chroot \"\$1\" dpkg-query -W -f=\"\\\${Package}\\n\" >'$WORK/packages-$suite'" \
		--customize-hook="chroot \"\$1\" apt-get install -y -q --no-install-recommends python3 >>'$WORK/apt-$suite.log' 2>&1" \
		--customize-hook="mkdir -p \"\$1/t/py\" && cp $WORK/t/good.json $WORK/t/bad.json $WORK/t/golden.json $WORK/t/ak.pem $WORK/t/doors.py \"\$1/t/\" && cp -r $BOOTPROOF_SOURCE_DIR/python/bootproof \"\$1/t/py/\"" \
		--customize-hook="chroot \"\$1\" sh -c 'cd /t && PYTHONPATH=/t/py python3 doors.py $N'" \
		--customize-hook="chroot \"\$1\" sh -c 'cd /t && for b in good bad; do bootproof verify \$b.json --golden golden.json --ak-pub ak.pem --nonce $N --json >\$b.json.verdict; echo \$? >\$b.rc; done'" \
		--customize-hook="cp -r \"\$1/t\" '$WORK/out-$suite'" \
		"$suite" "$root" "$MIRROR" >"$WORK/mmdebstrap-$suite.log" 2>&1 ||
		{ tail -20 "$WORK/mmdebstrap-$suite.log" "$WORK/apt-$suite.log" 2>/dev/null; fail "$suite: mmdebstrap / apt-get install ./$NAME"; }
	rm -rf "$root"
	o=$WORK/out-$suite
	[ "$(cat "$o/good.rc") $(cat "$o/bad.rc")" = "0 3" ] || fail "$suite: verify exits $(cat "$o/good.rc") $(cat "$o/bad.rc"), expected 0 3"
	cmp "$o/good.json.verdict" "$WORK/t/good.host.json" || fail "$suite: the genuine bundle's verdict differs from the host's"
	cmp "$o/bad.json.verdict" "$WORK/t/bad.host.json" || fail "$suite: the tampered bundle's verdict differs from the host's"
	for b in good bad; do
		cmp "$o/$b.py.json" "$WORK/t/$b.host.json" || fail "$suite: Python's verdict on $b.json differs from the host CLI's"
	done
	if grep -E '^(libtss2|libarchive|libcurl)' "$WORK/packages-$suite"; then fail "$suite: a dlopen()ed library was installed"; fi
	echo "$suite: apt-get install ./$NAME in a clean minbase system, verify exits 0 / 3, CLI and Python with the host's verdict bytes ($(($(date +%s) - start)) s)"
done
echo "ok: the package is reproducible, lintian-clean, documented and verifies on $SUITES"
