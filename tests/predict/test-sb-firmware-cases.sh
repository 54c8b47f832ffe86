#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Secure Boot corners where predict used to allow what EDK2 refuses (issue 22 finding 3) and
# the ones that held (kept as regression tests), on a real PE signed here by sbsign / osslsigncode
# with openssl-made keys: tests/predict/sb-craft.py's minimal EFI application and its crafted
# variants (the same bytes tests/boot/sb-firmware-verdicts.sh boots on OVMF 2022.11). Each case
# asserts predict's verdict (sbv-check: the same sb-verify code predict runs) and, where it has an
# opinion, that of an independent verifier (osslsigncode verify, sbverify). Digests for db/dbx
# hash entries come from pesign -h (sha1, sha256) and osslsigncode (sha384, sha512), TBS digests
# from esl.py's DER walk. Cases marked "was:" were allowed by main 2201613.
. "$(dirname "$0")/lib.sh"
need sbsign sbverify osslsigncode openssl python3 pesign
CHECK="$BOOTPROOF_BUILD_DIR/tests/sbv-check"
[ -x "$CHECK" ] || fail "$CHECK not built"
cd "$TMP" || exit 1
O3=33333333-3333-3333-3333-333333333333 O4=44444444-4444-4444-4444-444444444444
craft() { python3 "$BOOTPROOF_SOURCE_DIR/tests/predict/sb-craft.py" "$@" || fail "sb-craft.py $*"; }
esl() { python3 "$BOOTPROOF_SOURCE_DIR/tests/predict/esl.py" "$@" || fail "esl.py $1"; }
key() {	# NAME [openssl req options]: self-signed CA NAME.key/.crt/.der
	n=$1; shift
	openssl req -new -x509 -nodes -keyout "$n.key" -out "$n.crt" -subj "/CN=bootproof test $n" \
		-days 3650 -addext basicConstraints=critical,CA:TRUE "$@" >/dev/null 2>&1 || fail "key $n"
	openssl x509 -in "$n.crt" -outform DER -out "$n.der"
}
# verdict FILE DB DBX allowed|refused PATTERN [FIRMWARE]: sbv-check's verdict and reason
verdict() {
	rc=0
	"$CHECK" ${6:+--firmware "$6"} "$2" "$3" "$1" >out 2>&1 || rc=$?
	case "$4" in
	allowed) [ "$rc" = 0 ] || fail "$1 (${6:-default}): refused, expected allowed: $(cat out)" ;;
	refused) [ "$rc" = 3 ] || fail "$1 (${6:-default}): exit $rc, expected refused: $(cat out)" ;;
	esac
	grep -q -- "$5" out || fail "$1 (${6:-default}): '$5' not in: $(cat out)"
	echo "ok $4 ${6:+[$6] }$1: $(head -n1 out | cut -c1-220)"
}
# authorities ENTRY...: sbv-check's authority lines are sha256(owner GUID + data) of each ENTRY
authorities() {
	python3 - "$@" >want <<'PY' || fail "authorities"
import hashlib, sys, uuid
for e in sys.argv[1:]:
    kind, owner, arg = e.split(':', 2)
    data = open(arg, 'rb').read() if kind == 'x509' else bytes.fromhex(arg)
    print('authority: ' + hashlib.sha256(uuid.UUID(owner).bytes_le + data).hexdigest())
PY
	grep '^authority: ' out | cmp -s - want || fail "authorities: got $(grep '^authority' out), want $(cat want)"
}
ossl_digest() {	# FILE: osslsigncode's calculated digest of a signed FILE, lowercase
	osslsigncode verify -in "$1" 2>&1 | sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/\1/p' | tr A-F a-f
}

key db -newkey rsa:2048
key other -newkey rsa:2048
key ca -newkey rsa:2048
key ec -newkey ec -pkeyopt ec_paramgen_curve:P-256
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,digitalSignature\n' >inter.ext
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=codeSigning\n' >leaf.ext
openssl req -new -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr -subj "/CN=bootproof test inter" >/dev/null 2>&1
openssl x509 -req -in inter.csr -CA ca.crt -CAkey ca.key -set_serial 2 -days 3650 -extfile inter.ext -out inter.crt >/dev/null 2>&1
openssl req -new -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=bootproof test leaf" >/dev/null 2>&1
openssl x509 -req -in leaf.csr -CA inter.crt -CAkey inter.key -set_serial 3 -days 3650 -extfile leaf.ext -out leaf.crt >/dev/null 2>&1
for n in inter leaf; do openssl x509 -in $n.crt -outform DER -out $n.der; done

craft efi-app app.efi
sbsign --key db.key --cert db.crt --output good.efi app.efi 2>/dev/null || fail "sbsign"
sbverify --cert db.crt good.efi >/dev/null 2>&1 || fail "sbverify good.efi"
H256=$(pesign -h -d sha256 -i app.efi | sed -n 's/^hash: //p')
[ "$("$BOOTPROOF" pe-hash --bank sha256 app.efi | sed -n 's/^sha256:\([0-9a-f]*\) .*/\1/p')" = "$H256" ] || fail "pe-hash and pesign differ"
esl db.esl x509:$O4:db.der
esl dbx-other.esl sha256:$O3:"$(printf '%064d' 0)"	# a non-empty dbx that revokes nothing here

verdict good.efi db.esl - allowed "db certificate"
authorities x509:$O4:db.der
verdict good.efi db.esl dbx-other.esl allowed "db certificate"

# (a) A second certificate-table entry: the first 120 bytes of the first PKCS#7. EDK2 checks every
#     entry against dbx and refuses one whose signers it cannot read when dbx exists
#     (IsForbiddenByDbx: Pkcs7GetSigners fails); without dbx it is harmless. (was: allowed)
craft truncated-entry good.efi trunc.efi 120
sbverify --cert db.crt trunc.efi >/dev/null 2>&1 || fail "sbverify rejects trunc.efi (first signature)"
verdict trunc.efi db.esl dbx-other.esl refused "signature 2 .*cannot be decoded as PKCS#7 SignedData, and dbx is set"
verdict trunc.efi db.esl - allowed "signature 1"

# (b) The SpcIndirectDataContent length re-encoded, the signed bytes unchanged (OpenSSL-based
#     osslsigncode accepts both): "82 00 68" is read as 0x68 by EDK2's AuthenticodeVerify too;
#     "83 00 00 68" it reads as a one-byte length (0x83 & 0x81 == 0x81) and refuses. (was: allowed)
craft spc-length good.efi spc82.efi 82
craft spc-length good.efi spc83.efi 83
for f in spc82.efi spc83.efi; do
	osslsigncode verify -CAfile db.crt -in $f >/dev/null 2>&1 || fail "osslsigncode verify $f"
done
verdict spc82.efi db.esl - allowed "db certificate"
verdict spc83.efi db.esl - refused "SpcIndirectDataContent length '83 00 00 68' (104) is 0 to EDK2's AuthenticodeVerify"

# (c) An ECDSA P-256 signer (osslsigncode verify accepts it): Debian's OVMF 2022.11 has no EC in
#     its OpenSSL and refuses; edk2 >= stable202505 built with OpensslLibFull accepts. (was:
#     allowed whatever the firmware)
osslsigncode sign -h sha256 -certs ec.crt -key ec.key -in app.efi -out ecdsa.efi >/dev/null 2>&1 || fail "osslsigncode sign (EC)"
osslsigncode verify -CAfile ec.crt -in ecdsa.efi >/dev/null 2>&1 || fail "osslsigncode verify ecdsa.efi"
esl db-ec.esl x509:$O4:ec.der
verdict ecdsa.efi db-ec.esl - refused "has an EC key, and edk2-2022.11 firmware has no EC"
verdict ecdsa.efi db-ec.esl - refused "has an EC key" edk2-2023.11
verdict ecdsa.efi db-ec.esl - allowed "db certificate" edk2-2025.05
authorities x509:$O4:ec.der

# (d) An unsigned image: edk2 2022.11 looks its SHA-256 digest up only; from stable202311 on
#     SHA-512, SHA-384, SHA-256, SHA-1 in turn, each in dbx then db, every db match measured.
osslsigncode sign -h sha384 -certs db.crt -key db.key -in app.efi -out s384.efi >/dev/null 2>&1 || fail "osslsigncode sha384"
osslsigncode sign -h sha512 -certs db.crt -key db.key -in app.efi -out s512.efi >/dev/null 2>&1 || fail "osslsigncode sha512"
osslsigncode sign -h sha1 -certs db.crt -key db.key -in app.efi -out s1.efi >/dev/null 2>&1 || fail "osslsigncode sha1"
H384=$(ossl_digest s384.efi) H512=$(ossl_digest s512.efi)
H1=$(pesign -h -d sha1 -i app.efi | sed -n 's/^hash: //p')
[ ${#H384} = 96 ] && [ ${#H512} = 128 ] && [ ${#H1} = 40 ] || fail "digests: '$H1' '$H384' '$H512'"
for b in 384:$H384 512:$H512 1:$H1; do
	[ "$("$BOOTPROOF" pe-hash --bank sha${b%%:*} app.efi | sed -n 's/^sha[0-9]*:\([0-9a-f]*\) .*/\1/p')" = "${b#*:}" ] ||
		fail "pe-hash sha${b%%:*} differs from the independent digest"
done
esl db-h384.esl sha384:$O3:"$H384"
esl db-h256-512.esl sha256:$O3:"$H256" sha512:$O4:"$H512"
esl db-h256.esl sha256:$O3:"$H256"
esl dbx-h512.esl sha512:$O3:"$H512"
esl dbx-h1.esl sha1:$O3:"$H1"
verdict app.efi db-h384.esl - refused "sha256 Authenticode digest is not in db"
verdict app.efi db-h384.esl - allowed "db hash" edk2-2023.11
authorities sha384:$O3:"$H384"
verdict app.efi db-h256-512.esl - allowed "db hash"
authorities sha256:$O3:"$H256"
verdict app.efi db-h256-512.esl - allowed "2 of its" edk2-2023.11
authorities sha512:$O4:"$H512" sha256:$O3:"$H256"
verdict app.efi db-h256.esl dbx-h512.esl allowed "db hash"
verdict app.efi db-h256.esl dbx-h512.esl refused "sha512 Authenticode digest $H512 is in dbx" edk2-2023.11
verdict app.efi db-h256.esl dbx-h1.esl refused "sha1 Authenticode digest $H1 is in dbx" edk2-2025.05

# What held (regression tests): SHA-1 and SHA-512 signatures; the signer revoked by an
# EFI_CERT_X509_SHA384 entry; a leaf -> inter -> ca chain with ca in db (the intermediate's TBS hash
# in dbx is not consulted, the leaf's refuses), the leaf itself in db; an unpadded last entry.
for f in s1.efi s512.efi; do osslsigncode verify -CAfile db.crt -in $f >/dev/null 2>&1 || fail "osslsigncode verify $f"; done
verdict s1.efi db.esl - allowed "signature 1 (sha1) verified"
verdict s512.efi db.esl - allowed "signature 1 (sha512) verified"
esl dbx-x384.esl x509sha384:$O3:db.der
verdict good.efi db.esl dbx-x384.esl refused "is revoked by an EFI_CERT_X509_SHA"
sbsign --key leaf.key --cert leaf.crt --addcert inter.crt --output chain.efi app.efi 2>/dev/null || fail "sbsign chain"
sbverify --cert ca.crt chain.efi >/dev/null 2>&1 || fail "sbverify chain.efi with ca"
esl db-ca.esl x509:$O4:ca.der
esl db-leaf.esl x509:$O4:leaf.der
esl dbx-inter-tbs.esl x509sha256:$O3:inter.der
esl dbx-leaf-tbs.esl x509sha256:$O3:leaf.der
verdict chain.efi db-ca.esl - allowed "db certificate"
authorities x509:$O4:ca.der
verdict chain.efi db-ca.esl dbx-inter-tbs.esl allowed "db certificate"
verdict chain.efi db-ca.esl dbx-leaf-tbs.esl refused "bootproof test leaf' of signature 1 is revoked"
verdict chain.efi db-leaf.esl - allowed "db certificate"
authorities x509:$O4:leaf.der
craft unpadded good.efi unpadded.efi
verdict unpadded.efi db.esl - refused "certificate table is malformed"
echo "all ok"
