# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared helpers of the predict script tests (sourced). Real EFI binaries come from Debian
# packages fetched with apt-get download into a cache in the build directory.
set -eu
: "${BOOTPROOF:?}" "${BOOTPROOF_SOURCE_DIR:?}" "${BOOTPROOF_BUILD_DIR:?}"
. "$BOOTPROOF_SOURCE_DIR/tests/lib/common.sh"

DEBS="$BOOTPROOF_BUILD_DIR/predict-debs"
# fetch_deb PACKAGE[=VERSION]...: download (once) and extract into $DEBS/x/<package>.
fetch_deb() {
	mkdir -p "$DEBS/x"
	for spec in "$@"; do
		pkg=${spec%%=*}
		[ -d "$DEBS/x/$pkg" ] && continue
		(cd "$DEBS" && apt-get download "$spec" >/dev/null 2>&1) ||
			skip "cannot download $spec from the Debian mirror"
		deb=$(ls "$DEBS"/"${pkg}"_*.deb | head -n1)
		mkdir -p "$DEBS/x/$pkg.tmp" && dpkg-deb -x "$deb" "$DEBS/x/$pkg.tmp" &&
			mv "$DEBS/x/$pkg.tmp" "$DEBS/x/$pkg"
	done
}

# The running kernel ABI of the bookworm linux-image-amd64 metapackage.
kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1
}

TMP=$(mktemp -d /tmp/bootproof-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# fetch_trixie_deb PACKAGE...: the same from Debian 13 (trixie), with a private apt state
# (no change to the host's sources). apt's _apt sandbox user cannot read a private state below
# the build directory, hence APT::Sandbox::User=root (else apt reports gpgv as missing).
fetch_trixie_deb() {
	mkdir -p "$DEBS/x" "$DEBS/trixie/lists/partial" "$DEBS/trixie/cache/archives/partial"
	mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" \
		>"$DEBS/trixie/sources.list"
	o="-o Dir::Etc::SourceList=$DEBS/trixie/sources.list -o Dir::Etc::SourceParts=/dev/null
	   -o Dir::State::Lists=$DEBS/trixie/lists -o Dir::Cache=$DEBS/trixie/cache
	   -o APT::Sandbox::User=root"
	for pkg in "$@"; do
		[ -d "$DEBS/x/trixie-$pkg" ] && continue
		if ! [ -f "$DEBS/trixie/updated" ]; then
			# shellcheck disable=SC2086
			apt-get $o update >/dev/null 2>&1 || skip "cannot reach trixie on the Debian mirror"
			touch "$DEBS/trixie/updated"
		fi
		mkdir -p "$DEBS/trixie/dl"
		# shellcheck disable=SC2086
		(cd "$DEBS/trixie/dl" && apt-get $o download "$pkg" >/dev/null 2>&1) ||
			skip "cannot download trixie's $pkg"
		deb=$(ls "$DEBS"/trixie/dl/"${pkg}"_*.deb | head -n1)
		mkdir -p "$DEBS/x/trixie-$pkg.tmp" && dpkg-deb -x "$deb" "$DEBS/x/trixie-$pkg.tmp" &&
			mv "$DEBS/x/trixie-$pkg.tmp" "$DEBS/x/trixie-$pkg"
	done
}

# Section bytes as systemd-stub maps them (VirtualSize bytes, zero-filled): an independent
# extraction for systemd-measure. extract_sections UKI DIR
extract_sections() {
	python3 - "$1" "$2" <<'PY'
import struct, sys, os
d = open(sys.argv[1], 'rb').read()
pe = struct.unpack_from('<I', d, 0x3c)[0]
n = struct.unpack_from('<H', d, pe + 6)[0]
opt = struct.unpack_from('<H', d, pe + 20)[0]
t = pe + 24 + opt
for i in range(n):
    o = t + 40 * i
    name = d[o:o + 8].rstrip(b'\0').decode()
    vs, va, rs, rp = struct.unpack_from('<IIII', d, o + 8)
    data = d[rp:rp + min(vs, rs)] + b'\0' * max(0, vs - rs)
    open(os.path.join(sys.argv[2], name.lstrip('.')), 'wb').write(data)
PY
}

UKIFY=/usr/lib/systemd/ukify
# ukify >= 254 ('build' verb, --uname, .sbat): bookworm-backports' systemd; 252 lacks it.
ukify_ok() {
	[ -x "$UKIFY" ] || return 1
	v=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/python3 "$UKIFY" --version 2>/dev/null | sed -n 's/^ukify \([0-9]*\).*/\1/p')
	[ -n "$v" ] && [ "$v" -ge 254 ]
}
MEASURE=/lib/systemd/systemd-measure
# make_uki STUB KERNEL OUT [extra ukify args]: a UKI built by the host's ukify.
make_uki() {
	stub=$1 kernel=$2 out=$3
	shift 3
	PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/python3 "$UKIFY" build --stub "$stub" \
		--linux "$kernel" --output "$out" "$@" >/dev/null 2>"$TMP/ukify.err" ||
		{ cat "$TMP/ukify.err" >&2; fail "ukify build $out"; }
}
