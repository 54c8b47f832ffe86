/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the bundle.json strict loader (schema in measure/attest/bundle.h): whatever loads must write back
 * and load again to the same content. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "measure-attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle *b = NULL, *c = NULL;
	json_t *j = NULL;
	char err[256], *text = NULL;
	size_t len;

	if (bundle_parse(data, size, &b, err, sizeof(err)) < 0)
		return 0;
	if (bundle_to_json(b, &j) < 0 || json_dump_canonical(j, &text, &len) < 0 ||
	    bundle_parse((const uint8_t *)text, len, &c, err, sizeof(err)) < 0)
		abort();
	if (c->nonce_size != b->nonce_size || c->attest.size != b->attest.size ||
	    memcmp(&c->pcrs, &b->pcrs, sizeof(b->pcrs)) != 0)
		abort();
	free(text);
	json_decref(j);
	bundle_free(b);
	bundle_free(c);
	return 0;
}
