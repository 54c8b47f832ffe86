# eventlog: real logs against tpm2_eventlog and the shipped YAML.
bp_script_test(test-eventlog-real-logs eventlog/test-real-logs.sh)
# predict: its own list in predict/predict.cmake.
include(predict/predict.cmake)
