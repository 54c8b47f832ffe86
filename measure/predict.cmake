# SPDX-License-Identifier: LGPL-2.1-or-later
# pe-hash, uki, predict, golden.json (parsers of untrusted bytes get -Wconversion).
target_sources(bp_measure PRIVATE golden.c)
target_sources(bp_measure PRIVATE pe.c authenticode.c predict-hash.c)
set_source_files_properties(pe.c authenticode.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_sources(bp_measure PRIVATE uki.c)
set_source_files_properties(uki.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_sources(bp_measure PRIVATE predict-io.c)
target_sources(bp_measure PRIVATE predict-uki.c)
target_sources(bp_measure PRIVATE verbs-predict.c)
target_sources(bp_measure PRIVATE predict.c gpt.c cpio.c secureboot.c)
set_source_files_properties(gpt.c secureboot.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
# sealing policy (PolicyPCR over golden values) and the LUKS2 token check
target_sources(bp_measure PRIVATE seal-policy.c)
target_sources(bp_measure PRIVATE luks-token.c verbs-seal.c)
set_source_files_properties(luks-token.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
