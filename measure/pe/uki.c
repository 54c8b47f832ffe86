/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UKI sections and stub identity. Section order: systemd src/fundamental/tpm-pcr.c (v252/v253),
 * src/fundamental/uki.c (v254..v257) "unified_sections[]"; matching: src/boot/efi/pe.c
 * locate_sections (<= v256: memcmp over strlen(name), the last header wins) and src/boot/pe.c
 * pe_section_name_equal (v257: exact, the first header wins); .sdmagic string:
 * src/boot/efi/stub.c "#### LoaderInfo: systemd-stub " GIT_VERSION " ####". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "size.h"
#include "uki.h"

static const char *const section_names[_UKI_SECTION_MAX] = {
	[UKI_LINUX] = ".linux",   [UKI_OSREL] = ".osrel",     [UKI_CMDLINE] = ".cmdline",
	[UKI_INITRD] = ".initrd", [UKI_UCODE] = ".ucode",     [UKI_SPLASH] = ".splash",
	[UKI_DTB] = ".dtb",       [UKI_UNAME] = ".uname",     [UKI_SBAT] = ".sbat",
	[UKI_PCRSIG] = ".pcrsig", [UKI_PCRPKEY] = ".pcrpkey", [UKI_PROFILE] = ".profile",
	[UKI_DTBAUTO] = ".dtbauto", [UKI_HWIDS] = ".hwids",   [UKI_EFIFW] = ".efifw",
};

const char *uki_section_name(enum uki_section s)
{
	if ((unsigned)s >= _UKI_SECTION_MAX)
		return NULL;
	return section_names[s];
}

/* The sections a stub version knows (and so resolves), by major version. */
static bool known(unsigned major, enum uki_section s)
{
	switch (s) {
	case UKI_LINUX:
	case UKI_OSREL:
	case UKI_CMDLINE:
	case UKI_INITRD:
	case UKI_SPLASH:
	case UKI_DTB:
	case UKI_PCRSIG:
	case UKI_PCRPKEY:
		return true;
	case UKI_UNAME:
	case UKI_SBAT:
		return major >= 254;
	case UKI_UCODE:
		return major >= 256;
	case UKI_PROFILE:
	case UKI_DTBAUTO:
	case UKI_HWIDS:
		return major >= 257;
	case UKI_EFIFW:
		return major >= 258;
	default:
		return false;
	}
}

bool uki_section_measured(unsigned major, enum uki_section s)
{
	return s != UKI_PCRSIG && known(major, s);
}

int sd_version_read(const struct pe_image *pe, const uint8_t *data, size_t len,
		    struct sd_version *ret)
{
	static const char prefix[] = "#### LoaderInfo: ";
	static const char suffix[] = " ####";
	const struct pe_section *s = pe_find_section(pe, ".sdmagic");
	struct sd_version v = {};
	char buf[256] = {};
	size_t n, plen = strlen(prefix), slen = strlen(suffix);
	char *prog, *ver;

	if (!s) {
		*ret = v;
		return 0;
	}
	n = pe_section_file_bytes(s);
	if (n > sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (!range_ok(len, s->pointer_to_raw_data, n))
		return -EBADMSG;
	memcpy(buf, data + s->pointer_to_raw_data, n);
	n = strnlen(buf, n);
	buf[n] = '\0';
	if (n < plen + slen || memcmp(buf, prefix, plen) != 0 ||
	    memcmp(buf + n - slen, suffix, slen) != 0) {
		log_debug("uki: .sdmagic is not '#### LoaderInfo: <program> <version> ####'");
		return -EBADMSG;
	}
	buf[n - slen] = '\0';
	prog = buf + plen;
	ver = strrchr(prog, ' ');
	if (!ver || ver == prog)
		return -EBADMSG;
	*ver = '\0';
	ver++;
	if (strlen(ver) >= sizeof(v.version) || ver[0] < '0' || ver[0] > '9')
		return -EBADMSG;
	for (const char *p = ver; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return -EBADMSG;
	memcpy(v.version, ver, strlen(ver) + 1);
	for (const char *p = ver; *p >= '0' && *p <= '9' && v.major < 100000; p++)
		v.major = v.major * 10 + (unsigned)(*p - '0');
	v.kind = strcmp(prog, "systemd-stub") == 0   ? SD_EFI_STUB
		 : strcmp(prog, "systemd-boot") == 0 ? SD_EFI_BOOT
						     : SD_EFI_OTHER;
	*ret = v;
	return 0;
}

static bool name_matches(const struct pe_section *sect, const char *name, unsigned major)
{
	size_t n = strlen(name);
	if (major >= 257) {
		char want[8] = {};
		memcpy(want, name, n);
		return memcmp(sect->name, want, 8) == 0;
	}
	return memcmp(sect->name, name, n) == 0;
}

int uki_parse(const uint8_t *data, size_t len, struct uki *ret)
{
	return uki_parse_msg(data, len, ret, NULL, 0);
}

int uki_parse_msg(const uint8_t *data, size_t len, struct uki *ret, char *errbuf,
		  size_t errbuf_size)
{
	struct uki *u = ret;
	int r;

	memset(u, 0, sizeof(*u));
	r = pe_parse_msg(data, len, &u->pe, errbuf, errbuf_size);
	if (r < 0)
		return r;
	r = sd_version_read(&u->pe, data, len, &u->stub);
	if (r < 0) {
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "section .sdmagic is not "
				 "'#### LoaderInfo: <program> <version> ####'");
		return r;
	}
	if (u->stub.kind != SD_EFI_STUB) {
		log_debug("uki: no '.sdmagic' naming systemd-stub: not a UKI");
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "no section .sdmagic naming systemd-stub");
		return -EBADMSG;
	}
	for (unsigned i = 0; i < u->pe.n_sections; i++) {
		const struct pe_section *sect = &u->pe.sections[i];
		bool any = false;
		for (enum uki_section s = 0; s < _UKI_SECTION_MAX; s++) {
			if (!known(u->stub.major, s) || !name_matches(sect, section_names[s], u->stub.major))
				continue;
			any = true;
			/* <= 256: every matching header overwrites (last wins); >= 257: first wins. */
			if (u->stub.major >= 257 && u->parts[s].sect)
				continue;
			u->parts[s].sect = sect;
		}
		if (!any && sect->name[0] == '.' && strcmp(sect->name, ".sdmagic") != 0)
			u->n_unknown++;
	}
	for (enum uki_section s = 0; s < _UKI_SECTION_MAX; s++) {
		struct uki_part *p = &u->parts[s];
		if (!p->sect)
			continue;
		if (p->sect->virtual_size == 0) {
			/* The stub skips empty sections: as if absent. */
			p->sect = NULL;
			continue;
		}
		p->n_bytes = pe_section_file_bytes(p->sect);
		p->bytes = data + p->sect->pointer_to_raw_data;
		p->n_zero = p->sect->virtual_size - p->n_bytes;
	}
	if (!u->parts[UKI_LINUX].sect) {
		log_debug("uki: no .linux section");
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "no (non-empty) .linux section");
		return -EBADMSG;
	}
	return 0;
}

static bool shall_be_whitespace(unsigned char c)
{
	return c <= 0x20 || c == 0x7f;
}

int uki_cmdline(const struct uki *u, char **ret)
{
	const struct uki_part *p = &u->parts[UKI_CMDLINE];
	size_t n, start = 0, end;
	char *s;

	if (!p->sect) {
		*ret = NULL;
		return 0;
	}
	if (p->n_bytes > UKI_CMDLINE_MAX)
		return -E2BIG;
	n = strnlen((const char *)p->bytes, (size_t)p->n_bytes);
	for (size_t i = 0; i < n; i++)
		if (p->bytes[i] >= 0x80) {
			log_debug("uki: .cmdline byte %zu is not ASCII", i);
			return -EBADMSG;
		}
	end = n;
	if (u->stub.major >= 253) {
		while (start < end && shall_be_whitespace(p->bytes[start]))
			start++;
		while (end > start && shall_be_whitespace(p->bytes[end - 1]))
			end--;
	}
	s = malloc(end - start + 1);
	if (!s)
		return -ENOMEM;
	for (size_t i = start; i < end; i++)
		s[i - start] = (u->stub.major >= 253 && shall_be_whitespace(p->bytes[i]))
				       ? ' '
				       : (char)p->bytes[i];
	s[end - start] = '\0';
	*ret = s;
	return 0;
}
