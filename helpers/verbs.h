/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Git-style verb dispatch and the exit codes of design.md. A verb function gets argv with
 * argv[0] = the verb's name and returns either an exit code (>= 0) or a negative errno for an
 * operational error it has already logged (mapped to exit 1). */
#pragma once

#include <stddef.h>
#include <stdio.h>

enum {
	EXIT_OK = 0,       /* done / verified */
	EXIT_ERROR = 1,    /* operational error: I/O, bad input, crypto failure */
	EXIT_USAGE = 2,    /* bad command line */
	EXIT_MISMATCH = 3, /* verification failed: mismatch, bad signature, tampering */
	/* Not an exit code: a verb's option parser returns it when the verb should go on. */
	VERB_PROCEED = 256,
};

struct verb {
	const char *name;
	int (*run)(int argc, char *argv[]);
	const char *summary; /* one line for the generated usage */
};

/* Runs the verb named argv[0] from the table; unknown verb -> usage listing + EXIT_USAGE.
 * context is the command prefix for messages ("bootproof", "bootproof eventlog"). */
int verb_dispatch(const struct verb *verbs, size_t n_verbs, const char *context, int argc,
		  char *argv[]);
/* A verb made of sub-verbs ("bootproof eventlog show ..."): argv[0] is the verb, argv[1] the
 * sub-verb, dispatched with verb_dispatch() after resetting getopt for it. -h/--help in its
 * place prints help(stdout), or without one "Usage: context COMMAND [ARGS...]" and the table. */
int verb_dispatch_group(const struct verb *verbs, size_t n_verbs, const char *context,
			void (*help)(FILE *f), int argc, char *argv[]);
/* Prints "Usage: context VERB ..." and the verb table to f. */
void verb_print_table(const struct verb *verbs, size_t n_verbs, const char *context, FILE *f);
/* Maps a verb's return value to a process exit code. */
int verb_exit_code(int r);
