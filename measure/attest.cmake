# SPDX-License-Identifier: LGPL-2.1-or-later
# Attestation part of bp_measure: TPM structures, quote verification, bundles, runtime measurement,
# release-file signatures.
set(BP_ATTEST_PARSERS attest/tpm2-attest.c attest/bundle.c)
target_sources(bp_measure PRIVATE
	verbs/verbs-attest.c
	${BP_ATTEST_PARSERS}
	attest/quote-verify.c
	attest/attest-verify.c
	attest/credential.c
	attest/runtime-measure.c
	attest/manifest-sign.c
	attest/tpm2-esys.c)
set_source_files_properties(${BP_ATTEST_PARSERS} PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_link_libraries(bp_measure PUBLIC PkgConfig::TSS2)
