/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure Boot variables and the authority event for PCR 7, see secureboot.h. UEFI 2.10 §32.4.1
 * (EFI_SIGNATURE_LIST), §8.2.2 (EFI_VARIABLE_AUTHENTICATION_2); TCG PC Client PFP 1.05 §10.4.4
 * (UEFI_VARIABLE_DATA). Which db entry verifies an image is sb-verify.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "efi-guid.h"
#include "log.h"
#include "secureboot.h"
#include "size.h"

/* EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE_GUID, EFI_CERT_TYPE_PKCS7_GUID. */
static const uint8_t guid_global[16] =
	EFI_GUID_BYTES(0x8be4df61, 0x93ca, 0x11d2, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c);
static const uint8_t guid_image_db[16] =
	EFI_GUID_BYTES(0xd719b2cb, 0x3d3a, 0x4596, 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f);
static const uint8_t guid_pkcs7[16] =
	EFI_GUID_BYTES(0x4aafd29d, 0x68df, 0x49ee, 0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7);

int secureboot_walk(const uint8_t *data, size_t len, secureboot_walk_cb cb, void *userdata)
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
	r = secureboot_walk(data, len, NULL, NULL);
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
