target_sources(bp_measure PRIVATE verbs/verbs-pcr.c)
target_sources(bp_measure PRIVATE verbs/verbs-eventlog.c)
# eventlog: TCG + systemd logs, replay (parsers get -Wconversion).
target_sources(bp_measure PRIVATE eventlog/tcg-eventlog.c eventlog/systemd-log.c eventlog/replay.c)
set_source_files_properties(eventlog/tcg-eventlog.c eventlog/systemd-log.c
	PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
# predict (pe-hash, uki, predict, golden): its own list in predict.cmake.
include(predict.cmake)
# eventlog: decoding, compare with golden.json, platform profiles.
target_sources(bp_measure PRIVATE eventlog/evlog-decode.c eventlog/eventlog-compare.c eventlog/platform-profile.c)
set_source_files_properties(eventlog/evlog-decode.c eventlog/replay.c eventlog/eventlog-compare.c eventlog/platform-profile.c
	PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
