/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sb-verify: the Authenticode PKCS#7 parser (a real sbsign signature from the fuzz corpus:
 * fields, every truncation, every single-byte change) and the certificate-table verification
 * (a db certificate accepts and is the authority; the same certificate in dbx, another digest,
 * a broken table refuse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "measure-predict.h"
#include "test.h"

static uint8_t *load(const char *name, size_t *ret_len)
{
	const char *src = getenv("BOOTPROOF_SOURCE_DIR");
	char path[1024];
	uint8_t *buf = NULL;

	ASSERT_TRUE(src);
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/fuzz-sb-verify/%s", src, name);
	ASSERT_OK(read_file_capped(path, 1u << 20, &buf, ret_len));
	return buf;
}

/* DER length of the outer SEQUENCE (sbsign writes 30 82 hi lo). */
static size_t der_len(const uint8_t *p)
{
	return 4 + ((size_t)p[2] << 8 | p[3]);
}

TEST(parse_sbsign_signature)
{
	size_t len;
	uint8_t *p7 = load("pkcs7", &len);
	struct sbv_authenticode a;
	char err[200];

	ASSERT_OK(sbv_parse_authenticode(p7, len, &a, err, sizeof(err)));
	ASSERT_EQ(a.alg, BANK_SHA256);
	ASSERT_EQ(a.info_alg, BANK_SHA256);
	ASSERT_EQ(a.alg_oid_offset, 32);
	ASSERT_EQ(a.digest_len, 32);
	ASSERT_TRUE(a.content > p7 && a.content + a.content_len <= p7 + len);
	/* The digest ends the content. */
	ASSERT_TRUE(a.digest + a.digest_len == a.content + a.content_len);
	free(p7);
}

TEST(parse_truncated_and_mutated)
{
	size_t len, n, read;
	uint8_t *p7 = load("pkcs7", &len);
	struct sbv_authenticode a;
	char err[200];

	n = der_len(p7);
	ASSERT_TRUE(n <= len);
	/* Every truncation inside the DER fails cleanly (the tail after it may go). */
	for (size_t i = 0; i < n; i++) {
		uint8_t *t = malloc(i ? i : 1);
		ASSERT_TRUE(t);
		memcpy(t, p7, i);
		err[0] = '\0';
		ASSERT_ERR(sbv_parse_authenticode(t, i, &a, err, sizeof(err)), -EBADMSG);
		ASSERT_TRUE(strstr(err, "PKCS#7 offset"));
		free(t);
	}
	ASSERT_OK(sbv_parse_authenticode(p7, n, &a, NULL, 0));
	/* Every byte of the part that the parser reads, changed: no crash, and the result, when
	 * accepted, stays inside the buffer. */
	read = (size_t)(a.digest + a.digest_len - p7);
	for (size_t i = 0; i < read; i++)
		for (unsigned v = 0; v < 4; v++) {
			static const uint8_t vals[] = {0x00, 0x80, 0xff, 0x01};
			uint8_t *m = malloc(n);
			ASSERT_TRUE(m);
			memcpy(m, p7, n);
			m[i] = m[i] == vals[v] ? (uint8_t)~vals[v] : vals[v];
			if (sbv_parse_authenticode(m, n, &a, NULL, 0) >= 0)
				ASSERT_TRUE(a.digest >= m && a.digest + a.digest_len <= m + n);
			free(m);
		}
	ASSERT_ERR(sbv_parse_authenticode(p7, SBV_MAX_AUTH_DATA + 1u, &a, NULL, 0), -E2BIG);
	free(p7);
}

/* A corpus seed: u16le n, db (n bytes), certificate table. */
struct seed {
	uint8_t *buf;
	const uint8_t *db, *table;
	size_t db_len, table_len;
	uint8_t digests[_BANK_MAX][DIGEST_MAX];
};

static void seed_load(const char *name, struct seed *s)
{
	size_t len, n;
	struct sbv_authenticode a;

	s->buf = load(name, &len);
	n = (size_t)s->buf[0] | (size_t)s->buf[1] << 8;
	s->db = s->buf + 2;
	s->db_len = n;
	s->table = s->buf + 2 + n;
	s->table_len = len - 2 - n;
	memset(s->digests, 0, sizeof(s->digests));
	ASSERT_OK(sbv_parse_authenticode(s->table + 8, s->table_len - 8, &a, NULL, 0));
	memcpy(s->digests[a.alg], a.digest, a.digest_len);
}

TEST(verify_table)
{
	struct seed s;
	struct sbv_verdict v;
	struct sbv_databases dbs;

	seed_load("self-signed-db-cert", &s);
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(v.allowed);
	ASSERT_EQ(v.how, SBV_BY_CERTIFICATE);
	/* The authority is the db's one EFI_SIGNATURE_DATA (list header is 28 bytes). */
	ASSERT_TRUE(v.authority.data == s.db + 28 && v.authority.len == s.db_len - 28);

	/* The same certificate in dbx revokes. */
	dbs = (struct sbv_databases){s.db, s.db_len, s.db, s.db_len};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "in dbx"));

	/* Another image digest: changed after signing. */
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0};
	s.digests[BANK_SHA256][5] ^= 1;
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "changed after signing"));
	s.digests[BANK_SHA256][5] ^= 1;

	/* A table whose size does not end at an entry boundary (EDK2: refused). */
	ASSERT_OK(sbv_verify_table(s.table, s.table_len + 0, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(v.allowed);
	if (s.table_len > 16) {
		ASSERT_OK(sbv_verify_table(s.table, s.table_len - 4,
					   (const uint8_t(*)[DIGEST_MAX])s.digests, &dbs, &v));
		ASSERT_TRUE(!v.allowed);
	}
	/* Unsigned: only a db hash entry accepts. */
	ASSERT_OK(sbv_verify_table(NULL, 0, (const uint8_t(*)[DIGEST_MAX])s.digests, &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "unsigned"));
	free(s.buf);
}

TEST(verify_chain_root_in_db)
{
	struct seed s;
	struct sbv_verdict v;
	struct sbv_databases dbs;

	/* db = [inter, ca] with a leaf <- inter <- ca signature: the first db entry in db order
	 * that anchors it (inter, partial chain) is the authority. */
	seed_load("chain-db-root", &s);
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(v.allowed);
	ASSERT_TRUE(v.authority.data == s.db + 28);
	free(s.buf);
}
