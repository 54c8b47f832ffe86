/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A fast path for loading a PEM public key (X.509 SubjectPublicKeyInfo, RFC 5280 §4.1.2.7).
 * OpenSSL 3.0's PEM_read_bio_PUBKEY()/d2i_PUBKEY() set up its whole decoder graph on every call:
 * ~9 M instructions, about a third of a `bootproof verify` process. The key types bootproof uses
 * (RSA: RFC 8017 A.1.1; EC on P-256/P-384/P-521, uncompressed point: RFC 5480; Ed25519: RFC 8410)
 * are decoded here in a few thousand instructions and imported with EVP_PKEY_fromdata(), which
 * makes the same checks on the key material (an EC point must be on the curve).
 * Anything else, or any DER that is not in its plainest form, is "not handled" (-EOPNOTSUPP):
 * the caller then uses OpenSSL's general decoder, so this path can make loading faster but never
 * accept a key OpenSSL would reject or read it differently (fuzz-spki checks exactly that). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/evp.h>

/* DER SubjectPublicKeyInfo -> key. 0, -EOPNOTSUPP (not handled here: use d2i_PUBKEY), -ENOMEM,
 * -EIO (OpenSSL refused the key material). */
int spki_decode_fast(const uint8_t *der, size_t len, EVP_PKEY **ret);
/* Reads the first PEM block of bio; if it is a "PUBLIC KEY" that spki_decode_fast() handles,
 * returns the key. -EOPNOTSUPP otherwise (the caller rewinds bio and uses OpenSSL's reader). */
int spki_pem_read_fast(BIO *bio, EVP_PKEY **ret);
