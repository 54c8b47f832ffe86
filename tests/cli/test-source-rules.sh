#!/bin/sh
# Banned functions (style.md 9.5): unbounded string functions and unchecked number parsing.
set -eu
cd "${BOOTPROOF_SOURCE_DIR:?}"
pattern='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets|alloca)[[:space:]]*\('
if grep -rEn --include='*.c' --include='*.h' "$pattern" helpers measure docker-exports job main.c tests/lib tests/unit tests/fuzz 2>/dev/null; then
	echo "FAIL: banned function used (see above)" >&2
	exit 1
fi
echo "ok"
