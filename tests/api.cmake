# SPDX-License-Identifier: LGPL-2.1-or-later
# libbootproof (lib/, docs/api.md) and the doors built on it: the Python package (python/).
bp_script_test(test-libbootproof-abi api/test-libbootproof-abi.sh TIMEOUT 120)
bp_script_test(test-verifier-doors api/test-verifier-doors.sh LABELS interop TIMEOUT 900)
bp_script_test(test-report-html api/test-report-html.sh LABELS interop TIMEOUT 600)
bp_fuzz_target(fuzz-report fuzz/fuzz-report.c LIBS bp_measure)
