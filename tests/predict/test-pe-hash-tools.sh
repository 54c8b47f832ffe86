#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# pe-hash against independent Authenticode implementations: pesign -h (sha1, sha256) and
# osslsigncode (sign with a throwaway key, then "Calculated message digest" of verify), on
# Debian's real EFI binaries (systemd-boot 252, its stub, shim signed/unsigned, the kernel signed
# and unsigned) and on the synthetic edge-case images of pe-gen (PE32, PE32+, sections out of file
# order, trailing data, certificate table, VirtualSize > SizeOfRawData).
. "$(dirname "$0")/lib.sh"
need pesign osslsigncode openssl apt-get dpkg-deb

check_pesign() { # FILE
	for alg in sha1 sha256; do
		want=$(pesign -h -d "$alg" -i "$1" | sed -n 's/^hash: //p')
		got=$("$BOOTPROOF" pe-hash --bank "$alg" "$1" | sed -n "s/^$alg:\([0-9a-f]*\)  .*/\1/p")
		[ -n "$want" ] && [ "$want" = "$got" ] || fail "$1 $alg: pesign $want, bootproof $got"
	done
	echo "ok pesign $1"
}

check_osslsigncode() { # FILE: sign a copy, compare the digest osslsigncode calculates
	for alg in sha1 sha256; do
		osslsigncode sign -certs "$TMP/c.pem" -key "$TMP/k.pem" -h "$alg" -in "$1" \
			-out "$TMP/signed.efi" >/dev/null 2>&1 || fail "osslsigncode sign $1"
		want=$(osslsigncode verify -in "$TMP/signed.efi" 2>&1 |
			sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/\1/p' | tr A-F a-f)
		got=$("$BOOTPROOF" pe-hash --bank "$alg" "$TMP/signed.efi" | sed -n "s/^$alg:\([0-9a-f]*\)  .*/\1/p")
		[ -n "$want" ] && [ "$want" = "$got" ] || fail "$1 signed ($alg): osslsigncode $want, bootproof $got"
		rm -f "$TMP/signed.efi"
	done
	echo "ok osslsigncode $1"
}

openssl req -new -x509 -newkey rsa:2048 -nodes -keyout "$TMP/k.pem" -out "$TMP/c.pem" \
	-subj /CN=bootproof-test -days 3650 >/dev/null 2>&1

mkdir "$TMP/syn"
"$BOOTPROOF_BUILD_DIR/tests/pe-gen" "$TMP/syn"
for f in "$TMP"/syn/*.efi; do
	# pesign hashes sections in table order, not file order (Authenticode and EDK2 sort
	# by PointerToRawData); osslsigncode sorts like EDK2.
	case "$f" in *out-of-order*) ;; *) check_pesign "$f" ;; esac
	check_osslsigncode "$f"
done

kpkg=$(kernel_pkg)
[ -n "$kpkg" ] || skip "no linux-image-amd64 dependency in the apt cache"
fetch_deb systemd-boot-efi shim-unsigned shim-signed "$kpkg" "$kpkg-unsigned"
X="$DEBS/x"
for f in "$X"/systemd-boot-efi/usr/lib/systemd/boot/efi/systemd-bootx64.efi \
	"$X"/systemd-boot-efi/usr/lib/systemd/boot/efi/linuxx64.efi.stub \
	"$X"/shim-unsigned/usr/lib/shim/shimx64.efi "$X"/shim-signed/usr/lib/shim/shimx64.efi.signed \
	"$X"/"$kpkg"/boot/vmlinuz-* "$X"/"$kpkg-unsigned"/boot/vmlinuz-*; do
	check_pesign "$f"
done
# The Debian-signed kernel: osslsigncode verifies its own signature's digest.
want=$(osslsigncode verify -in "$X"/"$kpkg"/boot/vmlinuz-* 2>&1 |
	sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/\1/p' | tr A-F a-f)
got=$("$BOOTPROOF" pe-hash "$X"/"$kpkg"/boot/vmlinuz-* | cut -d' ' -f1 | sed 's/^sha256://')
[ "$want" = "$got" ] || fail "signed kernel: osslsigncode $want, bootproof $got"
# Signed and unsigned kernel: the same digest (sbsign added no padding here).
a=$("$BOOTPROOF" pe-hash "$X"/"$kpkg"/boot/vmlinuz-* | cut -d' ' -f1)
b=$("$BOOTPROOF" pe-hash "$X"/"$kpkg-unsigned"/boot/vmlinuz-* | cut -d' ' -f1)
[ "$a" = "$b" ] || echo "note: signed and unsigned kernel differ ($a / $b)"
# JSON output is canonical and stable.
"$BOOTPROOF" pe-hash --json --bank sha1,sha256,sha384,sha512 "$TMP"/syn/*.efi >"$TMP/a.json"
LC_ALL=C TZ=UTC "$BOOTPROOF" pe-hash --json --bank sha512,sha384,sha256,sha1 "$TMP"/syn/*.efi >"$TMP/b.json"
cmp "$TMP/a.json" "$TMP/b.json" || fail "pe-hash --json is not deterministic"
# A non-PE file: exit 1 with a message naming the file.
printf 'MZ' >"$TMP/bad.efi"
if "$BOOTPROOF" pe-hash "$TMP/bad.efi" 2>"$TMP/err"; then fail "bad PE accepted"; fi
grep -q "bad.efi" "$TMP/err" || fail "error does not name the file"
echo "all ok"
