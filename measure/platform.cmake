# SPDX-License-Identifier: LGPL-2.1-or-later
# Cloud platform targets (issue 11): PCR status rules, target profiles, tpm2_pcrread YAML values.
target_sources(bp_measure PRIVATE pcr-status.c platform-status.c platform-target.c pcr-yaml.c verbs-platform.c)
set_source_files_properties(pcr-yaml.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
