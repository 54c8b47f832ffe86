# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of pe-hash, uki, predict and golden.json.
bp_unit_test(test-predict-golden unit/test-predict-golden.c LIBS bp_measure)
bp_fuzz_target(fuzz-golden fuzz/fuzz-golden.c LIBS bp_measure)
