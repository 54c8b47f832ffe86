/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TPM PCR banks and digests over OpenSSL EVP. Every EVP call is checked; failures are -EIO.
 * A multi_hash feeds the same bytes to several banks' contexts in one pass. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "macro.h"
#include "ossl-free.h"

enum bank {
	BANK_SHA1,
	BANK_SHA256,
	BANK_SHA384,
	BANK_SHA512,
	_BANK_MAX,
	_BANK_INVALID = -EINVAL,
};

/* PCRs of a TPM 2.0 PC Client platform (indexes 0..23), the one count every module uses. */
#define TPM2_PCR_COUNT 24u
#define DIGEST_MAX 64 /* largest digest of any bank (SHA-512) */
#define BANK_MASK(b) (1u << (b))
#define BANK_MASK_ALL ((1u << _BANK_MAX) - 1)
#define BANK_MASK_DEFAULT (BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256) | BANK_MASK(BANK_SHA384))

/* TPM_ALG_ID values (TPM 2.0 Part 2, Table 9). */
#define TPM_ALG_SHA1 0x0004
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_SHA384 0x000C
#define TPM_ALG_SHA512 0x000D

struct bank_info {
	const char *name;     /* "sha256": the name used in CLI options and JSON */
	uint16_t tpm_alg;     /* TPM_ALG_ID */
	size_t size;          /* digest size in bytes */
	const char *evp_name; /* OpenSSL name */
};

const struct bank_info *bank_info(enum bank b);
static inline const char *bank_name(enum bank b)
{
	return bank_info(b)->name;
}
static inline size_t bank_size(enum bank b)
{
	return bank_info(b)->size;
}
/* Both return _BANK_INVALID for unknown names / IDs. */
enum bank bank_from_name(const char *name);
enum bank bank_from_tpm_alg(uint16_t alg);
/* The bank's EVP_MD (fetched once, process lifetime). NULL if OpenSSL lacks it. */
const EVP_MD *bank_md(enum bank b);

/* Once per process, before the first OpenSSL call of a verb: OpenSSL as bootproof uses it. The
 * system configuration (openssl.cnf: providers, FIPS) is loaded as usual. Not loaded: OpenSSL's
 * error strings (bootproof reports every failure in its own words and never prints them); not
 * registered: the atexit handler that frees OpenSSL's global tables when the process ends anyway.
 * Together about a tenth of a short verb's run (issue 9, bench/verify-bench.sh). -EIO on failure. */
int crypto_init(void);

/* "sha1,sha256" -> mask. -EINVAL names nothing or an unknown bank. */
int bank_mask_parse(const char *list, unsigned *ret_mask);

#define FOREACH_BANK(b, mask)                                                                      \
	for (enum bank b = 0; b < _BANK_MAX; b++)                                                  \
		if ((mask) & BANK_MASK(b))

/* One-shot digest of a buffer into out (bank_size(b) bytes). */
int digest_buffer(enum bank b, const void *data, size_t len, uint8_t *out);
/* Digest of everything fd reads until end of file (EINTR retried) into out (bank_size(b)
 * bytes); *ret_size (if not NULL) the number of bytes. -errno of a failed read. */
int digest_fd(enum bank b, int fd, uint8_t *out, uint64_t *ret_size);
/* pcr = H(pcr || digest), both bank_size(b) bytes. */
int pcr_extend(enum bank b, uint8_t *pcr, const uint8_t *digest);

struct multi_hash {
	unsigned mask;
	EVP_MD_CTX *ctx[_BANK_MAX];
};

int multi_hash_init(struct multi_hash *h, unsigned mask);
int multi_hash_update(struct multi_hash *h, const void *data, size_t len);
/* dst must be uninitialised or done; it becomes an independent copy (shared-prefix digests). */
int multi_hash_copy(struct multi_hash *dst, const struct multi_hash *src);
/* Writes each bank's digest into out[bank]; the contexts can no longer be updated. */
int multi_hash_final(struct multi_hash *h, uint8_t out[_BANK_MAX][DIGEST_MAX]);
void multi_hash_done(struct multi_hash *h);

