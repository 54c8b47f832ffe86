/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Credential activation, the verifier's half: a software TPM2_MakeCredential that encrypts a
 * fresh secret to an EK public key (from an EK certificate) bound to an AK's Name. Only the TPM
 * holding that EK can recover it, and TPM2_ActivateCredential releases it only if an object with
 * that Name is loaded in the same TPM: a returned secret proves the AK is resident beside the
 * certified EK. RSA EKs with the TCG default template (nameAlg SHA-256, AES-128-CFB). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define CREDENTIAL_SECRET_SIZE 32u
#define CREDENTIAL_FORMAT "bootproof-credential/1"

/* ret_blob: marshalled TPM2B_ID_OBJECT; ret_enc: marshalled TPM2B_ENCRYPTED_SECRET (both with
 * their u16 size prefix), malloc'd. -EOPNOTSUPP for a non-RSA EK. */
int credential_make(EVP_PKEY *ek, const uint8_t *ak_name, size_t ak_name_size,
		    const uint8_t secret[CREDENTIAL_SECRET_SIZE], uint8_t **ret_blob,
		    size_t *ret_blob_size, uint8_t **ret_enc, size_t *ret_enc_size);

/* KDFa (TPM 2.0 Part 1 §11.4.10.2) with HMAC-SHA-256: bits/8 bytes into out. */
int credential_kdfa_sha256(const uint8_t *key, size_t key_len, const char *label,
			   const uint8_t *context_u, size_t u_len, const uint8_t *context_v,
			   size_t v_len, unsigned bits, uint8_t *out);
