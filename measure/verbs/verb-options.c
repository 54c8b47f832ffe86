/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Option values of the verbs; see verb-options.h. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "hexstr.h"
#include "log.h"
#include "measure-attest.h"
#include "verb-options.h"
#include "verbs.h"

int pcr_list_parse(const char *s, uint32_t *ret_mask)
{
	uint32_t mask = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		char *end;
		unsigned long a, b;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		a = strtoul(p, &end, 10);
		b = a;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			b = strtoul(p, &end, 10);
		}
		if (a > b || b >= TPM2_PCR_COUNT)
			return -EINVAL;
		for (unsigned long i = a; i <= b; i++)
			mask |= 1u << i;
		p = end;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -EINVAL;
	}
	*ret_mask = mask;
	return 0;
}

/* --nonce HEX: 1..BUNDLE_MAX_NONCE bytes; replaces an earlier one. Logs a usage error. */
int parse_nonce(const char *verb, const char *arg, uint8_t **nonce, size_t *size)
{
	free(*nonce);
	*nonce = NULL;
	if (hex_decode_alloc(arg, BUNDLE_MAX_NONCE, nonce, size) < 0 || *size == 0) {
		log_error("%s: --nonce must be 1-%u bytes of lowercase hex", verb, BUNDLE_MAX_NONCE);
		return -EINVAL;
	}
	return 0;
}

json_t *digests_json(const uint8_t d[_BANK_MAX][DIGEST_MAX], unsigned mask)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	FOREACH_BANK(b, mask) {
		char hex[2 * DIGEST_MAX + 1];
		hex_encode(d[b], bank_size(b), hex);
		if (json_object_set_new(o, bank_name(b), json_string(hex)) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The options pe-hash and uki share. */
enum { ARG_BANK = 0x100, ARG_JSON };
static const struct option bank_json_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"bank", required_argument, NULL, ARG_BANK},
	{"banks", required_argument, NULL, ARG_BANK},
	{"json", no_argument, NULL, ARG_JSON},
	{},
};

/* --bank LIST and --json of verb; returns VERB_PROCEED or the exit code to end with. */
int parse_bank_json_options(int argc, char *argv[], const char *verb,
				   void (*help)(FILE *f), unsigned *mask, bool *json)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", bank_json_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help(stdout);
			return EXIT_OK;
		case ARG_BANK:
			if (bank_mask_parse(optarg, mask) < 0) {
				log_error("%s: unknown bank in '%s'", verb, optarg);
				return EXIT_USAGE;
			}
			break;
		case ARG_JSON:
			*json = true;
			break;
		default:
			help(stderr);
			return EXIT_USAGE;
		}
	return VERB_PROCEED;
}
