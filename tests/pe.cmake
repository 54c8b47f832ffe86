# SPDX-License-Identifier: LGPL-2.1-or-later
# measure/pe: PE/COFF + Authenticode, UKI sections, GPT, cpio.
bp_unit_test(test-pe unit/test-pe.c LIBS bp_measure)
bp_unit_test(test-uki unit/test-uki.c LIBS bp_measure)
bp_fuzz_target(fuzz-pe fuzz/fuzz-pe.c LIBS bp_measure)
bp_fuzz_target(fuzz-authenticode fuzz/fuzz-authenticode.c LIBS bp_measure)
bp_fuzz_target(fuzz-uki fuzz/fuzz-uki.c LIBS bp_measure)
bp_fuzz_target(fuzz-gpt fuzz/fuzz-gpt.c LIBS bp_measure)
add_executable(pe-gen predict/pe-gen.c)
target_include_directories(pe-gen PRIVATE ${CMAKE_SOURCE_DIR}/helpers)
bp_script_test(test-pe-hash-tools predict/test-pe-hash-tools.sh LABELS interop)
