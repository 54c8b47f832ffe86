# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 16: checks that could not run exit 1 naming the cause, mismatches exit 3 (image/scripts,
# tests/cloud/release-check.sh), with real tools and no image build.
bp_script_test(test-check-exit-codes checks/test-check-exit-codes.sh TIMEOUT 300)
# Issue 17: a release in out/ made with other settings (a PLATFORM=qemu release for tests/run's
# PLATFORM=all) is rebuilt, not reused (Makefile.images, image/scripts/release-state.sh); no build.
bp_script_test(test-release-state checks/test-release-state.sh TIMEOUT 120)
