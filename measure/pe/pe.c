/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PE/COFF header parser over untrusted bytes, see pe.h. Microsoft "PE Format" (COFF file header,
 * optional header standard/Windows fields, data directories, section table); field offsets as in
 * EDK2 MdePkg/Include/IndustryStandard/PeImage.h. All reads go through a cursor. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "log.h"
#include "pe.h"
#include "size.h"

struct pe_err {
	char *buf;
	size_t size;
};

static int pe_fail_at(struct pe_err *e, const char *what, uint64_t off)
{
	log_debug("pe: malformed %s at offset 0x%llx", what, (unsigned long long)off);
	if (e->size > 0)
		snprintf(e->buf, e->size, "malformed %s at offset 0x%llx", what,
			 (unsigned long long)off);
	return -EBADMSG;
}
#define pe_fail(what, off) pe_fail_at(e, what, off)

int pe_parse(const uint8_t *data, size_t len, struct pe_image *ret)
{
	return pe_parse_msg(data, len, ret, NULL, 0);
}

/* MZ, e_lfanew, "PE\0\0" and the COFF file header (20 bytes). */
static int parse_coff_header(const uint8_t *data, size_t len, struct pe_image *pe, struct pe_err *e)
{
	struct cursor c, h;
	uint32_t lfanew;

	cursor_init(&c, data, len);
	if (!cursor_expect(&c, "MZ", 2))
		return pe_fail("DOS header magic", 0);
	if (!blob_slice(data, len, 0x3c, 4, &h) || !cursor_get_u32le(&h, &lfanew))
		return pe_fail("DOS header e_lfanew", 0x3c);
	pe->e_lfanew = lfanew;
	if (!blob_slice(data, len, lfanew, 24, &h) || !cursor_expect(&h, "PE\0\0", 4))
		return pe_fail("PE signature", lfanew);
	if (!cursor_get_u16le(&h, &pe->machine) || !cursor_get_u16le(&h, &pe->n_sections) ||
	    !cursor_skip(&h, 12) || !cursor_get_u16le(&h, &pe->size_of_optional_header) ||
	    !cursor_skip(&h, 2))
		return pe_fail("COFF header", (uint64_t)lfanew + 4);
	if (pe->n_sections > PE_MAX_SECTIONS) {
		log_debug("pe: %u sections exceed the cap of %u", pe->n_sections, PE_MAX_SECTIONS);
		if (e->size > 0)
			snprintf(e->buf, e->size,
				 "%u sections exceed the cap of %u (offset 0x%llx)", pe->n_sections,
				 PE_MAX_SECTIONS, (unsigned long long)lfanew + 6);
		return -E2BIG;
	}
	return 0;
}

/* The optional header's magic (PE32 or PE32+) and the fields up to NumberOfRvaAndSizes. */
static int parse_optional_fields(const uint8_t *data, size_t len, uint64_t o, struct pe_image *pe,
				 struct pe_err *e)
{
	struct cursor h;
	uint32_t u32;

	if (!blob_slice(data, len, o, pe->size_of_optional_header, &h))
		return pe_fail("optional header (extends past the end of the file)", o);
	if (!cursor_get_u16le(&h, &pe->magic))
		return pe_fail("optional header magic", o);
	if (pe->magic == PE_MAGIC_PE32)
		pe->pe32plus = false;
	else if (pe->magic == PE_MAGIC_PE32PLUS)
		pe->pe32plus = true;
	else {
		log_debug("pe: unknown optional header magic 0x%x at offset 0x%llx", pe->magic,
			  (unsigned long long)o);
		if (e->size > 0)
			snprintf(e->buf, e->size,
				 "unknown optional header magic 0x%x at offset 0x%llx", pe->magic,
				 (unsigned long long)o);
		return -EOPNOTSUPP;
	}
	pe->data_dir_offset = o + (pe->pe32plus ? 112 : 96);
	/* Standard + Windows fields up to NumberOfRvaAndSizes must be present. */
	if (pe->size_of_optional_header < (pe->pe32plus ? 112 : 96))
		return pe_fail("SizeOfOptionalHeader (too small for the Windows fields)",
			       (uint64_t)pe->e_lfanew + 20);
	if (pe->pe32plus) {
		/* ImageBase @24 (u64). */
		if (!cursor_skip(&h, 22) || !cursor_get_u64le(&h, &pe->image_base))
			return pe_fail("ImageBase", o + 24);
	} else {
		if (!cursor_skip(&h, 26) || !cursor_get_u32le(&h, &u32))
			return pe_fail("ImageBase", o + 28);
		pe->image_base = u32;
	}
	/* SectionAlignment @32, FileAlignment @36, SizeOfImage @56, SizeOfHeaders @60,
	 * CheckSum @64, Subsystem @68: the same offsets in both formats. */
	if (!blob_slice(data, len, o + 32, 8, &h) ||
	    !cursor_get_u32le(&h, &pe->section_alignment) ||
	    !cursor_get_u32le(&h, &pe->file_alignment))
		return pe_fail("alignments", o + 32);
	if (!blob_slice(data, len, o + 56, 14, &h) || !cursor_get_u32le(&h, &pe->size_of_image) ||
	    !cursor_get_u32le(&h, &pe->size_of_headers) || !cursor_skip(&h, 4) ||
	    !cursor_get_u16le(&h, &pe->subsystem))
		return pe_fail("SizeOfImage/SizeOfHeaders", o + 56);
	return 0;
}

/* The data directories: their count, SizeOfHeaders against them, the certificate table. */
static int parse_data_directories(const uint8_t *data, size_t len, uint64_t o, struct pe_image *pe,
				  struct pe_err *e)
{
	struct cursor h;
	uint64_t need;

	if (!blob_slice(data, len, pe->data_dir_offset - 4, 4, &h) ||
	    !cursor_get_u32le(&h, &pe->n_rva_and_sizes))
		return pe_fail("NumberOfRvaAndSizes", pe->data_dir_offset - 4);
	if (pe->n_rva_and_sizes > PE_MAX_DATA_DIRECTORIES)
		return pe_fail("NumberOfRvaAndSizes (more than 16)", pe->data_dir_offset - 4);
	/* The directories must fit in the optional header. */
	need = (pe->data_dir_offset - o) + 8ull * pe->n_rva_and_sizes;
	if (need > pe->size_of_optional_header)
		return pe_fail("data directories (beyond SizeOfOptionalHeader)",
			       pe->data_dir_offset);
	/* Authenticode hashes [O+68, DD+32) and [DD+40, SizeOfHeaders) (or [O+68, SizeOfHeaders)
	 * without a certificate directory): SizeOfHeaders must cover those and fit in the file. */
	need = pe->n_rva_and_sizes > PE_DIR_SECURITY ? pe->data_dir_offset + 40 : o + 68;
	if (pe->size_of_headers < need || pe->size_of_headers > len)
		return pe_fail("SizeOfHeaders", o + 60);
	if (pe->n_rva_and_sizes > PE_DIR_SECURITY) {
		uint64_t at = pe->data_dir_offset + 8ull * PE_DIR_SECURITY;
		if (!blob_slice(data, len, at, 8, &h) || !cursor_get_u32le(&h, &pe->cert_offset) ||
		    !cursor_get_u32le(&h, &pe->cert_size))
			return pe_fail("certificate table directory", at);
		if (pe->cert_size == 0)
			pe->cert_offset = 0;
		else if (!range_ok(len, pe->cert_offset, pe->cert_size))
			return pe_fail("certificate table (outside the file)", at);
	}
	return 0;
}

/* Section table: right after the optional header, 40 bytes per entry. */
static int parse_section_table(const uint8_t *data, size_t len, struct pe_image *pe,
			       struct pe_err *e)
{
	struct cursor h;

	if (!blob_slice(data, len, pe->section_table_offset, 40ull * pe->n_sections, &h))
		return pe_fail("section table", pe->section_table_offset);
	for (unsigned i = 0; i < pe->n_sections; i++) {
		struct pe_section *s = &pe->sections[i];
		uint64_t at = pe->section_table_offset + 40ull * i;
		if (!cursor_copy(&h, s->name, 8) || !cursor_get_u32le(&h, &s->virtual_size) ||
		    !cursor_get_u32le(&h, &s->virtual_address) ||
		    !cursor_get_u32le(&h, &s->size_of_raw_data) ||
		    !cursor_get_u32le(&h, &s->pointer_to_raw_data) || !cursor_skip(&h, 12) ||
		    !cursor_get_u32le(&h, &s->characteristics))
			return pe_fail("section header", at);
		s->name[8] = '\0';
		if (s->size_of_raw_data > 0 &&
		    !range_ok(len, s->pointer_to_raw_data, s->size_of_raw_data)) {
			log_debug("pe: section %u '%s' raw data [0x%x, +0x%x) outside the file "
				  "(%zu bytes)", i, s->name, s->pointer_to_raw_data,
				  s->size_of_raw_data, len);
			if (e->size > 0) {
				snprintf(
				    e->buf, e->size,
				    "section %u '%s': raw data [0x%x, +0x%x) outside the file of "
				    "%zu bytes (header at offset 0x%llx)",
				    i, s->name, s->pointer_to_raw_data, s->size_of_raw_data, len,
				    (unsigned long long)at);
				return -EBADMSG;
			}
			return pe_fail("section raw data", at + 16);
		}
	}
	return 0;
}

int pe_parse_msg(const uint8_t *data, size_t len, struct pe_image *ret, char *errbuf,
		 size_t errbuf_size)
{
	struct pe_err err = {errbuf, errbuf_size};
	struct pe_image pe = {};
	uint64_t o;
	int r;

	if (errbuf_size > 0)
		errbuf[0] = '\0';
	if ((uint64_t)len > PE_MAX_FILE_SIZE) {
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "larger than %llu bytes",
				 (unsigned long long)PE_MAX_FILE_SIZE);
		return -E2BIG;
	}
	pe.file_size = len;
	r = parse_coff_header(data, len, &pe, &err);
	if (r < 0)
		return r;
	o = (uint64_t)pe.e_lfanew + 24;
	pe.optional_offset = o;
	pe.checksum_offset = o + 64;
	if ((r = parse_optional_fields(data, len, o, &pe, &err)) < 0 ||
	    (r = parse_data_directories(data, len, o, &pe, &err)) < 0)
		return r;
	pe.section_table_offset = o + pe.size_of_optional_header;
	r = parse_section_table(data, len, &pe, &err);
	if (r < 0)
		return r;
	*ret = pe;
	return 0;
}

const struct pe_section *pe_find_section(const struct pe_image *pe, const char *name)
{
	char want[8] = {};
	size_t n = strlen(name);

	if (n > 8)
		return NULL;
	memcpy(want, name, n);
	for (unsigned i = 0; i < pe->n_sections; i++)
		if (memcmp(pe->sections[i].name, want, 8) == 0)
			return &pe->sections[i];
	return NULL;
}
