/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Decoders for TPMS_ATTEST, TPML_PCR_SELECTION, TPMT_SIGNATURE and TPM2B_PUBLIC.
 * TPM 2.0 Library Part 2 rev 1.59: §10.12.8 TPMS_ATTEST, §10.12.1 TPMS_CLOCK_INFO,
 * §10.12.4 TPMS_QUOTE_INFO, §10.9.7 TPML_PCR_SELECTION, §11.3.4 TPMT_SIGNATURE,
 * §12.2.4 TPMT_PUBLIC, §12.2.3.5 TPMS_RSA_PARMS, §12.2.3.6 TPMS_ECC_PARMS.
 * All integers are big-endian. Every read goes through the cursor; every size meets a cap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "tpm2-attest.h"

struct pctx {
	struct cursor c;
	struct tpm2_parse_error *err;
	const uint8_t *start;
};

static int fail(struct pctx *p, int r, const char *field, const char *defect)
{
	if (p->err)
		*p->err = (struct tpm2_parse_error){
			.offset = (size_t)(p->c.p - p->start),
			.field = field,
			.defect = defect,
		};
	return r;
}

#define GET(kind, p, dst, field)                                                                   \
	do {                                                                                       \
		if (!cursor_get_##kind(&(p)->c, (dst)))                                            \
			return fail((p), -EBADMSG, (field), "truncated");                          \
	} while (0)

/* TPM2B with u16 size: copy into dst (cap bytes). */
static int get_tpm2b(struct pctx *p, uint8_t *dst, size_t cap, size_t *ret_size, const char *field)
{
	struct cursor save = p->c, sub;
	uint16_t n;

	if (!cursor_get_u16be(&p->c, &n))
		return fail(p, -EBADMSG, field, "truncated size");
	if (n > cap) {
		p->c = save;
		return fail(p, -E2BIG, field, "size exceeds cap");
	}
	if (!cursor_get_bytes(&p->c, n, &sub)) {
		p->c = save;
		return fail(p, -EBADMSG, field, "truncated data");
	}
	if (dst)
		memcpy(dst, sub.p, n);
	*ret_size = n;
	return 0;
}

static int parse_selection(struct pctx *p, struct tpm2_pcr_selection *ret)
{
	uint32_t count;

	GET(u32be, p, &count, "TPML_PCR_SELECTION.count");
	if (count > TPM2_NUM_PCR_BANKS_MAX)
		return fail(p, -E2BIG, "TPML_PCR_SELECTION.count", "more banks than the cap");
	ret->n = count;
	for (uint32_t i = 0; i < count; i++) {
		struct tpm2_pcr_select *s = &ret->sel[i];
		uint8_t sizeof_select, b;

		GET(u16be, p, &s->hash, "TPMS_PCR_SELECTION.hash");
		for (uint32_t j = 0; j < i; j++)
			if (ret->sel[j].hash == s->hash)
				return fail(p, -EBADMSG, "TPMS_PCR_SELECTION.hash", "bank listed twice");
		GET(u8, p, &sizeof_select, "TPMS_PCR_SELECTION.sizeofSelect");
		if (sizeof_select > BP_TPM2_PCR_SELECT_MAX)
			return fail(p, -E2BIG, "TPMS_PCR_SELECTION.sizeofSelect", "exceeds cap");
		s->mask = 0;
		for (unsigned k = 0; k < sizeof_select; k++) {
			GET(u8, p, &b, "TPMS_PCR_SELECTION.pcrSelect");
			if (k * 8 >= TPM2_PCR_COUNT) {
				if (b != 0)
					return fail(p, -EOPNOTSUPP, "TPMS_PCR_SELECTION.pcrSelect",
						    "selects a PCR above 23");
				continue;
			}
			s->mask |= (uint32_t)b << (k * 8);
		}
	}
	return 0;
}

static int expect_end(struct pctx *p, const char *what)
{
	if (cursor_left(&p->c) != 0)
		return fail(p, -EBADMSG, what, "trailing bytes after the structure");
	return 0;
}

int tpm2_attest_parse(const uint8_t *data, size_t len, struct tpm2_attest *ret,
		      struct tpm2_parse_error *ret_err)
{
	struct tpm2_attest a = {};
	struct pctx p = {.err = ret_err, .start = data};
	int r;

	cursor_init(&p.c, data, len);
	if (len > TPM2_ATTEST_MAX_SIZE)
		return fail(&p, -E2BIG, "TPMS_ATTEST", "larger than the cap");
	GET(u32be, &p, &a.magic, "magic");
	GET(u16be, &p, &a.type, "type");
	r = get_tpm2b(&p, a.signer_name, sizeof(a.signer_name), &a.signer_name_size,
		      "qualifiedSigner");
	if (r < 0)
		return r;
	r = get_tpm2b(&p, a.extra_data, sizeof(a.extra_data), &a.extra_data_size, "extraData");
	if (r < 0)
		return r;
	GET(u64be, &p, &a.clock, "clockInfo.clock");
	GET(u32be, &p, &a.reset_count, "clockInfo.resetCount");
	GET(u32be, &p, &a.restart_count, "clockInfo.restartCount");
	GET(u8, &p, &a.safe, "clockInfo.safe");
	if (a.safe > 1)
		return fail(&p, -EBADMSG, "clockInfo.safe", "not a TPMI_YES_NO");
	GET(u64be, &p, &a.firmware_version, "firmwareVersion");
	/* The union is selected by type: only TPMS_QUOTE_INFO is decoded. */
	if (a.type != BP_TPM2_ST_ATTEST_QUOTE)
		return fail(&p, -EOPNOTSUPP, "type", "not TPM_ST_ATTEST_QUOTE");
	r = parse_selection(&p, &a.pcr_select);
	if (r < 0)
		return r;
	r = get_tpm2b(&p, a.pcr_digest, sizeof(a.pcr_digest), &a.pcr_digest_size, "pcrDigest");
	if (r < 0)
		return r;
	r = expect_end(&p, "TPMS_ATTEST");
	if (r < 0)
		return r;
	*ret = a;
	return 0;
}

int tpm2_pcr_selection_parse(const uint8_t *data, size_t len, struct tpm2_pcr_selection *ret,
			     struct tpm2_parse_error *ret_err)
{
	struct tpm2_pcr_selection s = {};
	struct pctx p = {.err = ret_err, .start = data};
	int r;

	cursor_init(&p.c, data, len);
	r = parse_selection(&p, &s);
	if (r < 0)
		return r;
	r = expect_end(&p, "TPML_PCR_SELECTION");
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

int tpm2_signature_parse(const uint8_t *data, size_t len, struct tpm2_signature *ret,
			 struct tpm2_parse_error *ret_err)
{
	struct tpm2_signature s = {};
	struct pctx p = {.err = ret_err, .start = data};
	int r;

	cursor_init(&p.c, data, len);
	if (len > TPM2_SIGNATURE_MAX_SIZE)
		return fail(&p, -E2BIG, "TPMT_SIGNATURE", "larger than the cap");
	GET(u16be, &p, &s.sig_alg, "sigAlg");
	switch (s.sig_alg) {
	case BP_TPM2_ALG_RSASSA:
	case BP_TPM2_ALG_RSAPSS:
		GET(u16be, &p, &s.hash_alg, "signature.hash");
		r = get_tpm2b(&p, s.sig, sizeof(s.sig), &s.sig_size, "signature.sig");
		if (r < 0)
			return r;
		if (s.sig_size == 0)
			return fail(&p, -EBADMSG, "signature.sig", "empty");
		break;
	case BP_TPM2_ALG_ECDSA:
		GET(u16be, &p, &s.hash_alg, "signature.hash");
		r = get_tpm2b(&p, s.r, sizeof(s.r), &s.r_size, "signature.signatureR");
		if (r < 0)
			return r;
		r = get_tpm2b(&p, s.s, sizeof(s.s), &s.s_size, "signature.signatureS");
		if (r < 0)
			return r;
		if (s.r_size == 0 || s.s_size == 0)
			return fail(&p, -EBADMSG, "signature.signatureR/S", "empty");
		break;
	default:
		/* NULL, HMAC, ECDAA, SM2, ECSCHNORR: nothing a quote verifier accepts. */
		return fail(&p, -EOPNOTSUPP, "sigAlg", "unsupported signature scheme");
	}
	r = expect_end(&p, "TPMT_SIGNATURE");
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

/* TPMT_SYM_DEF_OBJECT: algorithm, then keyBits and mode unless NULL. */
static int skip_symdef(struct pctx *p)
{
	uint16_t alg, bits, mode;

	GET(u16be, p, &alg, "parameters.symmetric.algorithm");
	if (alg == BP_TPM2_ALG_NULL)
		return 0;
	GET(u16be, p, &bits, "parameters.symmetric.keyBits");
	GET(u16be, p, &mode, "parameters.symmetric.mode");
	return 0;
}

/* TPMT_{RSA,ECC}_SCHEME / TPMT_KDF_SCHEME: scheme, then details unless NULL. */
static int get_scheme(struct pctx *p, uint16_t *ret_scheme, uint16_t *ret_hash, const char *field)
{
	uint16_t count;

	GET(u16be, p, ret_scheme, field);
	*ret_hash = BP_TPM2_ALG_NULL;
	if (*ret_scheme == BP_TPM2_ALG_NULL)
		return 0;
	GET(u16be, p, ret_hash, field);
	if (*ret_scheme == BP_TPM2_ALG_ECDAA)
		GET(u16be, p, &count, field);
	return 0;
}

/* The start of TPMS_RSA_PARMS and TPMS_ECC_PARMS alike: the symmetric definition (skipped),
 * then the signing scheme and its hash. */
static int get_key_scheme(struct pctx *p, struct tpm2_public *k)
{
	int r = skip_symdef(p);

	if (r < 0)
		return r;
	return get_scheme(p, &k->scheme, &k->scheme_hash, "parameters.scheme");
}

/* TPMS_RSA_PARMS and TPM2B_PUBLIC_KEY_RSA: the modulus must have keyBits bits. */
static int parse_rsa_public(struct pctx *p, struct tpm2_public *k)
{
	int r = get_key_scheme(p, k);

	if (r < 0)
		return r;
	GET(u16be, p, &k->rsa_bits, "parameters.keyBits");
	GET(u32be, p, &k->rsa_exponent, "parameters.exponent");
	r = get_tpm2b(p, k->rsa_modulus, sizeof(k->rsa_modulus), &k->rsa_modulus_size,
		      "unique.rsa");
	if (r < 0)
		return r;
	if (k->rsa_modulus_size == 0 || (size_t)k->rsa_bits != k->rsa_modulus_size * 8)
		return fail(p, -EBADMSG, "unique.rsa", "modulus size differs from keyBits");
	return 0;
}

/* TPMS_ECC_PARMS (the KDF read and ignored) and TPMS_ECC_POINT. */
static int parse_ecc_public(struct pctx *p, struct tpm2_public *k)
{
	uint16_t kdf, kdf_hash;
	int r = get_key_scheme(p, k);

	if (r < 0)
		return r;
	GET(u16be, p, &k->ecc_curve, "parameters.curveID");
	r = get_scheme(p, &kdf, &kdf_hash, "parameters.kdf");
	if (r < 0)
		return r;
	r = get_tpm2b(p, k->ecc_x, sizeof(k->ecc_x), &k->ecc_x_size, "unique.ecc.x");
	if (r < 0)
		return r;
	return get_tpm2b(p, k->ecc_y, sizeof(k->ecc_y), &k->ecc_y_size, "unique.ecc.y");
}

int tpm2_public_parse(const uint8_t *data, size_t len, struct tpm2_public *ret,
		      struct tpm2_parse_error *ret_err)
{
	struct tpm2_public *k = calloc(1, sizeof(*k));
	struct pctx p = {.err = ret_err, .start = data};
	struct cursor outer, body;
	size_t sz;
	uint16_t n;
	int r;

	if (!k)
		return -ENOMEM;
	cursor_init(&outer, data, len);
	p.c = outer;
	if (len > TPM2_PUBLIC_MAX_SIZE + 2) {
		r = fail(&p, -E2BIG, "TPM2B_PUBLIC", "larger than the cap");
		goto out;
	}
	if (!cursor_get_u16be(&outer, &n) || !cursor_get_bytes(&outer, n, &body)) {
		r = fail(&p, -EBADMSG, "TPM2B_PUBLIC.size", "truncated");
		goto out;
	}
	if (cursor_left(&outer) != 0) {
		p.c = outer;
		r = fail(&p, -EBADMSG, "TPM2B_PUBLIC", "trailing bytes after the structure");
		goto out;
	}
	memcpy(k->tpmt, body.p, n);
	k->tpmt_size = n;
	p.c = body;

#define PGET(kind, dst, field)                                                                     \
	do {                                                                                       \
		if (!cursor_get_##kind(&p.c, (dst))) {                                             \
			r = fail(&p, -EBADMSG, (field), "truncated");                              \
			goto out;                                                                  \
		}                                                                                  \
	} while (0)
#define PCALL(expr)                                                                                \
	do {                                                                                       \
		r = (expr);                                                                        \
		if (r < 0)                                                                         \
			goto out;                                                                  \
	} while (0)

	PGET(u16be, &k->type, "type");
	PGET(u16be, &k->name_alg, "nameAlg");
	PGET(u32be, &k->attributes, "objectAttributes");
	PCALL(get_tpm2b(&p, NULL, TPM2_DIGEST_MAX, &sz, "authPolicy"));
	switch (k->type) {
	case BP_TPM2_ALG_RSA:
		PCALL(parse_rsa_public(&p, k));
		break;
	case BP_TPM2_ALG_ECC:
		PCALL(parse_ecc_public(&p, k));
		break;
	default:
		r = fail(&p, -EOPNOTSUPP, "type", "not an RSA or ECC key");
		goto out;
	}
	if (cursor_left(&p.c) != 0) {
		r = fail(&p, -EBADMSG, "TPMT_PUBLIC", "trailing bytes inside TPM2B_PUBLIC");
		goto out;
	}
	*ret = *k;
	r = 0;
out:
	free(k);
	return r;
#undef PGET
#undef PCALL
}

void tpm2_parse_error_format(const struct tpm2_parse_error *e, char *buf, size_t size)
{
	snprintf(buf, size, "offset %zu (%s): %s", e->offset, e->field ? e->field : "?",
		 e->defect ? e->defect : "malformed");
}
