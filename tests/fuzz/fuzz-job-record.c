/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the job record parser (measure/attest/job-record.h) and the release's container list
 * reader (job-verify.h): a record that parses formats back to the same string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure-attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job_release *rel = NULL;
	struct job_record r;
	char err[300], *s, *back = NULL;

	if (job_release_parse(data, size, &rel, err, sizeof(err)) == 0)
		job_release_free(rel);
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (job_record_parse(s, &r) == 0) {
		if (job_record_format(&r, &back) < 0 || strcmp(back, s) != 0)
			abort();
		free(back);
	}
	free(s);
	return 0;
}
