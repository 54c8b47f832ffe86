#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The verdict of an audit whose rebuild is done (image/scripts/audit.sh runs it last; it can be run
# again on a finished audit folder): compare the release with the rebuild (compare.sh), then, for a
# Secure Boot release, check the release's published signatures against its db certificate
# (secure-boot.sh check). Both run with the audit's own tools tree: AUDIT_DIR/tools, the one the
# rebuild made from the release's packages (or TOOLS_FROM, when the rebuild reused that one), never
# the tools tree of an earlier release build in the outer OUT, which a fresh clone does not have.
# Exit: 0 reproduced and every signature verifies; 3 something differs or a signature does not verify
# (a check ran and found a mismatch: "NOT reproduced" / "NOT trusted"); 1 no mismatch was found but a
# check could not run (tools tree missing, bwrap failing, a file unreadable): the cause is named and
# the release is neither trusted nor refused.
# Usage: audit-verdict.sh RELEASE_DIR AUDIT_DIR   (AUDIT_DIR: OUT/audit of audit.sh)
set -eu
[ $# = 2 ] || { echo "usage: audit-verdict.sh RELEASE_DIR AUDIT_DIR" >&2; exit 2; }
rel=$(cd "$1" 2>/dev/null && pwd) || { echo "audit-verdict.sh: $1 is not a folder" >&2; exit 1; }
a=$(cd "$2" 2>/dev/null && pwd) || { echo "audit-verdict.sh: $2 is not a folder" >&2; exit 1; }
# everything below works in the audit folder, with its tools tree, whatever this shell exported
OUT=$a TOOLS_DIR=${TOOLS_FROM:-$a/tools}
TOOLS_DIR=$(cd "$TOOLS_DIR" 2>/dev/null && pwd || echo "$TOOLS_DIR")
export OUT TOOLS_DIR
. "$(dirname "$0")/lib.sh"

step "compare the release with the rebuild"
set +e
"$TOP/image/scripts/compare.sh" "$rel" "$a/release" "$a/compare"
rc=$?
set -e
case "$rc" in
0 | 3) ;;
*) echo "    the comparison could not be made (compare.sh exited $rc; the cause is above)"; rc=1 ;;
esac
if [ -f "$rel/db.esl" ]; then
	step "Secure Boot signatures of the release vs its db certificate (tools tree $TOOLS)"
	set +e
	"$TOP/image/scripts/secure-boot.sh" check "$rel"
	sbrc=$?
	set -e
	case "$sbrc" in
	0) echo "    every published signature verifies with the published db certificate" ;;
	3)
		echo "NOT trusted: a published signature does not verify with the published db certificate, or is not the one its PE carries (named above)"
		rc=3
		;;
	*)
		echo "the Secure Boot signatures could NOT be checked (secure-boot.sh check exited $sbrc; the cause is above):" \
			"the release is neither trusted nor refused on them"
		[ "$rc" = 3 ] || rc=1
		;;
	esac
fi
exit "$rc"
