#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The release pipeline, one function per step (Makefile.images calls it):
#   setup       host packages (image/setup-host.sh: mkosi 24.3 from bookworm-backports, QEMU, ...)
#   tool        the host's bootproof (cmake) -> $OUT/tool/bootproof
#   tools-tree  the trixie tools tree -> $OUT/tools/mkosi.tools (rebuilt when its config or mirror changes)
#   containers  the archives to bake in -> $OUT/stage/containers (CONTAINERS_DIR, default: demo image)
#   image       mkosi: disk, UKI, partitions, container_measurements.json -> $OUT/image
#   golden      bootproof predict -> $OUT/image/golden.json
#   release     all of the above, then $OUT/release with SHA256SUMS and its signature
# Options via environment: see lib.sh.
set -eu
. "$(dirname "$0")/lib.sh"

do_setup() {
	if [ -n "${MKOSI_FROM:-}" ]; then	# the bundle's mkosi and bwrap (issue 20): nothing is installed
		step "host: what stays the auditor's own (python3, namespaces, apt, dpkg, gpgv); mkosi and bwrap from the bundle"
		"$TOP/image/scripts/host-packages.sh" check "$MKOSI_FROM"
		cmp -s /usr/bin/bwrap "$MKOSI_FROM/usr/bin/bwrap" ||
			cannot_check "/usr/bin/bwrap is not the bundle's: run the build through image/scripts/host-packages.sh run $MKOSI_FROM"
		echo "    mkosi: $(command -v mkosi) ($(mkosi --version)), bwrap: $(command -v bwrap) (and /usr/bin/bwrap in this mount namespace)"
		return 0
	fi
	step "host packages (mkosi 24.3, QEMU, OVMF, swtpm, build deps)"
	logged "$LOGDIR/setup.log" "$TOP/image/setup-host.sh"
	command -v mkosi >/dev/null || die "mkosi missing after setup"
}

# Issue 20: a build from a bundle that carries the host side runs that bundle's mkosi and bwrap,
# unpacked into $OUT/host-tools (never installed), unless the caller (audit.sh) already did
use_bundle_mkosi() {
	[ -n "${PACKAGES:-}" ] && [ -z "${MKOSI_FROM:-}" ] && [ -d "$PACKAGES/host/debs" ] || return 0
	step "mkosi and bwrap of the package bundle $PACKAGES (verified first)"
	"$TOP/image/scripts/verify-bundle.sh" "$PACKAGES" >/dev/null || { _rc=$?; die "$(why_failed "$_rc" "the package bundle $PACKAGES does not verify" "verify-bundle.sh")"; }
	"$TOP/image/scripts/host-packages.sh" unpack "$PACKAGES" "$OUT/host-tools"
	MKOSI_FROM=$OUT/host-tools
	export MKOSI_FROM
	# again, in a private mount namespace with the bundle's bwrap over /usr/bin (host-packages.sh run)
	exec "$TOP/image/scripts/host-packages.sh" run "$MKOSI_FROM" "$0" release
}

do_tool() {
	step "host bootproof (cmake)"
	logged "$LOGDIR/tool.log" sh -c "cmake -S '$TOP' -B '$(dirname "$BOOTPROOF")' -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF && cmake --build '$(dirname "$BOOTPROOF")' -j$(nproc) --target bootproof"
	[ -x "$BOOTPROOF" ] || die "no $BOOTPROOF after the build"
}

do_tools_tree() {
	step "trixie tools tree"
	write_pkgmngr
	# every file of the tools tree's configuration (mkosi.conf, the sbsign wrapper) is in the stamp
	# (collected into a file first: a failing part must stop the step, not hash to a stable stamp)
	# (LOCAL_MIRROR: no mkosi.sources, as write_pkgmngr leaves it)
	_src=$OUT/pkgmngr/etc/apt/sources.list.d/mkosi.sources
	(cd "$TOP/image/tools-tree" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat &&
		{ [ ! -f "$_src" ] || cat "$_src"; } && mkosi --version) >"$LOGDIR/tools-tree.stamp-input" ||
		die "cannot read the tools tree's configuration, sources or mkosi's version"
	stamp=$(sha256sum <"$LOGDIR/tools-tree.stamp-input" | cut -c1-16)
	if [ -x "$TOOLS/usr/bin/systemd-repart" ] && [ "$(cat "$TOOLS_DIR/stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "    up to date ($TOOLS)"
		return
	fi
	mkdir -p "$TOOLS_DIR" "$PKGCACHE" "$CACHE/ws"
	# shellcheck disable=SC2046
	logged "$LOGDIR/tools-tree.log" mkosi -C "$TOP/image/tools-tree" $(MKOSI_COMMON) \
		--output-dir="$TOOLS_DIR" -f build
	echo "$stamp" >"$TOOLS_DIR/stamp"
}

do_containers() {
	step "container archives"
	d=$OUT/stage/containers
	rm -rf "$d"
	mkdir -p "$d"
	if [ -n "${CONTAINERS_DIR:-}" ]; then
		[ -d "$CONTAINERS_DIR" ] || die "CONTAINERS_DIR=$CONTAINERS_DIR is not a folder"
		n=0
		for a in "$CONTAINERS_DIR"/*.tar; do
			[ -f "$a" ] || continue
			cp "$a" "$d/" && n=$((n + 1))
		done
		[ "$n" -gt 0 ] || die "no *.tar archives in CONTAINERS_DIR=$CONTAINERS_DIR"
		echo "    $n archive(s) from $CONTAINERS_DIR"
	else
		logged "$LOGDIR/demo-container.log" "$TOP/image/scripts/in-tools.sh" \
			"$TOP/image/scripts/demo-container.sh" "$d/bootproof-demo.tar"
	fi
	chmod 0644 "$d"/*.tar
}

# The C sources the image's bootproof is built from: the repository's files (tracked and untracked,
# not ignored) without the image, docs and test folders. Copied so that out/ never becomes a build input.
do_sources() {
	s=$OUT/stage/src
	rm -rf "$s"
	mkdir -p "$s"
	# one command at a time, each checked (in a pipe only the last one's failure would show)
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard -- . \
		':!image' ':!docs' ':!bench' ':!tests/boot' ':!tests/offline' ':!.ci' ':!README.md' ':!Makefile.images') \
		>"$s.files" || die "git ls-files failed in $TOP (is it a git checkout?)"
	# shellcheck disable=SC2016 # $f is the inner sh's
	(cd "$TOP" && xargs -0 sh -c 'for f; do [ ! -f "$f" ] || printf "%s\0" "$f"; done' sh <"$s.files") >"$s.regular" ||
		die "cannot list the source files of $TOP"
	tar -C "$TOP" --null -T "$s.regular" -cf "$s.tar" || die "cannot read the source files of $TOP"
	tar -C "$s" -xf "$s.tar" || die "cannot unpack the source snapshot into $s"
	rm -f "$s.files" "$s.regular" "$s.tar"
	[ -f "$s/CMakeLists.txt" ] || die "source snapshot has no CMakeLists.txt (is $TOP a git checkout?)"
}

do_image() {
	step "image (mkosi: packages, bootproof build, containers, UKI, erofs + dm-verity)"
	write_pkgmngr
	do_sources
	"$TOP/image/scripts/secure-boot.sh" prepare
	mkdir -p "$OUT/image" "$CACHE/incremental" "$CACHE/build" "$PKGCACHE" "$CACHE/ws"
	# shellcheck disable=SC2046
	logged "$LOGDIR/image.log" mkosi -C "$TOP/image" $(MKOSI_COMMON) \
		--tools-tree="$TOOLS" \
		$("$TOP/image/scripts/secure-boot.sh" mkosi-args) \
		--cache-dir="$CACHE/incremental" --incremental=yes --build-dir="$CACHE/build" \
		--output-dir="$OUT/image" \
		--build-sources="$OUT/stage/src" \
		--extra-tree="$OUT/stage/containers:/usr/share/bootproof/containers" \
		--source-date-epoch="$SOURCE_DATE_EPOCH" --image-version="$IMAGE_VERSION" \
		${IMAGE_CACHE_ONLY:+--cache-only=$IMAGE_CACHE_ONLY} \
		-f build
	for f in bootproof.raw bootproof.efi bootproof.manifest container_measurements.json; do
		[ -f "$OUT/image/$f" ] || die "mkosi produced no $OUT/image/$f"
	done
	echo "    $(stat -c %s "$OUT/image/bootproof.raw") bytes disk, $(stat -c %s "$OUT/image/bootproof.efi") bytes UKI"
	"$TOP/image/scripts/secure-boot.sh" finish
}

do_golden() {
	step "golden values (bootproof predict)"
	plat=$OUT/image/platform.json
	# Secure Boot on: OVMF's Secure Boot build (OVMF_CODE_4M.secboot.fd), whose PCR 0 differs
	if [ "${SECURE_BOOT:-on}" = on ]; then
		prof=ovmf-q35-secboot.eventlog pname=qemu-q35-smm-ovmf-2022.11-secboot-swtpm
	else
		prof=ovmf-q35.eventlog pname=qemu-q35-ovmf-2022.11-swtpm
	fi
	logged "$LOGDIR/platform.log" "$BOOTPROOF" eventlog profile "$TOP/image/platform/$prof" --name "$pname" --bank sha1,sha256,sha384 -o "$plat"
	rm -f "$OUT/image/golden.json"
	if [ -f "$OUT/image/secure-boot-unsigned.txt" ]; then
		# an audit whose rebuilt PEs differ from the release's: the firmware would refuse them, so
		# there are no golden values to predict; the comparison reports golden.json as missing
		echo "    golden.json NOT predicted: the rebuild left a PE unsigned ($OUT/image/secure-boot-unsigned.txt)"
		return 0
	fi
	logged "$LOGDIR/predict.log" "$TOP/image/scripts/predict.sh" "$OUT/image" "$OUT/image/golden.json"
}

# Fail before the long steps when the tree's bootproof lacks a verb the release needs.
check_verbs() {
	step "bootproof verbs the release needs"
	for v in "containers" "predict" "eventlog profile" "manifest sign"; do
		# shellcheck disable=SC2086 # not piped into grep: a crashing bootproof must not pass
		h=$("$BOOTPROOF" $v --help 2>&1) || die "'bootproof $v --help' failed: $h"
		case $h in *'not implemented'* | *'unknown command'*)
			die "'bootproof $v' is not implemented in this tree yet: cannot make a release (nothing faked)" ;;
		esac
	done
}

# Issue 8: a release starts from an EMPTY package cache and no cached image, and rebuilds its tools tree
# into it, so that the .debs apt leaves in the cache are exactly those this release used (tools tree,
# image, build overlay, default initrd); image/scripts/bundle.sh packs them beside the release.
# PACKAGES=BUNDLE seeds the cache from a verified bundle instead and builds from it only (the package
# set is pinned; run under unshare -n by Makefile.images/audit.sh). LOCAL_MIRROR=DIR: apt reads a
# local repository in place, nothing lands in the cache, so no bundle is written. TOOLS_FROM=DIR
# reuses a tools tree built elsewhere (the moved-mirror test; nothing is bundled for it then).
# BUNDLE=no: the old development behaviour (caches and tools tree reused, no bundle; bench's rebuild).
prepare_packages() {
	if [ "${BUNDLE:-yes}" = no ]; then	# development builds: keep every cache, write no bundle
		step "BUNDLE=no: caches kept, no package bundle (this release cannot be audited offline)"
		return
	fi
	rm -rf "$PKGCACHE" "$CACHE/incremental"
	mkdir -p "$PKGCACHE"
	IMAGE_CACHE_ONLY=
	if [ -n "${PACKAGES:-}" ]; then
		step "package bundle $PACKAGES: verify it, seed the package cache from it"
		PACKAGES=$(cd "$PACKAGES" && pwd)
		"$TOP/image/scripts/verify-bundle.sh" "$PACKAGES" || { _rc=$?; die "$(why_failed "$_rc" "the package bundle $PACKAGES does not verify" "verify-bundle.sh")"; }
		"$TOP/image/scripts/bundle.sh" seed "$PACKAGES" "$PKGCACHE"
		APT_SOURCES=$PACKAGES/mkosi.sources PKG_CACHE_ONLY=always
		export APT_SOURCES PKG_CACHE_ONLY
	elif [ -z "${LOCAL_MIRROR:-}" ] && [ -z "${TOOLS_FROM:-}" ]; then
		# the image resolves against the metadata the tools tree build has just synced
		IMAGE_CACHE_ONLY=metadata
	fi
	if [ -n "${TOOLS_FROM:-}" ]; then
		TOOLS_DIR=$(cd "$TOOLS_FROM" && pwd) TOOLS=$TOOLS_FROM/mkosi.tools
		[ -x "$TOOLS/usr/bin/systemd-repart" ] || die "TOOLS_FROM=$TOOLS_FROM holds no tools tree"
		export TOOLS_DIR TOOLS
	else
		rm -f "$TOOLS_DIR/stamp"
	fi
}

do_release() {
	use_bundle_mkosi
	do_setup
	do_tool
	check_verbs
	prepare_packages
	if [ -n "${TOOLS_FROM:-}" ]; then step "trixie tools tree: reusing $TOOLS (TOOLS_FROM)"; else do_tools_tree; fi
	do_containers
	do_image
	do_golden
	r=$OUT/release
	rm -rf "$r.new" "$r-packages.new"
	mkdir -p "$r.new"
	if [ -z "${LOCAL_MIRROR:-}" ] && [ -z "${TOOLS_FROM:-}" ] && [ "${BUNDLE:-yes}" != no ]; then
		step "package bundle (the .debs this build downloaded, apt metadata, sources)"
		"$TOP/image/scripts/bundle.sh" make "$PKGCACHE" "$r-packages.new" "$r.new"
	fi
	step "release folder, SHA256SUMS, signature"
	cp "$OUT/image/bootproof.raw" "$OUT/image/bootproof.efi" "$OUT/image/container_measurements.json" \
	   "$OUT/image/platform.json" "$r.new/"
	[ ! -f "$OUT/image/golden.json" ] || cp "$OUT/image/golden.json" "$r.new/"
	cp "$OUT/image/bootproof.manifest" "$r.new/packages.json"
	# Secure Boot: certificates, ESLs, .auth files, dbx, detached signatures, secure-boot.txt
	if [ "${SECURE_BOOT:-on}" = on ]; then
		(cd "$OUT/image" && cp PK.* KEK.* db.* dbx.esl secure-boot.txt "$r.new/")
		for f in "$OUT/image"/*.efi.pkcs7 "$OUT/image/secure-boot-unsigned.txt"; do
			[ ! -f "$f" ] || cp "$f" "$r.new/"
		done
	fi
	cp "$TOOLS_DIR/mkosi.tools.manifest" "$r.new/tools-packages.json"
	# Cloud import formats + their profiles and goldens (issue 11); qemu: nothing added.
	case "${PLATFORM:-qemu}" in
	qemu) ;;
	*) export BOOTPROOF; logged "$LOGDIR/cloud.log" "$TOP/image/scripts/cloud-formats.sh" "$PLATFORM" "$r.new" ;;
	esac
	"$TOP/image/scripts/sign.sh" "$r.new"
	rm -rf "$r" "$r-packages"
	mv "$r.new" "$r"
	[ ! -d "$r-packages.new" ] || mv "$r-packages.new" "$r-packages"
	step "done"
	(cd "$r" && ls -l)
	echo "release: $r (version $IMAGE_VERSION, SOURCE_DATE_EPOCH $SOURCE_DATE_EPOCH)"
	[ ! -d "$r-packages" ] || echo "package bundle: $r-packages ($(du -sm "$r-packages" | cut -f1) MB, $(find "$r-packages" -type f | wc -l) files)"
}

[ $# -gt 0 ] || set -- release
for s; do
	case "$s" in
	setup) do_setup ;;
	tool) do_tool ;;
	tools-tree) do_tools_tree ;;
	containers) do_containers ;;
	image) do_image ;;
	golden) do_golden ;;
	release) do_release ;;
	*) echo "pipeline.sh: unknown step '$s'" >&2; exit 2 ;;
	esac
done
