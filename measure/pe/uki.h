/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unified Kernel Images: systemd-stub (or systemd-boot) identity from .sdmagic, the stub version's
 * canonical section order and name matching, and the bytes each section has in memory
 * (VirtualSize bytes: the file bytes, zero-filled past SizeOfRawData).
 * systemd src/fundamental/{tpm-pcr,uki}.{c,h} v252..v257, src/boot/efi/pe.c; pcr-spec.md §3.1. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pe.h"

enum uki_section {
	UKI_LINUX,
	UKI_OSREL,
	UKI_CMDLINE,
	UKI_INITRD,
	UKI_UCODE,
	UKI_SPLASH,
	UKI_DTB,
	UKI_UNAME,
	UKI_SBAT,
	UKI_PCRSIG,
	UKI_PCRPKEY,
	UKI_PROFILE,
	UKI_DTBAUTO,
	UKI_HWIDS,
	UKI_EFIFW,
	_UKI_SECTION_MAX,
};

#define UKI_VERSION_MAX 128u
#define UKI_CMDLINE_MAX (64u * 1024) /* the stub's .cmdline; the kernel's limit is far lower */
#define UKI_OSREL_MAX (64u * 1024)

const char *uki_section_name(enum uki_section s); /* ".linux" */

enum sd_efi_kind {
	SD_EFI_NONE,  /* no .sdmagic: not a systemd EFI binary */
	SD_EFI_STUB,  /* systemd-stub (a UKI) */
	SD_EFI_BOOT,  /* systemd-boot */
	SD_EFI_OTHER, /* .sdmagic with another program name (systemd-addon, ...) */
};

struct sd_version {
	enum sd_efi_kind kind;
	char version[UKI_VERSION_MAX]; /* "257.13-1~deb13u1" */
	unsigned major;                /* 257 */
};

/* Reads "#### LoaderInfo: systemd-stub 257.13-1~deb13u1 ####" from the .sdmagic section of a
 * parsed PE. kind = SD_EFI_NONE without .sdmagic; -EBADMSG if .sdmagic is malformed. */
int sd_version_read(const struct pe_image *pe, const uint8_t *data, size_t len,
		    struct sd_version *ret);

struct uki_part {
	const struct pe_section *sect; /* NULL: absent (or empty: VirtualSize 0) */
	const uint8_t *bytes;          /* file bytes: min(VirtualSize, SizeOfRawData) */
	uint64_t n_bytes;
	uint64_t n_zero;               /* VirtualSize - n_bytes zero bytes follow in memory */
};

struct uki {
	struct pe_image pe;
	struct sd_version stub;
	struct uki_part parts[_UKI_SECTION_MAX]; /* resolved with the stub version's rules */
	unsigned n_unknown;                      /* sections the stub does not know */
};

/* Parses a UKI: PE headers, the stub version, and resolves the sections by the matching rule of
 * that stub version (<= 256: prefix match, last header wins; >= 257: exact match, first wins).
 * -EBADMSG if it is no systemd-stub UKI or lacks .linux. The parts point into data. */
int uki_parse(const uint8_t *data, size_t len, struct uki *ret);
/* The same; on failure errbuf names the defect and offset. */
int uki_parse_msg(const uint8_t *data, size_t len, struct uki *ret, char *errbuf,
		  size_t errbuf_size);

/* Is section s measured into PCR 11 by this stub major version? (.pcrsig never.) */
bool uki_section_measured(unsigned stub_major, enum uki_section s);

/* The stub's command line from .cmdline: bytes up to the first NUL; stub >= 253 mangles it
 * (trims leading/trailing whitespace and control characters, turns inner ones into spaces:
 * src/boot/efi/util.c mangle_stub_cmdline). Malloc'd ASCII/UTF-8 string, or NULL without
 * .cmdline. -EBADMSG for bytes above 0x7f (the stub converts byte by byte). */
int uki_cmdline(const struct uki *u, char **ret);
