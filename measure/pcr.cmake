target_sources(bp_measure PRIVATE verbs-pcr.c)
target_sources(bp_measure PRIVATE verbs-eventlog.c)
target_sources(bp_measure PRIVATE golden.c)
# eventlog: TCG + systemd logs, replay (parsers get -Wconversion).
target_sources(bp_measure PRIVATE tcg-eventlog.c systemd-log.c replay.c)
set_source_files_properties(tcg-eventlog.c systemd-log.c
	PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_sources(bp_measure PRIVATE pe.c authenticode.c predict-hash.c)
set_source_files_properties(pe.c authenticode.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_sources(bp_measure PRIVATE uki.c)
set_source_files_properties(uki.c PROPERTIES COMPILE_OPTIONS "${BOOTPROOF_PARSER_FLAGS}")
target_sources(bp_measure PRIVATE predict-io.c)
target_sources(bp_measure PRIVATE predict-uki.c)
target_sources(bp_measure PRIVATE verbs-predict.c)
