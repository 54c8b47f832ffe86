target_sources(bp_measure PRIVATE verbs-pcr.c)
target_sources(bp_measure PRIVATE verbs-eventlog.c)
# eventlog: TCG + systemd logs, replay (parsers get -Wconversion).
target_sources(bp_measure PRIVATE tcg-eventlog.c systemd-log.c replay.c)
set_source_files_properties(tcg-eventlog.c systemd-log.c
	PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
# predict (pe-hash, uki, predict, golden): its own list in predict.cmake.
include(predict.cmake)
# eventlog: decoding, compare with golden.json, platform profiles.
target_sources(bp_measure PRIVATE evlog-decode.c eventlog-compare.c platform-profile.c)
set_source_files_properties(evlog-decode.c replay.c eventlog-compare.c platform-profile.c
	PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
