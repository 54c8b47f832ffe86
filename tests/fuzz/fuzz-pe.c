/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz pe_parse() and the .sdmagic reader over untrusted PE images. */
#include <stdint.h>
#include <stdlib.h>

#include "measure-pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pe_image *pe = malloc(sizeof(*pe));
	struct sd_version v;
	if (!pe)
		return 0;
	if (pe_parse(data, size, pe) == 0) {
		(void)pe_find_section(pe, ".text");
		(void)sd_version_read(pe, data, size, &v);
	}
	free(pe);
	return 0;
}
