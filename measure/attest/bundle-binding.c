/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bundle-to-quote binding (bundle-binding.h for the encoding, docs/attest.md for why). */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bundle-binding.h"
#include "bundle.h"
#include "digest.h"

static const char *const field_names[_BOUND_FIELD_MAX] = {
	[BOUND_AK_PUBLIC] = "ak.public",
	[BOUND_AK_CERTIFICATE] = "ak.certificate",
	[BOUND_AK_INTERMEDIATES] = "ak.intermediates",
	[BOUND_EK_CERTIFICATE] = "ek_certificate",
	[BOUND_EVENTLOG_FIRMWARE] = "eventlog.firmware",
	[BOUND_EVENTLOG_USERSPACE] = "eventlog.userspace",
	[BOUND_CONTAINER_MEASUREMENTS] = "container_measurements",
	[BOUND_CREDENTIAL] = "credential",
	[BOUND_LUKS2_METADATA] = "luks2_metadata",
};

const char *bound_field_name(enum bound_field f)
{
	if (f == _BOUND_FIELD_MAX)
		return BUNDLE_BINDING_QUOTES;
	return (unsigned)f < _BOUND_FIELD_MAX ? field_names[f] : "unknown";
}

static const struct blob *field_blob(const struct bundle *b, enum bound_field f)
{
	switch (f) {
	case BOUND_AK_PUBLIC: return &b->ak_public;
	case BOUND_AK_CERTIFICATE: return &b->ak_certificate;
	case BOUND_EK_CERTIFICATE: return &b->ek_certificate;
	case BOUND_EVENTLOG_FIRMWARE: return &b->firmware_log;
	case BOUND_EVENTLOG_USERSPACE: return &b->userspace_log;
	case BOUND_CONTAINER_MEASUREMENTS: return &b->container_measurements;
	case BOUND_CREDENTIAL: return &b->credential;
	case BOUND_LUKS2_METADATA: return &b->luks2_metadata;
	default: return NULL;
	}
}

static int update(EVP_MD_CTX *ctx, const void *p, size_t n)
{
	return EVP_DigestUpdate(ctx, p, n) == 1 ? 0 : -EIO;
}

/* ak.intermediates is a list: its bytes are, for each certificate in order, u32 big-endian
 * length || DER (so that no two lists give the same bytes). Present exactly when ak.certificate
 * is (bundle.c refuses intermediates without a certificate); an empty list is present. */
static int intermediates_digest(const struct bundle *b, uint8_t ret[BUNDLE_BINDING_DIGEST])
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		return -EIO;
	for (size_t i = 0; i < b->n_ak_intermediates; i++) {
		const struct blob *bl = &b->ak_intermediates[i];
		uint8_t len[4] = {(uint8_t)(bl->size >> 24), (uint8_t)(bl->size >> 16),
				  (uint8_t)(bl->size >> 8), (uint8_t)bl->size};

		if (bl->size > UINT32_MAX)
			return -EINVAL;
		if (update(ctx, len, sizeof(len)) < 0 || update(ctx, bl->data, bl->size) < 0)
			return -EIO;
	}
	return EVP_DigestFinal_ex(ctx, ret, NULL) == 1 ? 0 : -EIO;
}

/* binding.quotes: the TPM_ALG_ID (u16 big-endian) of every bank with values, in enum order. */
static int quoted_banks_digest(const struct bundle *b, uint8_t ret[BUNDLE_BINDING_DIGEST])
{
	uint8_t ids[2 * _BANK_MAX];
	size_t n = 0;

	for (enum bank k = 0; k < _BANK_MAX; k++) {
		if (!b->pcrs.mask[k])
			continue;
		ids[n++] = (uint8_t)(bank_info(k)->tpm_alg >> 8);
		ids[n++] = (uint8_t)bank_info(k)->tpm_alg;
	}
	return digest_buffer(BANK_SHA256, ids, n, ret);
}

int bundle_binding_compute(const struct bundle *b, struct bundle_binding *ret)
{
	*ret = (struct bundle_binding){};
	if (b->n_quotes > 0) {
		int r = quoted_banks_digest(b, ret->quotes);
		if (r < 0)
			return r;
		ret->per_bank = true;
	}
	for (enum bound_field f = 0; f < _BOUND_FIELD_MAX; f++) {
		const struct blob *bl = field_blob(b, f);
		int r;

		if (f == BOUND_AK_INTERMEDIATES) {
			if (!b->ak_certificate.present)
				continue;
			r = intermediates_digest(b, ret->digest[f]);
		} else {
			if (!bl->present)
				continue;
			r = digest_buffer(BANK_SHA256, bl->data, bl->size, ret->digest[f]);
		}
		if (r < 0)
			return r;
		ret->present[f] = true;
	}
	return 0;
}

/* u8 length || bytes; every length here is at most 64 (names, nonce). */
static int update_short(EVP_MD_CTX *ctx, const void *p, size_t n)
{
	uint8_t len = (uint8_t)n;

	if (n > UINT8_MAX)
		return -EINVAL;
	if (update(ctx, &len, 1) < 0)
		return -EIO;
	return update(ctx, p, n);
}

/* The fields digest F (bundle-binding.h). */
static int fields_digest(const struct bundle_binding *bb, uint8_t ret[BUNDLE_BINDING_DIGEST])
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const uint8_t absent = 0, present = 1;
	int r;

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		return -EIO;
	r = update(ctx, BUNDLE_BINDING_LABEL, sizeof(BUNDLE_BINDING_LABEL)); /* with its NUL */
	if (r < 0)
		return r;
	for (enum bound_field f = 0; f < _BOUND_FIELD_MAX; f++) {
		r = update_short(ctx, field_names[f], strlen(field_names[f]));
		if (r < 0)
			return r;
		if (!bb->present[f]) {
			r = update(ctx, &absent, 1);
		} else {
			r = update(ctx, &present, 1);
			if (r >= 0)
				r = update(ctx, bb->digest[f], BUNDLE_BINDING_DIGEST);
		}
		if (r < 0)
			return r;
	}
	if (bb->per_bank) { /* after the fields: a one-quote bundle's F is what it always was */
		static const uint8_t present1 = 1;
		r = update_short(ctx, BUNDLE_BINDING_QUOTES, strlen(BUNDLE_BINDING_QUOTES));
		if (r >= 0)
			r = update(ctx, &present1, 1);
		if (r >= 0)
			r = update(ctx, bb->quotes, BUNDLE_BINDING_DIGEST);
		if (r < 0)
			return r;
	}
	return EVP_DigestFinal_ex(ctx, ret, NULL) == 1 ? 0 : -EIO;
}

int bundle_qualifying_data(const uint8_t *nonce, size_t nonce_size,
			   const struct bundle_binding *bb, uint8_t ret[BUNDLE_BINDING_DIGEST])
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t f[BUNDLE_BINDING_DIGEST];
	int r;

	if (!ctx)
		return -ENOMEM;
	if (nonce_size == 0 || nonce_size > BUNDLE_MAX_NONCE)
		return -EINVAL;
	r = fields_digest(bb, f);
	if (r < 0)
		return r;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		return -EIO;
	r = update(ctx, BUNDLE_QUALIFYING_LABEL, sizeof(BUNDLE_QUALIFYING_LABEL));
	if (r >= 0)
		r = update_short(ctx, nonce, nonce_size);
	if (r >= 0)
		r = update(ctx, f, sizeof(f));
	if (r < 0)
		return r;
	return EVP_DigestFinal_ex(ctx, ret, NULL) == 1 ? 0 : -EIO;
}

int bundle_bind(struct bundle *b, uint8_t ret_qualifying[BUNDLE_BINDING_DIGEST])
{
	int r = bundle_binding_compute(b, &b->binding);

	if (r < 0)
		return r;
	return bundle_qualifying_data(b->nonce, b->nonce_size, &b->binding, ret_qualifying);
}

int bundle_binding_check(const struct bundle *b, enum bound_field *ret_field,
			 struct bundle_binding *ret_actual)
{
	int r = bundle_binding_compute(b, ret_actual);

	if (r < 0)
		return r;
	if (ret_actual->per_bank != b->binding.per_bank ||
	    (ret_actual->per_bank &&
	     CRYPTO_memcmp(ret_actual->quotes, b->binding.quotes, BUNDLE_BINDING_DIGEST) != 0)) {
		*ret_field = _BOUND_FIELD_MAX; /* bound_field_name() gives "quotes" */
		return 1;
	}
	for (enum bound_field f = 0; f < _BOUND_FIELD_MAX; f++) {
		if (ret_actual->present[f] != b->binding.present[f] ||
		    (ret_actual->present[f] &&
		     CRYPTO_memcmp(ret_actual->digest[f], b->binding.digest[f],
				   BUNDLE_BINDING_DIGEST) != 0)) {
			*ret_field = f;
			return 1;
		}
	}
	return 0;
}
