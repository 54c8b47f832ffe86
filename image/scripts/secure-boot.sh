#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Secure Boot material of the image pipeline: keys, EFI signature lists, .auth files, the signing mode
# of the tools tree's sbsign wrapper, detached signatures, and their check. Steps (pipeline.sh and
# audit.sh call them; SECURE_BOOT=off makes prepare/mkosi-args/finish no-ops):
#   prepare     public material into $OUT/stage/secure-boot (flat, these names go into the release):
#                 PK.crt PK.der KEK.crt KEK.der db.crt db.der   certificates, PEM and DER
#                 PK.esl KEK.esl db.esl                         EFI signature lists, owner GUID below
#                 PK.auth KEK.auth db.auth [dbx.auth]           time-based authenticated writes (PK and
#                                                               KEK signed by PK, db and dbx by KEK),
#                                                               timestamp = SOURCE_DATE_EPOCH
#                 dbx.esl                                       the dbx choice: empty unless SECURE_BOOT_DBX
#                                                               (dbx.auth only for a non-empty dbx: an
#                                                               empty dbx is no variable at all)
#                 secure-boot.txt                               what all this is, fingerprints, key origin
#               and the .auth files into $OUT/stage/secure-boot-esp (-> ESP /loader/keys/auto/, where
#               systemd-boot enrolls them on a machine in setup mode: systemd 257 src/boot/secure-boot.c
#               secure_boot_enroll_at() reads db.auth, dbx.auth (optional), KEK.auth, PK.auth and
#               writes them in that order, so dbx is in place before PK ends setup mode).
#               Sign mode: keys from SECURE_BOOT_KEYS=DIR (PK.key PK.crt KEK.key KEK.crt db.key db.crt),
#               else development keys generated once under $OUT/keys/secure-boot (their certificates
#               say "bootproof development", and secure-boot.txt says so).
#               Attach mode (SECURE_BOOT_SIGNATURES=RELEASE_DIR, the audit): no private key at all; the
#               certificates, .auth files, dbx and detached signatures are the release's; the ESLs are
#               remade from the certificates and must equal the published ones.
#   keys        print the keys folder (SECURE_BOOT_KEYS, or the development keys, made if missing)
#   dbx-auth ESL AUTH   sign ESL as a dbx write with the KEK of that keys folder, timestamp
#               SOURCE_DATE_EPOCH (what prepare does for SECURE_BOOT_DBX; the boot test's dbx boot)
#   mkosi-args  the mkosi options: --secure-boot, key (sign mode: the db key; attach mode: the bundle of
#               published signatures), certificate, the ESP keys folder as an extra tree
#   finish      after mkosi: detach the signatures of the signed PEs on the ESP
#               (systemd-bootx64.efi.pkcs7, bootproof.efi.pkcs7), copy everything into $OUT/image
#   check DIR   every signed PE of the release in DIR (ESP of bootproof.raw, bootproof.efi) verifies
#               with DIR/db.crt and carries the published signature; exit 3 and name the file if not;
#               exit 1 naming the cause if the check could not run (the tools tree of TOOLS_DIR, which
#               the audit sets to its own rebuild's: image/scripts/audit-verdict.sh)
# Why not mkosi's SecureBootAutoEnroll: it makes PK/KEK/db from the one signing certificate with a
# random owner GUID and the current time, so PCR 7 would change on every build.
set -eu
. "$(dirname "$0")/lib.sh"

# One fixed owner GUID for every EFI_SIGNATURE_DATA this project makes (PCR 7 measures it).
. "$TOP/image/scripts/secure-boot-owner.sh"
SECURE_BOOT=${SECURE_BOOT:-on}
case "$SECURE_BOOT" in on | off) ;; *) die "SECURE_BOOT must be on or off, not '$SECURE_BOOT'" ;; esac
st=$OUT/stage/secure-boot
esp=$OUT/stage/secure-boot-esp
signer=$OUT/stage/secure-boot-signer
devkeys=$OUT/keys/secure-boot

tools() { "$TOP/image/scripts/in-tools.sh" "$@"; }
sb_time() { date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S'; }

gen_dev_keys() {
	[ -f "$devkeys/db.key" ] && return
	echo "    no SECURE_BOOT_KEYS: generating development keys once in $devkeys"
	rm -rf "$devkeys.new"
	mkdir -p "$devkeys.new"
	for k in PK KEK db; do
		(umask 077 && openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
			-subj "/CN=bootproof development $k (not for production)/" \
			-keyout "$devkeys.new/$k.key" -out "$devkeys.new/$k.crt" 2>/dev/null) || die "cannot generate the development $k key"
	done
	mv "$devkeys.new" "$devkeys"
}

# ESL of a certificate, one EFI_SIGNATURE_DATA owned by SB_OWNER_GUID (efitools of the tools tree)
make_esl() {	# CRT ESL
	tools cert-to-efi-sig-list -g "$SB_OWNER_GUID" "$1" "$2" >/dev/null || die "cert-to-efi-sig-list $1 failed"
}

do_prepare() {
	rm -rf "$st" "$esp" "$signer"
	[ "$SECURE_BOOT" = on ] || { echo "    SECURE_BOOT=off: unsigned image, no keys on the ESP"; return 0; }
	mkdir -p "$st" "$esp" "$signer"
	chmod 700 "$signer"
	if [ -n "${SECURE_BOOT_SIGNATURES:-}" ]; then
		rel=$SECURE_BOOT_SIGNATURES
		echo "    attach mode: public material and signatures of $rel, no private key"
		for f in PK.crt KEK.crt db.crt PK.auth KEK.auth db.auth dbx.esl systemd-bootx64.efi.pkcs7 bootproof.efi.pkcs7; do
			[ -f "$rel/$f" ] || die "the release $rel has no $f (not a Secure Boot release? then SECURE_BOOT=off)"
		done
		cp "$rel/PK.crt" "$rel/KEK.crt" "$rel/db.crt" "$rel/PK.auth" "$rel/KEK.auth" "$rel/db.auth" "$rel/dbx.esl" "$st/"
		if [ -s "$rel/dbx.esl" ]; then
			[ -f "$rel/dbx.auth" ] || die "the release $rel has a non-empty dbx.esl but no dbx.auth"
			cp "$rel/dbx.auth" "$st/"
		fi
		{
			echo "# bootproof published signatures (image/scripts/secure-boot.sh): the audit's sbsign attaches these"
			for s in "$rel"/*.efi.pkcs7; do
				echo "BEGIN $(basename "$s")"
				base64 -w 76 "$s"
				echo "END $(basename "$s")"
			done
		} >"$signer/published-signatures"
		chmod 600 "$signer/published-signatures"
		echo "$signer/published-signatures" >"$signer/key-path"
	else
		if [ -n "${SECURE_BOOT_KEYS:-}" ]; then
			k=$(cd "$SECURE_BOOT_KEYS" 2>/dev/null && pwd) || die "SECURE_BOOT_KEYS=$SECURE_BOOT_KEYS is not a folder"
			echo "    keys from SECURE_BOOT_KEYS=$k"
		else
			gen_dev_keys
			k=$devkeys
		fi
		for f in PK.key PK.crt KEK.key KEK.crt db.key db.crt; do
			[ -r "$k/$f" ] || die "Secure Boot keys folder $k lacks $f (PK, KEK, db: key + certificate each)"
		done
		# each side checked on its own: two failing commands would give two equal empty outputs
		_cp=$(openssl x509 -in "$k/db.crt" -noout -pubkey) || die "$k/db.crt is not a PEM certificate"
		_kp=$(openssl pkey -in "$k/db.key" -pubout) || die "$k/db.key is not a private key"
		[ "$_cp" = "$_kp" ] || die "$k/db.key is not the key of $k/db.crt"
		for c in PK KEK db; do openssl x509 -in "$k/$c.crt" -out "$st/$c.crt" || die "$k/$c.crt is not a PEM certificate"; done
		# mkosi refuses a key readable by others; a copy is not made: the key stays where it is
		[ "$(($(stat -c %a "$k/db.key") % 10))" = 0 ] || die "$k/db.key is readable by others: chmod 600 it"
		echo "$k/db.key" >"$signer/key-path"
		if [ -n "${SECURE_BOOT_DBX:-}" ]; then
			cp "$SECURE_BOOT_DBX" "$st/dbx.esl" || die "cannot read SECURE_BOOT_DBX=$SECURE_BOOT_DBX"
		else
			: >"$st/dbx.esl"
		fi
	fi
	for c in PK KEK db; do
		openssl x509 -in "$st/$c.crt" -outform der -out "$st/$c.der" || die "cannot convert $c.crt to DER"
		make_esl "$st/$c.crt" "$st/$c.esl"
	done
	if [ -n "${SECURE_BOOT_SIGNATURES:-}" ]; then
		for c in PK KEK db; do
			cmp -s "$st/$c.esl" "$SECURE_BOOT_SIGNATURES/$c.esl" ||
				die "the release's $c.esl is not the EFI signature list of its $c.crt with owner $SB_OWNER_GUID"
		done
	else
		# time-based authenticated variable writes; -t parses only '%Y-%m-%d %H:%M:%S' (anything
		# else silently gives 1900-01-00). Their PKCS#7 has no signed attributes (no signingTime): two
		# runs give the same bytes (checked), so no frozen clock is needed here.
		# (the tools tree sees only the repository and $OUT: PK and KEK keys are copied into a 0700
		# folder for the two commands and removed right after)
		# dbx.auth only for a non-empty dbx: an empty one stays no variable (EDK2 measures the
		# absent dbx with 0 data bytes, which predict models)
		set -- PK:PK KEK:PK db:KEK
		[ ! -s "$st/dbx.esl" ] || set -- "$@" dbx:KEK
		sign_auth "$k" "$@"
	fi
	# an .auth file is the authentication header followed by the ESL it writes
	set -- PK KEK db
	[ ! -s "$st/dbx.esl" ] || set -- "$@" dbx
	for c; do
		n=$(stat -c %s "$st/$c.esl")
		tail -c "$n" "$st/$c.auth" | cmp -s - "$st/$c.esl" || die "$c.auth does not write $c.esl"
		cp "$st/$c.auth" "$esp/$c.auth"
	done
	write_notes >"$st/secure-boot.txt"
	echo "    owner GUID $SB_OWNER_GUID; $(sed -n 's/^keys: //p' "$st/secure-boot.txt")"
}

# sign_auth KEYS VAR:BY...: $st/VAR.auth = the time-based authenticated write of $st/VAR.esl,
# signed by BY's key from KEYS, timestamp SOURCE_DATE_EPOCH. -t parses only '%Y-%m-%d %H:%M:%S'
# (anything else silently gives 1900-01-00). The PKCS#7 has no signed attributes (no signingTime):
# two runs give the same bytes, so no frozen clock is needed. The tools tree sees only the
# repository and $OUT: the signing keys are copied into a 0700 folder and removed right after.
sign_auth() {
	_k=$1; shift
	_ts=$(sb_time)
	_kt=$signer/auth-keys
	rm -rf "$_kt"
	(umask 077 && mkdir -p "$_kt")
	for _v; do
		(umask 077 && cp "$_k/${_v#*:}.key" "$_k/${_v#*:}.crt" "$_kt/") || { rm -rf "$_kt"; die "cannot read the ${_v#*:} key of $_k"; }
	done
	for _v; do
		_var=${_v%%:*} _by=${_v#*:}
		tools sign-efi-sig-list -g "$SB_OWNER_GUID" -t "$_ts" -k "$_kt/$_by.key" -c "$_kt/$_by.crt" \
			"$_var" "$st/$_var.esl" "$st/$_var.auth" >/dev/null || { rm -rf "$_kt"; die "sign-efi-sig-list $_var failed"; }
		chmod 644 "$st/$_var.auth"
	done
	rm -rf "$_kt"
}

# (openssl's output is taken first: in a pipe its failure would be lost, leaving an empty field)
fingerprint() { _o=$(openssl x509 -in "$1" -noout -fingerprint -sha256) || return 1; echo "$_o" | sed 's/^.*=//; s/://g' | tr 'A-F' 'a-f'; }
subject() { _o=$(openssl x509 -in "$1" -noout -subject -nameopt RFC2253) || return 1; echo "$_o" | sed 's/^subject=//'; }

# Only public inputs, so that the audit writes the same file.
write_notes() {
	# the heredoc below cannot stop on a failing $(...): every certificate is read here first
	for c in PK KEK db; do
		{ subject "$st/$c.crt" >/dev/null && fingerprint "$st/$c.crt" >/dev/null; } || die "cannot read $st/$c.crt"
	done
	_s=$(subject "$st/db.crt")
	if case $_s in *'bootproof development'*) true ;; *) false ;; esac; then
		origin="DEVELOPMENT keys generated on the build machine: a machine that enrolls them trusts whoever has that machine's out/keys folder; set SECURE_BOOT_KEYS=DIR for a real release"
	else
		origin="the publisher's keys (SECURE_BOOT_KEYS)"
	fi
	if [ -s "$st/dbx.esl" ]; then
		dbx="dbx.esl as given by the publisher (SECURE_BOOT_DBX), $(stat -c %s "$st/dbx.esl") bytes, sha256 $(sha256sum <"$st/dbx.esl" | cut -c1-64); dbx.auth (signed by KEK) writes it"
	else
		dbx="empty (dbx.esl has 0 bytes): no revocations; the db holds only this publisher's own certificate, so no third-party binary is trusted that would need revoking. systemd-boot enrolls no dbx; PCR 7 measures dbx with 0 data bytes"
	fi
	cat <<EOT
Secure Boot material of this release (made by image/scripts/secure-boot.sh)
keys: $origin
owner GUID of every signature list entry: $SB_OWNER_GUID
.auth timestamp: $(sb_time) UTC (SOURCE_DATE_EPOCH); PK.auth and KEK.auth signed by PK, db.auth$([ ! -s "$st/dbx.esl" ] || echo ' and dbx.auth') by KEK
dbx: $dbx
PK  subject: $(subject "$st/PK.crt")  sha256(DER): $(fingerprint "$st/PK.crt")
KEK subject: $(subject "$st/KEK.crt")  sha256(DER): $(fingerprint "$st/KEK.crt")
db  subject: $(subject "$st/db.crt")  sha256(DER): $(fingerprint "$st/db.crt")
signed with the db key: \\EFI\\BOOT\\BOOTX64.EFI = \\EFI\\systemd\\systemd-bootx64.efi (signature: systemd-bootx64.efi.pkcs7),
  the UKI \\EFI\\Linux\\*.efi = bootproof.efi (signature: bootproof.efi.pkcs7); the kernel inside the UKI keeps
  Debian's signature (systemd-stub starts it without the firmware's check when Secure Boot is on)
enrollment: the ESP carries PK.auth KEK.auth db.auth$([ ! -s "$st/dbx.esl" ] || echo ' dbx.auth') in /loader/keys/auto/ (systemd-boot enrolls them on a
  machine in setup mode); or virt-fw-vars / the firmware's setup with the .der/.esl files (docs/secure-boot.md)
EOT
}

do_mkosi_args() {
	if [ "$SECURE_BOOT" = off ]; then
		echo --secure-boot=no
		return
	fi
	[ -f "$signer/key-path" ] || die "secure-boot.sh prepare has not run"
	# no SecureBootAutoEnroll (random GUID, build time: our own .auth files instead); no
	# SignExpectedPcr (a .pcrsig section would change PCR 11 and 9, and is not predicted)
	echo --secure-boot=yes --secure-boot-auto-enroll=no --sign-expected-pcr=no --secure-boot-sign-tool=sbsign --secure-boot-key="$(cat "$signer/key-path")" \
		--secure-boot-certificate="$st/db.crt" --extra-tree="$esp:/efi/loader/keys/auto"
}

# copy the ESP's signed PEs out of DISK into DIR: bootx64.efi, systemd-bootx64.efi, uki.efi
esp_pes() {	# DISK DIR
	_img=$(esp_spec "$1") || die "no ESP to check in $1"
	rm -f "$2/bootx64.efi" "$2/systemd-bootx64.efi" "$2/uki.efi"
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$_img" ::/EFI/BOOT/BOOTX64.EFI "$2/bootx64.efi" || die "no \\EFI\\BOOT\\BOOTX64.EFI on the ESP of $1"
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$_img" ::/EFI/systemd/systemd-bootx64.efi "$2/systemd-bootx64.efi" || die "no \\EFI\\systemd\\systemd-bootx64.efi on the ESP of $1"
	_u=$(esp_uki "$_img") || die "the ESP of $1 does not hold one UKI"
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$_img" "$_u" "$2/uki.efi"
	cmp -s "$2/bootx64.efi" "$2/systemd-bootx64.efi" || die "BOOTX64.EFI and systemd-bootx64.efi differ on the ESP of $1"
}

do_finish() {
	img=$OUT/image
	if [ "$SECURE_BOOT" = off ]; then
		# left-overs of an earlier Secure Boot build would make predict.sh model Secure Boot on
		(cd "$img" && rm -f PK.* KEK.* db.* dbx.* secure-boot.txt ./*.efi.pkcs7)
		return 0
	fi
	w=$OUT/stage/secure-boot-pe
	rm -rf "$w"
	mkdir -p "$w"
	esp_pes "$img/bootproof.raw" "$w"
	cmp -s "$w/uki.efi" "$img/bootproof.efi" || die "the UKI on the ESP is not $img/bootproof.efi"
	rm -f "$img/secure-boot-unsigned.txt" "$img/systemd-bootx64.efi.pkcs7" "$img/bootproof.efi.pkcs7"
	for pe in bootx64.efi:systemd-bootx64.efi.pkcs7 uki.efi:bootproof.efi.pkcs7; do
		f=${pe%%:*} sig=${pe#*:}
		if tools sbattach --detach "$st/$sig" "$w/$f" >/dev/null 2>&1; then
			cp "$st/$sig" "$img/"
		elif [ -n "${SECURE_BOOT_SIGNATURES:-}" ]; then
			# audit: the rebuilt PE differs from the release's, so no published signature fits it
			echo "$f: unsigned: the rebuild differs from the release's and no published signature matches it" >>"$img/secure-boot-unsigned.txt"
			echo "    $f: left unsigned (the rebuild differs from the release's; the comparison names how)"
		else
			die "$f on the ESP carries no signature"
		fi
	done
	for f in PK KEK db; do cp "$st/$f.crt" "$st/$f.der" "$st/$f.esl" "$st/$f.auth" "$img/"; done
	rm -f "$img/dbx.auth"
	cp "$st/dbx.esl" "$st/secure-boot.txt" "$img/"
	[ ! -f "$st/dbx.auth" ] || cp "$st/dbx.auth" "$img/"
	[ ! -f "$img/secure-boot-unsigned.txt" ] || return 0	# nothing signed to check
	if [ -n "${SECURE_BOOT_SIGNATURES:-}" ]; then
		# the audit rebuilds what was published, valid or not, and reports the check at its end
		(do_check "$img") || echo "    (the audit goes on: it reports this at the end)"
	else
		(do_check "$img") || { _rc=$?; die "$(why_failed "$_rc" "a PE this build signed does not verify with its db certificate" "secure-boot.sh check")"; }
	fi
}

# Verifies what the firmware will verify, with the release's own db certificate (sbverify of the
# tools tree; bootproof predict checks the same chain in C): each signed PE verifies with db.crt, and its
# signature is the published one. Exit 0 verified, 3 a PE does not verify or does not carry the published
# signature (a verdict), 1 the check could not run (no tools tree, bwrap failing, sbverify missing,
# a file of the release missing or unreadable): lib.sh's cannot_check, never "does NOT verify".
do_check() {	# DIR (a release or $OUT/image)
	d=$(cd "$1" 2>/dev/null && pwd) || cannot_check "$1 is not a folder"
	need_files "$d/db.crt" "$d/bootproof.raw" "$d/bootproof.efi"
	need_host_tools sfdisk jq mcopy mdir cmp
	# the tools tree must run before sbverify's "no" can mean anything: bwrap's own failures exit 1 too
	need_tools_tree sbverify sbattach
	w=$OUT/stage/secure-boot-check
	rm -rf "$w"
	mkdir -p "$w"
	cp "$d/db.crt" "$w/"
	esp_pes "$d/bootproof.raw" "$w"
	cmp -s "$w/uki.efi" "$d/bootproof.efi" || { echo "    FAILED: the UKI on the ESP is not bootproof.efi"; exit 3; }
	bad=0
	for pe in bootx64.efi:systemd-bootx64.efi.pkcs7 uki.efi:bootproof.efi.pkcs7; do
		f=${pe%%:*} sig=${pe#*:}
		set +e
		tools sbverify --cert "$w/db.crt" "$w/$f" >"$w/$f.verify" 2>&1
		rc=$?
		set -e
		why=$(grep -v '^warning' "$w/$f.verify" | tr '\n' ' ')
		case "$rc" in
		0) echo "    $f: signature verifies with the release's db certificate" ;;
		125 | 126 | 127) cannot_check "sbverify could not run on $f (exit $rc): $why" ;;
		*)
			echo "    FAILED: $f (signature $sig): $why- it does NOT verify with the release's db certificate: the firmware would refuse it"
			bad=1
			;;
		esac
		tools sbattach --detach "$w/$f.pkcs7" "$w/$f" >/dev/null 2>&1 || true
		if [ -f "$d/$sig" ] && ! cmp -s "$w/$f.pkcs7" "$d/$sig"; then
			echo "    FAILED: the signature in $f is not the published $sig"
			bad=1
		fi
	done
	[ "$bad" = 0 ] || exit 3
}

[ $# -gt 0 ] || die "usage: secure-boot.sh prepare|mkosi-args|finish|check DIR"
case "$1" in
keys)	# the keys folder a release uses: SECURE_BOOT_KEYS, or the development keys (made if missing)
	if [ -n "${SECURE_BOOT_KEYS:-}" ]; then echo "$SECURE_BOOT_KEYS"; else gen_dev_keys >&2; echo "$devkeys"; fi ;;
prepare) step "Secure Boot material (SECURE_BOOT=$SECURE_BOOT)"; do_prepare ;;
dbx-auth)	# ESL AUTH: ESL signed as a dbx write by the KEK of the keys folder (the boot test's dbx boot)
	esl=$(readlink -f "${2:?usage: secure-boot.sh dbx-auth ESL AUTH}") auth=${3:?usage: secure-boot.sh dbx-auth ESL AUTH}
	[ -s "$esl" ] || die "$esl is empty or missing: an empty dbx is no variable, nothing to sign"
	if [ -n "${SECURE_BOOT_KEYS:-}" ]; then k=$SECURE_BOOT_KEYS; else gen_dev_keys >&2; k=$devkeys; fi
	st=$OUT/stage/secure-boot-dbx
	signer=$st
	rm -rf "$st"; mkdir -p "$st"; chmod 700 "$st"
	cp "$esl" "$st/dbx.esl"
	sign_auth "$k" dbx:KEK
	n=$(stat -c %s "$st/dbx.esl")
	tail -c "$n" "$st/dbx.auth" | cmp -s - "$st/dbx.esl" || die "dbx.auth does not write $esl"
	cp "$st/dbx.auth" "$auth"
	rm -rf "$st" ;;
mkosi-args) do_mkosi_args ;;
finish) step "Secure Boot: detached signatures, check"; do_finish ;;
check) do_check "${2:?usage: secure-boot.sh check DIR}" ;;
*) echo "secure-boot.sh: unknown step '$1'" >&2; exit 2 ;;
esac
