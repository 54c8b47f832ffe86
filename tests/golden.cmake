# SPDX-License-Identifier: LGPL-2.1-or-later
# measure/golden: golden.json load and store, PCR status and judging, compare.
bp_unit_test(test-golden unit/test-golden.c LIBS bp_measure)
bp_fuzz_target(fuzz-golden fuzz/fuzz-golden.c LIBS bp_measure)
