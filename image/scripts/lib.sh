# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Shared settings and helpers of the image pipeline (sourced by the scripts in this folder).
# Every path and input can be overridden from the environment / make command line:
#   OUT                 work and output folder (default: <repo>/out)
#   CONTAINERS_DIR      folder of docker-save / OCI archives (*.tar) to bake in (default: the demo image)
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR   package mirrors (default: the host's apt mirrors)
#   SOURCE_DATE_EPOCH   (default: time of the last commit)
#   IMAGE_VERSION       (default: git describe --always --dirty)
#   SIGNING_KEY         private key for SHA256SUMS.sig (default: a generated development key; the
#                       release is then marked unsigned)
# scripts sourcing this file live two levels below the top (image/scripts, tests/boot) or set TOP
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$TOP/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# caches (packages, mkosi workspace and incremental cache) and the tools tree can be shared between
# output folders (the boot test's tamper build uses the release's)
CACHE=${CACHE:-$OUT/cache}
PKGCACHE=${PKGCACHE:-$CACHE/pkg}
TOOLS_DIR=${TOOLS_DIR:-$OUT/tools}
TOOLS=$TOOLS_DIR/mkosi.tools
BOOTPROOF=${BOOTPROOF:-$OUT/tool/bootproof}
LOGDIR=$OUT/logs
mkdir -p "$LOGDIR"
export OUT TOOLS CACHE PKGCACHE TOOLS_DIR
# pyenv/other python3 shims must not shadow /usr/bin/python3 (mkosi, ukify need the system one)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# Issue 20: MKOSI_FROM=DIR runs the mkosi and bwrap of a release's package bundle, unpacked into DIR
# (image/scripts/host-packages.sh unpack; the audit does this), instead of the host's
if [ -n "${MKOSI_FROM:-}" ]; then
	PATH=$MKOSI_FROM/bin:$PATH
	export MKOSI_FROM
fi
export LC_ALL=C.UTF-8 TZ=UTC

git_top() { git -C "$TOP" "$@" 2>/dev/null; }
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git_top log -1 --format=%ct) || true
	[ -n "$SOURCE_DATE_EPOCH" ] || { echo "SOURCE_DATE_EPOCH unset and no git history" >&2; exit 1; }
fi
if [ -z "${IMAGE_VERSION:-}" ]; then
	IMAGE_VERSION=$(git_top describe --tags --always --dirty) || true
	[ -n "$IMAGE_VERSION" ] || IMAGE_VERSION=unknown
fi
export SOURCE_DATE_EPOCH IMAGE_VERSION

_t0=${_t0:-$(date +%s)}	# a script started by another (audit-verdict.sh) goes on counting
STEP=
step() {	# announce a step: progress is visible, and a failure names the step
	STEP=$*
	printf '==> [%4ss] %s\n' "$(($(date +%s) - _t0))" "$*"
}
die() {
	printf '\nFAILED%s: %s\n' "${STEP:+ at step \"$STEP\"}" "$*" >&2
	exit 1
}

# Exit codes of every check (secure-boot.sh check, compare.sh, verify-bundle.sh, audit.sh; docs/audit.md
# "1 or 3"): 0 it ran and passed; 3 it ran and found a mismatch (only then "does not verify",
# "differs", "NOT trusted"); 1 it could not run: a tool or the tools tree missing, bwrap failing, a
# file that cannot be read. Exit 1 is no verdict on the release: it must never accuse the publisher.
cannot_check() {	# CAUSE: the check could not run; exit 1 naming the cause
	printf '\nCANNOT CHECK%s: %s\n    (exit 1: the check did not run, this is no verdict on the release)\n' \
		"${STEP:+ at step \"$STEP\"}" "$*" >&2
	exit 1
}
need_host_tools() {	# CMD...: each is on PATH, else cannot_check naming it
	for _t; do
		command -v "$_t" >/dev/null 2>&1 || cannot_check "'$_t' is not installed on this host (image/setup-host.sh installs the pipeline's tools)"
	done
}
need_files() {	# FILE...: each is a regular file that can be read, else cannot_check naming it
	for _f; do
		[ -e "$_f" ] || cannot_check "$_f is missing"
		[ -f "$_f" ] || cannot_check "$_f is not a regular file: it cannot be read"
		head -c 1 "$_f" >/dev/null 2>&1 || cannot_check "$_f cannot be read"
	done
}
# the words for a check's non-zero exit RC: 3 is its verdict (MISMATCH); anything else means that
# TOOL could not run, which is no verdict (the boot tests' die messages)
why_failed() {	# RC MISMATCH TOOL
	if [ "$1" = 3 ]; then echo "$2"; else echo "$3 could not run (exit $1, its message is above): no verdict"; fi
}
need_tools_tree() {	# CMD...: the tools tree ($TOOLS) starts under bwrap and holds each CMD, else cannot_check
	_e=$("$TOP/image/scripts/in-tools.sh" --check "$@" 2>&1) || cannot_check "${_e#in-tools.sh: }"
}
# run CMD... with its output in LOG; show mkosi's step lines ("‣ ...") live; on failure show the tail
logged() {	# LOG CMD...
	_log=$1; shift
	: >"$_log"
	set +e
	{ "$@" 2>&1; echo "rc=$?" >"$_log.rc"; } | tee -a "$_log" | grep --line-buffered -E '^‣|^(==>|demo-container|mkosi\.)' | sed -u 's/^/    /'
	_rc=$(sed -n 's/^rc=//p' "$_log.rc"); rm -f "$_log.rc"
	set -e
	if [ "$_rc" != 0 ]; then
		echo "---- last lines of $_log" >&2
		tail -n 30 "$_log" >&2
		die "'$*' exited $_rc (full log: $_log)"
	fi
}

# Apt sources for the trixie builds, from the configured mirror. Kept out of the image: mkosi only
# uses them to download. Written only when they change (keeps the tools-tree stamp stable).
# Package sources (issue 8, image/scripts/bundle.sh): APT_SOURCES=FILE uses these exact sources (a
# package bundle's mkosi.sources); LOCAL_MIRROR=DIR uses a local Debian repository as the only source
# (mkosi's LocalMirror=, which requires that no pkgmngr sources exist).
write_pkgmngr() {
	_f=$OUT/pkgmngr/etc/apt/sources.list.d/mkosi.sources
	mkdir -p "$(dirname "$_f")"
	if [ -n "${LOCAL_MIRROR:-}" ]; then
		rm -f "$_f"
		echo "    mirror: local repository $LOCAL_MIRROR only"
		return
	fi
	if [ -n "${APT_SOURCES:-}" ]; then
		cp "$APT_SOURCES" "$_f.new"
		if cmp -s "$_f.new" "$_f"; then rm -f "$_f.new"; else mv "$_f.new" "$_f"; fi
		echo "    mirror: the sources recorded in $APT_SOURCES"
		return
	fi
	eval "$("$TOP/image/mirror.sh")"
	cat >"$_f.new" <<EOT
Types: deb
URIs: $DEBIAN_MIRROR
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	if cmp -s "$_f.new" "$_f"; then rm -f "$_f.new"; else mv "$_f.new" "$_f"; fi
	echo "    mirror: $DEBIAN_MIRROR, $DEBIAN_SECURITY_MIRROR"
}

MKOSI_COMMON() {	# common mkosi options: caches, sources (PKG_CACHE_ONLY=always: only the package cache)
	echo --package-manager-tree="$OUT/pkgmngr" --workspace-dir="$CACHE/ws" \
	     --package-cache-dir="$PKGCACHE" ${LOCAL_MIRROR:+--local-mirror=file://$LOCAL_MIRROR} \
	     ${PKG_CACHE_ONLY:+--cache-only=$PKG_CACHE_ONLY}
}

# the ESP of a disk image for mtools: esp_spec DISK, esp_uki SPEC (also sourced alone by tests/boot)
. "$TOP/image/scripts/esp.sh"
