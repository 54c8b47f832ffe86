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
