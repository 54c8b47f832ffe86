/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz docker save's manifest.json parser and the reference normaliser on its tags. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docker-exports/docker-manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_manifest *m = NULL;
	char err[256];

	if (docker_manifest_parse(data, size, &m, err, sizeof(err)) < 0)
		return 0;
	for (size_t i = 0; i < m->n_items; i++)
		for (size_t k = 0; k < m->items[i].n_repo_tags; k++) {
			char *t = NULL;
			if (docker_reference_normalize(m->items[i].repo_tags[k], &t) == 0) {
				/* normalising is idempotent */
				char *u = NULL;
				if (docker_reference_normalize(t, &u) < 0 || strcmp(t, u) != 0)
					abort();
				free(u);
			}
			free(t);
		}
	docker_manifest_free(m);
	return 0;
}
