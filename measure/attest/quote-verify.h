/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TPM quote verification: the signature with the scheme pinned by the TPMT_SIGNATURE (RSASSA,
 * RSAPSS, ECDSA over the key type that scheme requires), attestation magic and type, the nonce,
 * a PCR selection that covers every required (golden) PCR and every supplied PCR value, and a
 * pcrDigest equal to the digest of the supplied values. A verdict is data: quote_verify() returns
 * 0 with the verdict filled in whether or not the quote holds; < 0 only when it could not
 * evaluate (out of memory, OpenSSL failure). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "digest.h"
#include "measure-golden.h"
#include "tpm2-attest.h"

enum quote_failure {
	QUOTE_OK,
	QUOTE_ATTEST_MALFORMED,
	QUOTE_SIGNATURE_MALFORMED,
	QUOTE_SCHEME_UNSUPPORTED,   /* hash or scheme we do not accept (e.g. SHA-1 signatures) */
	QUOTE_SCHEME_KEY_MISMATCH,  /* the scheme needs another key type, or the key pins another */
	QUOTE_SIGNATURE_INVALID,
	QUOTE_MAGIC,
	QUOTE_TYPE,
	QUOTE_NONCE_MISMATCH,
	QUOTE_BANK_UNKNOWN,         /* the selection names a hash the verifier does not know */
	QUOTE_PCR_NOT_QUOTED,       /* a supplied PCR value is outside the quote's selection */
	QUOTE_PCR_VALUE_MISSING,    /* the quote selects a PCR whose value is not supplied */
	QUOTE_GOLDEN_PCR_NOT_QUOTED,/* a required PCR is outside the selection */
	QUOTE_PCR_DIGEST_MISMATCH,
	_QUOTE_FAILURE_MAX,
};

/* Stable machine-readable name of a failure ("nonce-mismatch"). */
const char *quote_failure_to_string(enum quote_failure f);

struct quote_verdict {
	bool ok;
	enum quote_failure why;
	int bank;      /* enum bank concerned, or -1 */
	int pcr;       /* PCR concerned, or -1 */
	char detail[320];
	struct tpm2_attest attest; /* decoded quote, valid when why > QUOTE_SIGNATURE_MALFORMED */
};

struct quote_input {
	const uint8_t *attest;
	size_t attest_size;
	const uint8_t *signature;
	size_t signature_size;
	EVP_PKEY *ak;                  /* the trusted attestation key */
	const struct tpm2_public *ak_public; /* its TPM description, for the pinned scheme; or NULL */
	const uint8_t *nonce;          /* the extraData expected: for a bundle, the qualifying data
					* of its nonce and fields (bundle-binding.h) */
	size_t nonce_size;
	const struct pcr_values *pcrs; /* supplied values: each must be quoted, each quoted one given */
	uint32_t required[_BANK_MAX];  /* PCRs that must be in the selection (golden) */
};

int quote_verify(const struct quote_input *in, struct quote_verdict *ret);

/* EVP_PKEY for an RSA or ECC TPMT_PUBLIC. -EOPNOTSUPP for curves/sizes not supported. */
int tpm2_public_to_pkey(const struct tpm2_public *pub, EVP_PKEY **ret);
/* Name = nameAlg || H_nameAlg(TPMT_PUBLIC); size returned in *ret_size. */
int tpm2_public_name(const struct tpm2_public *pub, uint8_t ret[TPM2_NAME_MAX], size_t *ret_size);
/* The digest a TPM puts in pcrDigest: H(values of each selected PCR, in selection order). */
int quote_pcr_digest(const struct tpm2_pcr_selection *sel, const struct pcr_values *pcrs,
		     enum bank hash, uint8_t *ret);

