# SPDX-License-Identifier: LGPL-2.1-or-later
# Attestation: TPM structure decoders, quote verification, bundles, runtime measurement, manifests.
bp_unit_test(test-attest unit/test-attest.c LIBS bp_measure)
bp_unit_test(test-attest-runtime unit/test-attest-runtime.c LIBS bp_measure)
# verify on a bundle made by a real TPM (tests/attest/fixture), one case per catalogue reason
bp_unit_test(test-attest-verify unit/test-attest-verify.c LIBS bp_measure)
bp_fuzz_target(fuzz-attest fuzz/fuzz-attest.c LIBS bp_measure)
bp_fuzz_target(fuzz-signature fuzz/fuzz-signature.c LIBS bp_measure)
bp_fuzz_target(fuzz-bundle fuzz/fuzz-bundle.c LIBS bp_measure)
bp_script_test(test-attest-swtpm attest/test-attest-swtpm.sh LABELS interop TIMEOUT 600)
bp_script_test(test-attest-extend-concurrent attest/test-extend-concurrent.sh LABELS interop TIMEOUT 600)
bp_script_test(test-attest-manifest attest/test-manifest-openssl.sh TIMEOUT 300)
bp_script_test(test-verify-rules attest/test-verify-rules.sh LABELS interop TIMEOUT 300)
