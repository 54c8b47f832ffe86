/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz golden_load(): strict parsing of untrusted golden.json, then a store round trip. */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "measure-golden.h"
#include "measure-predict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct golden *g = NULL;
	char err[256];

	/* The platform profile reader takes the same shape. */
	{
		struct golden_bank banks[_BANK_MAX] = {};
		char *name = NULL;
		if (predict_platform_load(data, size, banks, &name, err, sizeof(err)) == 0) {
			golden_banks_clear(banks);
			free(name);
		}
	}
	if (golden_load(data, size, &g, err, sizeof(err)) == 0) {
		json_t *j = NULL;
		if (golden_to_json(g, &j) == 0)
			json_decref(j);
		golden_free(g);
	}
	return 0;
}
