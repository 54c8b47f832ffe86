/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SubjectPublicKeyInfo fast path; see spki.h. DER (X.690 §10): definite lengths in their shortest
 * form only; anything unexpected is -EOPNOTSUPP, never an error of its own. */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "cursor.h"
#include "macro.h"
#include "ossl-free.h"
#include "spki.h"

#define NOT_HANDLED (-EOPNOTSUPP)

/* One TLV with the expected tag; ret gets the value. Lengths: short form, or long form with
 * 1-2 length bytes and no shorter encoding possible (DER). */
static bool der_get(struct cursor *c, uint8_t tag, struct cursor *ret)
{
	struct cursor save = *c;
	uint8_t t, l0, b;
	size_t len = 0;

	if (!cursor_get_u8(c, &t) || t != tag || !cursor_get_u8(c, &l0))
		goto fail;
	if (l0 < 0x80)
		len = l0;
	else if (l0 == 0x81 || l0 == 0x82) {
		for (unsigned i = 0; i < (unsigned)(l0 & 0x7f); i++) {
			if (!cursor_get_u8(c, &b) || (i == 0 && b == 0))
				goto fail;
			len = (len << 8) | b;
		}
		if (len < 0x80)
			goto fail;
	} else
		goto fail;
	if (!cursor_get_bytes(c, len, ret))
		goto fail;
	return true;
fail:
	*c = save;
	return false;
}

static bool der_expect(struct cursor *c, uint8_t tag, const uint8_t *value, size_t len)
{
	struct cursor v;
	struct cursor save = *c;

	if (der_get(c, tag, &v) && cursor_left(&v) == len && (len == 0 || memcmp(v.p, value, len) == 0))
		return true;
	*c = save;
	return false;
}

/* A positive INTEGER in minimal form: its magnitude, without the sign byte. */
static bool der_get_uint(struct cursor *c, struct cursor *ret)
{
	struct cursor v;

	if (!der_get(c, 0x02, &v) || cursor_left(&v) == 0 || (v.p[0] & 0x80))
		return false;
	if (v.p[0] == 0) {
		if (cursor_left(&v) == 1 || !(v.p[1] & 0x80))
			return false; /* zero, or a redundant leading zero */
		cursor_skip(&v, 1);
	}
	*ret = v;
	return true;
}

static int import_key(const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **ret)
{
	_cleanup_(OSSL_PARAM_freep) OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	_cleanup_(EVP_PKEY_CTX_freep) EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *k = NULL;

	if (!params || !ctx)
		return -ENOMEM;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1 || !k)
		return -EIO;
	*ret = k;
	return 0;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static int rsa_key(struct cursor *key, EVP_PKEY **ret)
{
	_cleanup_(OSSL_PARAM_BLD_freep) OSSL_PARAM_BLD *bld = NULL;
	_cleanup_(BN_freep) BIGNUM *n = NULL, *e = NULL;
	struct cursor seq, nv, ev;

	if (!der_get(key, 0x30, &seq) || cursor_left(key) != 0 || !der_get_uint(&seq, &nv) ||
	    !der_get_uint(&seq, &ev) || cursor_left(&seq) != 0)
		return NOT_HANDLED;
	n = BN_bin2bn(nv.p, (int)cursor_left(&nv), NULL);
	e = BN_bin2bn(ev.p, (int)cursor_left(&ev), NULL);
	bld = OSSL_PARAM_BLD_new();
	if (!n || !e || !bld)
		return -ENOMEM;
	if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
		return -ENOMEM;
	return import_key("RSA", bld, ret);
}

static int ec_key(const char *group, size_t coord_size, struct cursor *key, EVP_PKEY **ret)
{
	_cleanup_(OSSL_PARAM_BLD_freep) OSSL_PARAM_BLD *bld = NULL;

	/* Uncompressed points only (SEC 1 §2.3.3: 04 || X || Y). */
	if (cursor_left(key) != 1 + 2 * coord_size || key->p[0] != 0x04)
		return NOT_HANDLED;
	bld = OSSL_PARAM_BLD_new();
	if (!bld)
		return -ENOMEM;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, key->p,
					     cursor_left(key)) != 1)
		return -ENOMEM;
	return import_key("EC", bld, ret);
}

int spki_decode_fast(const uint8_t *der, size_t len, EVP_PKEY **ret)
{
	/* Object identifiers, DER contents octets. */
	static const uint8_t oid_rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
	static const uint8_t oid_ec[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
	static const uint8_t oid_ed25519[] = {0x2b, 0x65, 0x70};
	static const struct {
		uint8_t oid[8];
		size_t oid_len;
		const char *group;
		size_t coord_size;
	} curves[] = {
		{{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, 8, "P-256", 32},
		{{0x2b, 0x81, 0x04, 0x00, 0x22}, 5, "P-384", 48},
		{{0x2b, 0x81, 0x04, 0x00, 0x23}, 5, "P-521", 66},
	};
	struct cursor c, spki, alg, bits;
	uint8_t unused;

	cursor_init(&c, der, len);
	if (!der_get(&c, 0x30, &spki) || cursor_left(&c) != 0 || !der_get(&spki, 0x30, &alg) ||
	    !der_get(&spki, 0x03, &bits) || cursor_left(&spki) != 0 ||
	    !cursor_get_u8(&bits, &unused) || unused != 0)
		return NOT_HANDLED;

	if (der_expect(&alg, 0x06, oid_rsa, sizeof(oid_rsa))) {
		/* parameters: NULL (RFC 8017 A.1) */
		if (!der_expect(&alg, 0x05, NULL, 0) || cursor_left(&alg) != 0)
			return NOT_HANDLED;
		return rsa_key(&bits, ret);
	}
	if (der_expect(&alg, 0x06, oid_ec, sizeof(oid_ec))) {
		for (size_t i = 0; i < ARRAY_SIZE(curves); i++)
			if (der_expect(&alg, 0x06, curves[i].oid, curves[i].oid_len)) {
				if (cursor_left(&alg) != 0)
					return NOT_HANDLED;
				return ec_key(curves[i].group, curves[i].coord_size, &bits, ret);
			}
		return NOT_HANDLED;
	}
	if (der_expect(&alg, 0x06, oid_ed25519, sizeof(oid_ed25519))) {
		/* parameters absent (RFC 8410 §3); the key is the 32-byte encoding (§4) */
		EVP_PKEY *k;
		if (cursor_left(&alg) != 0 || cursor_left(&bits) != 32)
			return NOT_HANDLED;
		k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, bits.p, 32);
		if (!k)
			return -EIO;
		*ret = k;
		return 0;
	}
	return NOT_HANDLED;
}

int spki_pem_read_fast(BIO *bio, EVP_PKEY **ret)
{
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long len = 0;
	int r = NOT_HANDLED;

	if (PEM_read_bio(bio, &name, &header, &der, &len) != 1)
		return NOT_HANDLED;
	/* No encryption headers on a public key; anything else is for OpenSSL to judge. */
	if (strcmp(name, PEM_STRING_PUBLIC) == 0 && header[0] == '\0' && len > 0)
		r = spki_decode_fast(der, (size_t)len, ret);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	return r;
}
