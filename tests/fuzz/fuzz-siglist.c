/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the Secure Boot inputs: EFI signature lists / .auth files, the UEFI_VARIABLE_DATA events
 * made from them, and the db lookup (X.509 parsing) against a small fixed PE. */
#include <stdint.h>
#include <stdlib.h>

#include "measure/eventlog/golden.h"
#include "measure/predict/secureboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *lists;
	size_t n;
	struct golden *g;
	struct secureboot_entry e;
	static const uint8_t sha[32];

	if (secureboot_signature_lists(data, size, &lists, &n) < 0)
		return 0;
	g = golden_new();
	if (!g)
		return 0;
	(void)secureboot_variable_event(g, BANK_MASK(BANK_SHA256), "db", true, lists, n);
	/* An unsigned "image" (not a PE): only the SHA-256 entries can match. */
	if (secureboot_find_authority(lists, n, data, size, sha, &e) == 0)
		(void)secureboot_authority_event(g, BANK_MASK(BANK_SHA256), &e);
	golden_free(g);
	return 0;
}
