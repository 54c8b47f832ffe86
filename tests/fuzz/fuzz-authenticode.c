/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the Authenticode digest (parse + segment list + hashing) over untrusted PE images. */
#include <stdint.h>

#include "measure-pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t d[_BANK_MAX][DIGEST_MAX];
	(void)authenticode_digest(data, size, BANK_MASK(BANK_SHA256), 1, d);
	return 0;
}
