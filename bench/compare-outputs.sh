#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Behaviour equivalence: builds an older commit and the current tree, runs both `bootproof`
# binaries on the same inputs and compares, byte for byte, what each case printed (stdout and
# stderr), its exit code and every file it wrote.
#   bench/compare-outputs.sh OLD_REV [NEW_BUILD_DIR]
# OLD_REV is checked out with `git worktree add --detach` into a temporary directory and built
# there (tests off); without NEW_BUILD_DIR the working tree (uncommitted changes included) is
# built the same way. Inputs:
#   predict    the release's disk and UKI (/work/base/out/release or $RELEASE_DIR, skipped with a
#              message when absent) with the release's own arguments and each of its platform
#              profiles (and whether the new binary reproduces its golden.json), the UKIs of
#              tests/fuzz/corpus/fuzz-uki, and every platform profile / golden file of
#              tests/fuzz/corpus/fuzz-golden as --platform
#   verify     the attack catalogue of tests/attest/test-attest-swtpm.sh (its bundles are made
#              once with a real swtpm and the NEW binary, then verified by both; skipped when
#              swtpm is missing); the credential-challenge case writes a random secret by design
#              and is left out
#   containers every archive of tests/fuzz/corpus/fuzz-docker-archive (bootproof and aicert
#              formats)
#   eventlog   show (text, --json), replay (--json --all) and profile of every log in
#              ../shared/data/eventlogs, image/platform (the OVMF reference logs) and
#              tests/fuzz/corpus/fuzz-eventlog; the systemd logs of
#              fuzz-jsonseq behind a real firmware log; compare and seal policy against every
#              golden file of fuzz-golden; profile --pcrs of every fuzz-pcr-yaml file
# Each case runs in the same directory for both binaries (so paths in messages agree), with argv[0]
# "bootproof". Exit: 0 identical, 3 some case differs (listed, with a diff), 1 could not run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD_REV=${1:?usage: bench/compare-outputs.sh OLD_REV [NEW_BUILD_DIR]}
NEW_BUILD=${2:-}
DATA=${BOOTPROOF_SHARED_DATA:-$ROOT/../shared/data}
RELEASE=${RELEASE_DIR:-/work/base/out/release}
JOBS=${JOBS:-2}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bootproof-compare.XXXXXX")
cleanup() {
	git -C "$ROOT" worktree remove --force "$tmp/old-src" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

build() { # SRC BUILD_DIR
	cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
	cmake --build "$2" --target bootproof -j"$JOBS" >/dev/null
}

echo "building $OLD_REV ($(git -C "$ROOT" rev-parse --short "$OLD_REV"))"
git -C "$ROOT" worktree add --detach "$tmp/old-src" "$OLD_REV" >/dev/null 2>&1
build "$tmp/old-src" "$tmp/old-build"
OLD_BIN=$tmp/old-build/bootproof
if [ -n "$NEW_BUILD" ]; then
	NEW_BIN=$(cd "$NEW_BUILD" && pwd)/bootproof
else
	echo "building the working tree ($(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo ', with uncommitted changes'))"
	build "$ROOT" "$tmp/new-build"
	NEW_BIN=$tmp/new-build/bootproof
fi
[ -x "$OLD_BIN" ] && [ -x "$NEW_BIN" ] || { echo "no binaries to compare" >&2; exit 1; }

cases=0 differ=0
mkdir -p "$tmp/res/old" "$tmp/res/new"

# run_side BIN CASEDIR CWD ARGS...: one run; @OUT@ in an argument is CASEDIR (where files go).
run_side() {
	local bin=$1 dir=$2 cwd=$3 a args=()
	shift 3
	mkdir -p "$dir/files"
	for a in "$@"; do args+=("${a//@OUT@/$dir/files}"); done
	set +e
	(cd "$cwd" && exec -a bootproof "$bin" "${args[@]}") >"$dir/stdout" 2>"$dir/stderr" </dev/null
	echo $? >"$dir/rc"
	set -e
}

# case NAME CWD ARGS...: runs both binaries in the same directory and compares the results.
case_() {
	local name=$1 cwd=$2 id
	shift 2
	cases=$((cases + 1))
	id=$(printf '%05d' $cases)
	run_side "$OLD_BIN" "$tmp/case" "$cwd" "$@"
	mv "$tmp/case" "$tmp/res/old/$id"
	run_side "$NEW_BIN" "$tmp/case" "$cwd" "$@"
	mv "$tmp/case" "$tmp/res/new/$id"
	if ! diff -r "$tmp/res/old/$id" "$tmp/res/new/$id" >"$tmp/diff" 2>&1; then
		differ=$((differ + 1))
		echo "DIFFERS: $name: bootproof $*"
		head -n 20 "$tmp/diff" | sed 's/^/    /'
	fi
	rm -rf "$tmp/res/old/$id" "$tmp/res/new/$id"
}

section() { echo "== $1 (cases so far: $cases)"; }

# --- predict
section predict
if [ -f "$RELEASE/bootproof.raw" ] && [ -f "$RELEASE/bootproof.efi" ]; then
	# The release's own command (image/scripts/predict.sh): its platform profile, its Secure
	# Boot keys when it has them, its version and SOURCE_DATE_EPOCH (from its golden.json).
	rel=(--disk "$RELEASE/bootproof.raw" --name bootproof --banks sha1,sha256,sha384)
	if [ -f "$RELEASE/golden.json" ]; then
		version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["image"]["version"])' "$RELEASE/golden.json")
		epoch=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["image"].get("source_date_epoch", ""))' "$RELEASE/golden.json")
		rel+=(--image-version "$version")
		[ -z "$epoch" ] || export SOURCE_DATE_EPOCH=$epoch
	fi
	[ -f "$RELEASE/PK.esl" ] && rel+=(--secure-boot on --pk "$RELEASE/PK.esl" --kek "$RELEASE/KEK.esl"
		--db "$RELEASE/db.esl" --dbx "$RELEASE/dbx.esl")
	for p in "$RELEASE"/platform.json "$RELEASE"/platform-*.json; do
		[ -f "$p" ] || continue
		case_ "predict release disk, $(basename "$p")" "$tmp" predict "${rel[@]}" --platform "$p" \
			-o @OUT@/golden.json
	done
	for fmt in systemd tpm2-pcrs tpm2-values; do
		case_ "predict release disk ($fmt)" "$tmp" predict "${rel[@]}" --format $fmt -o @OUT@/out
	done
	case_ "uki inspect release" "$tmp" uki inspect "$RELEASE/bootproof.efi"
	case_ "pe-hash release UKI" "$tmp" pe-hash --bank sha1,sha256,sha384 "$RELEASE/bootproof.efi"
	case_ "seal policy release" "$tmp" seal policy --golden "$RELEASE/golden.json"
	# Not a comparison of the two binaries: does the new one give the golden.json the release
	# shipped? (It was made by whatever tree built the release.)
	if [ -f "$RELEASE/golden.json" ] && [ -f "$RELEASE/platform.json" ]; then
		"$NEW_BIN" predict "${rel[@]}" --platform "$RELEASE/platform.json" -o "$tmp/release-golden.json"
		if cmp -s "$tmp/release-golden.json" "$RELEASE/golden.json"; then
			echo "the release's golden.json: reproduced byte for byte by the new binary"
		else
			echo "the release's golden.json: NOT reproduced by the new binary (the release may come from another tree)"
		fi
	fi
else
	echo "SKIP: no release in $RELEASE (bootproof.raw, bootproof.efi): predict on the release's disk not compared"
fi
UKIS=("$ROOT"/tests/fuzz/corpus/fuzz-uki/*)
for u in "${UKIS[@]}"; do
	case_ "predict uki $(basename "$u")" "$tmp" predict --uki "$u" --no-loader-conf -o @OUT@/golden.json
	case_ "predict uki $(basename "$u") systemd" "$tmp" predict --uki "$u" --format systemd
	case_ "uki inspect $(basename "$u")" "$tmp" uki inspect "$u"
	case_ "pe-hash $(basename "$u")" "$tmp" pe-hash "$u"
done
for g in "$ROOT"/tests/fuzz/corpus/fuzz-golden/*; do
	for u in "${UKIS[@]}"; do
		case_ "predict --platform $(basename "$g") uki $(basename "$u")" "$tmp" predict --uki "$u" \
			--no-loader-conf --platform "$g" -o @OUT@/golden.json
	done
done
for p in "$ROOT"/tests/fuzz/corpus/fuzz-pe/*; do
	case_ "pe-hash $(basename "$p")" "$tmp" pe-hash "$p"
done

# --- verify: the attack catalogue
section verify
if command -v swtpm >/dev/null && command -v tpm2_quote >/dev/null; then
	mkdir -p "$tmp/attest"
	if BOOTPROOF=$NEW_BIN BOOTPROOF_SOURCE_DIR=$ROOT BOOTPROOF_ATTEST_KEEP=$tmp/attest \
		sh "$ROOT/tests/attest/test-attest-swtpm.sh" >"$tmp/attest.log" 2>&1; then
		case_ "verify good bundle" "$tmp/attest" verify --json ./good.json \
			--golden ./golden.json --ak-pub ./ak.pem --nonce 00112233445566778899aabbccddeeff
		while read -r n args; do
			case $args in *--make-credential*) continue ;; esac
			# shellcheck disable=SC2086 # the recorded arguments, split as the test gave them
			case_ "verify catalogue case $n" "$tmp/attest" verify --json "catalogue/$n.json" $args
			case_ "verify catalogue case $n (text)" "$tmp/attest" verify "catalogue/$n.json" $args
		done <"$tmp/attest/catalogue/cases"
	else
		echo "FAIL: the attack catalogue could not be made (tests/attest/test-attest-swtpm.sh):" >&2
		tail -n 20 "$tmp/attest.log" >&2
		exit 1
	fi
else
	echo "SKIP: swtpm or tpm2-tools missing: the attack catalogue not compared"
fi
for b in "$ROOT"/tests/fuzz/corpus/fuzz-bundle/*; do
	case_ "verify corpus $(basename "$b")" "$tmp" verify --json "$b" --nonce 00
done

# --- containers
section containers
for a in "$ROOT"/tests/fuzz/corpus/fuzz-docker-archive/*; do
	case_ "containers $(basename "$a")" "$tmp" containers "$a" -o @OUT@/cm.json
	case_ "containers aicert $(basename "$a")" "$tmp" containers --format aicert "$a"
done

# --- eventlog
section eventlog
LOGS=()
[ -d "$DATA/eventlogs" ] && while IFS= read -r f; do LOGS+=("$f"); done < <(find "$DATA/eventlogs" -name '*.bin' | sort)
[ ${#LOGS[@]} -gt 0 ] || echo "SKIP: no event logs in $DATA/eventlogs"
LOGS+=("$ROOT"/image/platform/*.eventlog "$ROOT"/tests/fuzz/corpus/fuzz-eventlog/*)
for l in "${LOGS[@]}"; do
	n=$(basename "$l")
	case_ "eventlog show $n" "$tmp" eventlog show "$l"
	case_ "eventlog show --json $n" "$tmp" eventlog show --json "$l" -o @OUT@/show.json
	case_ "eventlog replay $n" "$tmp" eventlog replay --json --all "$l"
	case_ "eventlog profile $n" "$tmp" eventlog profile "$l" -o @OUT@/platform.json
done
FW=$DATA/eventlogs/tpm2-tools/event-sd-boot-fedora37.bin
if [ -f "$FW" ]; then
	for s in "$ROOT"/tests/fuzz/corpus/fuzz-jsonseq/*; do
		case_ "eventlog show userspace $(basename "$s")" "$tmp" eventlog show "$FW" --userspace-log "$s"
		case_ "eventlog replay userspace $(basename "$s")" "$tmp" eventlog replay "$FW" --userspace-log "$s"
	done
	for g in "$ROOT"/tests/fuzz/corpus/fuzz-golden/*; do
		case_ "eventlog compare $(basename "$g")" "$tmp" eventlog compare --json "$FW" "$g"
		case_ "seal policy $(basename "$g")" "$tmp" seal policy "$g"
	done
fi
for y in "$ROOT"/tests/fuzz/corpus/fuzz-pcr-yaml/*; do
	case_ "eventlog profile --pcrs $(basename "$y")" "$tmp" eventlog profile --pcrs "$y" -o @OUT@/p.json
	case_ "eventlog profile --target gce --pcrs $(basename "$y")" "$tmp" eventlog profile \
		--target gce --pcrs "$y" -o @OUT@/p.json
done
for t in qemu gce azure aws; do
	case_ "eventlog profile --target $t" "$tmp" eventlog profile --target $t -o @OUT@/p.json
done

echo "compared $cases cases of $OLD_REV and the new tree: $differ differ"
[ "$differ" = 0 ] || exit 3
