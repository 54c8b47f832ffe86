/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Software TPM2_MakeCredential: TPM 2.0 Library Part 1 rev 1.59 §24 (Credential Protection:
 * seed, §24.4 symmetric encryption with KDFa "STORAGE", §24.5 integrity HMAC with KDFa
 * "INTEGRITY"), Part 1 §11.4.10.2 KDFa, Annex B.10.3 (RSA-OAEP secret sharing, label
 * "IDENTITY"), Part 3 §12.6 TPM2_MakeCredential. EK template: TCG EK Credential Profile 2.5
 * Template L-1 (RSA 2048, SHA-256, AES-128-CFB). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "credential.h"
#include "digest.h"
#include "ossl-free.h"
#include "size.h"

int credential_kdfa_sha256(const uint8_t *key, size_t key_len, const char *label,
			   const uint8_t *context_u, size_t u_len, const uint8_t *context_v,
			   size_t v_len, unsigned bits, uint8_t *out)
{
	size_t want = bits / 8, done = 0, label_len = strlen(label) + 1; /* with its NUL */
	uint8_t *msg;
	size_t msg_len = 4 + label_len + u_len + v_len + 4;

	msg = malloc(msg_len);
	if (!msg)
		return -ENOMEM;
	for (uint32_t i = 1; done < want; i++) {
		uint8_t h[32];
		unsigned hl = 0;
		size_t off = 0;

		store_be32(msg, i);
		off = 4;
		memcpy(msg + off, label, label_len);
		off += label_len;
		if (u_len)
			memcpy(msg + off, context_u, u_len);
		off += u_len;
		if (v_len)
			memcpy(msg + off, context_v, v_len);
		off += v_len;
		store_be32(msg + off, bits);
		if (!HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, h, &hl) || hl != 32) {
			free(msg);
			return -EIO;
		}
		memcpy(out + done, h, MIN((size_t)32, want - done));
		done += MIN((size_t)32, want - done);
	}
	free(msg);
	return 0;
}

/* The seed, RSA-OAEP(SHA-256) encrypted to the EK with the label "IDENTITY\0", as a
 * TPM2B_ENCRYPTED_SECRET (u16 size, then the bytes): *ret malloc'd, *ret_len the RSA output's
 * size. */
static int encrypt_seed(EVP_PKEY *ek, const uint8_t *seed, size_t seed_size, uint8_t **ret,
			size_t *ret_len)
{
	static const char identity[] = "IDENTITY"; /* the label includes its NUL */
	_cleanup_(EVP_PKEY_CTX_freep) EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(ek, NULL);
	_cleanup_(OPENSSL_freep) uint8_t *lbl = OPENSSL_memdup(identity, sizeof(identity));
	_cleanup_(freep) uint8_t *enc = NULL;
	size_t enc_len = 0;

	if (!pctx || !lbl)
		return -ENOMEM;
	if (EVP_PKEY_encrypt_init(pctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set0_rsa_oaep_label(pctx, lbl, (int)sizeof(identity)) <= 0)
		return -EIO;
	lbl = NULL; /* owned by pctx */
	if (EVP_PKEY_encrypt(pctx, NULL, &enc_len, seed, seed_size) != 1)
		return -EIO;
	enc = malloc(2 + enc_len);
	if (!enc)
		return -ENOMEM;
	if (EVP_PKEY_encrypt(pctx, enc + 2, &enc_len, seed, seed_size) != 1)
		return -EIO;
	store_be16(enc, (uint16_t)enc_len);
	*ret = TAKE_PTR(enc);
	*ret_len = enc_len;
	return 0;
}

int credential_make(EVP_PKEY *ek, const uint8_t *ak_name, size_t ak_name_size,
		    const uint8_t secret[CREDENTIAL_SECRET_SIZE], uint8_t **ret_blob,
		    size_t *ret_blob_size, uint8_t **ret_enc, size_t *ret_enc_size)
{
	uint8_t seed[32], sym[16], hmac_key[32], iv[16] = {};
	uint8_t plain[2 + CREDENTIAL_SECRET_SIZE], enc_id[sizeof(plain)];
	uint8_t *blob = NULL, *enc = NULL, *mac_in = NULL;
	EVP_CIPHER_CTX *cctx = NULL;
	size_t enc_len = 0;
	int outl = 0, fin = 0, r = -EIO;
	unsigned hl = 0;

	if (EVP_PKEY_get_base_id(ek) != EVP_PKEY_RSA)
		return -EOPNOTSUPP;
	if (RAND_bytes(seed, sizeof(seed)) != 1)
		return -EIO;

	r = encrypt_seed(ek, seed, sizeof(seed), &enc, &enc_len);
	if (r < 0)
		goto out;

	/* encIdentity = AES-128-CFB(KDFa(seed, "STORAGE", name), IV 0, TPM2B_DIGEST(secret)) */
	r = credential_kdfa_sha256(seed, sizeof(seed), "STORAGE", ak_name, ak_name_size, NULL, 0,
				   128, sym);
	if (r < 0)
		goto out;
	r = -EIO;
	store_be16(plain, CREDENTIAL_SECRET_SIZE);
	memcpy(plain + 2, secret, CREDENTIAL_SECRET_SIZE);
	cctx = EVP_CIPHER_CTX_new();
	if (!cctx || EVP_EncryptInit_ex(cctx, EVP_aes_128_cfb128(), NULL, sym, iv) != 1 ||
	    EVP_EncryptUpdate(cctx, enc_id, &outl, plain, (int)sizeof(plain)) != 1 ||
	    EVP_EncryptFinal_ex(cctx, enc_id + outl, &fin) != 1 || outl + fin != (int)sizeof(plain))
		goto out;

	/* outerHMAC = HMAC-SHA-256(KDFa(seed, "INTEGRITY"), encIdentity || name) */
	r = credential_kdfa_sha256(seed, sizeof(seed), "INTEGRITY", NULL, 0, NULL, 0, 256, hmac_key);
	if (r < 0)
		goto out;
	r = -EIO;
	mac_in = malloc(sizeof(enc_id) + ak_name_size);
	blob = malloc(2 + 2 + 32 + sizeof(enc_id));
	if (!mac_in || !blob) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(mac_in, enc_id, sizeof(enc_id));
	memcpy(mac_in + sizeof(enc_id), ak_name, ak_name_size);
	if (!HMAC(EVP_sha256(), hmac_key, sizeof(hmac_key), mac_in, sizeof(enc_id) + ak_name_size,
		  blob + 4, &hl) || hl != 32)
		goto out;
	/* TPM2B_ID_OBJECT { TPM2B_DIGEST integrityHMAC; encIdentity } */
	store_be16(blob, (uint16_t)(2 + 32 + sizeof(enc_id)));
	store_be16(blob + 2, 32);
	memcpy(blob + 4 + 32, enc_id, sizeof(enc_id));
	*ret_blob = blob;
	*ret_blob_size = 2 + 2 + 32 + sizeof(enc_id);
	*ret_enc = enc;
	*ret_enc_size = 2 + enc_len;
	blob = enc = NULL;
	r = 0;
out:
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(sym, sizeof(sym));
	OPENSSL_cleanse(hmac_key, sizeof(hmac_key));
	OPENSSL_cleanse(plain, sizeof(plain));
	EVP_CIPHER_CTX_free(cctx);
	free(mac_in);
	free(blob);
	free(enc);
	return r;
}
