/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the archive walker (outer tar, wrapper filters, compressed entries, layer tar scan)
 * and the verification of its views (manifest.json, index.json, configs, links). */
#include <stdint.h>
#include <stdlib.h>

#include "docker-exports/docker-archive.h"
#include "docker-exports/image-id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct docker_read_options o = {.threaded = false};
	struct docker_archive *a = NULL;
	struct docker_image_set *s = NULL;
	struct docker_diag diag;

	if (size > (4u << 20))
		return 0;
	if (docker_archive_read_memory(data, size, "fuzz.tar", &o, &a, &diag) < 0)
		return 0;
	if (docker_image_set_new(&s) == 0) {
		(void)docker_images_from_archive(a, s, &diag);
		docker_image_set_free(s);
	}
	docker_archive_free(a);
	return 0;
}
