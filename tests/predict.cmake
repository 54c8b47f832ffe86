# SPDX-License-Identifier: LGPL-2.1-or-later
# measure/predict: the boot-chain model, Secure Boot PCR 7, predict from files.
bp_unit_test(test-predict unit/test-predict.c LIBS bp_measure)
bp_unit_test(test-sb-verify unit/test-sb-verify.c LIBS bp_measure)
# predict from files, and the refusals of predict_run() no other test reaches
bp_unit_test(test-predict-files unit/test-predict-files.c LIBS bp_measure)
bp_fuzz_target(fuzz-siglist fuzz/fuzz-siglist.c LIBS bp_measure)
bp_fuzz_target(fuzz-sb-verify fuzz/fuzz-sb-verify.c LIBS bp_measure)
bp_script_test(test-predict-tools predict/test-predict-tools.sh LABELS interop)
bp_script_test(test-predict-secureboot predict/test-predict-secureboot.sh LABELS interop)
bp_script_test(test-predict-sb-verify predict/test-predict-sb-verify.sh LABELS interop)
bp_script_test(test-predict-tpm2 predict/test-predict-tpm2.sh LABELS interop)
# predict's Secure Boot verdict on any PE (test-sb-firmware-cases.sh, tests/boot/sb-firmware-verdicts.sh)
add_executable(sbv-check predict/sbv-check.c)
target_link_libraries(sbv-check PRIVATE bp_measure)
target_include_directories(sbv-check PRIVATE ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/helpers)
bp_script_test(test-sb-firmware-cases predict/test-sb-firmware-cases.sh LABELS interop)
