#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compare a reference release folder with a rebuilt one and say exactly what differs: which artifact,
# which partition, which file in the root or on the ESP, which UKI section, which package version,
# which tool version, which PCR. Signature material (SHA256SUMS.sig, signing-key.pub.pem,
# RELEASE-UNSIGNED) is not compared: it depends on who signs. SHA256SUMS is compared.
# Prints "reproduced" and exits 0 when every artifact is bit-identical, else "DIFFERS" and exits 3.
# A comparison that could not be made (a folder or file that cannot be read, a tool missing) exits 1
# naming the cause (lib.sh cannot_check): a file that cannot be read never "differs".
# Usage: compare.sh REFERENCE_RELEASE REBUILT_RELEASE [WORKDIR]
set -eu
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { echo "usage: compare.sh REFERENCE REBUILT [WORKDIR]" >&2; exit 2; }
a=$(cd "$1" 2>/dev/null && pwd) || cannot_check "the reference release $1 is not a folder"
b=$(cd "$2" 2>/dev/null && pwd) || cannot_check "the rebuilt release $2 is not a folder"
need_host_tools sha256sum jq comm diff cmp
w=${3:-$OUT/compare}
rm -rf "$w"
mkdir -p "$w"
w=$(cd "$w" && pwd)
report=$w/report.txt
: >"$report"
diffs=0
say() { echo "$*" | tee -a "$report"; }
differs() { diffs=$((diffs + 1)); say "DIFFERS: $*"; }
# every file compared is read here first, in this shell: one that cannot be read stops the comparison
# (exit 1) instead of hashing to nothing and "differing"
sums() {	# DIR LIST OUT: "sha256  name" of every file of LIST in DIR
	(cd "$1" && xargs -r -d '\n' sha256sum -- <"$2") >"$3" 2>"$3.err" ||
		cannot_check "cannot read the files of $1 to compare them: $(tr '\n' ' ' <"$3.err")"
}
sha() { awk -v f="$2" 'substr($0, 67) == f { print $1; exit }' "$w/sums.$1"; }
skip='^(SHA256SUMS\.sig|signing-key\.pub\.pem|RELEASE-UNSIGNED|host-tools\.txt)$'

# 1. the artifact list and each artifact's digest
# shellcheck disable=SC2010 # a release's file names are plain words (sign.sh's SHA256SUMS lists them)
(cd "$a" && ls | grep -v -E "$skip" | sort) >"$w/list.a"
# shellcheck disable=SC2010
(cd "$b" && ls | grep -v -E "$skip" | sort) >"$w/list.b"
if ! cmp -s "$w/list.a" "$w/list.b"; then
	differs "the release folders hold different files:"
	diff "$w/list.a" "$w/list.b" | sed 's/^/    /' | tee -a "$report"
fi
comm -12 "$w/list.a" "$w/list.b" >"$w/list.common"
sums "$a" "$w/list.common" "$w/sums.a"
sums "$b" "$w/list.common" "$w/sums.b"
# shellcheck disable=SC2013 # plain words, as above
for f in $(cat "$w/list.common"); do
	ha=$(sha a "$f") hb=$(sha b "$f") what=$f
	[ -n "$ha" ] && [ -n "$hb" ] || cannot_check "no sha256 of $f (sha256sum gave none)"
	if [ "$f" = SHA256SUMS ]; then	# without the lines of files that are not compared (host-tools.txt)
		ha=$(grep -v -E '  (host-tools\.txt)$' "$a/$f" | sha256sum | cut -d' ' -f1)
		hb=$(grep -v -E '  (host-tools\.txt)$' "$b/$f" | sha256sum | cut -d' ' -f1)
		what="$f (without host-tools.txt)"
	fi
	if [ "$ha" = "$hb" ]; then say "identical: $what  $ha"; else differs "$what  $ha (reference) != $hb (rebuilt)"; touch "$w/differs.$f"; fi
done

# 2. packages and tools: which versions
for m in packages.json tools-packages.json; do
	[ -f "$w/differs.$m" ] || continue
	jq -r '.packages[] | "\(.name) \(.version)"' "$a/$m" | sort >"$w/$m.a"
	jq -r '.packages[] | "\(.name) \(.version)"' "$b/$m" | sort >"$w/$m.b"
	if cmp -s "$w/$m.a" "$w/$m.b"; then
		say "    $m: the same package versions; its header differs:"
		jq -S 'del(.packages)' "$a/$m" >"$w/$m.head.a"
		jq -S 'del(.packages)' "$b/$m" >"$w/$m.head.b"
		diff "$w/$m.head.a" "$w/$m.head.b" | grep '^[<>]' | sed 's/^/      /' | tee -a "$report" || true
	fi
	diff "$w/$m.a" "$w/$m.b" | grep '^[<>]' | sed 's/^</    reference:/; s/^>/    rebuilt:  /' | tee -a "$report" || true
done

# 2b. the package bundle's index (every .deb used: image, default initrd, build overlay, tools tree)
if [ -f "$w/differs.packages-index.tsv" ]; then
	grep -v '^#' "$a/packages-index.tsv" | cut -f1,2,3,5 >"$w/index.a"
	grep -v '^#' "$b/packages-index.tsv" | cut -f1,2,3,5 >"$w/index.b"
	diff "$w/index.a" "$w/index.b" | grep '^[<>]' | sed 's/^</    .deb (reference):/; s/^>/    .deb (rebuilt):  /' | tee -a "$report" || true
fi
# host tools are the builder's, not an output: a difference is a note, not a failure
if [ -f "$a/host-tools.txt" ] && [ -f "$b/host-tools.txt" ] && ! cmp -s "$a/host-tools.txt" "$b/host-tools.txt"; then
	say "note: the host tools differ from the release build's (host-tools.txt; not an artifact):"
	diff "$a/host-tools.txt" "$b/host-tools.txt" | grep '^[<>]' | sed 's/^</    release build:/; s/^>/    this host:    /' | tee -a "$report" || true
fi

# 3. golden values: which PCR, which event (bootproof golden diff reads both with golden.json's own
# loader; 3 = some PCR differs, anything else = it could not read them)
if [ -f "$w/differs.golden.json" ]; then
	rc=0
	"$BOOTPROOF" golden diff "$a/golden.json" "$b/golden.json" >"$w/golden.diff" 2>"$w/golden.diff.err" || rc=$?
	case $rc in
	0 | 3) tee -a "$report" <"$w/golden.diff" ;;
	*) say "    (bootproof golden diff could not compare the golden values: $(tr '\n' ' ' <"$w/golden.diff.err"))" ;;
	esac
	jq -S '.image' "$a/golden.json" >"$w/gi.a"; jq -S '.image' "$b/golden.json" >"$w/gi.b"
	diff "$w/gi.a" "$w/gi.b" | grep '^[<>]' | sed 's/^/    image identity /' | tee -a "$report" || true
fi

# 4. container measurements
if [ -f "$w/differs.container_measurements.json" ]; then
	diff "$a/container_measurements.json" "$b/container_measurements.json" | grep '^[<>]' | head -n 20 | sed 's/^/    /' | tee -a "$report" || true
fi

# 5. the UKI: which section
uki_sections() {	# UKI -> "name digest" lines (bootproof's failure is not lost in a pipe)
	_j=$("$BOOTPROOF" uki inspect --json "$1") || cannot_check "bootproof uki inspect cannot read $1"
	printf '%s\n' "$_j" | jq -r '.sections[] | "\(.name) \(.digests.sha256)"' || cannot_check "jq cannot read the sections of $1"
}
if [ -f "$w/differs.bootproof.efi" ]; then
	uki_sections "$a/bootproof.efi" >"$w/uki.a"
	uki_sections "$b/bootproof.efi" >"$w/uki.b"
	join "$w/uki.a" "$w/uki.b" | awk '$2 != $3 { print "    UKI section " $1 " differs" }' | tee -a "$report"
	ca=$("$BOOTPROOF" uki inspect --json "$a/bootproof.efi" | jq -r .cmdline)
	cb=$("$BOOTPROOF" uki inspect --json "$b/bootproof.efi" | jq -r .cmdline)
	[ "$ca" = "$cb" ] || { say "    .cmdline reference: $ca"; say "    .cmdline rebuilt:   $cb"; }
fi

# 6. the disk: GPT, then partition by partition, then file by file
part_table() {	# DISK -> "name start size type uuid" lines (sfdisk's failure is not lost in a pipe)
	_j=$(sfdisk -J "$1") || cannot_check "sfdisk cannot read the partition table of $1"
	printf '%s\n' "$_j" | jq -r '.partitiontable.partitions[] | "\(.name // .type) \(.start) \(.size) \(.type) \(.uuid)"' ||
		cannot_check "jq cannot read sfdisk's partition table of $1"
}
if [ -f "$w/differs.bootproof.raw" ]; then
	part_table "$a/bootproof.raw" >"$w/gpt.a"
	part_table "$b/bootproof.raw" >"$w/gpt.b"
	if ! cmp -s "$w/gpt.a" "$w/gpt.b"; then
		say "    partition table (name start size type uuid) differs:"
		diff "$w/gpt.a" "$w/gpt.b" | grep '^[<>]' | sed 's/^/      /' | tee -a "$report"
	fi
	n=0
	while read -r name start size _ _; do
		n=$((n + 1))
		dd if="$a/bootproof.raw" of="$w/p$n.a" bs=512 skip="$start" count="$size" status=none
		dd if="$b/bootproof.raw" of="$w/p$n.b" bs=512 skip="$start" count="$size" status=none
		if cmp -s "$w/p$n.a" "$w/p$n.b"; then
			say "    partition $n ($name): identical"; rm -f "$w/p$n.a" "$w/p$n.b"; continue
		fi
		say "    partition $n ($name): differs"
		case "$name" in
		*esp* | *ESP* | *EFI*)
			for x in a b; do
				mkdir -p "$w/esp.$x"
				mcopy -s -n -m -i "$w/p$n.$x" ::/ "$w/esp.$x/" 2>/dev/null || true
			done
			diff -rq "$w/esp.a" "$w/esp.b" | sed "s|$w/esp\.[ab]/||g; s/^/      ESP: /" | tee -a "$report" || true
			;;
		*root-verity* | *verity*)
			say "      (dm-verity hash tree: follows from the root partition and the seed)"
			;;
		*root*)
			for x in a b; do
				mkdir -p "$w/root.$x"
				"$TOP/image/scripts/in-tools.sh" fsck.erofs --extract="$w/root.$x" --no-preserve "$w/p$n.$x" >/dev/null 2>&1 ||
					say "      (fsck.erofs could not extract the $x root)"
				(cd "$w/root.$x" && find . -printf '%p %y %m %U %G %s %l\n' | sort) >"$w/meta.$x"
			done
			diff "$w/meta.a" "$w/meta.b" | grep '^[<>]' | head -n 40 | sed 's/^</      metadata (reference):/; s/^>/      metadata (rebuilt):  /' | tee -a "$report" || true
			diff -rq --no-dereference "$w/root.a" "$w/root.b" 2>/dev/null | head -n 40 |
				sed "s|$w/root\.[ab]||g; s/^/      root: /" | tee -a "$report" || true
			;;
		esac
	done <"$w/gpt.a"
fi

if [ "$diffs" -eq 0 ]; then
	say "reproduced: every artifact of $b is bit-identical to $a"
	exit 0
fi
say "NOT reproduced: $diffs artifact(s) differ (report: $report)"
exit 3
