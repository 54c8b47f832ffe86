# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian package: reproducible build, lintian, man pages, completion, and installation into
# clean Debian 12 and 13 systems (mmdebstrap, from the Debian mirror). It builds its own
# unsanitized package, so it runs once: not again in the sanitizer build of tests/run.
if(BOOTPROOF_SANITIZE STREQUAL "")
	bp_script_test(test-deb deb/test-deb.sh LABELS "interop;deb" TIMEOUT 1500)
endif()
