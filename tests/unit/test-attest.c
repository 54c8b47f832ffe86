/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TPMS_ATTEST / TPMT_SIGNATURE / TPM2B_PUBLIC decoders, quote_verify() verdicts and bundle.json.
 * Quotes here are synthesised (TPM 2.0 Part 2 layouts) and signed with OpenSSL keys made by the
 * test; the expected pcrDigest is computed with a plain one-shot digest over the concatenated
 * values, not with quote_pcr_digest(). Real TPM quotes are in tests/attest/ (swtpm). */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <string.h>

#include <openssl/kdf.h>

#include "json.h"
#include "measure-attest.h"
#include "size.h"
#include "test.h"

struct buf {
	uint8_t d[4096];
	size_t n;
};
static void put(struct buf *b, const void *p, size_t n)
{
	memcpy(b->d + b->n, p, n);
	b->n += n;
}
static void put16(struct buf *b, uint16_t v)
{
	store_be16(b->d + b->n, v);
	b->n += 2;
}
static void put32(struct buf *b, uint32_t v)
{
	store_be32(b->d + b->n, v);
	b->n += 4;
}
static void put64(struct buf *b, uint64_t v)
{
	store_be64(b->d + b->n, v);
	b->n += 8;
}

static const uint8_t nonce[] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4};

/* PCR values: value[b][i] = (b+1, i) pattern, sha256 bank PCRs 0-15. */
static void make_pcrs(struct pcr_values *v)
{
	memset(v, 0, sizeof(*v));
	v->mask[BANK_SHA256] = 0xffff;
	for (unsigned i = 0; i < 16; i++)
		memset(v->value[BANK_SHA256][i], (int)(0x10 + i), 32);
}

/* TPMS_ATTEST quoting sha256:0-15 with the digest of the values in v. */
static void make_attest(struct buf *b, const struct pcr_values *v, uint32_t magic,
			const uint8_t *n, size_t n_size)
{
	uint8_t cat[16 * 32], dg[32];
	for (unsigned i = 0; i < 16; i++)
		memcpy(cat + 32 * i, v->value[BANK_SHA256][i], 32);
	ASSERT_OK(digest_buffer(BANK_SHA256, cat, sizeof(cat), dg));
	b->n = 0;
	put32(b, magic);
	put16(b, 0x8018);
	put16(b, 34);                   /* qualifiedSigner: alg + 32 bytes */
	put16(b, 0x000b);
	for (int i = 0; i < 32; i++)
		put(b, "\x42", 1);
	put16(b, (uint16_t)n_size);
	put(b, n, n_size);
	put64(b, 12345);                /* clock */
	put32(b, 1);                    /* resetCount */
	put32(b, 0);                    /* restartCount */
	put(b, "\x01", 1);              /* safe */
	put64(b, 0x2019102300000000ull);/* firmwareVersion */
	put32(b, 1);                    /* TPML_PCR_SELECTION.count */
	put16(b, 0x000b);
	put(b, "\x03\xff\xff\x00", 4);  /* sizeofSelect 3, PCRs 0-15 */
	put16(b, 32);
	put(b, dg, 32);
}

static EVP_PKEY *gen_key(const char *type)
{
	EVP_PKEY *k = strcmp(type, "RSA") == 0 ? EVP_RSA_gen(2048) : EVP_EC_gen("prime256v1");
	ASSERT_TRUE(k);
	return k;
}

/* Signs with OpenSSL and wraps the result in a TPMT_SIGNATURE. */
static void make_signature(struct buf *s, EVP_PKEY *k, uint16_t alg, const struct buf *msg)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t sig[1024];
	size_t n = sizeof(sig);

	ASSERT_TRUE(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, k) == 1);
	if (alg == BP_TPM2_ALG_RSAPSS) {
		ASSERT_TRUE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0);
		ASSERT_TRUE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0);
	}
	ASSERT_TRUE(EVP_DigestSign(ctx, sig, &n, msg->d, msg->n) == 1);
	EVP_MD_CTX_free(ctx);
	s->n = 0;
	put16(s, alg);
	put16(s, 0x000b);
	if (alg == BP_TPM2_ALG_ECDSA) {
		const uint8_t *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)n);
		uint8_t r[32], ss[32];
		ASSERT_TRUE(es);
		ASSERT_TRUE(BN_bn2binpad(ECDSA_SIG_get0_r(es), r, 32) == 32);
		ASSERT_TRUE(BN_bn2binpad(ECDSA_SIG_get0_s(es), ss, 32) == 32);
		ECDSA_SIG_free(es);
		put16(s, 32);
		put(s, r, 32);
		put16(s, 32);
		put(s, ss, 32);
	} else {
		put16(s, (uint16_t)n);
		put(s, sig, n);
	}
}

static void run(const struct buf *a, const struct buf *s, EVP_PKEY *k, const struct pcr_values *v,
		uint32_t required, struct quote_verdict *qv)
{
	struct quote_input in = {
		.attest = a->d, .attest_size = a->n, .signature = s->d, .signature_size = s->n,
		.ak = k, .nonce = nonce, .nonce_size = sizeof(nonce), .pcrs = v,
	};
	in.required[BANK_SHA256] = required;
	ASSERT_OK(quote_verify(&in, qv));
}

TEST(attest_parse_fields)
{
	struct pcr_values v;
	struct buf a;
	struct tpm2_attest at;

	make_pcrs(&v);
	make_attest(&a, &v, BP_TPM2_GENERATED_VALUE, nonce, sizeof(nonce));
	ASSERT_OK(tpm2_attest_parse(a.d, a.n, &at, NULL));
	ASSERT_EQ(at.magic, BP_TPM2_GENERATED_VALUE);
	ASSERT_EQ(at.type, 0x8018);
	ASSERT_EQ(at.signer_name_size, 34);
	ASSERT_EQ(at.extra_data_size, sizeof(nonce));
	ASSERT_MEMEQ(at.extra_data, nonce, sizeof(nonce));
	ASSERT_EQ(at.clock, 12345);
	ASSERT_EQ(at.reset_count, 1);
	ASSERT_EQ(at.safe, 1);
	ASSERT_EQ(at.pcr_select.n, 1);
	ASSERT_EQ(at.pcr_select.sel[0].hash, 0x000b);
	ASSERT_EQ(at.pcr_select.sel[0].mask, 0xffff);
	ASSERT_EQ(at.pcr_digest_size, 32);
}

TEST(attest_truncation_and_trailing)
{
	struct pcr_values v;
	struct buf a;
	struct tpm2_attest at;
	struct tpm2_parse_error e;

	make_pcrs(&v);
	make_attest(&a, &v, BP_TPM2_GENERATED_VALUE, nonce, sizeof(nonce));
	/* Every strict prefix is rejected as malformed, never read past (ASan). */
	for (size_t n = 0; n < a.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, a.d, n);
		ASSERT_ERR(tpm2_attest_parse(copy, n, &at, &e), -EBADMSG);
		ASSERT_TRUE(e.field && e.defect && e.offset <= n);
		free(copy);
	}
	a.d[a.n++] = 0;
	ASSERT_ERR(tpm2_attest_parse(a.d, a.n, &at, &e), -EBADMSG);
	ASSERT_STREQ(e.defect, "trailing bytes after the structure");
}

TEST(attest_caps)
{
	struct pcr_values v;
	struct buf a;
	struct tpm2_attest at;
	struct tpm2_parse_error e;
	uint8_t big_nonce[TPM2_DATA_MAX + 1] = {};

	make_pcrs(&v);
	make_attest(&a, &v, BP_TPM2_GENERATED_VALUE, big_nonce, sizeof(big_nonce));
	ASSERT_ERR(tpm2_attest_parse(a.d, a.n, &at, &e), -E2BIG);
	ASSERT_STREQ(e.field, "extraData");
	make_attest(&a, &v, BP_TPM2_GENERATED_VALUE, nonce, sizeof(nonce));
	/* sizeofSelect 5 (cap 4), then a bank count of 17 (cap 16). */
	size_t sel_off = a.n - 2 - 32 - 4 - 2 - 4;
	a.d[sel_off + 4 + 2] = 5;
	ASSERT_ERR(tpm2_attest_parse(a.d, a.n, &at, &e), -E2BIG);
	a.d[sel_off + 4 + 2] = 3;
	store_be32(a.d + sel_off, 17);
	ASSERT_ERR(tpm2_attest_parse(a.d, a.n, &at, &e), -E2BIG);
	/* Not a quote. */
	make_attest(&a, &v, BP_TPM2_GENERATED_VALUE, nonce, sizeof(nonce));
	store_be16(a.d + 4, 0x8017);
	ASSERT_ERR(tpm2_attest_parse(a.d, a.n, &at, &e), -EOPNOTSUPP);
}

TEST(signature_parse)
{
	struct tpm2_signature s;
	struct tpm2_parse_error e;
	uint8_t hmac[] = {0x00, 0x05, 0x00, 0x0b};
	uint8_t rsa[] = {0x00, 0x14, 0x00, 0x0b, 0x00, 0x02, 0xaa, 0xbb};
	uint8_t big[] = {0x00, 0x14, 0x00, 0x0b, 0x02, 0x01};

	ASSERT_ERR(tpm2_signature_parse(hmac, sizeof(hmac), &s, &e), -EOPNOTSUPP);
	ASSERT_OK(tpm2_signature_parse(rsa, sizeof(rsa), &s, &e));
	ASSERT_EQ(s.sig_size, 2);
	for (size_t n = 0; n < sizeof(rsa); n++)
		ASSERT_ERR(tpm2_signature_parse(rsa, n, &s, &e), -EBADMSG);
	ASSERT_ERR(tpm2_signature_parse(big, sizeof(big), &s, &e), -E2BIG);
}

static void verdict_cases(const char *type, uint16_t alg)
{
	EVP_PKEY *k = gen_key(type), *other = gen_key(type);
	struct pcr_values v, v2;
	struct buf a, a2, s, s2;
	struct quote_verdict qv;

	make_pcrs(&v);
	make_attest(&a, &v, BP_TPM2_GENERATED_VALUE, nonce, sizeof(nonce));
	make_signature(&s, k, alg, &a);
	run(&a, &s, k, &v, 0x1ff0, &qv);
	if (!qv.ok)
		TEST_FAIL("%s: %s", quote_failure_to_string(qv.why), qv.detail);

	/* another key */
	run(&a, &s, other, &v, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_SIGNATURE_INVALID);
	/* a tampered PCR value */
	v2 = v;
	v2.value[BANK_SHA256][4][0] ^= 1;
	run(&a, &s, k, &v2, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_PCR_DIGEST_MISMATCH);
	/* a value the quote does not cover / a quoted PCR without a value */
	v2 = v;
	v2.mask[BANK_SHA1] = 1;
	run(&a, &s, k, &v2, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_PCR_NOT_QUOTED);
	ASSERT_EQ(qv.pcr, 0);
	v2 = v;
	v2.mask[BANK_SHA256] = 0x7fff;
	run(&a, &s, k, &v2, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_PCR_VALUE_MISSING);
	ASSERT_EQ(qv.pcr, 15);
	/* a golden PCR outside the selection */
	run(&a, &s, k, &v, 1u << 16, &qv);
	ASSERT_EQ(qv.why, QUOTE_GOLDEN_PCR_NOT_QUOTED);
	ASSERT_EQ(qv.pcr, 16);
	/* another nonce, correctly signed */
	make_attest(&a2, &v, BP_TPM2_GENERATED_VALUE, (const uint8_t *)"other", 5);
	make_signature(&s2, k, alg, &a2);
	run(&a2, &s2, k, &v, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_NONCE_MISMATCH);
	/* the right signature of other data */
	run(&a, &s2, k, &v, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_SIGNATURE_INVALID);
	/* signed data that is not TPM-generated */
	make_attest(&a2, &v, 0x12345678, nonce, sizeof(nonce));
	make_signature(&s2, k, alg, &a2);
	run(&a2, &s2, k, &v, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_MAGIC);
	/* SHA-1 signature hash: not accepted */
	s2 = s;
	store_be16(s2.d + 2, 0x0004);
	run(&a, &s2, k, &v, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_SCHEME_UNSUPPORTED);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

TEST(verdicts_rsassa)
{
	verdict_cases("RSA", BP_TPM2_ALG_RSASSA);
}

TEST(verdicts_rsapss)
{
	verdict_cases("RSA", BP_TPM2_ALG_RSAPSS);
}

TEST(verdicts_ecdsa)
{
	verdict_cases("EC", BP_TPM2_ALG_ECDSA);
}

TEST(scheme_pinned_by_key_type)
{
	EVP_PKEY *rsa = gen_key("RSA"), *ec = gen_key("EC");
	struct pcr_values v;
	struct buf a, s;
	struct quote_verdict qv;

	make_pcrs(&v);
	make_attest(&a, &v, BP_TPM2_GENERATED_VALUE, nonce, sizeof(nonce));
	make_signature(&s, ec, BP_TPM2_ALG_ECDSA, &a);
	run(&a, &s, rsa, &v, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_SCHEME_KEY_MISMATCH);
	/* An RSASSA signature relabelled as PSS does not verify (no "try all paddings"). */
	make_signature(&s, rsa, BP_TPM2_ALG_RSASSA, &a);
	store_be16(s.d, BP_TPM2_ALG_RSAPSS);
	run(&a, &s, rsa, &v, 0, &qv);
	ASSERT_EQ(qv.why, QUOTE_SIGNATURE_INVALID);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}

TEST(public_rsa_roundtrip)
{
	EVP_PKEY *k = gen_key("RSA"), *back = NULL;
	BIGNUM *n = NULL;
	struct buf t = {}, p = {};
	struct tpm2_public pub;
	struct tpm2_parse_error e;
	uint8_t mod[256], name[TPM2_NAME_MAX], want[34];
	size_t name_size;

	ASSERT_TRUE(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) == 1);
	ASSERT_TRUE(BN_bn2binpad(n, mod, 256) == 256);
	BN_free(n);
	put16(&t, BP_TPM2_ALG_RSA);
	put16(&t, 0x000b);
	put32(&t, 0x00050072); /* fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign */
	put16(&t, 0);
	put16(&t, BP_TPM2_ALG_NULL);
	put16(&t, BP_TPM2_ALG_RSASSA);
	put16(&t, 0x000b);
	put16(&t, 2048);
	put32(&t, 0);
	put16(&t, 256);
	put(&t, mod, 256);
	put16(&p, (uint16_t)t.n);
	put(&p, t.d, t.n);
	ASSERT_OK(tpm2_public_parse(p.d, p.n, &pub, &e));
	ASSERT_EQ(pub.scheme, BP_TPM2_ALG_RSASSA);
	ASSERT_OK(tpm2_public_to_pkey(&pub, &back));
	ASSERT_TRUE(EVP_PKEY_eq(k, back) == 1);
	/* Name = nameAlg || SHA-256(TPMT_PUBLIC), computed here with a one-shot digest. */
	ASSERT_OK(tpm2_public_name(&pub, name, &name_size));
	store_be16(want, 0x000b);
	ASSERT_OK(digest_buffer(BANK_SHA256, t.d, t.n, want + 2));
	ASSERT_EQ(name_size, 34);
	ASSERT_MEMEQ(name, want, 34);
	for (size_t n2 = 0; n2 < p.n; n2++)
		ASSERT_ERR(tpm2_public_parse(p.d, n2, &pub, &e), -EBADMSG);
	EVP_PKEY_free(k);
	EVP_PKEY_free(back);
}

static int parse_text(const char *s, struct bundle **ret, char *err)
{
	return bundle_parse((const uint8_t *)s, strlen(s), ret, err, 256);
}

TEST(bundle_roundtrip_and_strictness)
{
	struct bundle *b = bundle_new(), *c = NULL;
	json_t *j = NULL;
	char *text = NULL, err[256];
	size_t len;

	ASSERT_TRUE(b);
	b->nonce_size = 4;
	memcpy(b->nonce, "\x01\x02\x03\x04", 4);
	ASSERT_OK(blob_set(&b->attest, "\xff\x54\x43\x47", 4));
	ASSERT_OK(blob_set(&b->signature, "\x00\x14", 2));
	ASSERT_OK(blob_set(&b->ak_public, "\x00\x00", 2));
	ASSERT_OK(blob_set(&b->userspace_log, "", 0));
	b->pcrs.mask[BANK_SHA256] = 1u << 7;
	memset(b->pcrs.value[BANK_SHA256][7], 0xab, 32);
	ASSERT_OK(bundle_to_json(b, &j));
	ASSERT_OK(json_dump_canonical(j, &text, &len));
	ASSERT_OK(bundle_parse((const uint8_t *)text, len, &c, err, sizeof(err)));
	ASSERT_EQ(c->nonce_size, 4);
	ASSERT_EQ(c->attest.size, 4);
	ASSERT_TRUE(c->userspace_log.present && c->userspace_log.size == 0);
	ASSERT_TRUE(!c->firmware_log.present && !c->ek_certificate.present);
	ASSERT_EQ(c->pcrs.mask[BANK_SHA256], 1u << 7);
	ASSERT_MEMEQ(c->pcrs.value[BANK_SHA256][7], b->pcrs.value[BANK_SHA256][7], 32);
	bundle_free(c);
	c = NULL;
	free(text);
	json_decref(j);
	bundle_free(b);

	static const char base[] =
		"{\"format\":\"bootproof-bundle/2\",\"nonce\":\"01\",\"quote\":{\"attest\":\"00\","
		"\"signature\":\"00\"},\"pcrs\":{\"sha256\":{\"0\":\"%s\"}},\"ak\":{\"public\":\"00\"},"
		"\"ek_certificate\":null,\"eventlog\":{\"firmware\":null,\"userspace\":null},"
		"\"container_measurements\":null,\"binding\":{\"ak.public\":null,"
		"\"ak.certificate\":null,\"ak.intermediates\":null,\"ek_certificate\":null,"
		"\"eventlog.firmware\":null,\"eventlog.userspace\":null,"
		"\"container_measurements\":null,\"credential\":null,\"luks2_metadata\":null}%s}";
	char doc[2048];
	const char *z = "0000000000000000000000000000000000000000000000000000000000000000";
	snprintf(doc, sizeof(doc), base, z, "");
	ASSERT_OK(parse_text(doc, &c, err));
	bundle_free(c);
	c = NULL;
	snprintf(doc, sizeof(doc), base, z, ",\"extra\":1");
	ASSERT_ERR(parse_text(doc, &c, err), -EBADMSG);
	ASSERT_STREQ(err, "top level: unknown key \"extra\"");
	snprintf(doc, sizeof(doc), base, "00", "");
	ASSERT_ERR(parse_text(doc, &c, err), -EBADMSG);
	ASSERT_STREQ(err, "pcrs.sha256.0: not 32 bytes of lowercase hex");
	/* uppercase hex, a non-canonical PCR key, an unknown bank */
	char up[65];
	memset(up, 'A', 64);
	up[64] = 0;
	snprintf(doc, sizeof(doc), base, up, "");
	ASSERT_ERR(parse_text(doc, &c, err), -EBADMSG);
	ASSERT_ERR(parse_text("{\"format\":\"bootproof-bundle/2\",\"nonce\":\"01\",\"quote\":"
			      "{\"attest\":\"00\",\"signature\":\"00\"},\"pcrs\":{\"sha256\":{\"01\":"
			      "\"00\"}}}", &c, err), -EBADMSG);
	ASSERT_STREQ(err, "pcrs.sha256.01: PCR index not in canonical form");
	ASSERT_ERR(parse_text("{\"format\":\"bootproof-bundle/2\",\"nonce\":\"01\",\"quote\":"
			      "{\"attest\":\"00\",\"signature\":\"00\"},\"pcrs\":{\"md5\":{}}}",
			      &c, err), -EBADMSG);
	ASSERT_STREQ(err, "pcrs.md5: unknown bank");
	ASSERT_ERR(parse_text("{\"format\":\"bootproof-bundle/3\"}", &c, err), -EBADMSG);
	/* a bundle from before the binding: refused as such, not as malformed */
	ASSERT_ERR(parse_text("{\"format\":\"bootproof-bundle/1\"}", &c, err), -EPROTONOSUPPORT);
	ASSERT_TRUE(strstr(err, "before the quote bound its fields") != NULL);
	/* "binding": every bound field exactly once, 32-byte digests or null */
	static const char lm[] = ",\"luks2_metadata\":null";
	char *e;
	snprintf(doc, sizeof(doc), base, z, "");
	e = strstr(doc, ",\"luks2_metadata\":null}");
	ASSERT_TRUE(e != NULL);
	memmove(e, e + strlen(lm), strlen(e + strlen(lm)) + 1);
	ASSERT_ERR(parse_text(doc, &c, err), -EBADMSG);
	ASSERT_STREQ(err, "binding.luks2_metadata: missing");
	snprintf(doc, sizeof(doc), base, z, "");
	e = strstr(doc, "\"credential\":null");
	memcpy(e, "\"credentiaX\":null", strlen("\"credentiaX\":null"));
	ASSERT_ERR(parse_text(doc, &c, err), -EBADMSG);
	ASSERT_STREQ(err, "binding.credential: missing");
	snprintf(doc, sizeof(doc), base, z, "");
	e = strstr(doc, "\"ek_certificate\":null,\"eventlog.firmware");
	memcpy(e, "\"ek_certificate\":\"00\"", strlen("\"ek_certificate\":\"00\""));
	ASSERT_ERR(parse_text(doc, &c, err), -EBADMSG);
	ASSERT_STREQ(err, "binding.ek_certificate: not null or 32 bytes of lowercase hex");
	ASSERT_ERR(parse_text("[]", &c, err), -EBADMSG);
	/* ak.intermediates: only beside ak.certificate (the binding hashes it with it) */
	{
		char d2[2048];
		size_t at;

		snprintf(doc, sizeof(doc), base, z, "");
		e = strstr(doc, "\"public\":\"00\"}");
		ASSERT_TRUE(e != NULL);
		at = (size_t)(e - doc);
		snprintf(d2, sizeof(d2), "%.*s\"public\":\"00\",\"intermediates\":[]%s", (int)at, doc,
			 doc + at + strlen("\"public\":\"00\""));
		ASSERT_ERR(parse_text(d2, &c, err), -EBADMSG);
		ASSERT_STREQ(err, "ak.intermediates: present without ak.certificate");
	}
}

/* An imported bundle ("bootproof-bundle/imported-1"): the same keys but no "binding"; it loads
 * with scheme BUNDLE_NONCE_ONLY and is written back the same way. */
TEST(bundle_imported_format)
{
	static const char imported[] =
		"{\"format\":\"bootproof-bundle/imported-1\",\"nonce\":\"9009\",\"quote\":{\"attest\":"
		"\"00\",\"signature\":\"00\"},\"pcrs\":{\"sha1\":{\"0\":\"%s\"}},\"ak\":{\"public\":\"00\","
		"\"certificate\":\"30\",\"intermediates\":[\"31\"]},\"ek_certificate\":null,"
		"\"eventlog\":{\"firmware\":\"00\",\"userspace\":null},"
		"\"container_measurements\":null%s}";
	struct bundle *c = NULL, *d = NULL;
	char doc[1024], err[256], *text = NULL;
	json_t *j = NULL;
	size_t len;

	const char *z20 = "0000000000000000000000000000000000000000";

	snprintf(doc, sizeof(doc), imported, z20, "");
	ASSERT_OK(parse_text(doc, &c, err));
	ASSERT_EQ(c->scheme, BUNDLE_NONCE_ONLY);
	ASSERT_EQ(c->n_ak_intermediates, 1);
	ASSERT_OK(bundle_to_json(c, &j));
	ASSERT_STREQ(json_string_value(json_object_get(j, "format")), BUNDLE_FORMAT_IMPORTED);
	ASSERT_TRUE(json_object_get(j, "binding") == NULL);
	ASSERT_OK(json_dump_canonical(j, &text, &len));
	ASSERT_OK(bundle_parse((const uint8_t *)text, len, &d, err, sizeof(err)));
	ASSERT_EQ(d->scheme, BUNDLE_NONCE_ONLY);
	free(text);
	json_decref(j);
	bundle_free(d);
	bundle_free(c);
	c = NULL;
	/* a binding in an imported bundle is a contradiction: refused */
	snprintf(doc, sizeof(doc), imported, z20, ",\"binding\":{}");
	ASSERT_ERR(parse_text(doc, &c, err), -EBADMSG);
	ASSERT_TRUE(strncmp(err, "binding: present in an imported bundle", 38) == 0);
}

/* The qualifying data against the documented encoding (docs/attest.md), built here byte by byte
 * with OpenSSL's one-shot SHA256(); and a changed field is named by bundle_binding_check(). */
TEST(bundle_binding_encoding)
{
	static const char *const names[] = {"ak.public", "ak.certificate", "ak.intermediates",
					    "ek_certificate", "eventlog.firmware",
					    "eventlog.userspace", "container_measurements",
					    "credential", "luks2_metadata"};
	/* ak.intermediates' bytes: u32 big-endian length || DER, for each certificate */
	static const uint8_t chain[] = {0, 0, 0, 2, 'i', '1', 0, 0, 0, 3, 'i', '2', '2'};
	struct bundle *b = bundle_new();
	uint8_t q[32], want[32], f[32], buf[1024];
	struct bundle_binding actual;
	enum bound_field which;
	size_t n;

	ASSERT_TRUE(b);
	b->nonce_size = 3;
	memcpy(b->nonce, "\xaa\xbb\xcc", 3);
	ASSERT_OK(blob_set(&b->ak_public, "ak", 2));
	ASSERT_OK(blob_set(&b->ak_certificate, "cert", 4));
	ASSERT_OK(blob_set(&b->ak_intermediates[0], "i1", 2));
	ASSERT_OK(blob_set(&b->ak_intermediates[1], "i22", 3));
	b->n_ak_intermediates = 2;
	ASSERT_OK(blob_set(&b->container_measurements, "", 0)); /* present and empty */
	ASSERT_OK(blob_set(&b->luks2_metadata, "{}", 2));
	ASSERT_OK(bundle_bind(b, q));

	memcpy(buf, "bootproof-bundle-binding/1", 27); /* with its NUL */
	n = 27;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct blob *bl = i == 0 ? &b->ak_public
				       : i == 1 ? &b->ak_certificate
				       : i == 6 ? &b->container_measurements
				       : i == 8 ? &b->luks2_metadata
						: NULL;
		size_t len = strlen(names[i]);

		buf[n++] = (uint8_t)len;
		memcpy(buf + n, names[i], len);
		n += len;
		buf[n++] = bl || i == 2 ? 1 : 0;
		if (bl)
			SHA256(bl->data, bl->size, buf + n);
		if (i == 2)
			SHA256(chain, sizeof(chain), buf + n);
		if (bl || i == 2)
			n += 32;
	}
	SHA256(buf, n, f);
	memcpy(buf, "bootproof-qualifying-data/1", 28);
	n = 28;
	buf[n++] = 3;
	memcpy(buf + n, "\xaa\xbb\xcc", 3);
	n += 3;
	memcpy(buf + n, f, 32);
	n += 32;
	SHA256(buf, n, want);
	ASSERT_MEMEQ(q, want, 32);
	ASSERT_TRUE(b->binding.present[BOUND_CONTAINER_MEASUREMENTS]);
	ASSERT_TRUE(!b->binding.present[BOUND_EK_CERTIFICATE]);

	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 0);
	ASSERT_OK(blob_set(&b->luks2_metadata, "{ }", 3)); /* changed after the quote */
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 1);
	ASSERT_EQ(which, BOUND_LUKS2_METADATA);
	ASSERT_STREQ(bound_field_name(which), "luks2_metadata");
	ASSERT_OK(blob_set(&b->luks2_metadata, "{}", 2));
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 0);
	/* the chain in another order, or one certificate fewer: ak.intermediates is named */
	ASSERT_OK(blob_set(&b->ak_intermediates[0], "i22", 3));
	ASSERT_OK(blob_set(&b->ak_intermediates[1], "i1", 2));
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 1);
	ASSERT_EQ(which, BOUND_AK_INTERMEDIATES);
	ASSERT_OK(blob_set(&b->ak_intermediates[0], "i1", 2));
	ASSERT_OK(blob_set(&b->ak_intermediates[1], "i22", 3));
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 0);
	b->n_ak_intermediates = 1;
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 1);
	ASSERT_EQ(which, BOUND_AK_INTERMEDIATES);
	b->n_ak_intermediates = 2;
	ASSERT_OK(blob_set(&b->ak_certificate, "cerT", 4));
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 1);
	ASSERT_EQ(which, BOUND_AK_CERTIFICATE);
	ASSERT_OK(blob_set(&b->ak_certificate, "cert", 4));
	/* absent and empty differ */
	free(b->container_measurements.data);
	b->container_measurements = (struct blob){};
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 1);
	ASSERT_EQ(which, BOUND_CONTAINER_MEASUREMENTS);
	/* the same fields with another nonce: another qualifying data */
	ASSERT_OK(blob_set(&b->container_measurements, "", 0));
	ASSERT_OK(bundle_bind(b, want));
	ASSERT_MEMEQ(q, want, 32);
	b->nonce[0] ^= 1;
	ASSERT_OK(bundle_bind(b, want));
	ASSERT_TRUE(memcmp(q, want, 32) != 0);
	bundle_free(b);
}

/* A bundle with one quote per bank: the fields digest gains, after the nine fields, u8 6 ||
 * "quotes" || 0x01 || SHA256(the TPM_ALG_IDs of the banks with values, u16 BE, in bank order);
 * a one-quote bundle's encoding stays what it was. Built here byte by byte; a bank dropped from
 * "pcrs" is named ("quotes"). */
TEST(bundle_binding_per_bank)
{
	static const uint8_t algs[] = {0x00, 0x04, 0x00, 0x0c}; /* sha1, sha384 */
	struct bundle *b = bundle_new();
	uint8_t q[32], want[32], f[32], buf[512];
	struct bundle_binding actual;
	enum bound_field which;
	size_t n = 0;

	ASSERT_TRUE(b);
	b->nonce_size = 1;
	b->nonce[0] = 0x42;
	b->pcrs.mask[BANK_SHA384] = 1u << 7;
	b->pcrs.mask[BANK_SHA1] = 1u;
	b->n_quotes = 2; /* the quotes themselves are not hashed (they carry the result) */
	ASSERT_OK(bundle_bind(b, q));
	ASSERT_TRUE(b->binding.per_bank);

	memcpy(buf, "bootproof-bundle-binding/1", 27);
	n = 27;
	for (enum bound_field fl = 0; fl < _BOUND_FIELD_MAX; fl++) { /* every field absent */
		size_t len = strlen(bound_field_name(fl));
		buf[n++] = (uint8_t)len;
		memcpy(buf + n, bound_field_name(fl), len);
		n += len;
		buf[n++] = 0;
	}
	buf[n++] = 6;
	memcpy(buf + n, "quotes", 6);
	n += 6;
	buf[n++] = 1;
	SHA256(algs, sizeof(algs), buf + n);
	n += 32;
	SHA256(buf, n, f);
	memcpy(buf, "bootproof-qualifying-data/1", 28);
	n = 28;
	buf[n++] = 1;
	buf[n++] = 0x42;
	memcpy(buf + n, f, 32);
	n += 32;
	SHA256(buf, n, want);
	ASSERT_MEMEQ(q, want, 32);
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 0);
	/* sha384's values (and its quote) dropped after the quotes */
	b->pcrs.mask[BANK_SHA384] = 0;
	ASSERT_EQ(bundle_binding_check(b, &which, &actual), 1);
	ASSERT_EQ(which, _BOUND_FIELD_MAX);
	ASSERT_STREQ(bound_field_name(which), "quotes");
	/* the one-quote form of the same fields: no "quotes" entry, another qualifying data */
	b->n_quotes = 0;
	ASSERT_OK(bundle_bind(b, want));
	ASSERT_TRUE(!b->binding.per_bank);
	ASSERT_TRUE(memcmp(q, want, 32) != 0);
	bundle_free(b);
}

/* KDFa against OpenSSL's own SP 800-108 counter-mode KBKDF (HMAC-SHA-256): the TPM's KDFa is that
 * construction with Label || 0x00 || Context, [i]4 and [L]4 (TPM 2.0 Part 1 §11.4.10.2). */
TEST(kdfa_matches_openssl_kbkdf)
{
	uint8_t key[32], ctx_u[34], ours[48], theirs[48];
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "KBKDF", NULL);
	EVP_KDF_CTX *k = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM params[7], *p = params;
	char mac[] = "HMAC", md[] = "SHA256", label[] = "STORAGE", mode[] = "COUNTER";

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(ctx_u); i++)
		ctx_u[i] = (uint8_t)(0xa0 + i);
	ASSERT_OK(credential_kdfa_sha256(key, sizeof(key), "STORAGE", ctx_u, sizeof(ctx_u), NULL, 0,
					 384, ours));
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, mac, 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key, sizeof(key));
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, label, 7);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, ctx_u, sizeof(ctx_u));
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, mode, 0);
	*p = OSSL_PARAM_construct_end();
	ASSERT_TRUE(k && EVP_KDF_derive(k, theirs, sizeof(theirs), params) == 1);
	ASSERT_MEMEQ(ours, theirs, sizeof(ours));
	EVP_KDF_CTX_free(k);
	EVP_KDF_free(kdf);
}
