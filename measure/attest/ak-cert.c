/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cloud AK certificates (ak-cert.h): the GCE instance extension decoder (DER, ITU-T X.690 §8 and
 * §10, the structure of google/go-tpm-tools server/verify.go), the pinned anchors, and the chain
 * and key checks with OpenSSL's X509_STORE (RFC 5280 path validation, no network). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ak-cert.h"
#include "bundle.h"
#include "cursor.h"
#include "digest.h"
#include "errbuf.h"
#include "hexstr.h"
#include "ossl-free.h"

#ifndef BOOTPROOF_AK_ROOTS_DIR
#define BOOTPROOF_AK_ROOTS_DIR "/usr/share/bootproof/ak-roots"
#endif

/* ------------------------------------------------------------ DER reader */

#define DER_SEQUENCE 0x30
#define DER_INTEGER 0x02
#define DER_BOOLEAN 0x01
#define DER_UTF8STRING 0x0c
#define DER_CONTEXT(n) (0xa0 | (n)) /* [n] EXPLICIT: context-specific, constructed */

/* One TLV: low tag numbers only (the structure uses no others), definite minimal length. */
static bool der_next(struct cursor *c, uint8_t *ret_tag, struct cursor *ret_value)
{
	struct cursor save = *c;
	uint8_t tag, l0, b;
	size_t len = 0;

	if (!cursor_get_u8(c, &tag) || (tag & 0x1f) == 0x1f || !cursor_get_u8(c, &l0))
		goto fail;
	if (l0 < 0x80)
		len = l0;
	else {
		unsigned n = l0 & 0x7fu;
		/* 1 or 2 length bytes: the whole extension is capped far below 64 KiB. */
		if (n == 0 || n > 2)
			goto fail;
		for (unsigned i = 0; i < n; i++) {
			if (!cursor_get_u8(c, &b))
				goto fail;
			len = (len << 8) | b;
		}
		if (len < 0x80 || (n == 2 && len < 0x100)) /* DER: the shortest form */
			goto fail;
	}
	if (!cursor_get_bytes(c, len, ret_value))
		goto fail;
	*ret_tag = tag;
	return true;
fail:
	*c = save;
	return false;
}

static int der_expect(struct cursor *c, uint8_t want, const char *field, struct cursor *ret,
		      char *err, size_t errsz)
{
	size_t off = cursor_offset(c);
	uint8_t tag;

	if (!der_next(c, &tag, ret))
		return errbuf_set(err, errsz, -EBADMSG, "%s: truncated or malformed DER at offset %zu",
				  field, off);
	if (tag != want)
		return errbuf_set(err, errsz, -EBADMSG, "%s: tag 0x%02x at offset %zu, expected 0x%02x",
				  field, tag, off, want);
	return 0;
}

/* INTEGER, non-negative and at most INT64_MAX (go-tpm-tools decodes these into int64). */
static int der_uint63(struct cursor *c, const char *field, uint64_t *ret, char *err, size_t errsz)
{
	struct cursor v;
	uint64_t x = 0;
	uint8_t b0, b1 = 0;
	int r = der_expect(c, DER_INTEGER, field, &v, err, errsz);

	if (r < 0)
		return r;
	if (v.len == 0 || !cursor_get_u8(&v, &b0))
		return errbuf_set(err, errsz, -EBADMSG, "%s: empty INTEGER", field);
	if (v.len > 0)
		b1 = v.p[0];
	if (v.len > 0 && ((b0 == 0x00 && !(b1 & 0x80)) || (b0 == 0xff && (b1 & 0x80))))
		return errbuf_set(err, errsz, -EBADMSG, "%s: INTEGER not minimally encoded", field);
	if (b0 & 0x80)
		return errbuf_set(err, errsz, -EBADMSG, "%s: negative INTEGER", field);
	if (v.len > 8 || (v.len == 8 && b0 != 0))
		return errbuf_set(err, errsz, -EBADMSG, "%s: INTEGER over 63 bits", field);
	x = b0;
	while (cursor_get_u8(&v, &b0))
		x = (x << 8) | b0;
	if (x > INT64_MAX)
		return errbuf_set(err, errsz, -EBADMSG, "%s: INTEGER over 63 bits", field);
	*ret = x;
	return 0;
}

/* UTF8String restricted to printable ASCII (what GCE names are), copied NUL-terminated. */
static int der_ascii(struct cursor *c, const char *field, char ret[GCE_INSTANCE_MAX_STRING + 1],
		     char *err, size_t errsz)
{
	struct cursor v;
	int r = der_expect(c, DER_UTF8STRING, field, &v, err, errsz);

	if (r < 0)
		return r;
	if (v.len > GCE_INSTANCE_MAX_STRING)
		return errbuf_set(err, errsz, -E2BIG, "%s: %zu bytes exceed the cap of %u", field,
				  v.len, GCE_INSTANCE_MAX_STRING);
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] < 0x20 || v.p[i] > 0x7e)
			return errbuf_set(err, errsz, -EBADMSG,
					  "%s: byte %zu is not printable ASCII", field, i);
	memcpy(ret, v.p, v.len);
	ret[v.len] = '\0';
	return 0;
}

/* Elements after the known ones: each must still be one well-formed TLV. */
static int der_rest(struct cursor *c, const char *field, char *err, size_t errsz)
{
	while (c->len > 0) {
		struct cursor v;
		uint8_t tag;
		size_t off = cursor_offset(c);
		if (!der_next(c, &tag, &v))
			return errbuf_set(err, errsz, -EBADMSG,
					  "%s: malformed trailing element at offset %zu", field, off);
	}
	return 0;
}

/* [0] EXPLICIT SEQUENCE { [0] EXPLICIT INTEGER OPTIONAL, [1] EXPLICIT BOOLEAN OPTIONAL, ... } */
static int parse_security_properties(struct cursor *c, struct gce_instance_info *info, char *err,
				     size_t errsz)
{
	struct cursor seq, v, inner;
	uint8_t tag;
	int r = der_expect(c, DER_SEQUENCE, "securityProperties", &seq, err, errsz);

	if (r < 0)
		return r;
	info->has_security_properties = true;
	if (seq.len > 0 && seq.p[0] == DER_CONTEXT(0)) {
		if (!der_next(&seq, &tag, &v))
			return errbuf_set(err, errsz, -EBADMSG, "securityProperties.securityVersion: "
					  "malformed DER");
		r = der_uint63(&v, "securityProperties.securityVersion", &info->security_version,
			       err, errsz);
		if (r < 0)
			return r;
		if (v.len)
			return errbuf_set(err, errsz, -EBADMSG,
					  "securityProperties.securityVersion: trailing bytes");
	}
	if (seq.len > 0 && seq.p[0] == DER_CONTEXT(1)) {
		uint8_t b;
		if (!der_next(&seq, &tag, &v) ||
		    der_expect(&v, DER_BOOLEAN, "securityProperties.isProduction", &inner, err,
			       errsz) < 0 ||
		    v.len != 0 || inner.len != 1 || !cursor_get_u8(&inner, &b) ||
		    (b != 0x00 && b != 0xff))
			return errbuf_set(err, errsz, -EBADMSG,
					  "securityProperties.isProduction: not a DER BOOLEAN");
		info->is_production = b == 0xff;
	}
	return der_rest(&seq, "securityProperties", err, errsz);
}

int gce_instance_info_parse(const uint8_t *data, size_t len, struct gce_instance_info *ret,
			    char *err, size_t errsz)
{
	struct gce_instance_info info = {};
	struct cursor c, seq, v;
	uint8_t tag;
	int r;

	if (len > GCE_INSTANCE_MAX_EXT)
		return errbuf_set(err, errsz, -E2BIG, "instance extension: %zu bytes exceed the cap "
				  "of %u", len, GCE_INSTANCE_MAX_EXT);
	cursor_init(&c, data, len);
	r = der_expect(&c, DER_SEQUENCE, "instance extension", &seq, err, errsz);
	if (r < 0)
		return r;
	if (c.len)
		return errbuf_set(err, errsz, -EBADMSG, "instance extension: %zu bytes after the "
				  "SEQUENCE", c.len);
	if ((r = der_ascii(&seq, "zone", info.zone, err, errsz)) < 0 ||
	    (r = der_uint63(&seq, "projectNumber", &info.project_number, err, errsz)) < 0 ||
	    (r = der_ascii(&seq, "projectId", info.project_id, err, errsz)) < 0 ||
	    (r = der_uint63(&seq, "instanceId", &info.instance_id, err, errsz)) < 0 ||
	    (r = der_ascii(&seq, "instanceName", info.instance_name, err, errsz)) < 0)
		return r;
	if (seq.len > 0 && seq.p[0] == DER_CONTEXT(0)) {
		if (!der_next(&seq, &tag, &v))
			return errbuf_set(err, errsz, -EBADMSG, "securityProperties: malformed DER");
		r = parse_security_properties(&v, &info, err, errsz);
		if (r < 0)
			return r;
		if (v.len)
			return errbuf_set(err, errsz, -EBADMSG,
					  "securityProperties: bytes after the SEQUENCE");
	}
	r = der_rest(&seq, "instance extension", err, errsz);
	if (r < 0)
		return r;
	*ret = info;
	return 0;
}

/* ------------------------------------------------------------ anchors */

void ak_anchors_done(struct ak_anchors *a)
{
	for (size_t i = 0; i < a->n; i++) {
		X509_free(a->items[i].cert);
		free(a->items[i].source);
	}
	a->n = 0;
}

const char *ak_anchors_dir(void)
{
	const char *e = getenv("BOOTPROOF_AK_ROOTS");
	return e && *e ? e : BOOTPROOF_AK_ROOTS_DIR;
}

/* Every PEM certificate of path, with the given trust, labelled source. Returns the count. */
static int anchors_load_pem(struct ak_anchors *a, const char *path, const char *source,
			    bool trusted, char *err, size_t errsz)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *x;
	int n = 0;

	if (!bio)
		return errbuf_set(err, errsz, -ENOENT, "'%s': cannot open", path);
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		char *s = strdup(source);
		if (a->n >= AK_ANCHORS_MAX || !s) {
			free(s);
			X509_free(x);
			BIO_free(bio);
			return s ? errbuf_set(err, errsz, -E2BIG, "'%s': more than %u certificates "
					      "in all --ak-ca", path, AK_ANCHORS_MAX)
				 : -ENOMEM;
		}
		a->items[a->n++] = (struct ak_anchor){.cert = x, .source = s, .trusted = trusted};
		n++;
	}
	BIO_free(bio);
	if (n == 0)
		return errbuf_set(err, errsz, -EBADMSG, "'%s': no PEM certificate", path);
	return n;
}

int ak_anchors_add(struct ak_anchors *a, const char *arg, char *err, size_t errsz)
{
	char path[4096];
	int r;

	if (strcmp(arg, "gce") != 0 && strcmp(arg, "azure") != 0) {
		r = anchors_load_pem(a, arg, arg, true, err, errsz);
		return r < 0 ? r : 0;
	}
	snprintf(path, sizeof(path), "%s/%s-roots.pem", ak_anchors_dir(), arg);
	r = anchors_load_pem(a, path, arg, true, err, errsz);
	if (r < 0)
		return r;
	/* Known intermediates are chain material, never anchors: older GCE images put no
	 * intermediates in their attestations (docs/cloud-gce.md). */
	snprintf(path, sizeof(path), "%s/%s-intermediates.pem", ak_anchors_dir(), arg);
	if (access(path, R_OK) == 0) {
		r = anchors_load_pem(a, path, arg, false, err, errsz);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ the check */

static const char *const failure_names[_AK_CERT_FAILURE_MAX] = {
	[AK_CERT_OK] = "ok",
	[AK_CERT_MALFORMED] = "ak-certificate-malformed",
	[AK_CERT_ROOT_NOT_PINNED] = "ak-certificate-root-not-pinned",
	[AK_CERT_INTERMEDIATE_MISSING] = "ak-certificate-intermediate-missing",
	[AK_CERT_SIGNATURE_INVALID] = "ak-certificate-signature-invalid",
	[AK_CERT_EXPIRED] = "ak-certificate-expired",
	[AK_CERT_NOT_YET_VALID] = "ak-certificate-not-yet-valid",
	[AK_CERT_EKU] = "ak-certificate-usage",
	[AK_CERT_CRITICAL_EXTENSION] = "ak-certificate-critical-extension",
	[AK_CERT_KEY_TYPE] = "ak-certificate-key-type",
	[AK_CERT_KEY_MISMATCH] = "ak-certificate-key-mismatch",
	[AK_CERT_IDENTITY_MALFORMED] = "ak-certificate-identity-malformed",
	[AK_CERT_CHAIN_INVALID] = "ak-certificate-chain-invalid",
};

const char *ak_cert_failure_to_string(enum ak_cert_failure f)
{
	return f < _AK_CERT_FAILURE_MAX ? failure_names[f] : "ak-certificate-invalid";
}

static int fail(struct ak_cert_verdict *v, enum ak_cert_failure why, const char *fmt, ...)
	_printf_(3, 4);
static int fail(struct ak_cert_verdict *v, enum ak_cert_failure why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	v->why = why;
	return 0;
}

/* One DER certificate, exactly len bytes. */
static X509 *der_to_x509(const uint8_t *d, size_t len)
{
	const unsigned char *p = d;
	X509 *x;

	if (len == 0 || len > AK_CERT_MAX_SIZE)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p != d + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* RFC 2253 text of a name (non-ASCII escaped, so always valid JSON text). */
static int name_text(const X509_NAME *n, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;

	if (!b)
		return -ENOMEM;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) < 0) {
		BIO_free(b);
		return -EIO;
	}
	len = BIO_get_mem_data(b, &p);
	snprintf(buf, size, "%.*s", (int)MIN((long)size - 1, len), p);
	BIO_free(b);
	return 0;
}

static void time_text(const ASN1_TIME *t, char buf[32])
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1 || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "invalid");
}

/* Critical extensions a cloud AK certificate uses, by name: key usage and basic constraints
 * (all), the TCG subject alternative name directoryName of older GCE certificates, and EKU. An
 * unknown critical extension is a refusal, never ignored (RFC 5280 §4.2). */
static int check_critical(X509 *x, struct ak_cert_verdict *v)
{
	static const int known[] = {NID_key_usage, NID_basic_constraints, NID_subject_alt_name,
				    NID_ext_key_usage};

	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *e = X509_get_ext(x, i);
		ASN1_OBJECT *o = X509_EXTENSION_get_object(e);
		bool ok = false;
		char oid[80];

		if (!X509_EXTENSION_get_critical(e))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(known); k++)
			ok = ok || OBJ_obj2nid(o) == known[k];
		if (!ok) {
			OBJ_obj2txt(oid, sizeof(oid), o, 1);
			return fail(v, AK_CERT_CRITICAL_EXTENSION,
				    "the AK certificate has the critical extension %s, which "
				    "bootproof does not know", oid);
		}
	}
	return 0;
}

/* TCG EK Credential Profile: tcg-kp-EKCertificate 2.23.133.8.1 (what GCE's AK certificates
 * carry), tcg-kp-AIKCertificate 2.23.133.8.3 (Azure). No EKU at all (GCE's newer CA) is
 * accepted; an EKU without either is not. Key usage, if present, must allow signing. */
static int check_usage(X509 *x, struct ak_cert_verdict *v)
{
	EXTENDED_KEY_USAGE *eku;
	uint32_t ku = X509_get_key_usage(x);
	bool tcg = false;
	int crit;

	if (ku != UINT32_MAX && !(ku & KU_DIGITAL_SIGNATURE))
		return fail(v, AK_CERT_EKU, "the AK certificate's key usage does not allow "
			    "digitalSignature (a certificate for an encryption key?)");
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (!eku) {
		if (crit != -1)
			return fail(v, AK_CERT_MALFORMED, "the AK certificate's extended key usage "
				    "does not decode");
		return 0;
	}
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		char oid[80];
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, i), 1);
		tcg = tcg || strcmp(oid, "2.23.133.8.1") == 0 || strcmp(oid, "2.23.133.8.3") == 0;
	}
	EXTENDED_KEY_USAGE_free(eku);
	if (!tcg)
		return fail(v, AK_CERT_EKU, "the AK certificate's extended key usage has neither "
			    "tcg-kp-EKCertificate (2.23.133.8.1) nor tcg-kp-AIKCertificate "
			    "(2.23.133.8.3)");
	return 0;
}

static int check_key(X509 *x, EVP_PKEY *ak, struct ak_cert_verdict *v)
{
	EVP_PKEY *ck = X509_get0_pubkey(x);

	if (!ck)
		return fail(v, AK_CERT_MALFORMED, "the AK certificate's public key does not decode");
	if (EVP_PKEY_get_base_id(ck) != EVP_PKEY_get_base_id(ak))
		return fail(v, AK_CERT_KEY_TYPE, "the AK certificate is for an %s key, the bundle's "
			    "AK is an %s key: a certificate for another AK type",
			    EVP_PKEY_get0_type_name(ck), EVP_PKEY_get0_type_name(ak));
	if (EVP_PKEY_eq(ck, ak) != 1)
		return fail(v, AK_CERT_KEY_MISMATCH, "the AK certificate certifies another key than "
			    "the bundle's AK: the quote was not signed by the certified key");
	return 0;
}

/* The chain error, as a stable reason. cert is the certificate OpenSSL was looking at. */
static int chain_failure(X509_STORE_CTX *ctx, struct ak_cert_verdict *v)
{
	int e = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	X509 *top = chain && sk_X509_num(chain) > 0 ? sk_X509_value(chain, sk_X509_num(chain) - 1)
						    : NULL;
	const char *es = X509_verify_cert_error_string(e);
	char issuer[256] = "?";

	if (top)
		name_text(X509_get_issuer_name(top), issuer, sizeof(issuer));
	switch (e) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		/* The AK certificate alone: its issuer (an intermediate) is in neither the bundle
		 * nor the anchors. Above it: the bundle's chain ends at an unpinned issuer. */
		if (!chain || sk_X509_num(chain) <= 1)
			return fail(v, AK_CERT_INTERMEDIATE_MISSING,
				    "the AK certificate's issuer '%s' is neither in the bundle's "
				    "intermediates nor among the --ak-ca certificates", issuer);
		return fail(v, AK_CERT_ROOT_NOT_PINNED,
			    "the chain ends at '%s', which no --ak-ca certificate pins", issuer);
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return fail(v, AK_CERT_ROOT_NOT_PINNED,
			    "the chain ends at the self-signed '%s', which no --ak-ca pins", issuer);
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
		return fail(v, AK_CERT_SIGNATURE_INVALID,
			    "the signature of certificate %d of the chain (0 = the AK certificate) "
			    "does not verify: %s", depth, es);
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return fail(v, AK_CERT_EXPIRED, "certificate %d of the chain (0 = the AK "
			    "certificate) has expired at the verification time", depth);
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return fail(v, AK_CERT_NOT_YET_VALID, "certificate %d of the chain (0 = the AK "
			    "certificate) is not yet valid at the verification time", depth);
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
		return fail(v, AK_CERT_CRITICAL_EXTENSION, "certificate %d of the chain has a "
			    "critical extension OpenSSL does not handle", depth);
	default:
		return fail(v, AK_CERT_CHAIN_INVALID, "certificate %d of the chain: %s", depth, es);
	}
}

static int json_set_str(json_t *o, const char *k, const char *s)
{
	return json_object_set_new(o, k, json_string(s)) < 0 ? -ENOMEM : 0;
}

/* What the certificate says about the machine: GCE's instance extension, else the subject. */
static int identity(X509 *x, json_t *info, struct ak_cert_verdict *v)
{
	ASN1_OBJECT *oid = OBJ_txt2obj(GCE_INSTANCE_OID, 1);
	struct gce_instance_info g;
	ASN1_OCTET_STRING *os;
	char err[200];
	json_t *j;
	int idx, r;

	if (!oid)
		return -ENOMEM;
	idx = X509_get_ext_by_OBJ(x, oid, -1);
	ASN1_OBJECT_free(oid);
	if (idx < 0)
		return 0;
	if (X509_get_ext_by_OBJ(x, X509_EXTENSION_get_object(X509_get_ext(x, idx)), idx) >= 0)
		return fail(v, AK_CERT_IDENTITY_MALFORMED, "the AK certificate has the GCE instance "
			    "extension twice");
	os = X509_EXTENSION_get_data(X509_get_ext(x, idx));
	r = gce_instance_info_parse(ASN1_STRING_get0_data(os), (size_t)ASN1_STRING_length(os), &g,
				    err, sizeof(err));
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fail(v, AK_CERT_IDENTITY_MALFORMED, "the AK certificate's GCE instance "
			    "extension (%s): %s", GCE_INSTANCE_OID, err);
	j = json_pack("{s:s,s:s,s:s,s:I,s:I,s:b}", "zone", g.zone, "project_id", g.project_id,
		      "instance_name", g.instance_name, "project_number",
		      (json_int_t)g.project_number, "instance_id", (json_int_t)g.instance_id,
		      "is_production", g.is_production);
	if (!j || json_object_set_new(info, "gce", j) < 0)
		return -ENOMEM;
	if (g.has_security_properties &&
	    json_object_set_new(j, "security_version", json_integer((json_int_t)g.security_version)) < 0)
		return -ENOMEM;
	return 0;
}

/* The pinned certificate the chain ends at, reported as the anchor. */
static int anchor_info(X509_STORE_CTX *ctx, const struct ak_anchors *a, json_t *info)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	X509 *root = sk_X509_value(chain, sk_X509_num(chain) - 1);
	const char *source = "?";
	uint8_t md[32];
	unsigned mdlen = 0;
	char hex[65], subj[256];
	int r;

	for (size_t i = 0; i < a->n; i++)
		if (a->items[i].trusted && X509_cmp(a->items[i].cert, root) == 0)
			source = a->items[i].source;
	if (X509_digest(root, EVP_sha256(), md, &mdlen) != 1 || mdlen != 32)
		return -EIO;
	hex_encode(md, 32, hex);
	r = name_text(X509_get_subject_name(root), subj, sizeof(subj));
	if (r < 0)
		return r;
	return json_object_set_new(info, "anchor", json_pack("{s:s,s:s,s:s}", "source", source,
							     "subject", subj, "sha256", hex)) < 0
		       ? -ENOMEM
		       : 0;
}

/* Subject, issuer and validity of the AK certificate. */
static int cert_info(X509 *x, json_t *info)
{
	char subj[256], iss[256], nb[32], na[32];
	int r;

	if ((r = name_text(X509_get_subject_name(x), subj, sizeof(subj))) < 0 ||
	    (r = name_text(X509_get_issuer_name(x), iss, sizeof(iss))) < 0)
		return r;
	time_text(X509_get0_notBefore(x), nb);
	time_text(X509_get0_notAfter(x), na);
	if ((r = json_set_str(info, "subject", subj)) < 0 || (r = json_set_str(info, "issuer", iss)) < 0 ||
	    (r = json_set_str(info, "not_before", nb)) < 0 || (r = json_set_str(info, "not_after", na)) < 0)
		return r;
	return 0;
}

/* Builds and verifies the chain: anchors in store, intermediates (the bundle's and the known
 * ones) untrusted. store must outlive ctx (the context keeps a plain pointer to it). */
static int check_chain(const struct ak_cert_input *in, X509 *leaf, STACK_OF(X509) *untrusted,
		       X509_STORE *store, X509_STORE_CTX *ctx, struct ak_cert_verdict *v)
{
	for (size_t i = 0; i < in->anchors->n; i++) {
		const struct ak_anchor *a = &in->anchors->items[i];
		X509 *dup;

		if (a->trusted) {
			if (X509_STORE_add_cert(store, a->cert) != 1)
				return -ENOMEM;
			continue;
		}
		dup = X509_dup(a->cert);
		if (!dup || !sk_X509_push(untrusted, dup)) {
			X509_free(dup);
			return -ENOMEM;
		}
	}
	if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1)
		return -EIO;
	if (in->at)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), in->at);
	if (X509_verify_cert(ctx) != 1)
		return chain_failure(ctx, v);
	return 0;
}

int ak_cert_verify(const struct ak_cert_input *in, struct ak_cert_verdict *ret)
{
	_cleanup_(X509_freep) X509 *leaf = NULL;
	_cleanup_(X509_STORE_freep) X509_STORE *store = X509_STORE_new();
	_cleanup_(sk_X509_freep) STACK_OF(X509) *untrusted = sk_X509_new_null();
	_cleanup_(X509_STORE_CTX_freep) X509_STORE_CTX *ctx = X509_STORE_CTX_new(); /* freed first */
	_cleanup_(json_decrefp) json_t *info = json_object();
	struct ak_cert_verdict v = {.why = AK_CERT_OK};
	int r;

	if (!store || !untrusted || !ctx || !info)
		return -ENOMEM;
	leaf = der_to_x509(in->cert, in->cert_size);
	if (!leaf) {
		fail(&v, AK_CERT_MALFORMED, "ak.certificate: not one DER X.509 certificate of at "
		     "most %u bytes", AK_CERT_MAX_SIZE);
		goto done;
	}
	if (in->n_intermediates > AK_CERT_MAX_INTERMEDIATES) {
		fail(&v, AK_CERT_MALFORMED, "ak.intermediates: %zu certificates exceed the cap of %u",
		     in->n_intermediates, AK_CERT_MAX_INTERMEDIATES);
		goto done;
	}
	for (size_t i = 0; i < in->n_intermediates; i++) {
		X509 *x = der_to_x509(in->intermediates[i], in->intermediate_sizes[i]);
		if (!x) {
			fail(&v, AK_CERT_MALFORMED, "ak.intermediates[%zu]: not one DER X.509 "
			     "certificate of at most %u bytes", i, AK_CERT_MAX_SIZE);
			goto done;
		}
		if (!sk_X509_push(untrusted, x)) {
			X509_free(x);
			return -ENOMEM;
		}
	}
	/* Each step may set v.why; the first failure stands. */
	if ((r = check_critical(leaf, &v)) < 0 || v.why ||
	    (r = check_chain(in, leaf, untrusted, store, ctx, &v)) < 0 || v.why ||
	    (r = check_usage(leaf, &v)) < 0 || v.why ||
	    (r = check_key(leaf, in->ak, &v)) < 0 || v.why ||
	    (r = identity(leaf, info, &v)) < 0 || v.why ||
	    (r = anchor_info(ctx, in->anchors, info)) < 0 || (r = cert_info(leaf, info)) < 0) {
		if (r < 0)
			return r;
		goto done;
	}
	v.info = TAKE_PTR(info);
done:
	*ret = v;
	return 0;
}

int ak_cert_parse_time(const char *s, time_t *ret)
{
	struct tm tm = {};
	char *end;

	if (s[0] == '@') {
		long long x;
		errno = 0;
		x = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end || x <= 0)
			return -EINVAL;
		*ret = (time_t)x;
		return 0;
	}
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -EINVAL;
	*ret = timegm(&tm);
	return *ret > 0 ? 0 : -EINVAL;
}

int ak_chain_load_pem(const char *path, struct blob *ret, size_t max, size_t *ret_n, char *err,
		      size_t errsz)
{
	BIO *bio = BIO_new_file(path, "r");
	size_t n = 0;
	X509 *x;
	int r = 0;

	if (!bio)
		return errbuf_set(err, errsz, -ENOENT, "'%s': cannot open", path);
	while (r == 0 && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		unsigned char *der = NULL;
		int len = i2d_X509(x, &der);

		X509_free(x);
		if (len <= 0)
			r = -ENOMEM;
		else if (n >= max || (size_t)len > AK_CERT_MAX_SIZE)
			r = errbuf_set(err, errsz, -E2BIG, "'%s': more than %zu certificates or one "
				       "over %u bytes", path, max, AK_CERT_MAX_SIZE);
		else
			r = blob_set(&ret[n++], der, (size_t)len);
		OPENSSL_free(der);
	}
	BIO_free(bio);
	if (r < 0) {
		for (size_t i = 0; i < n; i++) {
			free(ret[i].data);
			ret[i] = (struct blob){};
		}
		return r;
	}
	if (n == 0)
		return errbuf_set(err, errsz, -EBADMSG, "'%s': no PEM certificate", path);
	*ret_n = n;
	return 0;
}
