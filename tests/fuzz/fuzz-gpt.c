/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz gpt_read(): GPT header + entry array of an untrusted disk image (512 and 4096-byte
 * sectors). */
#include <stdint.h>

#include "measure-pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpt g;
	if (gpt_read(data, size, 0, &g) == 0)
		gpt_done(&g);
	return 0;
}
