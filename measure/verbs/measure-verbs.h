/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verbs of measure/ (main.c's table): each parses its options into a struct, calls one
 * library function of the folders below and prints the result. One file per verb:
 * verb-<name>.c. */
#pragma once

#include "verify-html.h" /* verify --html: the report page (fuzz-report) */

int verb_pe_hash(int argc, char *argv[]);  /* verb-pe-hash.c */
int verb_uki(int argc, char *argv[]);      /* verb-uki.c */
int verb_predict(int argc, char *argv[]);  /* verb-predict.c */
int verb_eventlog(int argc, char *argv[]); /* verb-eventlog.c */
int verb_extend(int argc, char *argv[]);   /* verb-extend.c */
int verb_attest(int argc, char *argv[]);   /* verb-attest.c */
int verb_verify(int argc, char *argv[]);   /* verb-verify.c */
int verb_manifest(int argc, char *argv[]); /* verb-manifest.c */
int verb_seal(int argc, char *argv[]);     /* verb-seal.c */
int verb_bundle(int argc, char *argv[]);   /* verb-bundle.c */
int verb_siglist(int argc, char *argv[]);  /* verb-siglist.c */
int verb_golden(int argc, char *argv[]);   /* verb-golden.c */
