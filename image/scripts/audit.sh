#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make -f Makefile.images audit RELEASE=DIR: rebuild the release in DIR from this checkout (check out
# the release's tag first) with a clean mkosi cache and the release's own SOURCE_DATE_EPOCH and
# version (read from its golden.json), then report "reproduced" or exactly what differs
# (image/scripts/compare.sh). Same CONTAINERS_DIR as the release's maker, if they used one. The cloud
# import formats (PLATFORM) are those the release's cloud-formats.json lists, not this shell's.
# Packages: PACKAGES=BUNDLE (the release's package bundle, release-packages/) verifies the bundle and
# rebuilds from it alone with no network (docs/audit.md); LOCAL_MIRROR=DIR rebuilds offline from a
# local Debian repository; without either the packages come from today's mirror (DEBIAN_MIRROR), which
# reproduces only while Debian still serves the release's versions.
# Exit codes (docs/audit.md): 0 reproduced and trusted; 3 a check ran and found a mismatch (a refused
# bundle, an artifact that differs, a signature that does not verify); 1 a check could not run (the
# cause is named; no verdict); 2 usage. Everything it builds and checks is under OUT/audit, with the
# tools tree the rebuild made there: a fresh clone with an empty OUT audits as well as the publisher's.
# Issue 20: a bundle with the host side makes the rebuild run the release's own mkosi and bwrap,
# unpacked into OUT/audit/host-tools (host-packages.sh), with nothing installed on this host.
set -eu
. "$(dirname "$0")/lib.sh"
rel=$(cd "${1:?usage: audit.sh RELEASE_DIR}" && pwd)
[ -f "$rel/golden.json" ] && [ -f "$rel/SHA256SUMS" ] || die "$rel is not a release folder (golden.json, SHA256SUMS)"
# Issue 20: a bundle with the host side (host/debs) brings the release's own mkosi and bwrap: nothing
# is installed on this host (no setup-host.sh); what stays the auditor's own is checked up front
unset MKOSI_FROM
if [ -n "${PACKAGES:-}" ] && [ -d "$PACKAGES/host/debs" ]; then
	step "host: what the audit needs of this machine (mkosi and bwrap come from the bundle)"
	"$TOP/image/scripts/host-packages.sh" check
	"$TOP/image/scripts/pipeline.sh" tool
else
	"$TOP/image/scripts/pipeline.sh" setup tool
fi
step "release integrity (SHA256SUMS, signature)"
# exit 3 of bootproof manifest verify: checked and changed; anything else: it could not check
set +e
"$BOOTPROOF" manifest verify --key "$rel/signing-key.pub.pem" --signature "$rel/SHA256SUMS.sig" --check "$rel/SHA256SUMS"
mrc=$?
set -e
case "$mrc" in
0) echo "    SHA256SUMS and its signature verify (key: $rel/signing-key.pub.pem; compare it with the publisher's)" ;;
3) echo "    WARNING: SHA256SUMS or its signature does NOT verify: the release folder was changed" ;;
*) echo "    WARNING: SHA256SUMS and its signature could NOT be checked (bootproof manifest verify exited $mrc; the cause is above)" ;;
esac
[ ! -f "$rel/RELEASE-UNSIGNED" ] || echo "    note: the release is marked unsigned (development key)"
sde=$(jq -r '.image.source_date_epoch // empty' "$rel/golden.json")
ver=$(jq -r '.image.version // empty' "$rel/golden.json")
[ -n "$sde" ] || die "golden.json has no image.source_date_epoch"
here=$(git -C "$TOP" describe --tags --always --dirty 2>/dev/null || echo unknown)
if [ -n "$ver" ] && [ "$ver" != "$here" ]; then
	echo "    WARNING: the release is version $ver, this checkout is $here: check out the release's commit"
fi
a=$OUT/audit
rm -rf "$a"
export SOURCE_DATE_EPOCH=$sde IMAGE_VERSION=${ver:-$here}
# Cloud import formats (issue 11): the same set as the release, with the settings it records in
# cloud-formats.json (image/scripts/cloud-formats.sh), whatever PLATFORM/GCE_*/SB_* this shell has.
unset GCE_CVM GCE_FIRMWARE SB_OWNER_GUID
if [ -f "$rel/cloud-formats.json" ]; then
	PLATFORM=$(jq -r '.platforms | join(",")' "$rel/cloud-formats.json")
	[ -n "$PLATFORM" ] || die "$rel/cloud-formats.json lists no platform"
	if jq -e '.gce' "$rel/cloud-formats.json" >/dev/null; then
		GCE_CVM=$(jq -r '.gce.cvm' "$rel/cloud-formats.json") GCE_FIRMWARE=$(jq -r '.gce.firmware' "$rel/cloud-formats.json")
		export GCE_CVM GCE_FIRMWARE
	fi
	case "$(jq -r '.keys' "$rel/cloud-formats.json")" in
	SB_KEYS)	# certificates given to the release build from outside: the auditor must give the same
		[ -n "${SB_KEYS:-}" ] || die "the release's cloud key formats were made from SB_KEYS=DIR (cloud-formats.json): set SB_KEYS to a folder with the same PK.pem KEK.pem db.pem [dbx.esl]" ;;
	*) unset SB_KEYS ;;
	esac
	o=$(jq -r '.owner_guid // empty' "$rel/cloud-formats.json")
	[ -z "$o" ] || { SB_OWNER_GUID=$o; export SB_OWNER_GUID; }
else
	PLATFORM=qemu
	unset SB_KEYS
fi
export PLATFORM
echo "    cloud formats: $PLATFORM${GCE_CVM:+ (GCE firmware v$GCE_FIRMWARE, CVM $GCE_CVM)} (from the release's cloud-formats.json)"
# Secure Boot release (db.esl): rebuilt with no private key; the tools tree's sbsign attaches the
# release's published signatures to the rebuilt, unsigned PEs (image/scripts/secure-boot.sh)
if [ -f "$rel/db.esl" ]; then
	export SECURE_BOOT=on SECURE_BOOT_SIGNATURES=$rel
	unset SECURE_BOOT_KEYS
else
	export SECURE_BOOT=off
fi
# Issue 8: PACKAGES=BUNDLE (the release's package bundle, verified first) or LOCAL_MIRROR=DIR (a local
# Debian repository): the rebuild runs with no network at all, enforced from outside (unshare -n).
nonet=
if [ -n "${PACKAGES:-}" ]; then
	step "package bundle $PACKAGES: Debian's signatures, the release's signed index"
	set +e
	"$TOP/image/scripts/verify-bundle.sh" "$PACKAGES" "$rel"
	vrc=$?
	set -e
	case "$vrc" in
	0) ;;
	3) echo "audit: the package bundle does not verify: nothing was built" >&2; exit 3 ;;
	*) echo "audit: the package bundle could NOT be verified (verify-bundle.sh exited $vrc; the cause is above): nothing was built" >&2; exit 1 ;;
	esac
	PACKAGES=$(cd "$PACKAGES" && pwd); export PACKAGES
	nonet="unshare -n"
	if [ -d "$PACKAGES/host/debs" ]; then
		step "the release's mkosi and bwrap from the bundle (dpkg-deb -x, not installed)"
		"$TOP/image/scripts/host-packages.sh" unpack "$PACKAGES" "$a/host-tools"
		MKOSI_FROM=$a/host-tools; export MKOSI_FROM
		"$TOP/image/scripts/host-packages.sh" check "$MKOSI_FROM"
	else
		echo "    note: the bundle carries no host packages (a release made before issue 20): this host's mkosi $(mkosi --version 2>/dev/null | awk '{print $2}') builds"
	fi
elif [ -n "${LOCAL_MIRROR:-}" ]; then
	LOCAL_MIRROR=$(cd "$LOCAL_MIRROR" && pwd); export LOCAL_MIRROR
	nonet="unshare -n"
	echo "    note: apt reads a local mirror in place, so this rebuild writes no package bundle:" \
	     "packages-index.tsv and packages-bundle.sha256 will be reported missing"
fi
[ -z "$nonet" ] || unshare -n true || die "cannot enforce a build without network: unshare -n failed (run as root)"
[ -z "$nonet" ] || step "offline rebuild in a network namespace with no network (unshare -n)"
t0=$(date +%s)
# with the bundle's mkosi: in a private mount namespace with its bwrap over /usr/bin (host-packages.sh run)
OUT=$a CACHE=$a/cache PKGCACHE=$a/cache/pkg TOOLS_DIR=$a/tools BOOTPROOF=$BOOTPROOF \
	$nonet ${MKOSI_FROM:+"$TOP/image/scripts/host-packages.sh" run "$MKOSI_FROM"} "$TOP/image/scripts/pipeline.sh" release
echo "    rebuild: $(($(date +%s) - t0)) s${nonet:+, no network}"
rm -rf "$a/cache"
# the verdict, with the rebuild's own tools tree ($a/tools, or TOOLS_FROM): exit 0, 3 (a mismatch) or
# 1 (a check could not run, named)
export _t0 BOOTPROOF
exec "$TOP/image/scripts/audit-verdict.sh" "$rel" "$a"
