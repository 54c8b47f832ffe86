/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bank table and checked EVP digest wrappers; see digest.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "digest.h"

static const struct bank_info banks[_BANK_MAX] = {
	[BANK_SHA1] = {"sha1", TPM_ALG_SHA1, 20, "SHA1"},
	[BANK_SHA256] = {"sha256", TPM_ALG_SHA256, 32, "SHA256"},
	[BANK_SHA384] = {"sha384", TPM_ALG_SHA384, 48, "SHA384"},
	[BANK_SHA512] = {"sha512", TPM_ALG_SHA512, 64, "SHA512"},
};

static EVP_MD *fetched[_BANK_MAX];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
	for (size_t i = 0; i < _BANK_MAX; i++)
		fetched[i] = EVP_MD_fetch(NULL, banks[i].evp_name, NULL);
}

const struct bank_info *bank_info(enum bank b)
{
	if ((unsigned)b >= _BANK_MAX)
		return NULL;
	return &banks[b];
}

enum bank bank_from_name(const char *name)
{
	for (size_t i = 0; i < _BANK_MAX; i++)
		if (name && strcmp(name, banks[i].name) == 0)
			return (enum bank)i;
	return _BANK_INVALID;
}

enum bank bank_from_tpm_alg(uint16_t alg)
{
	for (size_t i = 0; i < _BANK_MAX; i++)
		if (banks[i].tpm_alg == alg)
			return (enum bank)i;
	return _BANK_INVALID;
}

const EVP_MD *bank_md(enum bank b)
{
	if ((unsigned)b >= _BANK_MAX)
		return NULL;
	pthread_once(&fetch_once, fetch_all);
	return fetched[b];
}

int crypto_init(void)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_ATEXIT,
				NULL) != 1)
		return -EIO;
	return 0;
}

int bank_mask_parse(const char *list, unsigned *ret_mask)
{
	unsigned mask = 0;
	const char *p = list;

	if (!list || !*list)
		return -EINVAL;
	while (*p) {
		size_t n = strcspn(p, ",");
		bool found = false;
		for (size_t i = 0; i < _BANK_MAX; i++)
			if (strlen(banks[i].name) == n && strncmp(p, banks[i].name, n) == 0) {
				mask |= BANK_MASK(i);
				found = true;
			}
		if (!found)
			return -EINVAL;
		p += n;
		if (*p == ',') {
			p++;
			if (!*p)
				return -EINVAL;
		}
	}
	*ret_mask = mask;
	return 0;
}

int digest_buffer(enum bank b, const void *data, size_t len, uint8_t *out)
{
	const EVP_MD *md = bank_md(b);
	unsigned n = 0;

	if (!md)
		return -EOPNOTSUPP;
	if (EVP_Digest(data, len, out, &n, md, NULL) != 1 || n != bank_size(b))
		return -EIO;
	return 0;
}

#define DIGEST_FD_BUF (1u << 20)

int digest_fd(enum bank b, int fd, uint8_t *out, uint64_t *ret_size)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	_cleanup_(freep) uint8_t *buf = malloc(DIGEST_FD_BUF);
	const EVP_MD *md = bank_md(b);
	uint64_t total = 0;

	if (!md)
		return -EOPNOTSUPP;
	if (!ctx || !buf)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		return -EIO;
	for (;;) {
		ssize_t n = read(fd, buf, DIGEST_FD_BUF);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			return -EIO;
		total += (uint64_t)n;
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		return -EIO;
	if (ret_size)
		*ret_size = total;
	return 0;
}

int pcr_extend(enum bank b, uint8_t *pcr, const uint8_t *digest)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = bank_md(b);
	size_t size = bank_size(b);
	unsigned n = 0;

	if (!md)
		return -EOPNOTSUPP;
	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1 || EVP_DigestUpdate(ctx, pcr, size) != 1 ||
	    EVP_DigestUpdate(ctx, digest, size) != 1 || EVP_DigestFinal_ex(ctx, pcr, &n) != 1 ||
	    n != size)
		return -EIO;
	return 0;
}

int multi_hash_init(struct multi_hash *h, unsigned mask)
{
	memset(h, 0, sizeof(*h));
	h->mask = mask & BANK_MASK_ALL;
	FOREACH_BANK(b, h->mask) {
		const EVP_MD *md = bank_md(b);
		if (!md) {
			multi_hash_done(h);
			return -EOPNOTSUPP;
		}
		h->ctx[b] = EVP_MD_CTX_new();
		if (!h->ctx[b]) {
			multi_hash_done(h);
			return -ENOMEM;
		}
		if (EVP_DigestInit_ex(h->ctx[b], md, NULL) != 1) {
			multi_hash_done(h);
			return -EIO;
		}
	}
	return 0;
}

int multi_hash_update(struct multi_hash *h, const void *data, size_t len)
{
	FOREACH_BANK(b, h->mask)
		if (EVP_DigestUpdate(h->ctx[b], data, len) != 1)
			return -EIO;
	return 0;
}

int multi_hash_copy(struct multi_hash *dst, const struct multi_hash *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->mask = src->mask;
	FOREACH_BANK(b, src->mask) {
		dst->ctx[b] = EVP_MD_CTX_new();
		if (!dst->ctx[b]) {
			multi_hash_done(dst);
			return -ENOMEM;
		}
		if (EVP_MD_CTX_copy_ex(dst->ctx[b], src->ctx[b]) != 1) {
			multi_hash_done(dst);
			return -EIO;
		}
	}
	return 0;
}

int multi_hash_final(struct multi_hash *h, uint8_t out[_BANK_MAX][DIGEST_MAX])
{
	FOREACH_BANK(b, h->mask) {
		unsigned n = 0;
		if (EVP_DigestFinal_ex(h->ctx[b], out[b], &n) != 1 || n != bank_size(b))
			return -EIO;
	}
	return 0;
}

void multi_hash_done(struct multi_hash *h)
{
	for (size_t i = 0; i < _BANK_MAX; i++) {
		EVP_MD_CTX_free(h->ctx[i]);
		h->ctx[i] = NULL;
	}
	h->mask = 0;
}
