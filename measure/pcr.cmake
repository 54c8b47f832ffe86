target_sources(bp_measure PRIVATE verbs-pcr.c)
target_sources(bp_measure PRIVATE verbs-eventlog.c)
target_sources(bp_measure PRIVATE golden.c)
