#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds bootproof_<version>_amd64.deb from this checkout, offline and reproducibly:
#   packaging/deb/build-deb.sh [OUTDIR]          (default: build/deb/out)
# docs/packaging.md explains every step. In short: cmake (tests off) in build/deb, install into a
# staging root, strip, man pages for bootproof and each verb made by help2man from the verbs'
# own --help (one source), bash completion generated from the same --help, docs, copyright,
# changelog, DEBIAN/{control,md5sums,shlibs,symbols,triggers}; Depends from dpkg-shlibdeps (what
# is linked: libc, libcrypto, libjansson); every mtime = SOURCE_DATE_EPOCH (the last commit's
# time unless set), owner root:root, then dpkg-deb. The same checkout gives the same bytes.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$SRC/build/deb/out}
BUILD=$SRC/build/deb/cmake
STAGE=$SRC/build/deb/root
ARCH=$(dpkg --print-architecture)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for t in cmake help2man dpkg-deb dpkg-shlibdeps strip gzip; do
	command -v $t >/dev/null || { echo "build-deb: $t is missing (tests/deps/deb.list)" >&2; exit 1; }
done
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || echo 1700000000)
fi
export SOURCE_DATE_EPOCH LC_ALL=C TZ=UTC
# Who signs for the package (control, changelog); override for a real release.
MAINTAINER=${BOOTPROOF_MAINTAINER:-bootproof developers <bootproof-devel@example.org>}
umask 022

# 1. Build and install into the staging root.
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
	-DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR="lib/$MULTIARCH" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target bootproof bootproof_lib >/dev/null
rm -rf "$STAGE"
DESTDIR=$STAGE cmake --install "$BUILD" >/dev/null
BP=$STAGE/usr/bin/bootproof
VERSION=$("$BP" --version | sed -n 's/^bootproof \([0-9][0-9.]*\).*/\1/p')
[ -n "$VERSION" ] || { echo "build-deb: cannot read the version from bootproof --version" >&2; exit 1; }
# Debug info out, build id kept (Debian policy 10.1: installed binaries are stripped).
strip --remove-section=.comment --remove-section=.note "$BP"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$STAGE/usr/lib/$MULTIARCH/libbootproof.so.$VERSION"

# 2. Man pages, bash completion, docs: generated from the binary's --help texts.
"$SRC/packaging/deb/gen-docs.sh" "$BP" "$STAGE" "$VERSION"
DOC=$STAGE/usr/share/doc/bootproof
mkdir -p "$DOC"
cp "$SRC/README.md" "$DOC/"
for d in attest api golden-format eventlog sealing; do cp "$SRC/docs/$d.md" "$DOC/"; done
cp "$SRC/packaging/deb/copyright" "$DOC/copyright"
mkdir -p "$STAGE/usr/share/lintian/overrides"
cp "$SRC/packaging/deb/lintian-overrides" "$STAGE/usr/share/lintian/overrides/bootproof"
sed -e "s/@VERSION@/$VERSION/" -e "s|@MAINTAINER@|$MAINTAINER|" -e "s/@DATE@/$(date -u -R -d "@$SOURCE_DATE_EPOCH")/" \
	"$SRC/packaging/deb/changelog.in" | gzip -9n >"$DOC/changelog.gz"

# 3. DEBIAN/: control with dpkg-shlibdeps' Depends, the library's shlibs/symbols, ldconfig.
mkdir -p "$STAGE/DEBIAN"
SHL=$SRC/build/deb/shlibdeps
rm -rf "$SHL" && mkdir -p "$SHL/debian"
printf 'Source: bootproof\n\nPackage: bootproof\nArchitecture: any\n' >"$SHL/debian/control"
DEPENDS=$(cd "$SHL" && dpkg-shlibdeps -O -l"$STAGE/usr/lib/$MULTIARCH" "$BP" \
	"$STAGE/usr/lib/$MULTIARCH/libbootproof.so.$VERSION" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "build-deb: dpkg-shlibdeps gave no Depends" >&2; exit 1; }
echo "libbootproof 0 bootproof (>= $VERSION)" >"$STAGE/DEBIAN/shlibs"
{
	echo "libbootproof.so.0 bootproof #MINVER#"
	echo "* Build-Depends-Package: bootproof"
	sed -n 's/^\t\(bootproof_[a-z_]*\);$/ \1@LIBBOOTPROOF_0 '"$VERSION"'/p' "$SRC/lib/libbootproof.sym"
} >"$STAGE/DEBIAN/symbols"
echo "activate-noawait ldconfig" >"$STAGE/DEBIAN/triggers"
sed -e "s/@VERSION@/$VERSION/" -e "s|@MAINTAINER@|$MAINTAINER|" -e "s/@ARCH@/$ARCH/" -e "s/@DEPENDS@/$DEPENDS/" \
	-e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)/" \
	"$SRC/packaging/deb/control.in" >"$STAGE/DEBIAN/control"
(cd "$STAGE" && find usr -type f | sort | xargs md5sum) >"$STAGE/DEBIAN/md5sums"

# 4. Modes and mtimes fixed, then the archive (root:root, sorted by dpkg-deb).
find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE" -type f -exec chmod 0644 {} +
chmod 0755 "$BP"
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$OUT"
DEB=$OUT/bootproof_${VERSION}_$ARCH.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB.tmp" >/dev/null
mv "$DEB.tmp" "$DEB"
echo "$DEB"
