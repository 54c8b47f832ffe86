# SPDX-License-Identifier: LGPL-2.1-or-later
# measure/seal: the predicted policy (golden.json "seal") and the LUKS2 token check.
bp_unit_test(test-seal unit/test-seal.c LIBS bp_measure)
bp_script_test(test-seal-tpm seal/test-seal-tpm.sh LABELS interop TIMEOUT 600)
bp_fuzz_target(fuzz-luks fuzz/fuzz-luks.c LIBS bp_measure)
bp_script_test(test-seal-forged seal/test-seal-forged.sh LABELS interop TIMEOUT 300)
bp_fuzz_target(fuzz-tpm2-blob fuzz/fuzz-tpm2-blob.c LIBS bp_measure)
bp_unit_test(test-tpm2-blob unit/test-tpm2-blob.c LIBS bp_measure)
