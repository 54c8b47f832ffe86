/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the capped JSON parser and the canonical writer: whatever parses must dump and re-parse
 * to the same canonical bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], *a = NULL, *b = NULL;
	size_t na, nb;
	json_t *j = NULL, *k = NULL;

	if (json_parse_capped(data, size, 1u << 20, 32, &j, err, sizeof(err)) < 0)
		return 0;
	if (json_dump_canonical(j, &a, &na) < 0)
		abort();
	if (json_parse_capped(a, na, 1u << 22, 32, &k, err, sizeof(err)) < 0)
		abort();
	if (json_dump_canonical(k, &b, &nb) < 0 || na != nb || memcmp(a, b, na) != 0)
		abort();
	free(a);
	free(b);
	json_decref(j);
	json_decref(k);
	return 0;
}
