/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb dispatch; see verbs.h. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "verbs.h"

void verb_print_table(const struct verb *verbs, size_t n_verbs, const char *context, FILE *f)
{
	fprintf(f, "\nCommands of %s:\n", context);
	for (size_t i = 0; i < n_verbs; i++)
		fprintf(f, "  %-12s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nRun '%s COMMAND --help' for a command's options.\n", context);
}

int verb_dispatch(const struct verb *verbs, size_t n_verbs, const char *context, int argc,
		  char *argv[])
{
	if (argc < 1 || !argv[0]) {
		log_error("%s: missing command", context);
		verb_print_table(verbs, n_verbs, context, stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n_verbs; i++)
		if (strcmp(argv[0], verbs[i].name) == 0)
			return verbs[i].run(argc, argv);
	log_error("%s: unknown command '%s'", context, argv[0]);
	verb_print_table(verbs, n_verbs, context, stderr);
	return EXIT_USAGE;
}

int verb_dispatch_group(const struct verb *verbs, size_t n_verbs, const char *context,
			void (*help)(FILE *f), int argc, char *argv[])
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		if (help)
			help(stdout);
		else {
			printf("Usage: %s COMMAND [ARGS...]\n", context);
			verb_print_table(verbs, n_verbs, context, stdout);
		}
		return EXIT_OK;
	}
	optind = 0;
	return verb_dispatch(verbs, n_verbs, context, argc - 1, argv + 1);
}

int verb_exit_code(int r)
{
	if (r < 0)
		return EXIT_ERROR;
	if (r > EXIT_MISMATCH)
		return EXIT_ERROR;
	return r;
}
