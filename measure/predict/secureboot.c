/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure Boot variables and authority for PCR 7, see secureboot.h. UEFI 2.10 §32.4.1
 * (EFI_SIGNATURE_LIST), §8.2.2 (EFI_VARIABLE_AUTHENTICATION_2); TCG PC Client PFP 1.05 §10.4.4
 * (UEFI_VARIABLE_DATA); EDK2 SecurityPkg DxeImageVerificationLib (IsAllowedByDb: the trust
 * anchor is a db certificate, chain built from the PKCS#7's certificates, partial chains
 * allowed, time not checked). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "cursor.h"
#include "log.h"
#include "measure-pe.h"
#include "secureboot.h"
#include "size.h"

/* GUIDs in their on-disk (mixed-endian) byte order. */
static const uint8_t guid_global[16] = {0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
					0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c};
static const uint8_t guid_image_db[16] = {0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d, 0x96, 0x45,
					  0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f};
static const uint8_t guid_cert_x509[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
					   0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};
static const uint8_t guid_cert_sha256[16] = {0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
					     0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28};
static const uint8_t guid_pkcs7[16] = {0x9d, 0xd2, 0xaf, 0x4a, 0xdf, 0x68, 0xee, 0x49,
				       0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7};

/* Walks a signature-list chain; cb gets each list (type, signatures). */
typedef int (*siglist_cb)(const uint8_t type[16], const uint8_t *sig, size_t sig_size,
			  void *userdata);

static int siglist_walk(const uint8_t *data, size_t len, siglist_cb cb, void *userdata)
{
	struct cursor c;
	size_t n_entries = 0;

	if (len > SECUREBOOT_MAX_VAR)
		return -E2BIG;
	cursor_init(&c, data, len);
	while (cursor_left(&c) > 0) {
		size_t at = cursor_offset(&c);
		uint8_t type[16];
		uint32_t list_size, header_size, sig_size;
		struct cursor list, sigs;

		if (!cursor_copy(&c, type, 16) || !cursor_get_u32le(&c, &list_size) ||
		    !cursor_get_u32le(&c, &header_size) || !cursor_get_u32le(&c, &sig_size)) {
			log_debug("siglist: truncated EFI_SIGNATURE_LIST header at offset %zu", at);
			return -EBADMSG;
		}
		if (list_size < 28 || !cursor_get_bytes(&c, list_size - 28, &list) ||
		    !cursor_get_bytes(&list, header_size, &sigs) /* skip header */ ||
		    sig_size < 16 || cursor_left(&list) % sig_size != 0) {
			log_debug("siglist: bad sizes in EFI_SIGNATURE_LIST at offset %zu "
				  "(ListSize %u, HeaderSize %u, SignatureSize %u)",
				  at, list_size, header_size, sig_size);
			return -EBADMSG;
		}
		while (cursor_left(&list) > 0) {
			struct cursor sig;
			int r;
			if (++n_entries > SECUREBOOT_MAX_ENTRIES)
				return -E2BIG;
			if (!cursor_get_bytes(&list, sig_size, &sig))
				return -EBADMSG;
			if (cb) {
				r = cb(type, sig.p, sig_size, userdata);
				if (r != 0)
					return r;
			}
		}
	}
	return 0;
}

int secureboot_signature_lists(const uint8_t *data, size_t len, const uint8_t **ret,
			       size_t *ret_len)
{
	struct cursor c, h;
	uint32_t dw_length;
	uint16_t revision, type;
	int r;

	/* EFI_VARIABLE_AUTHENTICATION_2: EFI_TIME (16) + WIN_CERTIFICATE_UEFI_GUID
	 * {u32 dwLength; u16 wRevision; u16 wCertificateType = 0x0EF1; GUID CertType; data}. */
	if (blob_slice(data, len, 16, 24, &h) && cursor_get_u32le(&h, &dw_length) &&
	    cursor_get_u16le(&h, &revision) && cursor_get_u16le(&h, &type) && type == 0x0ef1 &&
	    cursor_expect(&h, guid_pkcs7, 16)) {
		if (dw_length < 24 || !blob_slice(data, len, 16 + (uint64_t)dw_length,
						  len - MIN(len, 16 + (size_t)dw_length), &c)) {
			log_debug("siglist: .auth header length %u exceeds the file", dw_length);
			return -EBADMSG;
		}
		data = c.p;
		len = cursor_left(&c);
	}
	r = siglist_walk(data, len, NULL, NULL);
	if (r < 0)
		return r;
	*ret = data;
	*ret_len = len;
	return 0;
}

static int add_var_event(struct golden *g, unsigned mask, const uint8_t guid[16],
			 const char *name, const uint8_t *data, size_t len, bool authority)
{
	size_t nlen = strlen(name), total;
	_cleanup_(freep) uint8_t *buf = NULL;

	if (len > SECUREBOOT_MAX_VAR)
		return -E2BIG;
	total = 16 + 8 + 8 + 2 * nlen + len;
	buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, guid, 16);
	store_le64(buf + 16, nlen); /* UnicodeNameLength: characters, no NUL */
	store_le64(buf + 24, len);
	for (size_t i = 0; i < nlen; i++)
		store_le16(buf + 32 + 2 * i, (uint8_t)name[i]);
	if (len)
		memcpy(buf + 32 + 2 * nlen, data, len);
	FOREACH_BANK(b, mask) {
		uint8_t d[DIGEST_MAX];
		int r = digest_buffer(b, buf, total, d);
		if (r < 0)
			return r;
		r = golden_pcr_add_event(&g->banks[b].pcrs[7], GOLDEN_LOG_FIRMWARE,
					 authority ? "EV_EFI_VARIABLE_AUTHORITY"
						   : "EV_EFI_VARIABLE_DRIVER_CONFIG",
					 authority ? 0x800000e0 : 0x80000001, name, d, bank_size(b),
					 NULL, total <= GOLDEN_MAX_EVENT_DATA ? buf : NULL,
					 total <= GOLDEN_MAX_EVENT_DATA ? total : 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int secureboot_variable_event(struct golden *g, unsigned mask, const char *name, bool image_db,
			      const uint8_t *data, size_t len)
{
	return add_var_event(g, mask, image_db ? guid_image_db : guid_global, name, data, len,
			     false);
}

int secureboot_authority_event(struct golden *g, unsigned mask, const struct secureboot_entry *e)
{
	return add_var_event(g, mask, guid_image_db, "db", e->data, e->len, true);
}

struct find_ctx {
	const uint8_t *auth_sha256;
	X509 *signer;
	STACK_OF(X509) *untrusted;
	struct secureboot_entry found;
};

static int find_cb(const uint8_t type[16], const uint8_t *sig, size_t sig_size, void *userdata)
{
	struct find_ctx *f = userdata;

	if (memcmp(type, guid_cert_sha256, 16) == 0) {
		if (sig_size == 16 + 32 && f->auth_sha256 &&
		    memcmp(sig + 16, f->auth_sha256, 32) == 0) {
			f->found = (struct secureboot_entry){sig, sig_size};
			return 1;
		}
		return 0;
	}
	if (memcmp(type, guid_cert_x509, 16) == 0 && f->signer) {
		const unsigned char *p = sig + 16;
		X509 *anchor = d2i_X509(NULL, &p, (long)(sig_size - 16));
		X509_STORE *store = X509_STORE_new();
		X509_STORE_CTX *ctx = X509_STORE_CTX_new();
		int ok = 0;
		if (anchor && store && ctx && X509_STORE_add_cert(store, anchor) == 1 &&
		    X509_STORE_CTX_init(ctx, store, f->signer, f->untrusted) == 1) {
			X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN |
							      X509_V_FLAG_NO_CHECK_TIME);
			X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
			ok = X509_verify_cert(ctx) == 1;
		}
		X509_STORE_CTX_free(ctx);
		X509_STORE_free(store);
		X509_free(anchor);
		if (ok) {
			f->found = (struct secureboot_entry){sig, sig_size};
			return 1;
		}
	}
	return 0;
}

int secureboot_find_authority(const uint8_t *db, size_t db_len, const uint8_t *image,
			      size_t image_len, const uint8_t *authenticode_sha256,
			      struct secureboot_entry *ret)
{
	struct find_ctx f = {.auth_sha256 = authenticode_sha256};
	struct pe_image *pe;
	struct cursor c;
	int r;

	if (!db || db_len == 0)
		return -ENOENT;
	pe = malloc(sizeof(*pe));
	if (!pe)
		return -ENOMEM;
	r = pe_parse(image, image_len, pe);
	if (r >= 0 && pe->cert_size > 0 &&
	    blob_slice(image, image_len, pe->cert_offset, pe->cert_size, &c)) {
		/* Each WIN_CERTIFICATE {u32 dwLength; u16 rev; u16 type; data}, 8-aligned. */
		while (cursor_left(&c) >= 8 && r >= 0) {
			uint32_t dw;
			uint16_t rev, type;
			struct cursor cert;
			size_t skip;
			if (!cursor_get_u32le(&c, &dw) || !cursor_get_u16le(&c, &rev) ||
			    !cursor_get_u16le(&c, &type) || dw < 8 ||
			    !cursor_get_bytes(&c, dw - 8, &cert))
				break;
			skip = (8 - dw % 8) % 8;
			(void)cursor_skip(&c, MIN(skip, cursor_left(&c)));
			if (type == 0x0002) {
				const unsigned char *p = cert.p;
				PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)cursor_left(&cert));
				STACK_OF(X509) *signers = NULL;
				if (p7 && PKCS7_type_is_signed(p7))
					signers = PKCS7_get0_signers(p7, NULL, 0);
				if (signers && sk_X509_num(signers) > 0) {
					f.signer = sk_X509_value(signers, 0);
					f.untrusted = p7->d.sign->cert;
					r = siglist_walk(db, db_len, find_cb, &f);
				}
				f.signer = NULL;
				f.untrusted = NULL;
				sk_X509_free(signers);
				PKCS7_free(p7);
				if (r == 1)
					break;
			}
		}
	}
	free(pe);
	if (r == 1) {
		*ret = f.found;
		return 0;
	}
	if (r < 0)
		return r;
	/* Unsigned, or no certificate anchors it: a db SHA-256 entry of the image. */
	f.signer = NULL;
	r = siglist_walk(db, db_len, find_cb, &f);
	if (r == 1) {
		*ret = f.found;
		return 0;
	}
	return r < 0 ? r : -ENOENT;
}

int secureboot_walk(const uint8_t *data, size_t len, secureboot_walk_cb cb, void *userdata)
{
	return siglist_walk(data, len, cb, userdata);
}
