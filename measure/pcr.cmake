target_sources(bp_measure PRIVATE verbs-pcr.c)
