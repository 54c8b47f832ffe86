/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the tpm2_pcrread YAML reader (measure/platform/pcr-yaml.c). */
#include <stdint.h>
#include <stdlib.h>

#include "measure-platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcr_values *v = malloc(sizeof(*v));
	char err[128];

	if (!v)
		abort();
	(void)pcr_yaml_parse(data, size, v, err, sizeof(err));
	free(v);
	return 0;
}
