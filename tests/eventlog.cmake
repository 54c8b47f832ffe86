# eventlog: real logs against tpm2_eventlog and the shipped YAML.
bp_script_test(test-eventlog-real-logs eventlog/test-real-logs.sh)
# predict: its own list in predict/predict.cmake.
include(predict/predict.cmake)
# eventlog: parsers, replay, compare, profile and decoding on synthetic logs.
bp_unit_test(test-eventlog unit/test-eventlog.c lib/evlog-builder.c LIBS bp_measure)
# eventlog: fuzz targets (corpora in fuzz/corpus/fuzz-eventlog, fuzz/corpus/fuzz-jsonseq).
bp_fuzz_target(fuzz-eventlog fuzz/fuzz-eventlog.c LIBS bp_measure)
bp_fuzz_target(fuzz-jsonseq fuzz/fuzz-jsonseq.c LIBS bp_measure)
bp_script_test(test-eventlog-cli eventlog/test-cli-eventlog.sh)
# Cloud platforms (issue 11): PCR status rules, GCE PCR 0, EBS retry, tpm2_pcrread YAML.
bp_unit_test(test-platform-status unit/test-platform-status.c lib/evlog-builder.c LIBS bp_measure)
bp_fuzz_target(fuzz-pcr-yaml fuzz/fuzz-pcr-yaml.c LIBS bp_measure)
bp_script_test(test-platform-profiles eventlog/test-platform-profiles.sh)
bp_script_test(test-verify-rules attest/test-verify-rules.sh LABELS interop TIMEOUT 300)
