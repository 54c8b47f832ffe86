/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Detached signatures over release files (SHA256SUMS), compatible with plain openssl:
 *   RSA / EC keys: signature = what `openssl dgst -sha256 -sign KEY -out SIG FILE` writes
 *     (RSASSA-PKCS1-v1_5 / DER ECDSA over SHA-256); check with
 *     `openssl dgst -sha256 -verify PUB.pem -signature SIG FILE`.
 *   Ed25519 keys: pure Ed25519 over the file; check with
 *     `openssl pkeyutl -verify -pubin -inkey PUB.pem -rawin -in FILE -sigfile SIG`. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define MANIFEST_MAX_SIZE (64u * 1024 * 1024)
#define MANIFEST_MAX_SIG 1024u
#define MANIFEST_MAX_LINES 10000u

/* Loads a PEM private key (sign) or public key / certificate (verify). */
int manifest_load_private_key(const char *path, EVP_PKEY **ret);
int manifest_load_public_key(const char *path, EVP_PKEY **ret);

/* Signs data; *ret is malloc'd. */
int manifest_sign(EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t **ret, size_t *ret_len);
/* 1 = valid, 0 = invalid, < 0 could not evaluate. */
int manifest_verify(EVP_PKEY *key, const uint8_t *data, size_t len, const uint8_t *sig,
		    size_t sig_len);

/* Checks a SHA256SUMS text ("<64 hex>  <name>\n" or "<64 hex> *<name>\n" lines, as sha256sum
 * writes them) against the files in dir. Names must be relative without "..". On a mismatch or
 * defect returns -EBADMSG (malformed line) / -ENOENT / -EEXIST (duplicate) / 1 (digest differs)
 * with errbuf naming the line and file; 0 when every listed file matches. */
int manifest_check_sums(const uint8_t *sums, size_t len, const char *dir, char *errbuf,
			size_t errbuf_size);
