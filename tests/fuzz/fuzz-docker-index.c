/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the OCI index / manifest parsers (index.json, nested indexes, image manifests). */
#include <stdint.h>
#include <stdlib.h>

#include "docker-exports/docker-manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_index *x = NULL;
	struct oci_manifest *m = NULL;
	char err[256];

	(void)oci_document_kind(data, size);
	if (oci_index_parse(data, size, &x, err, sizeof(err)) == 0)
		oci_index_free(x);
	if (oci_manifest_parse(data, size, &m, err, sizeof(err)) == 0)
		oci_manifest_free(m);
	return 0;
}
