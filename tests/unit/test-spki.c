/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helpers/spki: the fast SubjectPublicKeyInfo path against OpenSSL's own decoder (d2i_PUBKEY,
 * PEM_read_bio_PUBKEY) on keys OpenSSL generates: the same key where it is handled, "not
 * handled" (-EOPNOTSUPP) for other types and for DER it would have to interpret. */
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "spki.h"
#include "test.h"

/* DER SubjectPublicKeyInfo of a fresh key of this type (OpenSSL's encoder). */
static EVP_PKEY *keygen(const char *type, const char *arg, uint8_t **der, size_t *len)
{
	EVP_PKEY *k;
	int n;

	if (arg && strncmp(type, "RSA", 3) == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, type, (size_t)strtoul(arg, NULL, 10));
	else if (arg)
		k = EVP_PKEY_Q_keygen(NULL, NULL, type, arg);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, type);
	ASSERT_TRUE(k);
	*der = NULL;
	n = i2d_PUBKEY(k, der);
	ASSERT_TRUE(n > 0);
	*len = (size_t)n;
	return k;
}

/* The fast path and OpenSSL agree on der: same key, or the fast path declines. */
static int check_same(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *ref = d2i_PUBKEY(NULL, &p, (long)len), *k = NULL;
	int r = spki_decode_fast(der, len, &k);

	if (r == 0) {
		ASSERT_TRUE(ref);
		ASSERT_EQ(EVP_PKEY_eq(k, ref), 1);
		ASSERT_EQ(EVP_PKEY_get_base_id(k), EVP_PKEY_get_base_id(ref));
		ASSERT_EQ(EVP_PKEY_get_bits(k), EVP_PKEY_get_bits(ref));
	}
	EVP_PKEY_free(k);
	EVP_PKEY_free(ref);
	return r;
}

TEST(handled_types_match_openssl)
{
	static const struct {
		const char *type, *arg;
	} keys[] = {
		{"RSA", "2048"}, {"RSA", "3072"}, {"EC", "P-256"}, {"EC", "P-384"}, {"EC", "P-521"},
		{"ED25519", NULL},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint8_t *der;
		size_t len;
		EVP_PKEY *k = keygen(keys[i].type, keys[i].arg, &der, &len);
		ASSERT_EQ(check_same(der, len), 0);
		EVP_PKEY_free(k);
		OPENSSL_free(der);
	}
}

TEST(other_types_fall_back)
{
	static const char *types[] = {"ED448", "X25519"};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		uint8_t *der;
		size_t len;
		EVP_PKEY *k = keygen(types[i], NULL, &der, &len);
		ASSERT_ERR(check_same(der, len), -EOPNOTSUPP);
		EVP_PKEY_free(k);
		OPENSSL_free(der);
	}
}

TEST(unusual_der_falls_back)
{
	uint8_t *der, *buf;
	size_t len;
	EVP_PKEY *k = keygen("EC", "P-256", &der, &len), *out = NULL;

	buf = malloc(len + 1);
	ASSERT_TRUE(buf);
	/* Truncated anywhere, or with a byte after the SEQUENCE. */
	for (size_t n = 0; n < len; n++)
		ASSERT_ERR(check_same(der, n), -EOPNOTSUPP);
	memcpy(buf, der, len);
	buf[len] = 0;
	ASSERT_ERR(check_same(buf, len + 1), -EOPNOTSUPP);
	/* Compressed point form (02/03 || X): OpenSSL's to interpret. */
	memcpy(buf, der, len);
	buf[len - 65] = 0x02;
	ASSERT_ERR(check_same(buf, len), -EOPNOTSUPP);
	/* A point not on the curve: both refuse it. */
	memcpy(buf, der, len);
	buf[len - 1] ^= 1;
	ASSERT_TRUE(check_same(buf, len) < 0);
	{
		const unsigned char *p = buf;
		ASSERT_TRUE(!d2i_PUBKEY(NULL, &p, (long)len));
	}
	ASSERT_TRUE(!out);
	free(buf);
	EVP_PKEY_free(k);
	OPENSSL_free(der);
}

TEST(rsa_integer_forms)
{
	uint8_t *der;
	size_t len;
	EVP_PKEY *k = keygen("RSA", "2048", &der, &len);

	/* 30 82 01 22 | 30 0d 06 09 <rsa oid> 05 00 | 03 82 01 0f 00 | 30 82 01 0a 02 82 01 01 00 <n>
	 * A negative modulus (sign bit set) or a redundant leading zero (n's top bit cleared): not
	 * DER's plainest form, OpenSSL's to judge. */
	ASSERT_EQ(der[28], 0x02);
	ASSERT_EQ(der[32], 0x00);
	ASSERT_TRUE(der[33] & 0x80);
	der[32] = 0x80;
	ASSERT_ERR(check_same(der, len), -EOPNOTSUPP);
	der[32] = 0x00;
	der[33] &= 0x7f;
	ASSERT_ERR(check_same(der, len), -EOPNOTSUPP);
	der[33] |= 0x80;
	ASSERT_EQ(check_same(der, len), 0);
	EVP_PKEY_free(k);
	OPENSSL_free(der);
}

TEST(pem)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), *got = NULL;
	BIO *b = BIO_new(BIO_s_mem());

	ASSERT_TRUE(k && b);
	ASSERT_EQ(PEM_write_bio_PUBKEY(b, k), 1);
	ASSERT_OK(spki_pem_read_fast(b, &got));
	ASSERT_EQ(EVP_PKEY_eq(k, got), 1);
	EVP_PKEY_free(got);
	got = NULL;
	/* A private key PEM is not a public key: declined, the caller asks OpenSSL. */
	ASSERT_EQ(BIO_reset(b), 1);
	ASSERT_EQ(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
	ASSERT_ERR(spki_pem_read_fast(b, &got), -EOPNOTSUPP);
	ASSERT_TRUE(!got);
	BIO_free(b);
	EVP_PKEY_free(k);
}
