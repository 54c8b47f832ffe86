# SPDX-License-Identifier: LGPL-2.1-or-later
# Attestation part of bp_measure: TPM structures, quote verification, bundles, runtime measurement,
# release-file signatures.
set(BP_ATTEST_PARSERS tpm2-attest.c bundle.c)
target_sources(bp_measure PRIVATE
	verbs-attest.c
	${BP_ATTEST_PARSERS}
	quote-verify.c
	attest-verify.c
	credential.c
	runtime-measure.c
	manifest-sign.c
	tpm2-esys.c)
set_source_files_properties(${BP_ATTEST_PARSERS} PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
