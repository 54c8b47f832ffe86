#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16: a check that could not run exits 1 and names the cause; only a check that ran and found a
# mismatch says "does not verify" / "differs" / "REFUSED" / "NOT trusted" and exits 3. Proven here,
# without any image build, on the scripts of the audit path with real tools:
#   in-tools.sh      no tools tree -> 125, a command not in the tree -> 127, both naming the cause
#   compare.sh       identical -> 0 "reproduced"; one byte changed -> 3 "DIFFERS"; a file that cannot
#                    be read (a directory in its place: read() fails with EISDIR, even for root) -> 1
#   secure-boot.sh check, on a small Secure Boot "release" made here (a PE from the fuzz corpus signed
#                    with host sbsign, a GPT disk with a FAT ESP made by sfdisk/mkfs.vfat/mtools; the
#                    tools tree is the host's /usr, so sbverify is real): verifies -> 0; the UKI signed
#                    with another key -> 3 "does NOT verify"; tools tree missing -> 1 naming it;
#                    sbverify absent from the tree -> 1 naming it; mcopy absent from PATH -> 1 naming
#                    it; db.crt unreadable -> 1 naming it; never "does NOT verify" for those
#   audit-verdict.sh (the audit's last step) on an audit folder made of that release: 0 with
#                    "reproduced" and the signatures verified; its tools tree moved away -> 1 naming
#                    it, "reproduced" still printed, no "NOT trusted"; a published signature changed
#                    in one byte -> 3 "NOT trusted"
#   verify-bundle.sh a bundle whose InRelease Debian did not sign -> 3 "REFUSED"; no keyring, gpgv
#                    absent from PATH, a list that cannot be read -> 1 naming it, no "REFUSED"
#   release-check.sh (tests/cloud) qemu-img absent from PATH -> 1 naming it; a VHD that is not one -> 3
#   bootproof verbs  manifest verify --check: a listed file changed -> 3, a listed file, the
#                    signature or the key unreadable -> 1 naming it; verify (--ak-pub), eventlog
#                    compare, seal check, containers check with an unreadable input -> 1 naming it
# "absent from PATH": the binary is covered by /dev/null (not executable) in a private mount namespace
# (unshare -m, root): the host's own file is untouched and the scripts' fixed PATH still finds nothing.
set -eu
: "${BOOTPROOF_SOURCE_DIR:?}"
S=$BOOTPROOF_SOURCE_DIR
for t in bwrap sbsign sbverify sbattach openssl sfdisk mkfs.vfat mmd mcopy mdir jq gpgv unshare qemu-img; do
	command -v "$t" >/dev/null || { echo "FAIL: $t missing (tests/deps/audit.list)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (unshare -m to take a binary away)"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-checks.XXXXXX")
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1700000000 IMAGE_VERSION=test OUT=$W/out
unset TOOLS TOOLS_DIR CACHE PKGCACHE
. "$S/tests/lib/common.sh"
n=0
# expect RC REGEX NAME CMD...: CMD exits RC and its output (stdout + stderr) matches REGEX
expect() {
	_rc=$1 _re=$2 _name=$3; shift 3
	set +e
	"$@" >"$W/$_name.log" 2>&1
	_got=$?
	set -e
	[ "$_got" = "$_rc" ] || { cat "$W/$_name.log"; fail "$_name: exit $_got, expected $_rc"; }
	[ -z "$_re" ] || grep -E -q -- "$_re" "$W/$_name.log" || { cat "$W/$_name.log"; fail "$_name: no '$_re' in the output"; }
	if [ "$_rc" = 1 ] && grep -E -q 'does NOT verify|DIFFERS|REFUSED|NOT trusted|^FAIL:' "$W/$_name.log"; then
		cat "$W/$_name.log"; fail "$_name: a check that could not run was reported as a mismatch"
	fi
	n=$((n + 1))
	echo "ok: $_name: exit $_got: $(grep -E -m1 -- "$_re" "$W/$_name.log" | cut -c1-160)"
}
# without BIN...: run CMD with each BIN on PATH covered by /dev/null (private mount namespace)
without() {	# BIN... -- CMD...
	_b=
	while [ "$1" != -- ]; do _b="$_b $(command -v "$1")"; shift; done
	shift
	unshare -m sh -c 'for b in $1; do mount --bind /dev/null "$b"; done; shift; exec "$@"' sh "$_b" "$@"
}

# --- in-tools.sh
expect 125 "there is no tools tree at $W/none/mkosi.tools" in-tools-no-tree \
	env TOOLS="$W/none/mkosi.tools" "$S/image/scripts/in-tools.sh" sbverify --version
mkdir -p "$W/empty/mkosi.tools/usr/bin" "$W/empty/mkosi.tools/etc"
expect 127 "'sbverify' is not in the tools tree" in-tools-no-cmd \
	env TOOLS="$W/empty/mkosi.tools" "$S/image/scripts/in-tools.sh" sbverify --version
# the host's /usr as a tools tree: real tools, bwrap really started
mkdir -p "$W/host/mkosi.tools"
ln -s /usr "$W/host/mkosi.tools/usr"
ln -s /etc "$W/host/mkosi.tools/etc"
expect 0 "" in-tools-check env TOOLS="$W/host/mkosi.tools" "$S/image/scripts/in-tools.sh" --check sbverify true

# --- compare.sh
mkdir -p "$W/ca" "$W/cb"
for d in ca cb; do printf 'artifact one\n' >"$W/$d/one"; printf 'artifact two\n' >"$W/$d/two"; done
expect 0 '^reproduced: ' compare-same "$S/image/scripts/compare.sh" "$W/ca" "$W/cb" "$W/cw"
printf 'artifact twO\n' >"$W/cb/two"
expect 3 '^DIFFERS: two ' compare-differs "$S/image/scripts/compare.sh" "$W/ca" "$W/cb" "$W/cw"
rm "$W/cb/two"; mkdir "$W/cb/two"
expect 1 '^CANNOT CHECK: cannot read the files of .*two: Is a directory' compare-unreadable \
	"$S/image/scripts/compare.sh" "$W/ca" "$W/cb" "$W/cw"
expect 1 '^CANNOT CHECK: the rebuilt release .* is not a folder' compare-no-folder \
	"$S/image/scripts/compare.sh" "$W/ca" "$W/nothing" "$W/cw"

# --- a small Secure Boot release: db key, two signed PEs, a GPT disk whose ESP carries them
R=$W/rel
mkdir -p "$R" "$W/k"
for k in db other; do
	openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=bootproof test $k/" \
		-keyout "$W/k/$k.key" -out "$W/k/$k.crt" 2>/dev/null
done
cp "$W/k/db.crt" "$R/db.crt"
: >"$R/db.esl"	# marks a Secure Boot release for audit-verdict.sh (secure-boot.sh check does not read it)
pe=$S/tests/fuzz/corpus/fuzz-authenticode/pe32plus.efi
sign() {	# KEY OUT
	sbsign --key "$W/k/$1.key" --cert "$W/k/$1.crt" --output "$2" "$pe" 2>/dev/null
}
make_disk() {	# DIR: DIR/bootproof.raw with BOOTX64.EFI = systemd-bootx64.efi = DIR/boot.efi, the UKI DIR/bootproof.efi
	truncate -s 40M "$1/bootproof.raw"
	echo 'label: gpt
start=2048, size=77824, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B' | sfdisk -q "$1/bootproof.raw"
	mkfs.vfat --offset 2048 -n ESP "$1/bootproof.raw" 38912 >/dev/null 2>&1
	_i="$1/bootproof.raw@@1M"
	MTOOLS_SKIP_CHECK=1 mmd -i "$_i" ::/EFI ::/EFI/BOOT ::/EFI/systemd ::/EFI/Linux
	MTOOLS_SKIP_CHECK=1 mcopy -i "$_i" "$1/boot.efi" ::/EFI/BOOT/BOOTX64.EFI
	MTOOLS_SKIP_CHECK=1 mcopy -i "$_i" "$1/boot.efi" ::/EFI/systemd/systemd-bootx64.efi
	MTOOLS_SKIP_CHECK=1 mcopy -i "$_i" "$1/bootproof.efi" ::/EFI/Linux/bootproof.efi
	rm "$1/boot.efi"
}
sign db "$R/boot.efi"
sign db "$R/bootproof.efi"
sbattach --detach "$R/systemd-bootx64.efi.pkcs7" "$R/boot.efi" >/dev/null
sbattach --detach "$R/bootproof.efi.pkcs7" "$R/bootproof.efi" >/dev/null
make_disk "$R"
check() { env TOOLS_DIR="$1" "$S/image/scripts/secure-boot.sh" check "$2"; }	# TOOLS_DIR RELEASE

expect 0 '^    uki\.efi: signature verifies' sb-check-ok check "$W/host" "$R"
expect 1 "^CANNOT CHECK: .*there is no tools tree at $W/none/mkosi.tools" sb-check-no-tree check "$W/none" "$R"
expect 1 "^CANNOT CHECK: .*'sbverify' is not in the tools tree" sb-check-no-sbverify \
	without sbverify -- env TOOLS_DIR="$W/host" "$S/image/scripts/secure-boot.sh" check "$R"
expect 1 "^CANNOT CHECK: 'mcopy' is not installed" sb-check-no-mcopy \
	without mcopy -- env TOOLS_DIR="$W/host" "$S/image/scripts/secure-boot.sh" check "$R"
U=$W/rel-unreadable
cp -a "$R" "$U"
rm "$U/db.crt"; mkdir "$U/db.crt"
expect 1 "^CANNOT CHECK: $U/db.crt is not a regular file" sb-check-unreadable check "$W/host" "$U"
B=$W/rel-otherkey
mkdir -p "$B"
cp "$R/db.crt" "$R/db.esl" "$B/"
sign db "$B/boot.efi"
sign other "$B/bootproof.efi"
sbattach --detach "$B/systemd-bootx64.efi.pkcs7" "$B/boot.efi" >/dev/null
sbattach --detach "$B/bootproof.efi.pkcs7" "$B/bootproof.efi" >/dev/null
make_disk "$B"
expect 3 'FAILED: uki\.efi \(signature bootproof\.efi\.pkcs7\): .*does NOT verify' sb-check-otherkey check "$W/host" "$B"

# --- audit-verdict.sh on an audit folder of that release (the rebuild: a copy; its tools tree: the host's)
A=$W/audit
mkdir -p "$A"
cp -a "$R" "$A/release"
mkdir -p "$A/tools/mkosi.tools"
ln -s /usr "$A/tools/mkosi.tools/usr"
ln -s /etc "$A/tools/mkosi.tools/etc"
verdict() { env -u TOOLS_FROM "$S/image/scripts/audit-verdict.sh" "$1" "$A"; }
expect 0 'every published signature verifies' verdict-ok verdict "$R"
grep -q '^reproduced: ' "$W/verdict-ok.log" || fail "verdict-ok: no 'reproduced'"
mv "$A/tools" "$A/tools.away"
expect 1 "^CANNOT CHECK: .*there is no tools tree at $A/tools/mkosi.tools" verdict-no-tools verdict "$R"
grep -q '^reproduced: ' "$W/verdict-no-tools.log" || fail "verdict-no-tools: the comparison did not run"
mv "$A/tools.away" "$A/tools"
P=$W/rel-badsig
cp -a "$R" "$P"
o=$(($(stat -c %s "$P/bootproof.efi.pkcs7") - 20))
b=$(dd if="$P/bootproof.efi.pkcs7" bs=1 skip="$o" count=1 status=none | od -An -tu1 | tr -d ' ')
# shellcheck disable=SC2059
printf "\\$(printf %o $((b ^ 1)))" | dd of="$P/bootproof.efi.pkcs7" bs=1 seek="$o" conv=notrunc status=none
cmp -s "$P/bootproof.efi.pkcs7" "$R/bootproof.efi.pkcs7" && fail "the byte change did not change the signature"
expect 3 '^NOT trusted: ' verdict-badsig verdict "$P"
grep -q 'the signature in uki\.efi is not the published bootproof\.efi\.pkcs7' "$W/verdict-badsig.log" ||
	fail "verdict-badsig: the changed signature is not named"

# --- verify-bundle.sh: a bundle whose InRelease carries no Debian signature
V=$W/bundle
mkdir -p "$V/lists" "$V/debs"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\n' >"$V/mkosi.sources"
printf '# package\tversion\tarchitecture\tsize\tsha256\tfile\n' >"$V/packages-index.tsv"
l=deb.debian.org_debian_dists_trixie
printf 'Origin: not Debian\nSuite: trixie\nSHA256:\n' >"$V/lists/${l}_InRelease"
: >"$V/lists/${l}_main_binary-amd64_Packages"
expect 3 "^REFUSED: lists/${l}_InRelease: no good signature by Debian's archive keyring" bundle-unsigned \
	"$S/image/scripts/verify-bundle.sh" "$V"
expect 1 'CANNOT CHECK: no readable Debian archive keyring at /nonexistent' bundle-no-keyring \
	env DEBIAN_KEYRING=/nonexistent "$S/image/scripts/verify-bundle.sh" "$V"
expect 1 'CANNOT CHECK: gpgv is not installed' bundle-no-gpgv without gpgv -- "$S/image/scripts/verify-bundle.sh" "$V"
rm "$V/lists/${l}_main_binary-amd64_Packages"; mkdir "$V/lists/${l}_main_binary-amd64_Packages"
expect 1 "CANNOT CHECK: .*${l}_main_binary-amd64_Packages cannot be read \\(not a regular file\\)" bundle-unreadable \
	"$S/image/scripts/verify-bundle.sh" "$V"

# --- tests/cloud/release-check.sh: an Azure format check
C=$W/cloud
mkdir -p "$C"
head -c 1048576 /dev/urandom >"$C/bootproof.raw"
printf 'not a VHD\n' >"$C/bootproof-azure.vhd"
echo '{"platforms": ["azure"]}' >"$C/cloud-formats.json"
printf '{}\n' >"$C/platform-azure.json"
(cd "$C" && sha256sum bootproof.raw bootproof-azure.vhd cloud-formats.json platform-azure.json >SHA256SUMS)
expect 1 'CANNOT CHECK: qemu-img is not installed' cloud-no-qemu-img \
	without qemu-img -- "$S/tests/cloud/release-check.sh" "$C" "$W/cloud-w"
expect 3 '^FAIL: bootproof-azure.vhd does not convert with qemu-img -f vpc' cloud-bad-vhd \
	"$S/tests/cloud/release-check.sh" "$C" "$W/cloud-w"

# --- the C verbs: an input that cannot be read is exit 1 naming it, a changed file is exit 3
if [ -n "${BOOTPROOF:-}" ]; then
	M=$W/manifest
	mkdir -p "$M"
	printf 'disk\n' >"$M/bootproof.raw"
	printf 'golden\n' >"$M/golden.json"
	(cd "$M" && sha256sum bootproof.raw golden.json >SHA256SUMS)
	openssl genpkey -algorithm ED25519 -out "$W/k/m.key" 2>/dev/null
	openssl pkey -in "$W/k/m.key" -pubout -out "$M/key.pub"
	"$BOOTPROOF" manifest sign --key "$W/k/m.key" -o "$M/SHA256SUMS.sig" "$M/SHA256SUMS"
	mverify() { "$BOOTPROOF" manifest verify --key "$M/key.pub" --signature "$1" --check "$M/SHA256SUMS"; }
	expect 0 'signature OK, every listed file matches' manifest-ok mverify "$M/SHA256SUMS.sig"
	printf 'disK\n' >"$M/bootproof.raw"
	expect 3 "'bootproof.raw' does not match its sha256" manifest-changed mverify "$M/SHA256SUMS.sig"
	rm "$M/bootproof.raw"; mkdir "$M/bootproof.raw"
	expect 1 "cannot read 'bootproof.raw': Is a directory" manifest-unreadable mverify "$M/SHA256SUMS.sig"
	mkdir "$M/sig.d"
	expect 1 "cannot read '$M/sig.d': Is a directory" manifest-sig-unreadable mverify "$M/sig.d"
	expect 1 "cannot load the public key '$M/sig.d': Is a directory" manifest-key-unreadable \
		"$BOOTPROOF" manifest verify --key "$M/sig.d" --signature "$M/SHA256SUMS.sig" "$M/SHA256SUMS"
	expect 1 "cannot load --ak-pub '$M/sig.d': Is a directory" verify-ak-unreadable \
		"$BOOTPROOF" verify "$M/sig.d" --golden "$M/sig.d" --nonce 00 --ak-pub "$M/sig.d"
	expect 1 "$M/sig.d: cannot read: Is a directory" eventlog-unreadable \
		"$BOOTPROOF" eventlog compare "$M/sig.d" "$M/sig.d"
	expect 1 "seal: '$M/sig.d': cannot read: Is a directory" seal-unreadable \
		"$BOOTPROOF" seal check --golden "$M/sig.d" --luks-dump "$M/sig.d"
	expect 1 "Failed to read '$M/sig.d': Is a directory" containers-unreadable \
		"$BOOTPROOF" containers check "$M/sig.d"
fi

echo "all $n checks: exit 1 = could not run (cause named), exit 3 = mismatch"
