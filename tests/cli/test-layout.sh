#!/bin/sh
# The layout of measure/ (README "Source layout"):
# 1. layering: a folder includes its own headers, helpers/, and of the folders below it only the
#    interface header measure-<folder>.h;
# 2. functions stay readable: none longer than 80 lines outside tests/cli/long-functions.txt,
#    a list that may only shrink;
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
# Every C function of the tool (measure/, helpers/, docker-exports/, job/) stays within 80 lines,
# except those in tests/cli/long-functions.txt ("file function" a line), a list that may only
# shrink: a listed function that is now 80 lines or shorter (or gone) must leave the list.
ALLOW=tests/cli/long-functions.txt
lengths=$(awk '
/^[a-zA-Z_].*[a-zA-Z_][a-zA-Z0-9_]*\(/ && !/;[ \t]*$/ && !/\[\] = / {
	if (match($0, /[a-zA-Z_][a-zA-Z0-9_]*\(/)) {
		name = substr($0, RSTART, RLENGTH - 1)
		start = FNR
		inside = 1
	}
	next
}
inside && /^}/ {
	printf "%s %s %d\n", FILENAME, name, FNR - start + 1
	inside = 0
}
' $(find measure helpers docker-exports job -name '*.c' | sort) main.c)
long=$(echo "$lengths" | awk '$3 > 80')
listed=$(grep -v '^#' "$ALLOW" | grep -v '^[[:space:]]*$' || true)
over=$(echo "$long" | while read -r f n len; do
	[ -n "$f" ] || continue
	echo "$listed" | grep -qxF "$f $n" || echo "$f $n: $len lines"
done)
if [ -n "$over" ]; then
	echo "FAIL: functions over 80 lines (split them: one step, one function, named for what it" \
		"does; $ALLOW may only shrink):" >&2
	echo "$over" >&2
	fail=1
fi
stale=$(echo "$listed" | while read -r f n; do
	[ -n "$f" ] || continue
	echo "$long" | awk -v f="$f" -v n="$n" '$1 == f && $2 == n { found = 1 } END { exit !found }' ||
		echo "$f $n"
done)
if [ -n "$stale" ]; then
	echo "FAIL: listed in $ALLOW but no longer over 80 lines (or gone): remove the line:" >&2
	echo "$stale" >&2
	fail=1
fi
[ $fail = 0 ] && echo "measure/ layering, test includes and function length: ok"
exit $fail
