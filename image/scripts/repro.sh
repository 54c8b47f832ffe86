#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make -f Makefile.images repro: two clean release builds of the same sources (each with an empty
# mkosi workspace, incremental cache and package cache, and its own tools tree: nothing shared), then
# every artifact compared (image/scripts/compare.sh). Exit 0 only if bit-identical.
# If $OUT/release exists and was built from the same SOURCE_DATE_EPOCH/version, it is compared too
# (it came from the incremental cache: this checks that caching does not change a byte).
set -eu
. "$(dirname "$0")/lib.sh"
r=$OUT/repro
rm -rf "$r"
mkdir -p "$r"
"$TOP/image/scripts/pipeline.sh" setup tool
# Secure Boot: both builds sign with the same keys (the development keys of $OUT unless SECURE_BOOT_KEYS)
if [ "${SECURE_BOOT:-on}" = on ]; then
	SECURE_BOOT_KEYS=$("$TOP/image/scripts/secure-boot.sh" keys)
	export SECURE_BOOT_KEYS
fi
for x in a b; do
	step "clean build $x of 2"
	OUT=$r/$x CACHE=$r/$x/cache PKGCACHE=$r/$x/cache/pkg TOOLS_DIR=$r/$x/tools BOOTPROOF=$BOOTPROOF \
		"$TOP/image/scripts/pipeline.sh" release
	rm -rf "$r/$x/cache" "$r/$x/image/"*.raw
done
step "compare build a with build b"
"$TOP/image/scripts/compare.sh" "$r/a/release" "$r/b/release" "$r/compare"
if [ -f "$OUT/release/golden.json" ] &&
	[ "$(jq -r .image.version "$OUT/release/golden.json")" = "$IMAGE_VERSION" ] &&
	[ "$(jq -r .image.source_date_epoch "$OUT/release/golden.json")" = "$SOURCE_DATE_EPOCH" ]; then
	step "compare $OUT/release (incremental build) with build a"
	"$TOP/image/scripts/compare.sh" "$OUT/release" "$r/a/release" "$r/compare-incremental"
fi
