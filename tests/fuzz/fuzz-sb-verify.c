/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz what predict checks of a signed PE with Secure Boot on (sb-verify.h): the Authenticode
 * PKCS#7 parser, the attribute certificate table walk and the whole verification against a
 * db/dbx. Input: u16le n, n bytes of db (signature lists; dropped if malformed), the rest is the
 * certificate table, also parsed directly as one PKCS#7. dbx is db's lists, so db entries also
 * revoke (both paths run). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure-predict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t digests[_BANK_MAX][DIGEST_MAX];
	struct sbv_authenticode a;
	struct sbv_verdict v;
	struct sbv_databases dbs = {};
	const uint8_t *lists, *table;
	size_t n, n_lists, table_len;

	(void)sbv_parse_authenticode(data, size, &a, NULL, 0);
	if (size < 2)
		return 0;
	n = (size_t)data[0] | (size_t)data[1] << 8;
	if (n > size - 2)
		return 0;
	if (n > 0 && secureboot_signature_lists(data + 2, n, &lists, &n_lists) >= 0)
		dbs.db = lists, dbs.db_len = n_lists;
	table = data + 2 + n;
	table_len = size - 2 - n;
	/* The signed digest of the seeds' signatures, so that their chains are evaluated. */
	memset(digests, 0, sizeof(digests));
	for (size_t off = 8; off <= 24; off += 16) /* WIN_CERTIFICATE, WIN_CERTIFICATE_UEFI_GUID */
		if (table_len > off &&
		    sbv_parse_authenticode(table + off, table_len - off, &a, NULL, 0) >= 0) {
			memcpy(digests[a.alg], a.digest, a.digest_len <= DIGEST_MAX ? a.digest_len : 0);
			break;
		}
	(void)sbv_table_algs(table, table_len);
	(void)sbv_verify_table(table, table_len, (const uint8_t(*)[DIGEST_MAX])digests, &dbs, &v);
	dbs.dbx = dbs.db;
	dbs.dbx_len = dbs.db_len;
	(void)sbv_verify_table(table, table_len, (const uint8_t(*)[DIGEST_MAX])digests, &dbs, &v);
	return 0;
}
