# SPDX-License-Identifier: LGPL-2.1-or-later
# measure/eventlog: TCG and systemd logs; parsers, replay and decoding on synthetic logs, real
# logs against tpm2_eventlog and the shipped YAML (corpora in fuzz/corpus/fuzz-eventlog,
# fuzz/corpus/fuzz-jsonseq).
bp_unit_test(test-eventlog unit/test-eventlog.c lib/evlog-builder.c LIBS bp_measure)
bp_fuzz_target(fuzz-eventlog fuzz/fuzz-eventlog.c LIBS bp_measure)
bp_fuzz_target(fuzz-jsonseq fuzz/fuzz-jsonseq.c LIBS bp_measure)
bp_script_test(test-eventlog-cli eventlog/test-cli-eventlog.sh)
bp_script_test(test-eventlog-real-logs eventlog/test-real-logs.sh)
