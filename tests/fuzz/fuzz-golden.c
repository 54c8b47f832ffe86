/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz golden_load(): strict parsing of untrusted golden.json, then a store round trip. */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "measure-golden.h"
#include "measure-platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct golden *g = NULL;
	char err[256];

	/* The platform profile reader (predict --platform) takes the same shape. */
	{
		struct platform_profile *p = NULL;
		if (platform_profile_load(data, size, &p, err, sizeof(err)) == 0)
			platform_profile_free(p);
	}
	if (golden_load(data, size, &g, err, sizeof(err)) == 0) {
		json_t *j = NULL;
		if (golden_to_json(g, &j) == 0)
			json_decref(j);
		golden_free(g);
	}
	return 0;
}
