/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/* One copy of the _cleanup_() helpers for OpenSSL objects: each frees what *p points to (the
 * OpenSSL free functions accept NULL). Include this header rather than writing a private one. */

#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

static inline void EVP_PKEY_freep(EVP_PKEY **p)
{
	EVP_PKEY_free(*p);
}
static inline void EVP_PKEY_CTX_freep(EVP_PKEY_CTX **p)
{
	EVP_PKEY_CTX_free(*p);
}
static inline void EVP_MD_CTX_freep(EVP_MD_CTX **p)
{
	EVP_MD_CTX_free(*p);
}
static inline void OSSL_PARAM_BLD_freep(OSSL_PARAM_BLD **p)
{
	OSSL_PARAM_BLD_free(*p);
}
static inline void OSSL_PARAM_freep(OSSL_PARAM **p)
{
	OSSL_PARAM_free(*p);
}
static inline void BN_freep(BIGNUM **p)
{
	BN_free(*p);
}
static inline void BIO_freep(BIO **p)
{
	BIO_free(*p);
}
static inline void ECDSA_SIG_freep(ECDSA_SIG **p)
{
	ECDSA_SIG_free(*p);
}
/* For buffers OpenSSL allocated (i2d_*, OPENSSL_malloc). */
static inline void OPENSSL_freep(uint8_t **p)
{
	OPENSSL_free(*p);
}

static inline void X509_freep(X509 **p)
{
	X509_free(*p);
}
static inline void X509_STORE_freep(X509_STORE **p)
{
	X509_STORE_free(*p);
}
static inline void X509_STORE_CTX_freep(X509_STORE_CTX **p)
{
	X509_STORE_CTX_free(*p);
}
/* A stack and the certificates in it. */
static inline void sk_X509_freep(STACK_OF(X509) **p)
{
	sk_X509_pop_free(*p, X509_free);
}
