# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16: checks that could not run exit 1 naming the cause, mismatches exit 3 (image/scripts,
# tests/cloud/release-check.sh), with real tools and no image build.
bp_script_test(test-check-exit-codes checks/test-check-exit-codes.sh TIMEOUT 300)
