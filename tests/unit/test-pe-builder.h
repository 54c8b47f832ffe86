/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Synthetic PE/COFF images for the edge cases of Authenticode and UKI parsing: PE32 and PE32+,
 * VirtualSize > SizeOfRawData, sections out of file order, trailing data, a certificate table,
 * few data directories. Layout per Microsoft "PE Format". Used by test-pe.c, test-uki.c and
 * tests/predict/pe-gen.c (which writes them for the pesign cross-check). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

struct tpe_section {
	const char *name;
	uint32_t virtual_size;
	uint32_t raw_size; /* SizeOfRawData */
	uint32_t raw_ptr;  /* 0: next free file-aligned offset */
	const uint8_t *data; /* NULL: a pattern */
	size_t data_len;     /* bytes of data copied (<= raw_size) */
};

struct tpe_spec {
	bool pe32plus;
	uint32_t n_rva;          /* NumberOfRvaAndSizes: 16 normally, <= 4 = no cert directory */
	const struct tpe_section *sections;
	unsigned n_sections;
	uint32_t trailing;       /* bytes after the last section (before the cert table) */
	uint32_t cert_size;      /* > 0: an 8-aligned certificate table at the end */
};

#define TPE_FILE_ALIGN 0x200u

static inline uint32_t tpe_align(uint32_t v, uint32_t a)
{
	return (v + a - 1) / a * a;
}

/* Returns a malloc'd image; *ret_len its size; offsets of interest for the tests. */
struct tpe_layout {
	uint32_t opt_off, dd_off, soh, cert_off, sections_end;
};

static inline uint8_t *tpe_build(const struct tpe_spec *s, size_t *ret_len, struct tpe_layout *lay)
{
	uint32_t opt = 0x40 + 24, optsize = (s->pe32plus ? 112 : 96) + 8 * s->n_rva;
	uint32_t sectab = opt + optsize, soh = tpe_align(sectab + 40 * s->n_sections, TPE_FILE_ALIGN);
	uint32_t next = soh, end = soh, len, cert_off = 0;
	uint8_t *b;

	/* First pass: the file size. */
	for (unsigned i = 0; i < s->n_sections; i++) {
		uint32_t ptr = s->sections[i].raw_ptr ? s->sections[i].raw_ptr : next;
		if (s->sections[i].raw_size > 0 && ptr + s->sections[i].raw_size > end)
			end = ptr + s->sections[i].raw_size;
		if (!s->sections[i].raw_ptr)
			next = tpe_align(ptr + s->sections[i].raw_size, TPE_FILE_ALIGN);
	}
	len = end + s->trailing;
	if (s->cert_size) {
		cert_off = tpe_align(len, 8);
		len = cert_off + s->cert_size;
	}
	b = calloc(1, len);
	if (!b)
		return NULL;
	b[0] = 'M';
	b[1] = 'Z';
	store_le32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0", 4);
	store_le16(b + 0x44, s->pe32plus ? 0x8664 : 0x14c);
	store_le16(b + 0x46, (uint16_t)s->n_sections);
	store_le16(b + 0x54, (uint16_t)optsize);
	store_le16(b + 0x56, 0x22);
	store_le16(b + opt, s->pe32plus ? 0x20b : 0x10b);
	if (s->pe32plus)
		store_le64(b + opt + 24, 0x140000000ull);
	else
		store_le32(b + opt + 28, 0x400000);
	store_le32(b + opt + 32, 0x1000); /* SectionAlignment */
	store_le32(b + opt + 36, TPE_FILE_ALIGN);
	store_le32(b + opt + 56, 0x100000); /* SizeOfImage */
	store_le32(b + opt + 60, soh);
	store_le32(b + opt + 64, 0xdeadbeef); /* CheckSum: excluded from the digest */
	store_le16(b + opt + 68, 10);         /* EFI application */
	store_le32(b + opt + (s->pe32plus ? 108 : 92), s->n_rva);
	/* Data directories: fill with recognisable values; index 4 = the certificate table. */
	for (uint32_t d = 0; d < s->n_rva; d++) {
		uint32_t at = opt + (s->pe32plus ? 112 : 96) + 8 * d;
		if (d == 4) {
			store_le32(b + at, cert_off);
			store_le32(b + at + 4, s->cert_size);
		} else {
			store_le32(b + at, 0x1000 * (d + 1));
			store_le32(b + at + 4, 0x10 * (d + 1));
		}
	}
	next = soh;
	for (unsigned i = 0; i < s->n_sections; i++) {
		const struct tpe_section *x = &s->sections[i];
		uint32_t at = sectab + 40 * i, ptr = x->raw_ptr ? x->raw_ptr : next;
		memcpy(b + at, x->name, strnlen(x->name, 8));
		store_le32(b + at + 8, x->virtual_size);
		store_le32(b + at + 12, 0x1000 * (i + 1));
		store_le32(b + at + 16, x->raw_size);
		store_le32(b + at + 20, x->raw_size ? ptr : 0);
		store_le32(b + at + 36, 0x40000040);
		if (x->data)
			memcpy(b + ptr, x->data, x->data_len);
		else
			for (uint32_t k = 0; k < x->raw_size; k++)
				b[ptr + k] = (uint8_t)(k * 7 + i * 13 + 1);
		if (!x->raw_ptr)
			next = tpe_align(ptr + x->raw_size, TPE_FILE_ALIGN);
	}
	for (uint32_t k = 0; k < s->trailing; k++)
		b[end + k] = (uint8_t)(0xa5 ^ k);
	if (s->cert_size) {
		store_le32(b + cert_off, s->cert_size); /* WIN_CERTIFICATE dwLength */
		store_le16(b + cert_off + 4, 0x0200);
		store_le16(b + cert_off + 6, 0x0002);
		for (uint32_t k = 8; k < s->cert_size; k++)
			b[cert_off + k] = (uint8_t)(0x3c + k);
	}
	if (lay)
		*lay = (struct tpe_layout){opt, opt + (s->pe32plus ? 112 : 96), soh, cert_off, end};
	*ret_len = len;
	return b;
}
