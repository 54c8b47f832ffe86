/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the UKI reader: sections by stub version, command line, all digests (kernel PE too). */
#include <stdint.h>
#include <stdlib.h>

#include "measure-pe.h"
#include "measure-predict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uki *u = malloc(sizeof(*u));
	struct uki_digests *d = malloc(sizeof(*d));
	char *cmdline = NULL;
	static const uint8_t extra[8] = "07070100";
	if (u && d && uki_parse(data, size, u) == 0) {
		if (uki_cmdline(u, &cmdline) == 0)
			free(cmdline);
		(void)uki_digests_compute(u, data, size, BANK_MASK(BANK_SHA1), extra, sizeof(extra),
					  true, 1, d);
	}
	free(u);
	free(d);
	return 0;
}
