#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libbootproof.so.0 exports exactly bootproof.h's calls, each at version LIBBOOTPROOF_0 (the
# version script works), has soname libbootproof.so.0, links no library the verifier does not
# use, and a C99 program compiled against the installed header alone links and runs.
set -eu
: "${BOOTPROOF_BUILD_DIR:?}" "${BOOTPROOF_SOURCE_DIR:?}"
for t in nm readelf cc; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-abi.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR=$WORK/root cmake --install "$BOOTPROOF_BUILD_DIR" --prefix /usr >/dev/null
SO=$(find "$WORK/root" -name 'libbootproof.so.0' | head -n1)
[ -n "$SO" ] || fail "cmake --install did not install libbootproof.so.0"
HDR=$WORK/root/usr/include/bootproof.h
[ -f "$HDR" ] || fail "bootproof.h not installed"

# The API, as the header declares it (function names before '(' at the start of a declaration).
sed -n 's/^[a-z].*[ *]\(bootproof_[a-z_]*\)(.*/\1/p' "$HDR" | sort -u >"$WORK/header"
nm -D --defined-only "$SO" | awk '{print $3}' | sort >"$WORK/exported"
sed -n 's/@@LIBBOOTPROOF_0$//p' "$WORK/exported" >"$WORK/names"
[ "$(wc -l <"$WORK/header")" -ge 8 ] || fail "header parse found only $(wc -l <"$WORK/header") calls"
diff -u "$WORK/header" "$WORK/names" || fail "exported symbols differ from bootproof.h's calls"
# Nothing else: only the functions and the version node itself.
extra=$(grep -v -e '@@LIBBOOTPROOF_0$' -e '^LIBBOOTPROOF_0$' "$WORK/exported" || true)
[ -z "$extra" ] || fail "unversioned or extra exports: $extra"
readelf -d "$SO" | grep -q 'SONAME.*\[libbootproof\.so\.0\]' || fail "soname is not libbootproof.so.0"
# (A sanitizer build adds its runtimes: not part of the contract.)
needed=$(readelf -d "$SO" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | grep -v 'san\.so' | sort | tr '\n' ' ')
[ "$needed" = "libc.so.6 libcrypto.so.3 libjansson.so.4 " ] || fail "NEEDED: $needed"

SAN=
readelf -d "$SO" | grep -q 'NEEDED.*san\.so' && SAN=-fsanitize=address,undefined
cat >"$WORK/use.c" <<'C'
#include <bootproof.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
	char *json = NULL, *err = NULL;
	bootproof_verifier *v = NULL;
	/* A verifier needs a golden manifest: a missing one is an error with a sentence. */
	int r = bootproof_verifier_new("/nonexistent/golden.json", "00ff", &v, &err);
	if (r != -ENOENT || !err || !strstr(err, "/nonexistent/golden.json") || v)
		return 1;
	bootproof_free(err);
	/* A non-hex nonce is refused before any file is read. */
	err = NULL;
	if (bootproof_verifier_new("/nonexistent", "xyz", &v, &err) != -EINVAL || !err)
		return 2;
	bootproof_free(err);
	/* An empty firmware log has no Spec ID header: a parse error naming the record. */
	err = NULL;
	r = bootproof_replay("", 0, NULL, 0, NULL, &json, &err);
	if (r >= 0 || !err || !strstr(err, "firmware log"))
		return 3;
	printf("%s %s\n", bootproof_version(), err);
	bootproof_free(err);
	return 0;
}
C
cc -std=c99 -Wall -Wextra -Werror -pedantic -I"$WORK/root/usr/include" "$WORK/use.c" \
	-L"$(dirname "$SO")" -lbootproof $SAN -o "$WORK/use" || fail "a C99 program does not build against bootproof.h"
LD_LIBRARY_PATH=$(dirname "$SO") "$WORK/use" || fail "the C99 program's checks failed (exit $?)"
echo "ok: $(wc -l <"$WORK/names") calls exported at LIBBOOTPROOF_0, nothing else; NEEDED: $needed"
