# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The helpers every shell test shares (sourced): how a test fails, skips and checks its tools.
# ctest (bp_script_test in tests/CMakeLists.txt) reads the exit code: 0 pass, 77 skipped, else failed.
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
# CMD...: each is installed, else the test is skipped naming it (and DEPS_LIST, the tests/deps/*.list
# that installs it, when the test sets one)
need() {
	for _t in "$@"; do
		command -v "$_t" >/dev/null 2>&1 || skip "$_t is not installed${DEPS_LIST:+ ($DEPS_LIST)}"
	done
}
