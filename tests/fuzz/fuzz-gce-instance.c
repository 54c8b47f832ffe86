/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the GCE instance extension decoder (measure/attest/ak-cert.h): whatever decodes holds
 * NUL-terminated printable strings within the cap and 63-bit integers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure-attest.h"

static void check_string(const char *s)
{
	size_t n = strnlen(s, GCE_INSTANCE_MAX_STRING + 1);

	if (n > GCE_INSTANCE_MAX_STRING)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gce_instance_info g;
	char err[200];

	if (gce_instance_info_parse(data, size, &g, err, sizeof(err)) < 0)
		return 0;
	check_string(g.zone);
	check_string(g.project_id);
	check_string(g.instance_name);
	if (g.project_number > INT64_MAX || g.instance_id > INT64_MAX ||
	    g.security_version > INT64_MAX)
		abort();
	return 0;
}
