bp_unit_test(test-predict-golden unit/test-predict-golden.c LIBS bp_measure)
bp_fuzz_target(fuzz-golden fuzz/fuzz-golden.c LIBS bp_measure)
# eventlog: real logs against tpm2_eventlog and the shipped YAML.
bp_script_test(test-eventlog-real-logs eventlog/test-real-logs.sh)
