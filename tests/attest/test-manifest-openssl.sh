#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bootproof manifest sign|verify interoperates with plain openssl (the commands docs/attest.md
# gives to users): signatures made by bootproof verify with openssl and the other way round, for
# RSA, EC P-256 and Ed25519 keys; tampering gives exit 3; --check verifies SHA256SUMS entries
# against files hashed by coreutils sha256sum.
set -eu
: "${BOOTPROOF:?}"
command -v openssl >/dev/null || { echo "SKIP: openssl missing"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$(dirname "$0")/../lib/common.sh"
cd "$W"
printf 'disk image\n' >bootproof.raw
printf 'golden\n' >golden.json
sha256sum bootproof.raw golden.json >SHA256SUMS

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed.key 2>/dev/null
for k in rsa ec ed; do
	openssl pkey -in $k.key -pubout -out $k.pub 2>/dev/null
	"$BOOTPROOF" manifest sign --key $k.key -o SHA256SUMS.$k.sig SHA256SUMS
	"$BOOTPROOF" manifest verify --key $k.pub --signature SHA256SUMS.$k.sig --check SHA256SUMS >/dev/null ||
		fail "$k: bootproof rejects its own signature"
	if [ $k = ed ]; then
		openssl pkeyutl -verify -pubin -inkey ed.pub -rawin -in SHA256SUMS -sigfile SHA256SUMS.ed.sig >/dev/null ||
			fail "openssl rejects bootproof's Ed25519 signature"
		openssl pkeyutl -sign -inkey ed.key -rawin -in SHA256SUMS -out os.sig
	else
		openssl dgst -sha256 -verify $k.pub -signature SHA256SUMS.$k.sig SHA256SUMS >/dev/null ||
			fail "openssl rejects bootproof's $k signature"
		openssl dgst -sha256 -sign $k.key -out os.sig SHA256SUMS
	fi
	"$BOOTPROOF" manifest verify --key $k.pub --signature os.sig SHA256SUMS >/dev/null ||
		fail "bootproof rejects openssl's $k signature"
	echo "$k: bootproof <-> openssl ok"
done

# A changed SHA256SUMS: exit 3.
cp SHA256SUMS S2
echo "0000000000000000000000000000000000000000000000000000000000000000  extra" >>S2
set +e
"$BOOTPROOF" manifest verify --key rsa.pub --signature SHA256SUMS.rsa.sig S2 2>/dev/null; rc=$?
set -e
[ $rc = 3 ] || fail "tampered SHA256SUMS: exit $rc, expected 3"
# A changed release file under a valid signature: --check gives exit 3.
printf 'other disk\n' >bootproof.raw
set +e
"$BOOTPROOF" manifest verify --key rsa.pub --signature SHA256SUMS.rsa.sig --check SHA256SUMS 2>err; rc=$?
set -e
[ $rc = 3 ] || fail "changed file: exit $rc, expected 3"
grep -q "bootproof.raw" err || fail "the message does not name the file: $(cat err)"
# The wrong key: exit 3.
set +e
"$BOOTPROOF" manifest verify --key ec.pub --signature SHA256SUMS.rsa.sig SHA256SUMS 2>/dev/null; rc=$?
set -e
[ $rc = 3 ] || fail "wrong key: exit $rc, expected 3"
echo "manifest: ok"
