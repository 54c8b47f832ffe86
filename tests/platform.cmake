# SPDX-License-Identifier: LGPL-2.1-or-later
# measure/platform: per-target PCR rules, GCE PCR 0, EBS retry, tpm2_pcrread YAML, profiles.
bp_unit_test(test-platform unit/test-platform.c lib/evlog-builder.c LIBS bp_measure)
# the per-target PCR rules against image/platform/README.md and hashlib values
bp_unit_test(test-platform-target unit/test-platform-target.c LIBS bp_measure)
bp_fuzz_target(fuzz-pcr-yaml fuzz/fuzz-pcr-yaml.c LIBS bp_measure)
bp_script_test(test-platform-profiles eventlog/test-platform-profiles.sh)
