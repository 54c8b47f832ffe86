/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secure Boot variables for PCR 7: EFI_SIGNATURE_LIST chains (UEFI 2.10 §32.4.1), .auth files
 * (EFI_VARIABLE_AUTHENTICATION_2 header + signature lists, §8.2.2), the UEFI_VARIABLE_DATA
 * events EDK2 measures (Tcg2Dxe MeasureVariable), among them the authority event of the db
 * entry that verified an image (found by sb-verify.h, as DxeImageVerificationLib does). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "measure-golden.h"

#define SECUREBOOT_MAX_VAR (1u << 20)   /* one variable's signature lists */
#define SECUREBOOT_MAX_ENTRIES 4096u

/* If data is an .auth file (EFI_TIME + WIN_CERTIFICATE_UEFI_GUID with EFI_CERT_TYPE_PKCS7_GUID),
 * points *ret at the signature lists after the header; otherwise at data itself. Then checks
 * the lists. -EBADMSG on a malformed list (debug message names the offset). */
int secureboot_signature_lists(const uint8_t *data, size_t len, const uint8_t **ret,
			       size_t *ret_len);

/* EV_EFI_VARIABLE_DRIVER_CONFIG on PCR 7 of every bank in mask: UEFI_VARIABLE_DATA with the
 * EFI global variable GUID (or the image security database GUID if image_db), name, data. */
int secureboot_variable_event(struct golden *g, unsigned mask, const char *name, bool image_db,
			      const uint8_t *data, size_t len);

/* Calls cb for each EFI_SIGNATURE_DATA of a signature-list chain, in order: the list's type GUID,
 * the entry (owner GUID + payload) and its size (SignatureSize). A non-zero return of cb stops
 * the walk and is returned; cb NULL only checks the chain. -EBADMSG / -E2BIG on a malformed or
 * oversized chain. */
typedef int (*secureboot_walk_cb)(const uint8_t type[16], const uint8_t *sig, size_t sig_size,
				  void *userdata);
int secureboot_walk(const uint8_t *data, size_t len, secureboot_walk_cb cb, void *userdata);

struct secureboot_entry {
	const uint8_t *data; /* EFI_SIGNATURE_DATA: owner GUID + payload; a view into db */
	size_t len;
};

/* EV_EFI_VARIABLE_AUTHORITY on PCR 7: UEFI_VARIABLE_DATA {db GUID, "db", entry}. */
int secureboot_authority_event(struct golden *g, unsigned mask, const struct secureboot_entry *e);
