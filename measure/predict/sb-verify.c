/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure Boot image verification as EDK2 does it, see sb-verify.h. Sources: EDK2 SecurityPkg
 * DxeImageVerificationLib.c (DxeImageVerificationHandler: the certificate-table walk, the
 * per-signature order dbx certificates -> db certificates -> dbx hash -> db hash, the final
 * "walk must end at the table's size"; HashPeImageByType: the digest algorithm read at offset
 * 32 of the PKCS#7), CryptoPkg CryptAuthenticode.c (AuthenticodeVerify: the signed digest is
 * the end of the SpcIndirectDataContent, the PKCS#7 is verified over its value bytes) and
 * CryptPkcs7VerifyCommon.c (Pkcs7Verify: one trusted certificate, partial chains allowed, no
 * time checks, any purpose; WrapPkcs7Data; Pkcs7GetSigners). Read at edk2-stable202211 (Debian
 * 12's OVMF) and at stable202311 / master for what changed since (sb-verify.h, sbv_firmware). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "cursor.h"
#include "efi-guid.h"
#include "errbuf.h"
#include "log.h"
#include "measure-pe.h"
#include "sb-verify.h"
#include "size.h"

#define SBV_MAX_TABLE_ENTRIES 1024u /* WIN_CERTIFICATE entries walked, signatures or not */

#define WIN_CERT_TYPE_PKCS_SIGNED_DATA 0x0002u
#define WIN_CERT_TYPE_EFI_GUID 0x0ef1u

/* An EFI_GUID in its on-disk (mixed-endian) byte order. */
static const uint8_t guid_cert_x509[16] =
	EFI_GUID_BYTES(0xa5c059a1, 0x94e4, 0x4aa7, 0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72);
static const uint8_t guid_cert_pkcs7[16] =
	EFI_GUID_BYTES(0x4aafd29d, 0x68df, 0x49ee, 0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7);

/* Per digest algorithm: its OID (value bytes), the signature-list type of an image digest
 * (EFI_CERT_SHA*) and of a certificate's TBS digest (EFI_CERT_X509_SHA*; none for SHA-1). */
static const struct alg {
	enum bank bank;
	uint8_t oid[9];
	size_t oid_len;
	uint8_t cert_hash[16];
	bool has_x509_hash;
	uint8_t x509_hash[16];
} algs[] = {
	{BANK_SHA1, {0x2b, 0x0e, 0x03, 0x02, 0x1a}, 5,
	 EFI_GUID_BYTES(0x826ca512, 0xcf10, 0x4ac9, 0xb1, 0x87, 0xbe, 0x01, 0x49, 0x66, 0x31, 0xbd),
	 false, {0}},
	{BANK_SHA256, {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}, 9,
	 EFI_GUID_BYTES(0xc1c41626, 0x504c, 0x4092, 0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28),
	 true,
	 EFI_GUID_BYTES(0x3bd2a492, 0x96c0, 0x4079, 0xb4, 0x20, 0xfc, 0xf9, 0x8e, 0xf1, 0x03, 0xed)},
	{BANK_SHA384, {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02}, 9,
	 EFI_GUID_BYTES(0xff3e5307, 0x9fd0, 0x48c9, 0x85, 0xf1, 0x8a, 0xd5, 0x6c, 0x70, 0x1e, 0x01),
	 true,
	 EFI_GUID_BYTES(0x7076876e, 0x80c2, 0x4ee6, 0xaa, 0xd2, 0x28, 0xb3, 0x49, 0xa6, 0x86, 0x5b)},
	{BANK_SHA512, {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03}, 9,
	 EFI_GUID_BYTES(0x093e0fae, 0xa6c4, 0x4f50, 0x9f, 0x1b, 0xd4, 0x1e, 0x2b, 0x89, 0xc1, 0x9a),
	 true,
	 EFI_GUID_BYTES(0x446dbf63, 0x2502, 0x4cda, 0xbc, 0xfa, 0x24, 0x65, 0xd2, 0xb0, 0xfe, 0x9d)},
};

static const uint8_t oid_signed_data[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
static const uint8_t oid_spc_indirect_data[] = {0x2b, 0x06, 0x01, 0x04, 0x01,
						0x82, 0x37, 0x02, 0x01, 0x04};

static const struct alg *alg_by_oid(const struct cursor *oid)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (cursor_left(oid) == algs[i].oid_len &&
		    memcmp(oid->p, algs[i].oid, algs[i].oid_len) == 0)
			return &algs[i];
	return NULL;
}

static const struct alg *alg_by_bank(enum bank b)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].bank == b)
			return &algs[i];
	return NULL;
}

/* ---- DER: one TLV at a time, definite lengths only, every length inside its parent ---- */

/* Lengths as OpenSSL's asn1_get_length reads them (EDK2 decodes with OpenSSL): the long form may
 * carry leading zero octets ("82 00 6a" is 106); indefinite lengths (BER) are refused. */

struct der {
	uint8_t tag;
	struct cursor body;  /* the contents octets */
	const uint8_t *tlv;  /* tag .. end of contents */
	size_t tlv_len;
	size_t offset;       /* of the tag, from the start of the parsed buffer */
};

static bool der_get(struct cursor *c, struct der *ret)
{
	struct cursor s = *c;
	struct der d;
	uint8_t tag, b;
	size_t len = 0;

	if (!cursor_get_u8(&s, &tag) || (tag & 0x1f) == 0x1f || !cursor_get_u8(&s, &b))
		return false;
	if (b & 0x80) {
		unsigned n = b & 0x7fu;
		if (n == 0) /* indefinite (BER only) */
			return false;
		for (unsigned i = 0; i < n; i++) {
			uint8_t x;
			if (!cursor_get_u8(&s, &x) || len >> 24) /* 4 GiB and more: never inside */
				return false;
			len = (len << 8) | x;
		}
	} else
		len = b;
	if (!cursor_get_bytes(&s, len, &d.body))
		return false;
	d.tag = tag;
	d.tlv = c->p;
	d.tlv_len = (size_t)(s.p - c->p);
	d.offset = cursor_offset(c);
	*c = s;
	*ret = d;
	return true;
}

static bool der_expect(struct cursor *c, uint8_t tag, struct der *ret)
{
	struct cursor s = *c;
	struct der d;

	if (!der_get(&s, &d) || d.tag != tag)
		return false;
	*c = s;
	*ret = d;
	return true;
}

static bool der_oid_is(const struct der *d, const uint8_t *oid, size_t n)
{
	return cursor_left(&d->body) == n && memcmp(d->body.p, oid, n) == 0;
}

static int expected(char *err, size_t n, const struct cursor *c, const char *what)
{
	return errbuf_set(err, n, -EBADMSG, "PKCS#7 offset %zu: expected %s", cursor_offset(c),
			  what);
}

/* AuthenticodeVerify does not decode the SpcIndirectDataContent's length: it tests bits of the
 * first length byte b (its tag is at seq->tlv[0]): b < 0x80 is the length; else b & 0x81 == 0x81
 * takes the next byte as the length, b & 0x82 == 0x82 the next two; anything else refuses. The
 * content it hashes and compares is that many bytes after those. A length whose EDK2 reading
 * differs from its DER reading ("83 00 00 6a": 0x83 & 0x81 is 0x81, so one byte, 0x00) makes the
 * firmware check other bytes than were signed: refused here, as the firmware refuses it. */
static int edk2_spc_content(const struct der *seq, size_t at, struct sbv_authenticode *a,
			    char *err, size_t errsz)
{
	const uint8_t *t = seq->tlv;
	size_t hdr = seq->tlv_len - cursor_left(&seq->body), skip, size;
	char bytes[3 * 5 + 1] = "";

	for (size_t i = 1; i < hdr && i <= 5; i++) {
		size_t k = strlen(bytes);
		snprintf(bytes + k, sizeof(bytes) - k, "%s%02x", i > 1 ? " " : "", t[i]);
	}
	if (!(t[1] & 0x80))
		skip = 2, size = t[1];
	else if ((t[1] & 0x81) == 0x81 && hdr >= 3)
		skip = 3, size = t[2];
	else if ((t[1] & 0x82) == 0x82 && hdr >= 4)
		skip = 4, size = (size_t)t[2] << 8 | t[3];
	else
		return errbuf_set(err, errsz, -EBADMSG,
				  "PKCS#7 offset %zu: the SpcIndirectDataContent length '%s' is not "
				  "one EDK2's AuthenticodeVerify reads (short form, 81 xx or 82 xx xx; "
				  "the firmware refuses the signature)", at, bytes);
	if (skip != hdr || size != cursor_left(&seq->body))
		return errbuf_set(err, errsz, -EBADMSG,
				  "PKCS#7 offset %zu: SpcIndirectDataContent length '%s' (%zu) is %zu "
				  "to EDK2's AuthenticodeVerify (bit tests 0x81/0x82 on its first "
				  "byte): the firmware checks other bytes than were signed",
				  at, bytes, cursor_left(&seq->body), size);
	a->content = t + skip;
	a->content_len = size;
	return 0;
}

/* SignedData's digestAlgorithms SET: at most SBV_MAX_DIGEST_ALGORITHMS, the first one (the one
 * EDK2 uses) SHA-1/256/384/512, recorded in a with its offset. */
static int read_digest_algorithms(struct cursor *sd, struct sbv_authenticode *a, char *err,
				  size_t errsz)
{
	struct der d, alg_oid = {};
	struct cursor set;
	const struct alg *alg;
	size_t n_algs = 0;

	if (!der_expect(sd, 0x31, &d))
		return expected(err, errsz, sd, "the digestAlgorithms SET");
	set = d.body;
	while (cursor_left(&set) > 0) {
		struct der ai, oid;
		if (++n_algs > SBV_MAX_DIGEST_ALGORITHMS)
			return errbuf_set(err, errsz, -E2BIG, "PKCS#7: more than %u digestAlgorithms",
					  SBV_MAX_DIGEST_ALGORITHMS);
		if (!der_expect(&set, 0x30, &ai) || !der_expect(&ai.body, 0x06, &oid))
			return expected(err, errsz, &set, "an AlgorithmIdentifier SEQUENCE with an OID");
		if (n_algs == 1)
			alg_oid = oid;
	}
	if (n_algs == 0)
		return expected(err, errsz, &set, "at least one digestAlgorithm");
	alg = alg_by_oid(&alg_oid.body);
	if (!alg)
		return errbuf_set(err, errsz, -EOPNOTSUPP,
				  "PKCS#7 offset %zu: digest algorithm is not SHA-1, SHA-256, SHA-384 "
				  "or SHA-512", alg_oid.offset);
	a->alg = alg->bank;
	a->alg_oid_offset = cursor_offset(&alg_oid.body);
	return 0;
}

int sbv_parse_authenticode(const uint8_t *der, size_t len, struct sbv_authenticode *ret,
			   char *err, size_t errsz)
{
	struct sbv_authenticode a = {.info_alg = _BANK_INVALID};
	struct cursor c, ci, sd, spc, dinfo;
	struct der d, x, attr;
	const struct alg *alg;
	int r;

	if (len > SBV_MAX_AUTH_DATA)
		return errbuf_set(err, errsz, -E2BIG, "PKCS#7 signature of %zu bytes (cap %u)", len,
				  SBV_MAX_AUTH_DATA);
	cursor_init(&c, der, len);
	/* ContentInfo { contentType signedData, [0] EXPLICIT SignedData } */
	if (!der_expect(&c, 0x30, &d))
		return expected(err, errsz, &c, "a ContentInfo SEQUENCE");
	ci = d.body;
	if (!der_expect(&ci, 0x06, &d) || !der_oid_is(&d, oid_signed_data, sizeof(oid_signed_data)))
		return expected(err, errsz, &ci, "the signedData OID 1.2.840.113549.1.7.2");
	if (!der_expect(&ci, 0xa0, &x) || !der_expect(&x.body, 0x30, &d))
		return expected(err, errsz, &ci, "[0] SignedData SEQUENCE");
	sd = d.body;
	/* SignedData { version, digestAlgorithms SET OF AlgorithmIdentifier, contentInfo, ... } */
	if (!der_expect(&sd, 0x02, &d))
		return expected(err, errsz, &sd, "the SignedData version INTEGER");
	r = read_digest_algorithms(&sd, &a, err, errsz);
	if (r < 0)
		return r;

	/* contentInfo { SPC_INDIRECT_DATA_OBJID, [0] EXPLICIT SpcIndirectDataContent } */
	if (!der_expect(&sd, 0x30, &d))
		return expected(err, errsz, &sd, "the contentInfo SEQUENCE");
	ci = d.body;
	if (!der_expect(&ci, 0x06, &d) ||
	    !der_oid_is(&d, oid_spc_indirect_data, sizeof(oid_spc_indirect_data)))
		return expected(err, errsz, &ci,
				"the SPC_INDIRECT_DATA_OBJID 1.3.6.1.4.1.311.2.1.4 (Authenticode)");
	if (!der_expect(&ci, 0xa0, &x) || !der_expect(&x.body, 0x30, &d))
		return expected(err, errsz, &ci, "[0] SpcIndirectDataContent SEQUENCE");
	r = edk2_spc_content(&d, d.offset, &a, err, errsz);
	if (r < 0)
		return r;
	spc = d.body;
	/* SpcIndirectDataContent { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }:
	 * the digest is the last element, which is where EDK2 reads it (the content's last
	 * HashSize bytes). */
	if (!der_expect(&spc, 0x30, &attr) || !der_expect(&attr.body, 0x06, &d))
		return expected(err, errsz, &spc, "SpcAttributeTypeAndOptionalValue { OID, ... }");
	if (!der_expect(&spc, 0x30, &d))
		return expected(err, errsz, &spc, "the messageDigest DigestInfo SEQUENCE");
	dinfo = d.body;
	if (!der_expect(&dinfo, 0x30, &x) || !der_expect(&x.body, 0x06, &d))
		return expected(err, errsz, &dinfo, "the DigestInfo AlgorithmIdentifier");
	alg = alg_by_oid(&d.body);
	a.info_alg = alg ? alg->bank : _BANK_INVALID;
	if (!der_expect(&dinfo, 0x04, &d))
		return expected(err, errsz, &dinfo, "the DigestInfo digest OCTET STRING");
	if (cursor_left(&dinfo) != 0 || cursor_left(&spc) != 0)
		return expected(err, errsz, cursor_left(&dinfo) ? &dinfo : &spc,
				"the end of SpcIndirectDataContent after its digest");
	a.digest = d.body.p;
	a.digest_len = cursor_left(&d.body);
	*ret = a;
	return 0;
}

/* ---- the attribute certificate table, walked as DxeImageVerificationHandler walks it ---- */

struct table_walk {
	const uint8_t *table;
	size_t len;
	uint64_t off;
	size_t n_entries, n_signatures;
};

struct table_entry {
	size_t index;  /* among the PKCS#7 entries */
	size_t offset; /* in the table */
	const uint8_t *auth;
	size_t auth_len;
};

/* 1 and *e: the next PKCS#7 signature; 0: the walk stopped (see walk_complete); -E2BIG. */
static int walk_next(struct table_walk *w, struct table_entry *e)
{
	while (w->off < w->len) {
		uint64_t left = w->len - w->off;
		struct cursor h;
		uint32_t dw;
		uint16_t rev, type;
		const uint8_t *auth = NULL;
		size_t auth_len = 0, at = (size_t)w->off;

		if (++w->n_entries > SBV_MAX_TABLE_ENTRIES)
			return -E2BIG;
		/* EDK2 stops at a header that does not fit or a dwLength past the end. */
		if (left <= 8 || !blob_slice(w->table, w->len, w->off, 8, &h) ||
		    !cursor_get_u32le(&h, &dw) || !cursor_get_u16le(&h, &rev) ||
		    !cursor_get_u16le(&h, &type) || left < dw)
			return 0;
		if (type == WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
			if (dw <= 8)
				return 0;
			auth = w->table + at + 8;
			auth_len = dw - 8;
		} else if (type == WIN_CERT_TYPE_EFI_GUID) {
			if (dw <= 24)
				return 0;
			if (memcmp(w->table + at + 8, guid_cert_pkcs7, 16) == 0) {
				auth = w->table + at + 24;
				auth_len = dw - 24;
			}
		} else if (dw < 8)
			return 0;
		w->off += (uint64_t)dw + (8 - dw % 8) % 8; /* entries are 8-byte aligned */
		if (auth) {
			if (w->n_signatures >= SBV_MAX_SIGNATURES)
				return -E2BIG;
			*e = (struct table_entry){w->n_signatures++, at, auth, auth_len};
			return 1;
		}
	}
	return 0;
}

/* EDK2 refuses an image whose walk does not end exactly at the table's size. */
static bool walk_complete(const struct table_walk *w)
{
	return w->off == w->len;
}

/* HashPeImageByType: the hash EDK2 computes the image with for one signature is not parsed but
 * read at a fixed place: the second byte must have bits 0x82 (a "two-byte" length), and the OID
 * value bytes at offset 32 must start with SHA-1's, SHA-256's, SHA-384's or SHA-512's (SHA-224's,
 * which EDK2 lists but cannot hash, or anything else: the signature is skipped). */
static const struct alg *edk2_entry_alg(const uint8_t *auth, size_t len)
{
	if (len < 2 || (auth[1] & 0x82) != 0x82)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (len >= 32 + algs[i].oid_len && memcmp(auth + 32, algs[i].oid, algs[i].oid_len) == 0)
			return &algs[i];
	return NULL;
}

unsigned sbv_unsigned_algs(enum sbv_firmware f)
{
	if (f >= SBV_FIRMWARE_EDK2_2023_11)
		return BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256) | BANK_MASK(BANK_SHA384) |
		       BANK_MASK(BANK_SHA512);
	return BANK_MASK(BANK_SHA256);
}

unsigned sbv_table_algs(const uint8_t *table, size_t len)
{
	struct table_walk w = {table, len, 0, 0, 0};
	struct table_entry e;
	unsigned mask = BANK_MASK(BANK_SHA256);

	if (!table)
		return mask;
	while (walk_next(&w, &e) > 0) {
		const struct alg *alg = edk2_entry_alg(e.auth, e.auth_len);
		if (alg)
			mask |= BANK_MASK(alg->bank);
	}
	return mask;
}

/* ---- signature databases ---- */

struct hash_find {
	const uint8_t *type;
	const uint8_t *digest;
	size_t size;
	struct secureboot_entry found;
};

static int hash_find_cb(const uint8_t type[16], const uint8_t *sig, size_t sig_size, void *ud)
{
	struct hash_find *f = ud;

	/* IsSignatureFoundInDatabase: SignatureSize must be owner + exactly the digest. */
	if (memcmp(type, f->type, 16) != 0 || sig_size != 16 + f->size ||
	    memcmp(sig + 16, f->digest, f->size) != 0)
		return 0;
	f->found = (struct secureboot_entry){sig, sig_size};
	return 1;
}

/* 1 (and *ret) if list holds the EFI_CERT_SHA* entry of digest. */
static int hash_in(const uint8_t *list, size_t len, enum bank b, const uint8_t *digest,
		   struct secureboot_entry *ret)
{
	const struct alg *alg = alg_by_bank(b);
	struct hash_find f = {alg ? alg->cert_hash : NULL, digest, bank_size(b), {}};
	int r;

	if (!list || len == 0 || !alg)
		return 0;
	r = secureboot_walk(list, len, hash_find_cb, &f);
	if (r == 1 && ret)
		*ret = f.found;
	return r;
}

struct tbs_find {
	const uint8_t *tbs;
	size_t tbs_len;
	uint8_t digest[_BANK_MAX][DIGEST_MAX];
	unsigned have;
	int error;
};

static int tbs_find_cb(const uint8_t type[16], const uint8_t *sig, size_t sig_size, void *ud)
{
	struct tbs_find *f = ud;

	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		enum bank b = algs[i].bank;
		if (!algs[i].has_x509_hash || memcmp(type, algs[i].x509_hash, 16) != 0)
			continue;
		/* EFI_CERT_X509_SHA*: ToBeSignedHash + TimeOfRevocation (EFI_TIME). */
		if (sig_size < 16 + bank_size(b))
			return 0;
		if (!(f->have & BANK_MASK(b))) {
			int r = digest_buffer(b, f->tbs, f->tbs_len, f->digest[b]);
			if (r < 0)
				return r;
			f->have |= BANK_MASK(b);
		}
		return memcmp(sig + 16, f->digest[b], bank_size(b)) == 0 ? 1 : 0;
	}
	return 0;
}

/* IsCertHashFoundInDbx: 1 if the digest of cert's TBSCertificate is an EFI_CERT_X509_SHA*
 * entry of dbx. Without dbt every such entry revokes (PassTimestampCheck fails). */
static int cert_hash_in(const uint8_t *dbx, size_t dbx_len, const uint8_t *cert, size_t cert_len)
{
	struct cursor c;
	struct der certificate, tbs;
	struct tbs_find f = {};

	if (!dbx || dbx_len == 0)
		return 0;
	cursor_init(&c, cert, cert_len);
	if (!der_expect(&c, 0x30, &certificate) || !der_expect(&certificate.body, 0x30, &tbs))
		return 0; /* X509GetTBSCert fails: EDK2 finds nothing */
	f.tbs = tbs.tlv;
	f.tbs_len = tbs.tlv_len;
	return secureboot_walk(dbx, dbx_len, tbs_find_cb, &f);
}

static int x509_cert_hash_in(const uint8_t *dbx, size_t dbx_len, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der), r;

	if (n <= 0)
		return -ENOMEM;
	r = cert_hash_in(dbx, dbx_len, der, (size_t)n);
	OPENSSL_free(der);
	return r;
}

/* ---- one signature ---- */

struct sig {
	const struct table_entry *e;
	enum bank alg;        /* what EDK2 hashes the image with (edk2_entry_alg) */
	bool parsed;          /* sbv_parse_authenticode accepted it: a is valid */
	struct sbv_authenticode a;
	char parse_err[200];
	PKCS7 *p7;            /* d2i_PKCS7 of the entry as is (AuthenticodeVerify), or NULL */
	PKCS7 *p7_wrapped;    /* as Pkcs7Verify/Pkcs7GetSigners decode it (WrapPkcs7Data) */
	bool wrapped;         /* the entry already looks like a ContentInfo to WrapPkcs7Data */
	bool digest_ok;       /* the signed digest is the image's (in alg) */
	enum sbv_firmware firmware;
};

static const uint8_t oid_signed_data_tlv_prefix[] = {0x06, 0x09};

/* WrapPkcs7Data: data whose bytes 4..16 are not "06 09 <signedData OID> a0 82" is taken for a
 * bare SignedData and wrapped in a ContentInfo (its two lengths truncated to 16 bits, as EDK2
 * does) before d2i_PKCS7. An Authenticode entry laid out otherwise is thus decoded twice over
 * and fails in Pkcs7Verify. */
static bool edk2_looks_wrapped(const uint8_t *p, size_t len)
{
	return len >= 17 && memcmp(p + 4, oid_signed_data_tlv_prefix, 2) == 0 &&
	       memcmp(p + 6, oid_signed_data, sizeof(oid_signed_data)) == 0 && p[15] == 0xa0 &&
	       p[16] == 0x82;
}

static PKCS7 *edk2_decode(const uint8_t *p, size_t len, bool wrapped)
{
	const unsigned char *q;
	uint8_t *w;
	PKCS7 *p7;
	size_t wlen = len + 19;

	if (wrapped) {
		q = p;
		p7 = d2i_PKCS7(NULL, &q, (long)len);
		ERR_clear_error();
		return p7;
	}
	w = malloc(wlen);
	if (!w)
		return NULL;
	w[0] = 0x30, w[1] = 0x82;
	w[2] = (uint8_t)((uint16_t)(wlen - 4) >> 8), w[3] = (uint8_t)(wlen - 4);
	memcpy(w + 4, oid_signed_data_tlv_prefix, 2);
	memcpy(w + 6, oid_signed_data, sizeof(oid_signed_data));
	w[15] = 0xa0, w[16] = 0x82;
	w[17] = (uint8_t)((uint16_t)len >> 8), w[18] = (uint8_t)len;
	memcpy(w + 19, p, len);
	q = w;
	p7 = d2i_PKCS7(NULL, &q, (long)wlen);
	ERR_clear_error();
	free(w);
	return p7;
}

static bool is_ec(X509 *x)
{
	EVP_PKEY *k = x ? X509_get0_pubkey(x) : NULL;

	ERR_clear_error();
	return k && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC;
}

/* Firmware whose OpenSSL has no EC (sbv_firmware): every key that PKCS7_verify uses must be
 * RSA: the signers' (the signature itself) and those of the chain built to the anchor (each
 * verifies the certificate below it). Returns true if one of them is EC. */
static bool chain_uses_ec(const struct sig *s, X509_STORE *store)
{
	STACK_OF(X509) *signers = PKCS7_get0_signers(s->p7, NULL, PKCS7_BINARY);
	bool ec = false;

	ERR_clear_error();
	for (int i = 0; signers && !ec && i < sk_X509_num(signers); i++) {
		X509 *x = sk_X509_value(signers, i);
		X509_STORE_CTX *ctx = X509_STORE_CTX_new();
		ec = is_ec(x);
		if (!ec && ctx && X509_STORE_CTX_init(ctx, store, x, s->p7->d.sign->cert) == 1 &&
		    X509_verify_cert(ctx) == 1) {
			STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
			for (int k = 0; chain && !ec && k < sk_X509_num(chain); k++)
				ec = is_ec(sk_X509_value(chain, k));
		}
		ERR_clear_error();
		X509_STORE_CTX_free(ctx);
	}
	sk_X509_free(signers);
	return ec;
}

static void name_of(X509 *x, char *buf, size_t size)
{
	if (!x || !X509_NAME_oneline(X509_get_subject_name(x), buf, (int)MIN(size, 1024)))
		snprintf(buf, size, "?");
}

/* AuthenticodeVerify(AuthData, TrustedCert = anchor, ImageHash): the signed digest is the
 * image's and the PKCS#7 verifies over the SpcIndirectDataContent with a chain from its signer
 * to anchor (Pkcs7Verify's store: anchor only, partial chains, no time, any purpose). A db
 * entry OpenSSL cannot read as a certificate anchors nothing. */
static int authenticode_verify(const struct sig *s, const uint8_t *anchor_der, size_t anchor_len,
			       bool *ret_ok)
{
	const unsigned char *p = anchor_der;
	X509 *anchor = NULL;
	X509_STORE *store = NULL;
	BIO *bio = NULL;
	int r = 0;

	*ret_ok = false;
	/* AuthenticodeVerify decodes the entry as is; Pkcs7Verify then decodes it again through
	 * WrapPkcs7Data, which only leaves it as it is if it looks wrapped. */
	if (!s->parsed || !s->p7 || !s->wrapped || !s->digest_ok || anchor_len > SECUREBOOT_MAX_VAR)
		return 0;
	anchor = d2i_X509(NULL, &p, (long)anchor_len);
	if (!anchor)
		goto out;
	store = X509_STORE_new();
	bio = BIO_new_mem_buf(s->a.content, (int)s->a.content_len);
	if (!store || !bio) {
		r = -ENOMEM;
		goto out;
	}
	if (X509_STORE_add_cert(store, anchor) != 1 ||
	    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME) != 1 ||
	    X509_STORE_set_purpose(store, X509_PURPOSE_ANY) != 1) {
		r = -EIO;
		goto out;
	}
	*ret_ok = PKCS7_verify(s->p7, NULL, store, bio, NULL, PKCS7_BINARY) == 1;
	if (*ret_ok && s->firmware < SBV_FIRMWARE_EDK2_2025_05 && chain_uses_ec(s, store))
		*ret_ok = false;
out:
	ERR_clear_error();
	BIO_free(bio);
	X509_STORE_free(store);
	X509_free(anchor);
	return r;
}

/* The PKCS#7 signature alone (no chain): tells a corrupted signature from an unknown signer. */
static bool signature_valid(const struct sig *s)
{
	X509_STORE *store;

	if (!s->p7)
		return false;
	store = X509_STORE_new();
	BIO *bio = BIO_new_mem_buf(s->a.content, (int)s->a.content_len);
	bool ok = store && bio &&
		  PKCS7_verify(s->p7, NULL, store, bio, NULL, PKCS7_BINARY | PKCS7_NOVERIFY) == 1;

	ERR_clear_error();
	BIO_free(bio);
	X509_STORE_free(store);
	return ok;
}

struct anchor_find {
	const struct sig *s;
	size_t n_x509;
	size_t index; /* of the matching EFI_CERT_X509 entry */
	struct secureboot_entry found;
};

static int anchor_find_cb(const uint8_t type[16], const uint8_t *sig, size_t sig_size, void *ud)
{
	struct anchor_find *f = ud;
	bool ok;
	int r;

	if (memcmp(type, guid_cert_x509, 16) != 0)
		return 0;
	f->n_x509++;
	r = authenticode_verify(f->s, sig + 16, sig_size - 16, &ok);
	if (r < 0)
		return r;
	if (!ok)
		return 0;
	f->index = f->n_x509;
	f->found = (struct secureboot_entry){sig, sig_size};
	return 1;
}

/* The first EFI_CERT_X509 entry of list (in list order) that anchors s: 1 and *ret, or 0. */
static int find_anchor(const uint8_t *list, size_t len, const struct sig *s, struct anchor_find *ret)
{
	struct anchor_find f = {.s = s};
	int r;

	if (!list || len == 0)
		return 0;
	r = secureboot_walk(list, len, anchor_find_cb, &f);
	if (r == 1)
		*ret = f;
	return r;
}

static void hex(const uint8_t *d, size_t n, char *out, size_t out_size)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 3 <= out_size; i++, k += 2)
		snprintf(out + k, 3, "%02x", d[i]);
	if (out_size)
		out[MIN(k, out_size - 1)] = '\0';
}

#define REASON(v, ...) snprintf((v)->reason, sizeof((v)->reason), __VA_ARGS__)

/* IsForbiddenByDbx for one signature: 1 with v->reason set if dbx revokes it. */
static int forbidden_by_dbx(const struct sig *s, const struct sbv_databases *dbs,
			    struct sbv_verdict *v)
{
	struct anchor_find f;
	STACK_OF(X509) *signers;
	int r;

	if (!dbs->dbx || dbs->dbx_len == 0)
		return 0; /* "The image will not be forbidden if dbx can't be got." */
	r = find_anchor(dbs->dbx, dbs->dbx_len, s, &f);
	if (r < 0)
		return r;
	if (r == 1) {
		REASON(v, "signature %zu chains to a certificate in dbx (EFI_CERT_X509 entry %zu "
			  "of dbx)", s->e->index + 1, f.index);
		return 1;
	}
	/* Pkcs7GetSigners: a signature whose signer certificates EDK2 cannot read is refused
	 * when dbx exists, even if another signature verifies. */
	signers = s->p7_wrapped && PKCS7_type_is_signed(s->p7_wrapped)
			  ? PKCS7_get0_signers(s->p7_wrapped, NULL, PKCS7_BINARY)
			  : NULL;
	ERR_clear_error();
	if (!signers || sk_X509_num(signers) <= 0) {
		sk_X509_free(signers);
		if (!s->p7_wrapped)
			REASON(v, "signature %zu (certificate table offset %zu) cannot be decoded as "
				  "PKCS#7 SignedData, and dbx is set: EDK2 (IsForbiddenByDbx) refuses "
				  "an image one of whose signatures' signers it cannot read",
			       s->e->index + 1, s->e->offset);
		else
			REASON(v, "signature %zu names no signer certificate it carries (EDK2 then "
				  "refuses whenever dbx is set)", s->e->index + 1);
		return 1;
	}
	for (int i = 0; i < sk_X509_num(signers); i++) {
		X509 *x = sk_X509_value(signers, i);
		r = x509_cert_hash_in(dbs->dbx, dbs->dbx_len, x);
		if (r != 0) {
			if (r == 1) {
				char name[256];
				name_of(x, name, sizeof(name));
				REASON(v, "the signer certificate '%s' of signature %zu is revoked by "
					  "an EFI_CERT_X509_SHA* entry of dbx", name, s->e->index + 1);
			}
			sk_X509_free(signers);
			return r;
		}
	}
	sk_X509_free(signers);
	return 0;
}

/* Why s did not verify against db (no db certificate anchored it). */
static void why_not_db(const struct sig *s, const uint8_t digests[_BANK_MAX][DIGEST_MAX],
		       char *out, size_t size)
{
	if (!s->parsed)
		snprintf(out, size, "signature %zu is not an Authenticode PKCS#7 the firmware can "
				    "verify: %s", s->e->index + 1, s->parse_err);
	else if (!s->p7 || !s->wrapped)
		snprintf(out, size, "signature %zu (certificate table offset %zu): OpenSSL cannot "
				    "decode it as PKCS#7 SignedData the way EDK2 does", s->e->index + 1,
			 s->e->offset);
	else if (!s->digest_ok) {
		char want[2 * DIGEST_MAX + 1], got[2 * DIGEST_MAX + 1];
		hex(s->a.digest, MIN(s->a.digest_len, (size_t)DIGEST_MAX), want, sizeof(want));
		hex(digests[s->alg], bank_size(s->alg), got, sizeof(got));
		snprintf(out, size,
			 "signature %zu signs the %s Authenticode digest %s but the image's is %s "
			 "(the image was changed after signing)",
			 s->e->index + 1, bank_name(s->alg), want, got);
	} else if (!signature_valid(s))
		snprintf(out, size,
			 "the PKCS#7 signature %zu does not verify (corrupted signature or signed "
			 "attributes, or no signer certificate)", s->e->index + 1);
	else {
		STACK_OF(X509) *signers = PKCS7_get0_signers(s->p7, NULL, PKCS7_BINARY);
		char name[256] = "?";
		bool ec = false;
		ERR_clear_error();
		if (signers && sk_X509_num(signers) > 0) {
			name_of(sk_X509_value(signers, 0), name, sizeof(name));
			ec = is_ec(sk_X509_value(signers, 0));
		}
		sk_X509_free(signers);
		if (ec && s->firmware < SBV_FIRMWARE_EDK2_2025_05)
			snprintf(out, size, "the signer '%s' of signature %zu has an EC key, and %s "
					    "firmware has no EC in its OpenSSL (ECDSA signatures verify "
					    "from --firmware edk2-2025.05 on)", name, s->e->index + 1,
				 sbv_firmware_to_string(s->firmware));
		else
			snprintf(out, size, "the signer '%s' of signature %zu does not chain to any "
					    "db certificate%s", name, s->e->index + 1,
				 s->firmware < SBV_FIRMWARE_EDK2_2025_05
					 ? " (with RSA keys only: this firmware has no EC)"
					 : "");
	}
}

/* An unsigned image: its digest in dbx refuses, in db allows. edk2 2022.11 looks up SHA-256 only;
 * from stable202311 on every digest in turn, SHA-512 first, and each db match is measured. */
static int verify_unsigned(const uint8_t digests[_BANK_MAX][DIGEST_MAX],
			   const struct sbv_databases *dbs, struct sbv_verdict *v)
{
	static const enum bank order[] = {BANK_SHA512, BANK_SHA384, BANK_SHA256, BANK_SHA1};
	unsigned mask = sbv_unsigned_algs(dbs->firmware);
	char h[2 * DIGEST_MAX + 1], tried[64] = "";
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		enum bank b = order[i];
		struct secureboot_entry found;
		if (!(mask & BANK_MASK(b)))
			continue;
		hex(digests[b], bank_size(b), h, sizeof(h));
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
			 tried[0] ? "/" : "", bank_name(b));
		r = hash_in(dbs->dbx, dbs->dbx_len, b, digests[b], NULL);
		if (r < 0)
			return r;
		if (r == 1) {
			REASON(v, "it is unsigned and its %s Authenticode digest %s is in dbx",
			       bank_name(b), h);
			v->n_authorities = 0;
			return 0;
		}
		r = hash_in(dbs->db, dbs->db_len, b, digests[b], &found);
		if (r < 0)
			return r;
		if (r == 1 && v->n_authorities < SBV_MAX_AUTHORITIES)
			v->authorities[v->n_authorities++] = found;
	}
	if (v->n_authorities == 0) {
		REASON(v, "it is unsigned (no certificate table) and its %s Authenticode digest is "
			  "not in db (what %s firmware looks up)", tried,
		       sbv_firmware_to_string(dbs->firmware));
		return 0;
	}
	v->allowed = true;
	v->how = SBV_BY_HASH;
	REASON(v, "unsigned, %zu of its %s Authenticode digests in db", v->n_authorities, tried);
	return 0;
}

/* One signature, DxeImageVerificationHandler's loop body: 1 if it forbids the image (v->reason
 * set), 0 otherwise; *verified and v's authority set by the first signature that verifies. */
static int check_signature(struct sig *s, const uint8_t digests[_BANK_MAX][DIGEST_MAX],
			   const struct sbv_databases *dbs, bool *verified, struct sbv_verdict *v,
			   char *first_fail, size_t first_fail_size)
{
	struct anchor_find f;
	int r;

	r = forbidden_by_dbx(s, dbs, v);
	if (r != 0)
		return r;
	if (!*verified) {
		r = find_anchor(dbs->db, dbs->db_len, s, &f);
		if (r < 0)
			return r;
		if (r == 1) {
			/* IsAllowedByDb: the anchor itself revoked in dbx ends the db search
			 * without verification. */
			r = cert_hash_in(dbs->dbx, dbs->dbx_len, f.found.data + 16, f.found.len - 16);
			if (r < 0)
				return r;
			if (r == 1) {
				if (!first_fail[0])
					snprintf(first_fail, first_fail_size,
						 "the db certificate (EFI_CERT_X509 entry %zu of db) "
						 "that anchors signature %zu is revoked by an "
						 "EFI_CERT_X509_SHA* entry of dbx",
						 f.index, s->e->index + 1);
			} else {
				*verified = true;
				v->how = SBV_BY_CERTIFICATE;
				v->authorities[0] = f.found;
				v->n_authorities = 1;
				v->signature = s->e->index;
				REASON(v, "signature %zu (%s) verified by EFI_CERT_X509 entry %zu of db",
				       s->e->index + 1, bank_name(s->alg), f.index);
			}
		} else if (!first_fail[0])
			why_not_db(s, digests, first_fail, first_fail_size);
	}
	/* The image digest in the algorithm EDK2 read for this signature: dbx first, then db. */
	r = hash_in(dbs->dbx, dbs->dbx_len, s->alg, digests[s->alg], NULL);
	if (r < 0)
		return r;
	if (r == 1) {
		char h[2 * DIGEST_MAX + 1];
		hex(digests[s->alg], bank_size(s->alg), h, sizeof(h));
		REASON(v, "its %s Authenticode digest %s is in dbx", bank_name(s->alg), h);
		return 1;
	}
	if (!*verified) {
		r = hash_in(dbs->db, dbs->db_len, s->alg, digests[s->alg], &v->authorities[0]);
		if (r < 0)
			return r;
		if (r == 1) {
			*verified = true;
			v->how = SBV_BY_HASH;
			v->n_authorities = 1;
			REASON(v, "its %s Authenticode digest is in db", bank_name(s->alg));
		}
	}
	return 0;
}

/* Decodes one entry the ways EDK2 does (see struct sig); s->p7 and s->p7_wrapped are the
 * caller's to free. */
static void sig_decode(struct sig *s, const uint8_t digests[_BANK_MAX][DIGEST_MAX])
{
	const struct table_entry *e = s->e;
	const unsigned char *p = e->auth;

	s->parsed = sbv_parse_authenticode(e->auth, e->auth_len, &s->a, s->parse_err,
					   sizeof(s->parse_err)) >= 0;
	/* Above the cap OpenSSL is not asked: the entry counts as undecodable (with dbx set it
	 * refuses the image, without it verifies nothing), the cautious side of what EDK2 does. */
	if (e->auth_len > SBV_MAX_AUTH_DATA)
		return;
	s->p7 = d2i_PKCS7(NULL, &p, (long)e->auth_len);
	if (s->p7 && (!PKCS7_type_is_signed(s->p7) || PKCS7_get_detached(s->p7))) {
		PKCS7_free(s->p7);
		s->p7 = NULL;
	}
	ERR_clear_error();
	s->wrapped = edk2_looks_wrapped(e->auth, e->auth_len);
	s->p7_wrapped = edk2_decode(e->auth, e->auth_len, s->wrapped);
	/* AuthenticodeVerify compares the last HashSize bytes of the content (the parser requires
	 * them to be the DigestInfo's digest) with the image's digest in the entry's algorithm. */
	s->digest_ok = s->parsed && s->a.digest_len == bank_size(s->alg) &&
		       memcmp(s->a.digest, digests[s->alg], s->a.digest_len) == 0;
}

int sbv_verify_table(const uint8_t *table, size_t len, const uint8_t digests[_BANK_MAX][DIGEST_MAX],
		     const struct sbv_databases *dbs, struct sbv_verdict *ret)
{
	struct table_walk w = {table, len, 0, 0, 0};
	struct sbv_verdict v = {.how = SBV_REFUSED};
	struct table_entry e;
	char first_fail[sizeof(v.reason) - 64] = ""; /* room for the suffix below */
	bool verified = false, forbidden = false;
	int r;

	if (!table || len == 0) {
		r = verify_unsigned(digests, dbs, &v);
		if (r < 0)
			return r;
		*ret = v;
		return 0;
	}
	while (!forbidden && (r = walk_next(&w, &e)) > 0) {
		struct sig s = {.e = &e, .firmware = dbs->firmware};
		const struct alg *alg = edk2_entry_alg(e.auth, e.auth_len);

		/* HashPeImageByType fails: EDK2 skips the entry altogether (no dbx check). */
		if (!alg) {
			if (!first_fail[0])
				snprintf(first_fail, sizeof(first_fail),
					 "signature %zu (certificate table offset %zu): EDK2 finds no "
					 "SHA-1/256/384/512 OID at offset 32 of it (two-byte DER "
					 "lengths) and skips it", e.index + 1, e.offset);
			continue;
		}
		s.alg = alg->bank;
		sig_decode(&s, digests);
		r = check_signature(&s, digests, dbs, &verified, &v, first_fail, sizeof(first_fail));
		PKCS7_free(s.p7);
		PKCS7_free(s.p7_wrapped);
		if (r < 0)
			return r;
		if (r == 1)
			forbidden = true;
	}
	if (r < 0)
		return r;
	if (!forbidden && !walk_complete(&w)) {
		REASON(&v, "its certificate table is malformed: the WIN_CERTIFICATE entries stop at "
			   "offset %llu of %zu bytes (EDK2 refuses such an image even when a "
			   "signature verifies)", (unsigned long long)w.off, len);
		forbidden = true;
	}
	if (!forbidden && !verified) {
		if (w.n_signatures == 0)
			REASON(&v, "its certificate table holds no PKCS#7 signature");
		else
			REASON(&v, "%s, and its Authenticode digest is not in db", first_fail);
	}
	if (forbidden || !verified) {
		v.allowed = false;
		v.how = SBV_REFUSED;
		v.n_authorities = 0;
		memset(v.authorities, 0, sizeof(v.authorities));
	} else
		v.allowed = true;
	*ret = v;
	return 0;
}

int sbv_verify_image(const uint8_t *image, size_t len, const uint8_t known[_BANK_MAX][DIGEST_MAX],
		     unsigned known_mask, const struct sbv_databases *dbs, struct sbv_verdict *ret)
{
	_cleanup_(freep) struct pe_image *pe = malloc(sizeof(*pe));
	uint8_t digests[_BANK_MAX][DIGEST_MAX] = {};
	const uint8_t *table = NULL;
	size_t table_len = 0;
	unsigned need;
	char err[200] = "";
	int r;

	if (!pe)
		return -ENOMEM;
	r = pe_parse_msg(image, len, pe, err, sizeof(err));
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret = (struct sbv_verdict){.how = SBV_REFUSED};
		REASON(ret, "it is not a PE image the firmware can load: %s",
		       err[0] ? err : "malformed");
		return 0;
	}
	if (pe->cert_size > 0) {
		table = image + pe->cert_offset;
		table_len = pe->cert_size;
	}
	need = table ? sbv_table_algs(table, table_len) : sbv_unsigned_algs(dbs->firmware);
	if (known)
		FOREACH_BANK(b, need & known_mask)
			memcpy(digests[b], known[b], bank_size(b));
	need &= ~(known ? known_mask : 0u);
	if (need) {
		uint8_t tmp[_BANK_MAX][DIGEST_MAX];
		r = authenticode_digest_msg(image, len, need, 0, tmp, err, sizeof(err));
		if (r == -ENOMEM || r == -EIO)
			return r;
		if (r < 0) {
			*ret = (struct sbv_verdict){.how = SBV_REFUSED};
			REASON(ret, "the firmware cannot hash it: %s", err[0] ? err : "malformed");
			return 0;
		}
		FOREACH_BANK(b, need)
			memcpy(digests[b], tmp[b], bank_size(b));
	}
	return sbv_verify_table(table, table_len, (const uint8_t (*)[DIGEST_MAX])digests, dbs, ret);
}

static const char *const firmware_names[_SBV_FIRMWARE_MAX] = {
	[SBV_FIRMWARE_EDK2_2022_11] = "edk2-2022.11",
	[SBV_FIRMWARE_EDK2_2023_11] = "edk2-2023.11",
	[SBV_FIRMWARE_EDK2_2025_05] = "edk2-2025.05",
};

enum sbv_firmware sbv_firmware_from_string(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(firmware_names); i++)
		if (strcmp(s, firmware_names[i]) == 0)
			return (enum sbv_firmware)i;
	return _SBV_FIRMWARE_INVALID;
}

const char *sbv_firmware_to_string(enum sbv_firmware f)
{
	return f >= 0 && (size_t)f < ARRAY_SIZE(firmware_names) ? firmware_names[f] : "?";
}

const char *sbv_how_to_string(enum sbv_how how)
{
	switch (how) {
	case SBV_BY_CERTIFICATE: return "db certificate";
	case SBV_BY_HASH: return "db hash";
	default: return "refused";
	}
}
