# SPDX-License-Identifier: LGPL-2.1-or-later
# pe-hash, uki, predict, golden.json (parsers of untrusted bytes get -Wconversion).
target_sources(bp_measure PRIVATE eventlog/golden.c)
target_sources(bp_measure PRIVATE pe/pe.c pe/authenticode.c pe/predict-hash.c)
set_source_files_properties(pe/pe.c pe/authenticode.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_sources(bp_measure PRIVATE pe/uki.c)
set_source_files_properties(pe/uki.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_sources(bp_measure PRIVATE pe/predict-io.c)
target_sources(bp_measure PRIVATE predict/predict-uki.c)
target_sources(bp_measure PRIVATE verbs/verbs-predict.c)
target_sources(bp_measure PRIVATE predict/predict.c pe/gpt.c pe/cpio.c predict/secureboot.c)
set_source_files_properties(pe/gpt.c predict/secureboot.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
