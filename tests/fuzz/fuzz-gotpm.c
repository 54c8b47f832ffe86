/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the go-tpm-tools Attestation protobuf reader and its conversion into a bundle
 * (measure/attest/gotpm-import.h): views stay inside the input; a converted bundle writes out
 * and loads back with the strict bundle loader. */
#include <stdint.h>
#include <stdlib.h>

#include "measure-attest.h"
#include "json.h"

static void check_view(const struct gotpm_view *v, const uint8_t *data, size_t size)
{
	if (v->present && (v->data < data || v->size > size || v->data + v->size > data + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gotpm_attestation a;
	struct bundle *b, *c = NULL;
	json_t *j = NULL;
	char err[300], *text = NULL;
	size_t len;

	if (gotpm_attestation_parse(data, size, &a, err, sizeof(err)) < 0)
		return 0;
	check_view(&a.ak_pub, data, size);
	check_view(&a.event_log, data, size);
	for (size_t i = 0; i < a.n_quotes; i++)
		for (unsigned p = 0; p < 24; p++)
			check_view(&a.quotes[i].pcr[p], data, size);
	/* One bank's quote ("quote") and every bank's ("quotes"). */
	static const int banks[] = {BANK_SHA256, -1};
	for (size_t i = 0; i < ARRAY_SIZE(banks); i++) {
		int bank = banks[i];

		b = bundle_new();
		if (!b)
			abort();
		if (gotpm_to_bundle(&a, bank, b, err, sizeof(err)) == 0) {
			if (bundle_to_json(b, &j) < 0 || json_dump_canonical(j, &text, &len) < 0)
				abort();
			/* the strict loader may refuse what the importer passed through unchecked
			 * (an empty PCR set), never crash on it */
			bundle_parse((const uint8_t *)text, len, &c, err, sizeof(err));
		}
		free(text);
		json_decref(j);
		bundle_free(b);
		bundle_free(c);
		text = NULL;
		j = NULL;
		b = c = NULL;
	}
	return 0;
}
