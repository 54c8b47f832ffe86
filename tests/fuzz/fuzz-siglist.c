/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the Secure Boot inputs: EFI signature lists / .auth files, the UEFI_VARIABLE_DATA events
 * made from them, and the db/dbx lookup predict does for an unsigned image (sbv_verify_table
 * without a certificate table; its SHA-256 Authenticode digest is all zeros, so only the
 * EFI_CERT_SHA256 entries can match), with the authority event of the entry that allows it.
 * Signed images and the X.509 lookups: fuzz-sb-verify. */
#include <stdint.h>
#include <stdlib.h>

#include "measure-golden.h"
#include "measure-predict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t digests[_BANK_MAX][DIGEST_MAX];
	struct sbv_databases dbs = {};
	struct sbv_verdict v;
	const uint8_t *lists;
	size_t n;
	struct golden *g;

	if (secureboot_signature_lists(data, size, &lists, &n) < 0)
		return 0;
	g = golden_new();
	if (!g)
		return 0;
	(void)secureboot_variable_event(g, BANK_MASK(BANK_SHA256), "db", true, lists, n);
	dbs.db = lists;
	dbs.db_len = n;
	/* The newest firmware looks every digest up (several authorities). */
	dbs.firmware = SBV_FIRMWARE_EDK2_2025_05;
	if (sbv_verify_table(NULL, 0, digests, &dbs, &v) == 0 && v.allowed)
		for (size_t i = 0; i < v.n_authorities; i++)
			(void)secureboot_authority_event(g, BANK_MASK(BANK_SHA256),
							 &v.authorities[i]);
	dbs.firmware = SBV_FIRMWARE_EDK2_2022_11;
	/* The same lists as dbx: an entry that allowed it now refuses it. */
	dbs.dbx = lists;
	dbs.dbx_len = n;
	(void)sbv_verify_table(NULL, 0, digests, &dbs, &v);
	golden_free(g);
	return 0;
}
