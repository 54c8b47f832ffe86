/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Out-of-band EK public keys (ek-pub.h): RFC 5280 §4.1.2.7 SubjectPublicKeyInfo (DER, PEM),
 * TPM 2.0 Part 2 §12.2.4 TPMT_PUBLIC (decoded by tpm2-attest.c's bounded parser). */
#include <errno.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ek-pub.h"
#include "errbuf.h"
#include "quote-verify.h"
#include "tpm2-attest.h"

/* TPMA_OBJECT: restricted (bit 16) and decrypt (bit 17), not sign (bit 18). */
#define EK_ATTR_RESTRICTED (1u << 16)
#define EK_ATTR_DECRYPT (1u << 17)
#define EK_ATTR_SIGN (1u << 18)

static EVP_PKEY *from_spki_der(const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)len);

	if (k && p != data + len) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

static EVP_PKEY *from_pem(const uint8_t *data, size_t len)
{
	BIO *b = BIO_new_mem_buf(data, (int)len);
	EVP_PKEY *k = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return k;
}

/* TPMT_PUBLIC: prefixed with its size it is the TPM2B_PUBLIC tpm2_public_parse() reads. */
static int from_tpmt(const uint8_t *data, size_t len, EVP_PKEY **ret, char *err, size_t errsz)
{
	uint8_t buf[2 + TPM2_PUBLIC_MAX_SIZE];
	struct tpm2_public pub;
	struct tpm2_parse_error pe = {};
	char msg[160];
	int r;

	if (len > TPM2_PUBLIC_MAX_SIZE)
		return errbuf_set(err, errsz, -E2BIG, "%zu bytes: larger than any TPMT_PUBLIC", len);
	buf[0] = (uint8_t)(len >> 8);
	buf[1] = (uint8_t)len;
	memcpy(buf + 2, data, len);
	r = tpm2_public_parse(buf, len + 2, &pub, &pe);
	if (r < 0) {
		tpm2_parse_error_format(&pe, msg, sizeof(msg));
		return errbuf_set(err, errsz, r == -ENOMEM ? r : -EBADMSG,
				  "neither PEM, DER SubjectPublicKeyInfo nor TPMT_PUBLIC (%s)", msg);
	}
	if (pub.type != BP_TPM2_ALG_RSA || pub.rsa_bits != 2048 || pub.name_alg != 0x000b ||
	    (pub.attributes & (EK_ATTR_RESTRICTED | EK_ATTR_DECRYPT | EK_ATTR_SIGN)) !=
		    (EK_ATTR_RESTRICTED | EK_ATTR_DECRYPT))
		return errbuf_set(err, errsz, -EOPNOTSUPP, "the TPMT_PUBLIC is not an RSA 2048 "
				  "restricted decryption key with nameAlg SHA-256 (the TCG default EK "
				  "credential activation targets)");
	r = tpm2_public_to_pkey(&pub, ret);
	return r < 0 ? errbuf_set(err, errsz, r, "the TPMT_PUBLIC's key does not decode") : 0;
}

int ek_pub_parse(const uint8_t *data, size_t len, EVP_PKEY **ret, char *err, size_t errsz)
{
	EVP_PKEY *k;

	if (len == 0 || len > EK_PUB_MAX_SIZE)
		return errbuf_set(err, errsz, len ? -E2BIG : -EBADMSG, "%zu bytes: not an EK public "
				  "key (at most %u bytes)", len, EK_PUB_MAX_SIZE);
	k = data[0] == '-' ? from_pem(data, len) : from_spki_der(data, len);
	if (!k) {
		int r = from_tpmt(data, len, &k, err, errsz);
		if (r < 0)
			return r;
	}
	/* Also for a TPMT_PUBLIC saying keyBits 2048: its modulus must have 2048 bits (fuzz-ek-pub
	 * found one with leading zero bits). */
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA || EVP_PKEY_get_bits(k) != 2048) {
		EVP_PKEY_free(k);
		return errbuf_set(err, errsz, -EOPNOTSUPP, "not an RSA 2048 key: bootproof makes "
				  "credentials for RSA 2048 EKs only");
	}
	*ret = k;
	return 0;
}
