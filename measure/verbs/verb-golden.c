/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `golden diff`: which PCR and which event of two golden manifests differ, for the audit's
 * comparison of a release with its rebuild (image/scripts/compare.sh). Both files are read with
 * golden/'s loader (golden_load_file, fuzz-golden): a file that is not a golden manifest is
 * refused (exit 1) instead of being walked blindly. */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexstr.h"
#include "log.h"
#include "macro.h"
#include "measure-golden.h"
#include "measure-verbs.h"
#include "verbs.h"

/* Events shown from the first one that differs, per side. */
#define DIFF_EVENTS_SHOWN 3u

static void help_golden(FILE *f)
{
	fprintf(f,
		"Usage: bootproof golden diff REFERENCE REBUILT\n"
		"\n"
		"Compares two golden manifests PCR by PCR: for every PCR of REFERENCE whose value differs\n"
		"in REBUILT (or is absent there), bank by bank, one line\n"
		"    PCR N (BANK): VALUE (reference) != VALUE (rebuilt)\n"
		"then up to %u events of each side from the first event that differs, as\n"
		"      event (reference): [\"DESCRIPTION\",\"DIGEST\"]\n"
		"      event (rebuilt):   [\"DESCRIPTION\",\"DIGEST\"]\n"
		"Exit 0: every PCR value is the same; 3: some differ; 1: a file is not a golden manifest.\n"
		"\n"
		"Options:\n"
		"  -h --help          show this help\n",
		DIFF_EVENTS_SHOWN);
}

/* A PCR with no value (format 2) reads "null" on the reference side and "absent" on the rebuilt
 * side, as compare.sh's report has always said. */
static void value_text(const struct golden_pcr *p, enum bank b, const char *none,
		       char buf[2 * DIGEST_MAX + 1])
{
	if (p->no_value)
		snprintf(buf, 2 * DIGEST_MAX + 1, "%s", none);
	else
		hex_encode(p->value, bank_size(b), buf);
}

static bool same_event(const struct golden_event *x, const struct golden_event *y, enum bank b)
{
	return strcmp(x->description, y->description) == 0 &&
	       memcmp(x->digest, y->digest, bank_size(b)) == 0;
}

/* One event as a compact JSON pair [description, digest] after label. */
static int print_event(const char *label, const struct golden_event *e, enum bank b)
{
	char hex[2 * DIGEST_MAX + 1];
	_cleanup_(json_decrefp) json_t *pair = NULL;
	_cleanup_(freep) char *s = NULL;

	hex_encode(e->digest, bank_size(b), hex);
	pair = json_pack("[ss]", e->description, hex);
	s = pair ? json_dumps(pair, JSON_COMPACT) : NULL;
	if (!s)
		return log_error_errno(-ENOMEM, "golden diff");
	printf("      %s %s\n", label, s);
	return 0;
}

/* The events of both sides from the first one that differs. */
static int print_events(const struct golden_pcr *pa, const struct golden_pcr *pb, enum bank b)
{
	size_t i = 0, nb = pb ? pb->n_events : 0;
	int r;

	while (i < pa->n_events && i < nb && same_event(&pa->events[i], &pb->events[i], b))
		i++;
	for (size_t k = i; k < pa->n_events && k < i + DIFF_EVENTS_SHOWN; k++)
		if ((r = print_event("event (reference):", &pa->events[k], b)) < 0)
			return r;
	for (size_t k = i; k < nb && k < i + DIFF_EVENTS_SHOWN; k++)
		if ((r = print_event("event (rebuilt):  ", &pb->events[k], b)) < 0)
			return r;
	return 0;
}

/* Every PCR of a's banks against b's; *ret_differs counts the PCRs that differ. */
static int diff_banks(const struct golden *a, const struct golden *b, unsigned *ret_differs)
{
	for (enum bank k = 0; k < _BANK_MAX; k++) {
		if (!a->banks[k].present)
			continue;
		for (unsigned i = 0; i < GOLDEN_PCR_MAX; i++) {
			const struct golden_pcr *pa = &a->banks[k].pcrs[i], *pb = &b->banks[k].pcrs[i];
			char va[2 * DIGEST_MAX + 1], vb[2 * DIGEST_MAX + 1] = "absent";
			int r;

			if (!pa->present)
				continue;
			if (!b->banks[k].present || !pb->present)
				pb = NULL;
			value_text(pa, k, "null", va);
			if (pb)
				value_text(pb, k, "absent", vb);
			if (strcmp(va, vb) == 0)
				continue;
			(*ret_differs)++;
			printf("    PCR %u (%s): %s (reference) != %s (rebuilt)\n", i, bank_name(k), va, vb);
			r = print_events(pa, pb, k);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int verb_diff(int argc, char *argv[])
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {}};
	_cleanup_(golden_freep) struct golden *a = NULL;
	_cleanup_(golden_freep) struct golden *b = NULL;
	char err[512] = "";
	unsigned differs = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
		if (c != 'h')
			return EXIT_USAGE;
		help_golden(stdout);
		return EXIT_OK;
	}
	if (optind + 2 != argc) {
		log_error("golden diff: expected REFERENCE and REBUILT");
		help_golden(stderr);
		return EXIT_USAGE;
	}
	for (int i = 0; i < 2; i++) {
		r = golden_load_file(argv[optind + i], i ? &b : &a, err, sizeof(err));
		if (r < 0) {
			log_error("golden diff: %s: %s", argv[optind + i], err[0] ? err : strerror(-r));
			return EXIT_ERROR;
		}
	}
	r = diff_banks(a, b, &differs);
	if (r < 0)
		return EXIT_ERROR;
	if (fflush(stdout) != 0)
		return log_error_errno(-EIO, "golden diff: cannot write output");
	return differs ? EXIT_MISMATCH : EXIT_OK;
}

static const struct verb golden_verbs[] = {
	{"diff", verb_diff, "which PCR and event of two golden manifests differ"},
};

int verb_golden(int argc, char *argv[])
{
	return verb_dispatch_group(golden_verbs, ARRAY_SIZE(golden_verbs), "bootproof golden",
				   help_golden, argc, argv);
}
