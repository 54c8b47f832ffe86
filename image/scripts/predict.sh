#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# golden.json for a built image: bootproof predict over the disk image (ESP files, GPT, UKI) and the
# platform profile (PCR 0-3, 6, 7 of the pinned QEMU/OVMF platform).
# Usage: predict.sh IMAGE_DIR OUT_GOLDEN   (IMAGE_DIR holds bootproof.raw, bootproof.efi, platform.json)
set -eu
. "$(dirname "$0")/lib.sh"
d=${1:?usage: predict.sh IMAGE_DIR OUT_GOLDEN}
g=${2:?usage: predict.sh IMAGE_DIR OUT_GOLDEN}
# Secure Boot on when IMAGE_DIR holds the variables the machine enrolls (image/scripts/secure-boot.sh)
sb=
if [ -f "$d/db.esl" ]; then
	sb="--secure-boot on --pk $d/PK.esl --kek $d/KEK.esl --db $d/db.esl --dbx $d/dbx.esl"
fi
if "$BOOTPROOF" predict --help 2>&1 | grep -q 'not implemented'; then
	die "'bootproof predict' is not implemented yet in this tree: no golden values (nothing faked)"
fi
predict() {
	# shellcheck disable=SC2086
	"$BOOTPROOF" predict --disk "$d/bootproof.raw" --platform "$d/platform.json" \
		--name bootproof --image-version "$IMAGE_VERSION" \
		--banks sha1,sha256,sha384 $sb -o "$1"
}
# Sealed data (docs/sealing.md): the sealing policy goes onto the ESP, then the final prediction
# over the final disk, whose sealing policy must be the same.
predict "$g.pass1"
"$TOP/image/scripts/seal-esp.sh" "$d/bootproof.raw" "$g.pass1"
predict "$g"
[ "$("$BOOTPROOF" seal policy --golden "$g.pass1")" = "$("$BOOTPROOF" seal policy --golden "$g")" ] ||
	die "the sealing policy moved when it was put on the ESP"
rm -f "$g.pass1"
