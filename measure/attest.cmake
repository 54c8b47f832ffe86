target_sources(bp_measure PRIVATE verbs-attest.c)
target_link_libraries(bp_measure PUBLIC PkgConfig::TSS2)
