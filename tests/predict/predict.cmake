# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of pe-hash, uki, predict and golden.json.
bp_unit_test(test-predict-golden unit/test-predict-golden.c LIBS bp_measure)
bp_fuzz_target(fuzz-golden fuzz/fuzz-golden.c LIBS bp_measure)
bp_unit_test(test-pe unit/test-pe.c LIBS bp_measure)
bp_fuzz_target(fuzz-pe fuzz/fuzz-pe.c LIBS bp_measure)
bp_fuzz_target(fuzz-authenticode fuzz/fuzz-authenticode.c LIBS bp_measure)
bp_fuzz_target(fuzz-uki fuzz/fuzz-uki.c LIBS bp_measure)
add_executable(pe-gen predict/pe-gen.c)
target_include_directories(pe-gen PRIVATE ${CMAKE_SOURCE_DIR}/helpers)
bp_script_test(test-pe-hash-tools predict/test-pe-hash-tools.sh LABELS interop)
bp_script_test(test-predict-tools predict/test-predict-tools.sh LABELS interop)
bp_script_test(test-predict-secureboot predict/test-predict-secureboot.sh LABELS interop)
bp_unit_test(test-uki unit/test-uki.c LIBS bp_measure)
