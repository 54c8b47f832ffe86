/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verbs of measure/ (main.c's table): each parses its options into a struct, calls one
 * library function of pe/, eventlog/, predict/ or attest/ and prints the result. */
#pragma once

int verb_pe_hash(int argc, char *argv[]);  /* verbs-pcr.c */
int verb_uki(int argc, char *argv[]);      /* verbs-pcr.c */
int verb_predict(int argc, char *argv[]);  /* verbs-predict.c */
int verb_eventlog(int argc, char *argv[]); /* verbs-eventlog.c */
int verb_extend(int argc, char *argv[]);   /* verbs-attest.c */
int verb_attest(int argc, char *argv[]);   /* verbs-attest.c */
int verb_verify(int argc, char *argv[]);   /* verbs-attest.c */
int verb_manifest(int argc, char *argv[]); /* verbs-attest.c */
int verb_seal(int argc, char *argv[]);     /* verbs-seal.c */
int verb_bundle(int argc, char *argv[]);   /* verbs-bundle.c */
