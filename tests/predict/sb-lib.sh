# SPDX-License-Identifier: LGPL-2.1-or-later
# Secure Boot fixtures shared by test-predict-secureboot.sh and test-predict-sb-verify.sh
# (sourced after lib.sh): Debian's systemd-boot and kernel, keys made by openssl, a UKI and
# systemd-boot signed by sbsign, EFI signature lists (esl.py).

# Owner GUIDs of the signature list entries: PK, KEK, and two for db/dbx entries.
O1=11111111-1111-1111-1111-111111111111 O2=22222222-2222-2222-2222-222222222222
O3=33333333-3333-3333-3333-333333333333 O4=44444444-4444-4444-4444-444444444444

# sb_binaries: fetches (once) systemd-boot-efi and the unsigned kernel of the running ABI; sets
# KERNEL, STUB (systemd-stub) and BOOT (systemd-boot). Skips without ukify >= 254.
sb_binaries() {
	ukify_ok || skip "ukify >= 254 not installed"
	kpkg=$(kernel_pkg)
	[ -n "$kpkg" ] || skip "no linux-image-amd64 dependency in the apt cache"
	fetch_deb systemd-boot-efi "$kpkg-unsigned"
	KERNEL=$(ls "$DEBS/x/$kpkg-unsigned"/boot/vmlinuz-*)
	STUB="$DEBS/x/systemd-boot-efi/usr/lib/systemd/boot/efi/linuxx64.efi.stub"
	BOOT="$DEBS/x/systemd-boot-efi/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
}

# sb_keys DIR NAME...: self-signed CA certificates "/CN=bootproof test NAME" with their keys:
# DIR/NAME.key, DIR/NAME.crt (PEM) and DIR/NAME.der.
sb_keys() {
	sb_dir=$1; shift
	for n in "$@"; do
		openssl req -new -x509 -newkey rsa:2048 -nodes -keyout "$sb_dir/$n.key" \
			-out "$sb_dir/$n.crt" -subj "/CN=bootproof test $n" -days 3650 \
			-addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1 || fail "openssl req $n"
		openssl x509 -in "$sb_dir/$n.crt" -outform DER -out "$sb_dir/$n.der"
	done
}

# sb_signed_chain DIR: DIR/uki.efi (ukify: STUB, KERNEL, a random initrd, command line "quiet"),
# and signed by sbsign with DIR/db.key: DIR/uki.signed.efi and DIR/boot.signed.efi (BOOT).
sb_signed_chain() {
	head -c 4096 /dev/urandom >"$1/initrd"
	make_uki "$STUB" "$KERNEL" "$1/uki.efi" --initrd "$1/initrd" --cmdline "quiet"
	sbsign --key "$1/db.key" --cert "$1/db.crt" --output "$1/uki.signed.efi" "$1/uki.efi" \
		2>/dev/null || fail "sbsign UKI"
	sbsign --key "$1/db.key" --cert "$1/db.crt" --output "$1/boot.signed.efi" "$BOOT" \
		2>/dev/null || fail "sbsign systemd-boot"
}

# esl OUT ENTRY...: signature lists, see esl.py.
esl() {
	python3 "$BOOTPROOF_SOURCE_DIR/tests/predict/esl.py" "$@" || fail "esl.py $1"
}

# sb_lists DIR: DIR/pk.esl = [pk], DIR/kek.esl = [kek], DIR/db.esl = [other, db] (certificates
# from sb_keys DIR pk kek db other).
sb_lists() {
	esl "$1/pk.esl" x509:$O1:"$1/pk.der"
	esl "$1/kek.esl" x509:$O2:"$1/kek.der"
	esl "$1/db.esl" x509:$O3:"$1/other.der" x509:$O4:"$1/db.der"
}
