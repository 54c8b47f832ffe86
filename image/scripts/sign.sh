#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SHA256SUMS over the release folder and its detached signature SHA256SUMS.sig (bootproof manifest).
# SIGNING_KEY=<private key PEM>: the release key. Without it a development key is generated once
# ($OUT/keys/dev-signing-key.pem, Ed25519) and the release is marked unsigned (RELEASE-UNSIGNED):
# such a signature only proves the files were not changed after this build, not who built them.
# The public key ships as signing-key.pub.pem. Usage: sign.sh RELEASE_DIR
set -eu
. "$(dirname "$0")/lib.sh"
r=${1:?usage: sign.sh RELEASE_DIR}
rm -f "$r/SHA256SUMS" "$r/SHA256SUMS.sig" "$r/signing-key.pub.pem" "$r/RELEASE-UNSIGNED"
if [ -n "${SIGNING_KEY:-}" ]; then
	[ -r "$SIGNING_KEY" ] || die "SIGNING_KEY=$SIGNING_KEY is not readable"
	key=$SIGNING_KEY
	echo "    signing with SIGNING_KEY=$SIGNING_KEY"
else
	key=$OUT/keys/dev-signing-key.pem
	if [ ! -f "$key" ]; then
		mkdir -p "$OUT/keys"
		(umask 077 && openssl genpkey -algorithm ed25519 -out "$key") || die "cannot generate $key"
	fi
	cat >"$r/RELEASE-UNSIGNED" <<EOT
This release is NOT signed with a release key: SHA256SUMS.sig was made with a development key
generated on the build machine ($key). It shows that the files were not changed after
the build, not who built them. Set SIGNING_KEY=<private key PEM> to sign a release.
EOT
	echo "    no SIGNING_KEY: development key $key, release marked unsigned"
fi
openssl pkey -in "$key" -pubout -out "$r/signing-key.pub.pem" || die "cannot derive the public key of $key"
# the artifacts only: the key and the unsigned marker depend on who signs (compare.sh skips them)
(
	cd "$r"
	for f in *; do
		case "$f" in SHA256SUMS | SHA256SUMS.new | SHA256SUMS.sig | signing-key.pub.pem | RELEASE-UNSIGNED) continue ;; esac
		sha256sum -- "$f"
	done >SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS
)
"$BOOTPROOF" manifest sign --key "$key" -o "$r/SHA256SUMS.sig" "$r/SHA256SUMS" || die "bootproof manifest sign failed"
"$BOOTPROOF" manifest verify --key "$r/signing-key.pub.pem" --signature "$r/SHA256SUMS.sig" --check "$r/SHA256SUMS" >/dev/null ||
	{ _rc=$?; die "$(why_failed "$_rc" "the fresh signature does not verify" "bootproof manifest verify")"; }
