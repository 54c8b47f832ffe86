/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UEFI GUIDs: one way to write them in code and one text form. An EFI_GUID is stored
 * mixed-endian (UEFI 2.10 Appendix A): Data1, Data2, Data3 little endian, Data4 as bytes. */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "size.h"

/* The 16 stored bytes of the GUID written as {a-b-c-d0d1-d2..d7}: an initializer for
 * uint8_t[16], so constants read as their specifications print them. */
#define EFI_GUID_BYTES(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                                    \
	{(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, (b) & 0xff,         \
	 ((b) >> 8) & 0xff, (c) & 0xff, ((c) >> 8) & 0xff, d0, d1, d2, d3, d4, d5, d6, d7}

#define EFI_GUID_STRING_MAX 37 /* "8be4df61-93ca-11d2-aa0d-00e098032b8c" and its NUL */

/* The lower-case text form of a stored GUID. */
static inline void efi_guid_format(const uint8_t g[16], char buf[EFI_GUID_STRING_MAX])
{
	(void)snprintf(buf, EFI_GUID_STRING_MAX,
		       "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", load_le32(g),
		       load_le16(g + 4), load_le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13],
		       g[14], g[15]);
}
