#!/bin/sh
# The layout of measure/ (README "Source layout"):
# 1. layering: a folder includes its own headers, helpers/, and of the folders below it only the
#    interface header measure-<folder>.h;
# 2. verbs stay readable: no function in the verb files is longer than 80 lines;
# 3. unit tests and fuzz targets include only the interface headers measure-<folder>.h.
set -eu
cd "${BOOTPROOF_SOURCE_DIR:?}"
fail=0

# folder: the folders it may use
allowed() {
	case $1 in
	pe | eventlog | seal) echo "" ;;
	golden) echo "eventlog seal" ;;
	platform) echo "golden eventlog seal" ;;
	predict) echo "pe golden platform eventlog seal" ;;
	attest) echo "golden eventlog seal" ;;
	verbs) echo "pe eventlog seal golden platform predict attest" ;;
	*) echo "?" ;;
	esac
}

for dir in measure/*/; do
	folder=$(basename "$dir")
	if [ "$(allowed "$folder")" = "?" ]; then
		echo "FAIL: measure/$folder is not in the layering (add it to allowed())" >&2
		fail=1
		continue
	fi
	if [ ! -f "$dir/measure-$folder.h" ]; then
		echo "FAIL: measure/$folder has no interface header measure-$folder.h" >&2
		fail=1
	fi
	for src in "$dir"*.c "$dir"*.h; do
		[ -e "$src" ] || continue
		for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$src"); do
			[ -e "$dir$inc" ] && continue
			[ -e "helpers/$inc" ] && continue
			ok=0
			for lower in $(allowed "$folder"); do
				[ "$inc" = "measure-$lower.h" ] && ok=1
			done
			if [ $ok = 0 ]; then
				owner=$(cd measure && ls -- */"$inc" 2>/dev/null | head -n1)
				echo "FAIL: $src includes \"$inc\" (${owner:-not found}): measure/$folder may use" \
					"its own headers, helpers/ and measure-X.h of: $(allowed "$folder")" >&2
				fail=1
			fi
		done
	done
done

# Tests see a folder through its interface, as the folders above it do.
for src in tests/unit/*.c tests/fuzz/*.c; do
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$src"); do
		base=${inc##*/}
		case $base in measure-*.h) continue ;; esac
		if [ -n "$(cd measure && ls -- */"$base" 2>/dev/null)" ]; then
			echo "FAIL: $src includes \"$inc\": tests include measure-<folder>.h only" >&2
			fail=1
		fi
	done
done

# Function length: from a definition's first line (column 0) to its closing brace (column 0).
long=$(awk '
/^[a-zA-Z_].*[a-zA-Z_][a-zA-Z0-9_]*\(/ && !/;[ \t]*$/ && !/\[\] = / {
	if (match($0, /[a-zA-Z_][a-zA-Z0-9_]*\(/)) {
		name = substr($0, RSTART, RLENGTH - 1)
		start = FNR
		inside = 1
	}
	next
}
inside && /^}/ {
	if (FNR - start + 1 > 80)
		printf "%s:%d %s: %d lines\n", FILENAME, start, name, FNR - start + 1
	inside = 0
}
' measure/verbs/*.c docker-exports/verb-containers.c job/verb-job.c)
if [ -n "$long" ]; then
	echo "FAIL: verb functions over 80 lines (parse options into a struct, call one library" \
		"function, print):" >&2
	echo "$long" >&2
	fail=1
fi
[ $fail = 0 ] && echo "measure/ layering, test includes and verb length: ok"
exit $fail
