/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TPM2_Quote verification. TPM 2.0 Library Part 3 rev 1.59 §18.4 (TPM2_Quote: pcrDigest is the
 * digest, with the signing scheme's hash, of the selected PCRs in selection order), Part 1 §B.7
 * (RSASSA-PKCS1-v1_5 / RSASSA-PSS) and §C.7 (ECDSA r, s as TPM2B_ECC_PARAMETER). The scheme comes
 * from the TPMT_SIGNATURE and must fit the key type (and the key's own scheme when it pins one):
 * no "try all paddings". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "hexstr.h"
#include "size.h"
#include "quote-verify.h"

static const char *const failure_names[_QUOTE_FAILURE_MAX] = {
	[QUOTE_OK] = "ok",
	[QUOTE_ATTEST_MALFORMED] = "attest-malformed",
	[QUOTE_SIGNATURE_MALFORMED] = "signature-malformed",
	[QUOTE_SCHEME_UNSUPPORTED] = "signature-scheme-unsupported",
	[QUOTE_SCHEME_KEY_MISMATCH] = "signature-scheme-key-mismatch",
	[QUOTE_SIGNATURE_INVALID] = "signature-invalid",
	[QUOTE_MAGIC] = "attest-magic",
	[QUOTE_TYPE] = "attest-type",
	[QUOTE_NONCE_MISMATCH] = "quote-nonce-mismatch",
	[QUOTE_BANK_UNKNOWN] = "selection-bank-unknown",
	[QUOTE_PCR_NOT_QUOTED] = "pcr-value-not-quoted",
	[QUOTE_PCR_VALUE_MISSING] = "pcr-value-missing",
	[QUOTE_GOLDEN_PCR_NOT_QUOTED] = "golden-pcr-not-quoted",
	[QUOTE_PCR_DIGEST_MISMATCH] = "pcr-digest-mismatch",
};

const char *quote_failure_to_string(enum quote_failure f)
{
	if ((unsigned)f >= _QUOTE_FAILURE_MAX)
		return "unknown";
	return failure_names[f];
}

static int verdict_fail(struct quote_verdict *v, enum quote_failure why, int bank, int pcr,
			const char *fmt, ...) _printf_(5, 6);
static int verdict_fail(struct quote_verdict *v, enum quote_failure why, int bank, int pcr,
			const char *fmt, ...)
{
	va_list ap;

	v->ok = false;
	v->why = why;
	v->bank = bank;
	v->pcr = pcr;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	return 0;
}

int tpm2_public_name(const struct tpm2_public *pub, uint8_t ret[TPM2_NAME_MAX], size_t *ret_size)
{
	enum bank b = bank_from_tpm_alg(pub->name_alg);
	int r;

	if (b < 0)
		return -EOPNOTSUPP;
	store_be16(ret, pub->name_alg);
	r = digest_buffer(b, pub->tpmt, pub->tpmt_size, ret + 2);
	if (r < 0)
		return r;
	*ret_size = 2 + bank_size(b);
	return 0;
}

int tpm2_public_to_pkey(const struct tpm2_public *pub, EVP_PKEY **ret)
{
	_cleanup_(OSSL_PARAM_BLD_freep) OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	_cleanup_(OSSL_PARAM_freep) OSSL_PARAM *params = NULL;
	_cleanup_(EVP_PKEY_CTX_freep) EVP_PKEY_CTX *ctx = NULL;
	_cleanup_(BN_freep) BIGNUM *n = NULL, *e = NULL;
	/* OSSL_PARAM_BLD keeps a pointer to the octet string until _to_param(): same scope. */
	uint8_t point[1 + 2 * TPM2_ECC_MAX_BYTES] = {0x04};
	EVP_PKEY *pkey = NULL;
	const char *type;

	if (!bld)
		return -ENOMEM;
	if (pub->type == BP_TPM2_ALG_RSA) {
		type = "RSA";
		n = BN_bin2bn(pub->rsa_modulus, (int)pub->rsa_modulus_size, NULL);
		e = BN_new();
		if (!n || !e || BN_set_word(e, pub->rsa_exponent ? pub->rsa_exponent : 65537) != 1)
			return -ENOMEM;
		if (pub->rsa_bits < 2048)
			return -EOPNOTSUPP;
		if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
			return -EIO;
	} else if (pub->type == BP_TPM2_ALG_ECC) {
		const char *group;
		size_t fs;

		switch (pub->ecc_curve) {
		case BP_TPM2_ECC_NIST_P256:
			group = "prime256v1", fs = 32;
			break;
		case BP_TPM2_ECC_NIST_P384:
			group = "secp384r1", fs = 48;
			break;
		case BP_TPM2_ECC_NIST_P521:
			group = "secp521r1", fs = 66;
			break;
		default:
			return -EOPNOTSUPP;
		}
		if (pub->ecc_x_size > fs || pub->ecc_y_size > fs)
			return -EBADMSG;
		/* Coordinates are unsigned big-endian; left-pad to the field size. */
		memcpy(point + 1 + fs - pub->ecc_x_size, pub->ecc_x, pub->ecc_x_size);
		memcpy(point + 1 + 2 * fs - pub->ecc_y_size, pub->ecc_y, pub->ecc_y_size);
		type = "EC";
		if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
		    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
						     1 + 2 * fs) != 1)
			return -EIO;
	} else
		return -EOPNOTSUPP;

	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (!params || !ctx)
		return -ENOMEM;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		return -EBADMSG; /* e.g. an EC point not on the curve */
	*ret = pkey;
	return 0;
}

int quote_pcr_digest(const struct tpm2_pcr_selection *sel, const struct pcr_values *pcrs,
		     enum bank hash, uint8_t *ret)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = bank_md(hash);

	if (!ctx)
		return -ENOMEM;
	if (!md || EVP_DigestInit_ex(ctx, md, NULL) != 1)
		return -EIO;
	for (size_t i = 0; i < sel->n; i++) {
		enum bank b = bank_from_tpm_alg(sel->sel[i].hash);

		if (b < 0)
			return -EOPNOTSUPP;
		for (unsigned pcr = 0; pcr < TPM2_PCR_COUNT; pcr++) {
			if (!(sel->sel[i].mask & (1u << pcr)))
				continue;
			if (!(pcrs->mask[b] & (1u << pcr)))
				return -ENOENT;
			if (EVP_DigestUpdate(ctx, pcrs->value[b][pcr], bank_size(b)) != 1)
				return -EIO;
		}
	}
	if (EVP_DigestFinal_ex(ctx, ret, NULL) != 1)
		return -EIO;
	return 0;
}

/* Returns 1 valid, 0 invalid, < 0 could not evaluate. */
static int check_signature(const struct tpm2_signature *sig, EVP_PKEY *key, enum bank hash,
			   const uint8_t *msg, size_t msg_len)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	_cleanup_(OPENSSL_freep) uint8_t *der = NULL;
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	const uint8_t *s = sig->sig;
	size_t s_len = sig->sig_size;
	int r;

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestVerifyInit(ctx, &pctx, bank_md(hash), NULL, key) != 1)
		return -EIO;
	switch (sig->sig_alg) {
	case BP_TPM2_ALG_RSASSA:
		if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
			return -EIO;
		break;
	case BP_TPM2_ALG_RSAPSS:
		/* Part 1 §B.7: salt length = digest size on current TPMs, "largest possible" on
		 * some older ones; the salt length does not change what is signed, so accept
		 * either by recovering it from the signature (AUTO), but only with MGF1 over the
		 * same hash. */
		if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, bank_md(hash)) <= 0)
			return -EIO;
		break;
	case BP_TPM2_ALG_ECDSA: {
		_cleanup_(ECDSA_SIG_freep) ECDSA_SIG *es = ECDSA_SIG_new();
		BIGNUM *br = BN_bin2bn(sig->r, (int)sig->r_size, NULL);
		BIGNUM *bs = BN_bin2bn(sig->s, (int)sig->s_size, NULL);
		int n;

		if (!es || !br || !bs || ECDSA_SIG_set0(es, br, bs) != 1) {
			BN_free(br);
			BN_free(bs);
			return -ENOMEM;
		}
		n = i2d_ECDSA_SIG(es, &der);
		if (n <= 0)
			return -ENOMEM;
		s = der;
		s_len = (size_t)n;
		break;
	}
	default:
		return -EOPNOTSUPP;
	}
	r = EVP_DigestVerify(ctx, s, s_len, msg, msg_len);
	if (r == 1)
		return 1;
	return 0; /* 0 = bad signature; < 0 = malformed signature encoding: also "invalid" */
}

/* The signature's scheme fits the AK: ECDSA for an EC key, RSA schemes for an RSA key, and the
 * scheme the AK's TPM2B_PUBLIC pins (if it pins one). false: v says which. */
static bool scheme_fits_key(const struct quote_input *in, const struct tpm2_signature *sig,
			    struct quote_verdict *v)
{
	int key_type = EVP_PKEY_get_base_id(in->ak);

	if ((sig->sig_alg == BP_TPM2_ALG_ECDSA) != (key_type == EVP_PKEY_EC) ||
	    (key_type != EVP_PKEY_EC && key_type != EVP_PKEY_RSA)) {
		verdict_fail(v, QUOTE_SCHEME_KEY_MISMATCH, -1, -1,
			     "signature scheme 0x%04x does not fit the AK's key type", sig->sig_alg);
		return false;
	}
	if (in->ak_public && in->ak_public->scheme != BP_TPM2_ALG_NULL &&
	    (in->ak_public->scheme != sig->sig_alg || in->ak_public->scheme_hash != sig->hash_alg)) {
		verdict_fail(v, QUOTE_SCHEME_KEY_MISMATCH, -1, -1,
			     "signature scheme 0x%04x/0x%04x differs from the AK's pinned "
			     "scheme 0x%04x/0x%04x",
			     sig->sig_alg, sig->hash_alg, in->ak_public->scheme,
			     in->ak_public->scheme_hash);
		return false;
	}
	return true;
}

/* The quote's PCR selection against the bundle's values and the golden PCRs: every supplied
 * value quoted, every quoted PCR supplied, every golden PCR quoted. false: v says which. */
static bool selection_matches(const struct quote_input *in, const struct tpm2_attest *a,
			      struct quote_verdict *v)
{
	uint32_t selected[_BANK_MAX] = {};

	for (size_t i = 0; i < a->pcr_select.n; i++) {
		enum bank b = bank_from_tpm_alg(a->pcr_select.sel[i].hash);
		if (b < 0) {
			verdict_fail(v, QUOTE_BANK_UNKNOWN, -1, -1,
				     "the selection names hash 0x%04x",
				     a->pcr_select.sel[i].hash);
			return false;
		}
		selected[b] = a->pcr_select.sel[i].mask;
	}
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		uint32_t extra = in->pcrs->mask[b] & ~selected[b];
		uint32_t missing = selected[b] & ~in->pcrs->mask[b];
		uint32_t unquoted = in->required[b] & ~selected[b];

		if (extra) {
			verdict_fail(v, QUOTE_PCR_NOT_QUOTED, b, __builtin_ctz(extra),
				     "the bundle supplies %s PCR %d but the quote does not "
				     "select it",
				     bank_name(b), __builtin_ctz(extra));
			return false;
		}
		if (missing) {
			verdict_fail(v, QUOTE_PCR_VALUE_MISSING, b, __builtin_ctz(missing),
				     "the quote selects %s PCR %d but the bundle has no value "
				     "for it",
				     bank_name(b), __builtin_ctz(missing));
			return false;
		}
		if (unquoted) {
			verdict_fail(v, QUOTE_GOLDEN_PCR_NOT_QUOTED, b,
				     __builtin_ctz(unquoted),
				     "golden %s PCR %d is not in the quote's selection",
				     bank_name(b), __builtin_ctz(unquoted));
			return false;
		}
	}
	return true;
}

int quote_verify(const struct quote_input *in, struct quote_verdict *v)
{
	struct tpm2_parse_error pe = {};
	struct tpm2_signature sig;
	struct tpm2_attest *a = &v->attest;
	char msg[128], hex1[2 * TPM2_DATA_MAX + 1], hex2[2 * TPM2_DATA_MAX + 1];
	uint8_t digest[DIGEST_MAX];
	enum bank hash;
	int r;

	*v = (struct quote_verdict){.bank = -1, .pcr = -1};
	r = tpm2_attest_parse(in->attest, in->attest_size, a, &pe);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		tpm2_parse_error_format(&pe, msg, sizeof(msg));
		return verdict_fail(v, QUOTE_ATTEST_MALFORMED, -1, -1, "TPMS_ATTEST: %s", msg);
	}
	r = tpm2_signature_parse(in->signature, in->signature_size, &sig, &pe);
	if (r < 0) {
		tpm2_parse_error_format(&pe, msg, sizeof(msg));
		return verdict_fail(v, QUOTE_SIGNATURE_MALFORMED, -1, -1, "TPMT_SIGNATURE: %s", msg);
	}

	/* The scheme is pinned by the signature structure and must fit the key. */
	hash = bank_from_tpm_alg(sig.hash_alg);
	if (hash < 0 || hash == BANK_SHA1)
		return verdict_fail(v, QUOTE_SCHEME_UNSUPPORTED, -1, -1,
				    "signature hash 0x%04x is not accepted (sha256, sha384, sha512)",
				    sig.hash_alg);
	if (!scheme_fits_key(in, &sig, v))
		return 0;
	r = check_signature(&sig, in->ak, hash, in->attest, in->attest_size);
	if (r < 0 && r != -EIO)
		return r;
	if (r <= 0)
		return verdict_fail(v, QUOTE_SIGNATURE_INVALID, -1, -1,
				    "the quote's signature does not verify with the trusted AK "
				    "(%s over TPMS_ATTEST)",
				    sig.sig_alg == BP_TPM2_ALG_ECDSA   ? "ECDSA"
				    : sig.sig_alg == BP_TPM2_ALG_RSAPSS ? "RSASSA-PSS"
								     : "RSASSA-PKCS1-v1_5");

	/* Only now is the content authentic. */
	if (a->magic != BP_TPM2_GENERATED_VALUE)
		return verdict_fail(v, QUOTE_MAGIC, -1, -1, "magic 0x%08x is not TPM_GENERATED_VALUE",
				    a->magic);
	if (a->type != BP_TPM2_ST_ATTEST_QUOTE)
		return verdict_fail(v, QUOTE_TYPE, -1, -1, "type 0x%04x is not TPM_ST_ATTEST_QUOTE",
				    a->type);
	if (a->extra_data_size != in->nonce_size ||
	    CRYPTO_memcmp(a->extra_data, in->nonce, in->nonce_size) != 0) {
		hex_encode(a->extra_data, a->extra_data_size, hex1);
		hex_encode(in->nonce, MIN(in->nonce_size, (size_t)TPM2_DATA_MAX), hex2);
		return verdict_fail(v, QUOTE_NONCE_MISMATCH, -1, -1,
				    "the quote was made for nonce '%s', expected '%s' (stale or "
				    "replayed quote)",
				    hex1, hex2);
	}

	if (!selection_matches(in, a, v))
		return 0;
	if (a->pcr_digest_size != bank_size(hash))
		return verdict_fail(v, QUOTE_PCR_DIGEST_MISMATCH, -1, -1,
				    "pcrDigest has %zu bytes, the %s scheme hash needs %zu",
				    a->pcr_digest_size, bank_name(hash), bank_size(hash));
	r = quote_pcr_digest(&a->pcr_select, in->pcrs, hash, digest);
	if (r < 0)
		return r;
	if (CRYPTO_memcmp(digest, a->pcr_digest, bank_size(hash)) != 0)
		return verdict_fail(v, QUOTE_PCR_DIGEST_MISMATCH, -1, -1,
				    "the supplied PCR values do not hash to the quoted pcrDigest "
				    "(a PCR value was changed)");
	v->ok = true;
	v->why = QUOTE_OK;
	snprintf(v->detail, sizeof(v->detail), "quote verified");
	return 0;
}
