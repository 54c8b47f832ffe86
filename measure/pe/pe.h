/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PE/COFF headers of untrusted images: DOS stub, COFF header, optional header (PE32 and PE32+),
 * data directories, section table. No hashing here (authenticode.h does that).
 * Microsoft PE Format (learn.microsoft.com "PE Format", rev. 2024) and EDK2
 * MdePkg/Include/IndustryStandard/PeImage.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PE_MAX_SECTIONS 96u              /* the loader limit of Windows; EFI images have < 20 */
#define PE_MAX_DATA_DIRECTORIES 16u
#define PE_MAX_FILE_SIZE (UINT64_C(4) << 30) /* 4 GiB: section offsets are 32-bit */

#define PE_MAGIC_PE32 0x10bu
#define PE_MAGIC_PE32PLUS 0x20bu
#define PE_DIR_SECURITY 4u

struct pe_section {
	char name[9];          /* the 8 raw name bytes, NUL-terminated (names may be shorter) */
	uint32_t virtual_size;
	uint32_t virtual_address;
	uint32_t size_of_raw_data;
	uint32_t pointer_to_raw_data;
	uint32_t characteristics;
};

struct pe_image {
	uint64_t file_size;
	uint32_t e_lfanew;
	uint16_t machine;
	uint16_t n_sections;
	uint16_t size_of_optional_header;
	uint16_t magic;             /* PE_MAGIC_PE32 or PE_MAGIC_PE32PLUS */
	bool pe32plus;
	uint64_t optional_offset;   /* O: file offset of the optional header */
	uint64_t checksum_offset;   /* O + 64 for both formats */
	uint64_t data_dir_offset;   /* O + 96 (PE32) / O + 112 (PE32+) */
	uint32_t n_rva_and_sizes;   /* as in the file (may exceed the directories present) */
	uint64_t image_base;
	uint32_t section_alignment, file_alignment;
	uint32_t size_of_image, size_of_headers;
	uint16_t subsystem;
	uint32_t cert_offset, cert_size; /* data directory 4 (file offset, not RVA); 0 if absent */
	uint64_t section_table_offset;
	struct pe_section sections[PE_MAX_SECTIONS]; /* in table order */
};

/* Parses the headers of the PE image data[0..len). Checks everything that hashing or section
 * extraction relies on: every header inside the file, SizeOfHeaders covering the data
 * directories, section raw data inside the file, the certificate table inside the file.
 * -EBADMSG on a malformed image (debug log names the field and offset), -E2BIG above a cap,
 * -EOPNOTSUPP for an unknown optional-header magic. */
int pe_parse(const uint8_t *data, size_t len, struct pe_image *ret);
/* The same; on failure errbuf says what is wrong and at which offset (for the one message a verb
 * logs). */
int pe_parse_msg(const uint8_t *data, size_t len, struct pe_image *ret, char *errbuf,
		 size_t errbuf_size);

/* First section whose 8-byte name equals name exactly (shorter names: NUL-padded), or NULL. */
const struct pe_section *pe_find_section(const struct pe_image *pe, const char *name);

/* The section's file bytes available for its in-memory image: min(VirtualSize, SizeOfRawData). */
static inline uint32_t pe_section_file_bytes(const struct pe_section *s)
{
	return s->virtual_size < s->size_of_raw_data ? s->virtual_size : s->size_of_raw_data;
}
