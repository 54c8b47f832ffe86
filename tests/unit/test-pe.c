/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PE parser and Authenticode on synthetic images: PE32/PE32+, sections out of file order,
 * trailing data, certificate table, <= 4 data directories; truncation and field-mutation
 * sweeps (style.md 9.6). Expected digests are computed here from the builder's layout with
 * plain one-shot hashes over explicit byte ranges (the Authenticode rule written out by
 * hand); the same images are checked against pesign by tests/predict/test-pe-hash-tools.sh. */
#include <string.h>

#include "measure-pe.h"
#include "test-pe-builder.h"
#include "test.h"

/* Hash explicit ranges [a0,b0) [a1,b1) ... of buf. */
static void ranges_digest(enum bank bank, const uint8_t *buf, const uint32_t (*r)[2], size_t n,
			  uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned len;
	ASSERT_TRUE(ctx);
	ASSERT_TRUE(EVP_DigestInit_ex(ctx, bank_md(bank), NULL) == 1);
	for (size_t i = 0; i < n; i++)
		ASSERT_TRUE(EVP_DigestUpdate(ctx, buf + r[i][0], r[i][1] - r[i][0]) == 1);
	ASSERT_TRUE(EVP_DigestFinal_ex(ctx, out, &len) == 1);
	EVP_MD_CTX_free(ctx);
}

static void check(const struct tpe_spec *spec, const uint32_t (*extra)[2], size_t n_extra,
		  const char *what)
{
	struct tpe_layout l;
	size_t len;
	uint8_t *b = tpe_build(spec, &len, &l);
	uint8_t got[_BANK_MAX][DIGEST_MAX], want[DIGEST_MAX];
	uint32_t r[PE_MAX_SECTIONS + 8][2];
	size_t n = 0;

	ASSERT_TRUE(b);
	r[n][0] = 0, r[n][1] = l.opt_off + 64, n++;
	if (spec->n_rva > 4) {
		r[n][0] = l.opt_off + 68, r[n][1] = l.dd_off + 32, n++;
		r[n][0] = l.dd_off + 40, r[n][1] = l.soh, n++;
	} else
		r[n][0] = l.opt_off + 68, r[n][1] = l.soh, n++;
	for (size_t i = 0; i < n_extra; i++)
		r[n][0] = extra[i][0], r[n][1] = extra[i][1], n++;
	ASSERT_OK(authenticode_digest(b, len, BANK_MASK_ALL, 2, got));
	FOREACH_BANK(bank, BANK_MASK_ALL) {
		ranges_digest(bank, b, (const uint32_t(*)[2])r, n, want);
		if (memcmp(got[bank], want, bank_size(bank)) != 0)
			TEST_FAIL("%s: %s digest differs", what, bank_name(bank));
	}
	/* One thread gives the same. */
	ASSERT_OK(authenticode_digest(b, len, BANK_MASK(BANK_SHA384), 1, got));
	ranges_digest(BANK_SHA384, b, (const uint32_t(*)[2])r, n, want);
	ASSERT_MEMEQ(got[BANK_SHA384], want, 48);
	free(b);
}

TEST(pe32plus_basic)
{
	const struct tpe_section s[] = {{".text", 0x300, 0x400, 0, NULL, 0},
					{".data", 0x180, 0x200, 0, NULL, 0}};
	struct tpe_spec spec = {true, 16, s, 2, 0, 0};
	/* soh = 0x200: .text at 0x200..0x600, .data 0x600..0x800. */
	const uint32_t sect[][2] = {{0x200, 0x600}, {0x600, 0x800}};
	check(&spec, sect, 2, "pe32plus");
}

TEST(pe32_basic)
{
	const struct tpe_section s[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	struct tpe_spec spec = {false, 16, s, 1, 0, 0};
	const uint32_t sect[][2] = {{0x200, 0x400}};
	check(&spec, sect, 1, "pe32");
}

TEST(sections_out_of_file_order)
{
	/* Table order .b (at 0x600), .a (at 0x200): hashed in file order .a, .b. */
	const struct tpe_section s[] = {{".b", 0x200, 0x200, 0x600, NULL, 0},
					{".a", 0x200, 0x400, 0x200, NULL, 0}};
	struct tpe_spec spec = {true, 16, s, 2, 0, 0};
	const uint32_t sect[][2] = {{0x200, 0x600}, {0x600, 0x800}};
	check(&spec, sect, 2, "out of order");
}

TEST(trailing_data_and_certificate_table)
{
	const struct tpe_section s[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	/* 0x2b trailing bytes, cert table at align8(0x42b) = 0x430: the tail [0x400, 0x430)
	 * includes the padding before the cert table; the table is not hashed. */
	struct tpe_spec spec = {true, 16, s, 1, 0x2b, 0x48};
	const uint32_t sect[][2] = {{0x200, 0x400}, {0x400, 0x430}};
	check(&spec, sect, 2, "trailing + cert");
}

TEST(virtual_size_larger_than_raw)
{
	/* VirtualSize does not matter for Authenticode. */
	const struct tpe_section s[] = {{".bss", 0x5000, 0x200, 0, NULL, 0},
					{".empty", 0x100, 0, 0, NULL, 0}};
	struct tpe_spec spec = {true, 16, s, 2, 0, 0};
	const uint32_t sect[][2] = {{0x200, 0x400}};
	check(&spec, sect, 1, "vs > raw");
}

TEST(few_data_directories)
{
	const struct tpe_section s[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	struct tpe_spec spec = {true, 4, s, 1, 0x10, 0};
	/* No certificate directory: the whole header after CheckSum, and the tail. */
	const uint32_t sect[][2] = {{0x200, 0x400}, {0x400, 0x410}};
	check(&spec, sect, 2, "n_rva 4");
}

TEST(cert_table_larger_than_tail_fails)
{
	const struct tpe_section s[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	struct tpe_spec spec = {true, 16, s, 1, 0, 0x40};
	struct tpe_layout l;
	size_t len;
	uint8_t *b = tpe_build(&spec, &len, &l), d[_BANK_MAX][DIGEST_MAX];
	ASSERT_TRUE(b);
	/* Claim a certificate table bigger than what follows the sections (EDK2: unsupported). */
	store_le32(b + l.dd_off + 32, 0x3f0);
	store_le32(b + l.dd_off + 36, 0x50);
	ASSERT_ERR(authenticode_digest(b, len, BANK_MASK(BANK_SHA256), 1, d), -EBADMSG);
	free(b);
}

TEST(truncation_sweep)
{
	const struct tpe_section s[] = {{".text", 0x200, 0x200, 0, NULL, 0},
					{".data", 0x300, 0x100, 0, NULL, 0}};
	struct tpe_spec spec = {true, 16, s, 2, 0x11, 0x20};
	size_t len;
	uint8_t *b = tpe_build(&spec, &len, NULL);
	ASSERT_TRUE(b);
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1), d[_BANK_MAX][DIGEST_MAX];
		struct pe_image pe;
		int r;
		ASSERT_TRUE(copy);
		memcpy(copy, b, n);
		r = pe_parse(copy, n, &pe);
		if (r != -EBADMSG)
			TEST_FAIL("truncated to %zu: pe_parse returned %d", n, r);
		r = authenticode_digest(copy, n, BANK_MASK(BANK_SHA256), 1, d);
		if (r != -EBADMSG)
			TEST_FAIL("truncated to %zu: authenticode returned %d", n, r);
		free(copy);
	}
	free(b);
}

TEST(field_mutation_sweep)
{
	const struct tpe_section s[] = {{".text", 0x200, 0x200, 0, NULL, 0},
					{".data", 0x300, 0x100, 0, NULL, 0}};
	struct tpe_spec spec = {false, 16, s, 2, 0x11, 0x20};
	static const uint32_t values[] = {0, 1, 0x7f, 0x80, 0xffff, 0x10000, 0x7fffffff,
					  0xfffffff0, 0xffffffff};
	struct tpe_layout l;
	size_t len;
	uint8_t *b = tpe_build(&spec, &len, &l);
	ASSERT_TRUE(b);
	/* Every 4-byte-aligned header field up to the end of the section table. */
	for (uint32_t off = 0; off + 4 <= l.opt_off + 96 + 16 * 8 + 2 * 40; off += 2)
		for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
			uint8_t *copy = malloc(len), d[_BANK_MAX][DIGEST_MAX];
			struct pe_image pe;
			int r;
			ASSERT_TRUE(copy);
			memcpy(copy, b, len);
			store_le32(copy + off, values[v]);
			r = pe_parse(copy, len, &pe);
			if (r != 0 && r != -EBADMSG && r != -E2BIG && r != -EOPNOTSUPP)
				TEST_FAIL("offset 0x%x = 0x%x: pe_parse returned %d", off, values[v], r);
			r = authenticode_digest(copy, len, BANK_MASK(BANK_SHA1), 1, d);
			if (r != 0 && r != -EBADMSG && r != -E2BIG && r != -EOPNOTSUPP)
				TEST_FAIL("offset 0x%x: authenticode returned %d", off, r);
			free(copy);
		}
	free(b);
}

TEST(caps)
{
	const struct tpe_section s[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	struct tpe_spec spec = {true, 16, s, 1, 0, 0};
	size_t len;
	uint8_t *b = tpe_build(&spec, &len, NULL);
	struct pe_image pe;
	ASSERT_TRUE(b);
	store_le16(b + 0x46, PE_MAX_SECTIONS + 1);
	ASSERT_ERR(pe_parse(b, len, &pe), -E2BIG);
	store_le16(b + 0x46, 1);
	store_le16(b + 0x40 + 24, 0x107); /* ROM image magic */
	ASSERT_ERR(pe_parse(b, len, &pe), -EOPNOTSUPP);
	free(b);
}
