/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the image config parser (rootfs.diff_ids, platform). */
#include <stdint.h>
#include <stdlib.h>

#include "docker-exports/docker-manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_config *c = NULL;
	char err[256];

	if (docker_config_parse(data, size, &c, err, sizeof(err)) == 0)
		docker_config_free(c);
	return 0;
}
