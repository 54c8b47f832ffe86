/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sb-verify: the Authenticode PKCS#7 parser (a real sbsign signature from the fuzz corpus:
 * fields, every truncation, every single-byte change) and the certificate-table verification
 * (a db certificate accepts and is the authority; the same certificate in dbx, another digest,
 * a broken table refuse), and issue 22 finding 3's corners as OVMF 2022.11 judged them
 * (tests/boot/sb-firmware-verdicts.sh): the certificate tables of tests/predict/sb-craft.py's
 * images, signed by sbsign / osslsigncode, kept in the fuzz corpus. */
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
	/* The ContentInfo length as "84 00 00 05 e9": OpenSSL (and so EDK2) reads leading zero
	 * octets of a long-form length; so does the DER reader. */
	p7 = load("pkcs7-long-form-leading-zeros", &len);
	ASSERT_TRUE(p7[1] == 0x84 && p7[2] == 0 && p7[3] == 0);
	ASSERT_OK(sbv_parse_authenticode(p7, len, &a, err, sizeof(err)));
	ASSERT_EQ(a.alg, BANK_SHA256);
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

static void seed_load_raw(const char *name, struct seed *s)
{
	size_t len, n;

	s->buf = load(name, &len);
	n = (size_t)s->buf[0] | (size_t)s->buf[1] << 8;
	s->db = s->buf + 2;
	s->db_len = n;
	s->table = s->buf + 2 + n;
	s->table_len = len - 2 - n;
	memset(s->digests, 0, sizeof(s->digests));
}

/* The image digest is the one the first signature signs. */
static void seed_load(const char *name, struct seed *s)
{
	struct sbv_authenticode a;

	seed_load_raw(name, s);
	ASSERT_OK(sbv_parse_authenticode(s->table + 8, s->table_len - 8, &a, NULL, 0));
	memcpy(s->digests[a.alg], a.digest, a.digest_len);
}

#define DIGESTS(s) ((const uint8_t(*)[DIGEST_MAX])(s).digests)

/* A one-entry EFI_CERT_SHA256 list of 32 bytes of x (EFI_SIGNATURE_LIST, UEFI 2.10 §32.4.1). */
static void sha256_list(uint8_t list[28 + 16 + 32], uint8_t x)
{
	static const uint8_t type[16] = {0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
					 0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28};
	memset(list, 0, 28 + 16 + 32);
	memcpy(list, type, 16);
	list[16] = 28 + 16 + 32; /* SignatureListSize */
	list[24] = 16 + 32;      /* SignatureSize */
	memset(list + 28 + 16, x, 32);
}

TEST(verify_table)
{
	struct seed s;
	struct sbv_verdict v;
	struct sbv_databases dbs;

	seed_load("self-signed-db-cert", &s);
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0, SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(v.allowed);
	ASSERT_EQ(v.how, SBV_BY_CERTIFICATE);
	/* The authority is the db's one EFI_SIGNATURE_DATA (list header is 28 bytes). */
	ASSERT_EQ(v.n_authorities, 1);
	ASSERT_TRUE(v.authorities[0].data == s.db + 28 && v.authorities[0].len == s.db_len - 28);

	/* The same certificate in dbx revokes. */
	dbs = (struct sbv_databases){s.db, s.db_len, s.db, s.db_len, SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "in dbx"));

	/* Another image digest: changed after signing. */
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0, SBV_FIRMWARE_EDK2_2022_11};
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
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0, SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, (const uint8_t(*)[DIGEST_MAX])s.digests,
				   &dbs, &v));
	ASSERT_TRUE(v.allowed);
	ASSERT_TRUE(v.authorities[0].data == s.db + 28);
	free(s.buf);
}

TEST(truncated_second_entry_with_dbx)
{
	struct seed s;
	struct sbv_verdict v;
	struct sbv_databases dbs;
	uint8_t dbx[28 + 16 + 32];

	/* A valid db signature, then its first 120 bytes as a second entry. With a dbx (revoking
	 * nothing here) OVMF refuses: IsForbiddenByDbx cannot read the second entry's signers.
	 * main 2201613 skipped the entry and allowed. Without dbx both allow. */
	seed_load("truncated-second-entry", &s);
	sha256_list(dbx, 0x00);
	dbs = (struct sbv_databases){s.db, s.db_len, dbx, sizeof(dbx), SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, DIGESTS(s), &dbs, &v));
	ASSERT_TRUE(!v.allowed && v.n_authorities == 0);
	ASSERT_TRUE(strstr(v.reason, "signature 2") && strstr(v.reason, "dbx is set"));
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0, SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, DIGESTS(s), &dbs, &v));
	ASSERT_TRUE(v.allowed && v.how == SBV_BY_CERTIFICATE && v.n_authorities == 1);
	free(s.buf);
}

TEST(spc_indirect_data_length_forms)
{
	struct seed s82, s83;
	struct sbv_verdict v;
	struct sbv_databases dbs;
	struct sbv_authenticode a;
	char err[300] = "";

	/* The same signature with the SpcIndirectDataContent length as "82 00 68" (EDK2 reads
	 * 0x68: allowed) and "83 00 00 68" (EDK2 reads a one-byte length 0: refused; main allowed). */
	seed_load("spc-length-82", &s82);
	seed_load_raw("spc-length-83", &s83);
	dbs = (struct sbv_databases){s82.db, s82.db_len, NULL, 0, SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s82.table, s82.table_len, DIGESTS(s82), &dbs, &v));
	ASSERT_TRUE(v.allowed);
	ASSERT_ERR(sbv_parse_authenticode(s83.table + 8, s83.table_len - 8, &a, err, sizeof(err)),
		   -EBADMSG);
	ASSERT_TRUE(strstr(err, "'83 00 00 68'") && strstr(err, "AuthenticodeVerify"));
	ASSERT_OK(sbv_verify_table(s83.table, s83.table_len, DIGESTS(s82), &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "83 00 00 68"));
	free(s82.buf);
	free(s83.buf);
}

TEST(ecdsa_signer_by_firmware)
{
	struct seed s;
	struct sbv_verdict v;
	struct sbv_databases dbs;

	/* A P-256 signer in db: no EC in OVMF 2022.11's OpenSSL (refused there, as by default
	 * here); allowed on edk2-2025.05 with OpensslLibFull. main allowed whatever the firmware. */
	seed_load("ecdsa-signer", &s);
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0, SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, DIGESTS(s), &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "EC key"));
	dbs.firmware = SBV_FIRMWARE_EDK2_2023_11;
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, DIGESTS(s), &dbs, &v));
	ASSERT_TRUE(!v.allowed);
	dbs.firmware = SBV_FIRMWARE_EDK2_2025_05;
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, DIGESTS(s), &dbs, &v));
	ASSERT_TRUE(v.allowed && v.how == SBV_BY_CERTIFICATE);
	free(s.buf);
}

TEST(unpadded_last_entry)
{
	struct seed s;
	struct sbv_verdict v;
	struct sbv_databases dbs;

	seed_load("unpadded-entry", &s);
	dbs = (struct sbv_databases){s.db, s.db_len, NULL, 0, SBV_FIRMWARE_EDK2_2022_11};
	ASSERT_OK(sbv_verify_table(s.table, s.table_len, DIGESTS(s), &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "malformed"));
	free(s.buf);
}

TEST(unsigned_image_by_firmware)
{
	uint8_t digests[_BANK_MAX][DIGEST_MAX];
	uint8_t db[2 * (28 + 16 + 64)], dbx[28 + 16 + 64];
	static const uint8_t sha384_type[16] = {0x07, 0x53, 0x3e, 0xff, 0xd0, 0x9f, 0xc9, 0x48,
						0x85, 0xf1, 0x8a, 0xd5, 0x6c, 0x70, 0x1e, 0x01};
	static const uint8_t sha512_type[16] = {0xae, 0x0f, 0x3e, 0x09, 0xc4, 0xa6, 0x50, 0x4f,
						0x9f, 0x1b, 0xd4, 0x1e, 0x2b, 0x89, 0xc1, 0x9a};
	struct sbv_databases dbs = {};
	struct sbv_verdict v;
	size_t n384 = 28 + 16 + 48, n512 = 28 + 16 + 64;

	/* digests: every byte of bank b's digest is 0x10 + b */
	for (int b = 0; b < _BANK_MAX; b++)
		memset(digests[b], 0x10 + b, DIGEST_MAX);
	/* db = [SHA-384 entry, SHA-512 entry] of this image; no SHA-256 entry */
	memset(db, 0, sizeof(db));
	memcpy(db, sha384_type, 16);
	db[16] = (uint8_t)n384, db[24] = 16 + 48;
	memset(db + 28 + 16, 0x10 + BANK_SHA384, 48);
	memcpy(db + n384, sha512_type, 16);
	db[n384 + 16] = (uint8_t)n512, db[n384 + 24] = 16 + 64;
	memset(db + n384 + 28 + 16, 0x10 + BANK_SHA512, 64);
	dbs.db = db;
	dbs.db_len = n384 + n512;
	/* 2022.11: SHA-256 only: refused. */
	ASSERT_OK(sbv_verify_table(NULL, 0, (const uint8_t(*)[DIGEST_MAX])digests, &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "sha256"));
	/* 2023.11: SHA-512 then SHA-384, both measured, in that order. */
	dbs.firmware = SBV_FIRMWARE_EDK2_2023_11;
	ASSERT_OK(sbv_verify_table(NULL, 0, (const uint8_t(*)[DIGEST_MAX])digests, &dbs, &v));
	ASSERT_TRUE(v.allowed && v.how == SBV_BY_HASH && v.n_authorities == 2);
	ASSERT_TRUE(v.authorities[0].data == db + n384 + 28 && v.authorities[0].len == 16 + 64);
	ASSERT_TRUE(v.authorities[1].data == db + 28 && v.authorities[1].len == 16 + 48);
	/* Its SHA-512 digest in dbx refuses on 2023.11, not on 2022.11 (which never looks). */
	memcpy(dbx, db + n384, n512);
	dbs.dbx = dbx;
	dbs.dbx_len = n512;
	ASSERT_OK(sbv_verify_table(NULL, 0, (const uint8_t(*)[DIGEST_MAX])digests, &dbs, &v));
	ASSERT_TRUE(!v.allowed && strstr(v.reason, "sha512") && v.n_authorities == 0);
	ASSERT_EQ(sbv_unsigned_algs(SBV_FIRMWARE_EDK2_2022_11), BANK_MASK(BANK_SHA256));
	ASSERT_EQ(sbv_firmware_from_string("edk2-2023.11"), SBV_FIRMWARE_EDK2_2023_11);
	ASSERT_EQ(sbv_firmware_from_string("edk2-2024"), _SBV_FIRMWARE_INVALID);
}
