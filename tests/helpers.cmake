bp_unit_test(test-helpers unit/test-helpers.c)
bp_fuzz_target(fuzz-json fuzz/fuzz-json.c)
bp_script_test(test-cli cli/test-cli.sh)
bp_script_test(test-source-rules cli/test-source-rules.sh)
