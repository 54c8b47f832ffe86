/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Human decoding of TCG PC Client PFP 1.05r23 event data (§10.2.4 UEFI_VARIABLE_DATA,
 * UEFI_IMAGE_LOAD_EVENT, UEFI_GPT_DATA, UEFI_PLATFORM_FIRMWARE_BLOB(2), UEFI_HANDOFF_TABLE_POINTERS(2),
 * §9.4.2 EV_EVENT_TAG) with UEFI 2.10 structures (§3.1.3 EFI_LOAD_OPTION, §10.3 device path
 * nodes and §10.6 their text form, §32.4.1 EFI_SIGNATURE_LIST, §5.3 GPT header and entries).
 * Every read goes through a cursor over the event data; what does not parse is shown as hex. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "cursor.h"
#include "efi-guid.h"
#include "evlog-decode.h"
#include "hexstr.h"
#include "size.h"

static const struct {
	const char *guid;
	const char *name;
} guid_names[] = {
	{"8be4df61-93ca-11d2-aa0d-00e098032b8c", "EFI_GLOBAL_VARIABLE"},
	{"d719b2cb-3d3a-4596-a3bc-dad00e67656f", "EFI_IMAGE_SECURITY_DATABASE"},
	{"605dab50-e046-4300-abb6-3dd810dd8b23", "SHIM_LOCK"},
	{"4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", "SYSTEMD_LOADER"},
	{"55c5d1f8-04cd-46b5-8a20-e56cbb3052d0", "SYSTEMD_STUB_PAYLOAD"},
	{"5568e427-68fc-4f3d-ac74-ca555231cc68", "LINUX_EFI_INITRD_MEDIA"},
	{"a5c059a1-94e4-4aa7-87b5-ab155c2bf072", "EFI_CERT_X509"},
	{"c1c41626-504c-4092-aca9-41f936934328", "EFI_CERT_SHA256"},
	{"3bd2a492-96c0-4079-b420-fcf98ef103ed", "EFI_CERT_X509_SHA256"},
	{"77fa9abd-0359-4d32-bd60-28f4e78f784b", "MICROSOFT"},
	{"8868e871-e4f1-11d3-bc22-0080c73c8881", "ACPI_20_TABLE"},
	{"eb9d2d30-2d88-11d3-9a16-0090273fc14d", "ACPI_TABLE"},
	{"eb9d2d31-2d88-11d3-9a16-0090273fc14d", "SMBIOS_TABLE"},
	{"f2fd1544-9794-4a2c-992e-e5bbcf20e394", "SMBIOS3_TABLE"},
	{"c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "ESP"},
	{"4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "root-x86-64"},
	{"2c7357ed-ebd2-46d9-aec1-23d437ec2bf5", "root-x86-64-verity"},
	{"0fc63daf-8483-4772-8e79-3d69d8477de4", "linux-generic"},
	{"bc13c2ff-59e6-4262-a352-b275fd6f7172", "XBOOTLDR"},
	{"0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "swap"},
	{"e3c9e316-0b5c-4db8-817d-f92df00215ae", "MS-reserved"},
	{"ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "MS-basic-data"},
	{"21686148-6449-6e6f-744e-656564454649", "BIOS-boot"},
};

static const struct {
	uint32_t id;
	const char *name;
} tag_names[] = {
	{0x8f3b22ec, "Linux initrd"},
	{0x8f3b22ed, "Linux LoadOptions"},
	{0xf5bc582a, "systemd-boot loader.conf"},
	{0x6c46f751, "systemd devicetree addon"},
	{0x49dffe0f, "systemd initrd addon"},
	{0xdac08e1a, "systemd ucode addon"},
	{0x13aed6db, "systemd UKI profile"},
	{0xd5cb7cbc, "systemd SMBIOS type 1"},
	{0xe0d47bc8, "systemd SMBIOS type 2"},
	{0xc0b3bd23, "systemd SMBIOS type 11"},
};

void evlog_guid_format(const uint8_t g[16], char buf[37])
{
	efi_guid_format(g, buf);
}

const char *evlog_guid_name(const uint8_t g[16])
{
	char s[37];
	evlog_guid_format(g, s);
	for (size_t i = 0; i < ARRAY_SIZE(guid_names); i++)
		if (strcmp(s, guid_names[i].guid) == 0)
			return guid_names[i].name;
	return NULL;
}

static void put_guid(FILE *f, const uint8_t g[16])
{
	char s[37];
	const char *n = evlog_guid_name(g);
	if (n)
		fputs(n, f);
	else {
		evlog_guid_format(g, s);
		fputs(s, f);
	}
}

static void put_hex(FILE *f, const uint8_t *p, size_t n, size_t cap)
{
	for (size_t i = 0; i < n && i < cap; i++)
		fprintf(f, "%02x", p[i]);
	if (n > cap)
		fputs("...", f);
}

static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Printable ASCII, optionally NUL-terminated (trailing NULs allowed), at least one char. */
static bool looks_ascii(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && (is_print(p[i]) || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i == 0)
		return false;
	for (; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* UTF-16LE of printable ASCII, optionally with NUL terminator(s). Empty ("\0\0") counts. */
static bool looks_utf16(const uint8_t *p, size_t n)
{
	size_t i = 0;
	if (n % 2 && n > 2 && p[n - 1] == 0)
		n--; /* seen: an odd trailing NUL after a UTF-16 command line */
	if (n < 2 || n % 2)
		return false;
	while (i + 1 < n && p[i + 1] == 0 && is_print(p[i]))
		i += 2;
	for (; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void put_ascii(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && p[i]; i++)
		fputc(is_print(p[i]) ? p[i] : p[i] == '\n' || p[i] == '\r' || p[i] == '\t' ? ' ' : '?',
		      f);
}

/* UTF-16LE up to n bytes or the first NUL; non-ASCII shown as '?'. */
static void put_utf16(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint16_t ch = load_le16(p + i);
		if (ch == 0)
			break;
		fputc(ch < 0x80 && is_print((uint8_t)ch) ? (int)ch : '?', f);
	}
}

/* Byte length of a NUL-terminated UTF-16 string within n bytes, NUL included; n if none. */
static size_t utf16_len(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		if (load_le16(p + i) == 0)
			return i + 2;
	return n;
}

static void put_generic(FILE *f, const uint8_t *p, size_t n)
{
	if (n == 0)
		fputs("(no data)", f);
	else if (looks_ascii(p, n))
		put_ascii(f, p, n);
	else if (looks_utf16(p, n) && n > 2) {
		put_utf16(f, p, n);
	} else {
		fprintf(f, "%zu bytes: ", n);
		put_hex(f, p, n, 32);
	}
}

/* ---- device paths (UEFI 2.10 §10.3, text form §10.6) ---- */

/* "Name(guid)" of a vendor-defined or firmware-volume node. */
static void put_guid_node(FILE *f, const char *name, const uint8_t g[16])
{
	fprintf(f, "%s(", name);
	put_guid(f, g);
	fputs(")", f);
}

/* Each put_*_node prints the node of its type in the UEFI text form (UEFI 2.10 §10.6) and returns
 * true, or false when it does not know it (the caller prints it as Path(type,sub,hex)). */
static bool put_hardware_node(FILE *f, uint8_t sub, struct cursor *c)
{
	uint8_t u8a, u8b, g[16];
	uint32_t a32;
	uint64_t a64, b64;

	if (sub == 0x01 && cursor_get_u8(c, &u8a) && cursor_get_u8(c, &u8b)) {
		fprintf(f, "Pci(0x%x,0x%x)", u8b, u8a);
		return true;
	}
	if (sub == 0x03 && cursor_get_u32le(c, &a32) && cursor_get_u64le(c, &a64) &&
	    cursor_get_u64le(c, &b64)) {
		fprintf(f, "MemoryMapped(0x%x,0x%llx,0x%llx)", a32, (unsigned long long)a64,
			(unsigned long long)b64);
		return true;
	}
	if (sub == 0x04 && cursor_copy(c, g, 16)) {
		put_guid_node(f, "VenHw", g);
		return true;
	}
	return false;
}

static bool put_acpi_node(FILE *f, uint8_t sub, struct cursor *c)
{
	uint32_t a32, b32;

	if (sub != 0x01 || !cursor_get_u32le(c, &a32) || !cursor_get_u32le(c, &b32))
		return false;
	if (a32 == 0x0a0341d0)
		fprintf(f, "PciRoot(0x%x)", b32);
	else if (a32 == 0x0a0841d0)
		fprintf(f, "PcieRoot(0x%x)", b32);
	else
		fprintf(f, "Acpi(0x%08x,0x%x)", a32, b32);
	return true;
}

static bool put_messaging_node(FILE *f, uint8_t sub, struct cursor *c)
{
	uint8_t u8a, u8b, g[16];
	uint16_t a16, b16, c16;
	uint32_t a32;
	uint64_t a64;

	if (sub == 0x02 && cursor_get_u16le(c, &a16) && cursor_get_u16le(c, &b16))
		fprintf(f, "Scsi(0x%x,0x%x)", a16, b16);
	else if (sub == 0x05 && cursor_get_u8(c, &u8a) && cursor_get_u8(c, &u8b))
		fprintf(f, "USB(0x%x,0x%x)", u8a, u8b);
	else if (sub == 0x12 && cursor_get_u16le(c, &a16) && cursor_get_u16le(c, &b16) &&
		 cursor_get_u16le(c, &c16))
		fprintf(f, "Sata(0x%x,0x%x,0x%x)", a16, b16, c16);
	else if (sub == 0x17 && cursor_get_u32le(c, &a32) && cursor_get_u64le(c, &a64))
		fprintf(f, "NVMe(0x%x,%016llx)", a32, (unsigned long long)a64);
	else if (sub == 0x0a && cursor_copy(c, g, 16))
		put_guid_node(f, "VenMsg", g);
	else if (sub == 0x0b) {
		fputs("MAC(", f);
		put_hex(f, c->p, MIN(c->len, (size_t)6), 6);
		fputs(")", f);
	} else if (sub == 0x0c)
		fputs("IPv4(...)", f);
	else if (sub == 0x0d)
		fputs("IPv6(...)", f);
	else if (sub == 0x18) {
		fputs("Uri(", f);
		put_ascii(f, c->p, c->len);
		fputs(")", f);
	} else
		return false;
	return true;
}

/* HD(): GPT partitions by their GUID, MBR ones by the disk signature. */
static bool put_hard_drive_node(FILE *f, struct cursor *c)
{
	uint8_t u8a, u8b, g[16];
	uint32_t a32;
	uint64_t a64, b64;
	char s[37];

	if (!cursor_get_u32le(c, &a32) || !cursor_get_u64le(c, &a64) ||
	    !cursor_get_u64le(c, &b64) || !cursor_copy(c, g, 16) || !cursor_get_u8(c, &u8a) ||
	    !cursor_get_u8(c, &u8b))
		return false;
	if (u8b == 0x02) {
		evlog_guid_format(g, s);
		fprintf(f, "HD(%u,GPT,%s,0x%llx,0x%llx)", a32, s, (unsigned long long)a64,
			(unsigned long long)b64);
	} else
		fprintf(f, "HD(%u,%s,0x%08x,0x%llx,0x%llx)", a32, u8b == 0x01 ? "MBR" : "?",
			load_le32(g), (unsigned long long)a64, (unsigned long long)b64);
	return true;
}

static bool put_media_node(FILE *f, uint8_t sub, struct cursor *c)
{
	uint8_t g[16];
	uint32_t a32;
	uint64_t a64, b64;

	if (sub == 0x01)
		return put_hard_drive_node(f, c);
	if (sub == 0x02 && cursor_get_u32le(c, &a32))
		fprintf(f, "CDROM(0x%x)", a32);
	else if (sub == 0x03 && cursor_copy(c, g, 16))
		put_guid_node(f, "VenMedia", g);
	else if (sub == 0x04)
		put_utf16(f, c->p, c->len);
	else if (sub == 0x06 && cursor_copy(c, g, 16))
		put_guid_node(f, "FvFile", g);
	else if (sub == 0x07 && cursor_copy(c, g, 16))
		put_guid_node(f, "Fv", g);
	else if (sub == 0x08 && cursor_get_u32le(c, &a32) && cursor_get_u64le(c, &a64) &&
		 cursor_get_u64le(c, &b64))
		fprintf(f, "Offset(0x%llx,0x%llx)", (unsigned long long)a64,
			(unsigned long long)b64);
	else
		return false;
	return true;
}

static void put_device_node(FILE *f, uint8_t type, uint8_t sub, struct cursor *c)
{
	bool done = false;

	switch (type) {
	case 0x01:
		done = put_hardware_node(f, sub, c);
		break;
	case 0x02:
		done = put_acpi_node(f, sub, c);
		break;
	case 0x03:
		done = put_messaging_node(f, sub, c);
		break;
	case 0x04:
		done = put_media_node(f, sub, c);
		break;
	case 0x05:
		fputs("BBS(...)", f);
		done = true;
		break;
	default:
		break;
	}
	if (done)
		return;
	fprintf(f, "Path(%u,%u,", type, sub);
	put_hex(f, c->p, c->len, 32);
	fputs(")", f);
}

static void put_device_path(FILE *f, const uint8_t *p, size_t n)
{
	struct cursor c;
	unsigned nodes = 0;
	bool first = true;

	cursor_init(&c, p, n);
	while (cursor_left(&c) > 0) {
		uint8_t type, sub;
		uint16_t len;
		struct cursor body;

		if (nodes++ >= EVLOG_DECODE_MAX_PATH_NODES) {
			fputs("/...", f);
			return;
		}
		if (!cursor_get_u8(&c, &type) || !cursor_get_u8(&c, &sub) ||
		    !cursor_get_u16le(&c, &len) || len < 4 || !cursor_get_bytes(&c, len - 4u, &body)) {
			fputs(first ? "(malformed device path)" : "/(malformed)", f);
			return;
		}
		if (type == 0x7f) {
			if (sub == 0xff)
				return;
			fputs(",", f);
			first = true;
			continue;
		}
		if (!first)
			fputs("/", f);
		first = false;
		put_device_node(f, type, sub, &body);
	}
}

int evlog_device_path_to_string(const uint8_t *p, size_t n, char **ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	put_device_path(f, p, n);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

/* ---- EFI variables (PFP §10.2.4 UEFI_VARIABLE_DATA) ---- */

static void put_signature_lists(FILE *f, const uint8_t *p, size_t n)
{
	struct cursor c;
	unsigned lists = 0;
	uint64_t entries = 0;

	if (n == 0) {
		fputs("(empty)", f);
		return;
	}
	cursor_init(&c, p, n);
	fputs("[", f);
	while (cursor_left(&c) > 0) {
		uint8_t type[16];
		uint32_t list_size, header_size, sig_size;
		struct cursor body;
		uint64_t count;

		if (!cursor_copy(&c, type, 16) || !cursor_get_u32le(&c, &list_size) ||
		    !cursor_get_u32le(&c, &header_size) || !cursor_get_u32le(&c, &sig_size) ||
		    list_size < 28 || !cursor_get_bytes(&c, list_size - 28u, &body) ||
		    !cursor_skip(&body, header_size) || sig_size < 16 ||
		    cursor_left(&body) % sig_size != 0) {
			fprintf(f, "%smalformed signature list]", lists ? ", " : "");
			return;
		}
		count = cursor_left(&body) / sig_size;
		entries += count;
		if (lists < EVLOG_DECODE_MAX_LIST) {
			fprintf(f, "%s%llu x ", lists ? ", " : "", (unsigned long long)count);
			put_guid(f, type);
		}
		lists++;
	}
	if (lists > EVLOG_DECODE_MAX_LIST)
		fputs(", ...", f);
	fprintf(f, "] (%llu entries)", (unsigned long long)entries);
}

/* EFI_SIGNATURE_DATA of an authority event: owner GUID + certificate (or hash). */
static void put_signature_data(FILE *f, const uint8_t *p, size_t n)
{
	const unsigned char *der;
	X509 *x;

	if (looks_ascii(p, n) || n < 16) {
		put_generic(f, p, n); /* shim's SbatLevel: "sbat,1,2021030218\n" */
		return;
	}
	der = p;
	x = d2i_X509(NULL, &der, (long)MIN(n, (size_t)INT32_MAX));
	if (x) { /* shim's own authority events carry a bare certificate */
		char subject[256];
		if (X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject)))
			fprintf(f, "certificate %s", subject);
		X509_free(x);
		return;
	}
	fputs("owner ", f);
	put_guid(f, p);
	der = p + 16;
	x = d2i_X509(NULL, &der, (long)MIN(n - 16, (size_t)INT32_MAX));
	if (x) {
		char subject[256];
		if (X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject)))
			fprintf(f, ", certificate %s", subject);
		X509_free(x);
	} else {
		fprintf(f, ", %zu bytes: ", n - 16);
		put_hex(f, p + 16, n - 16, 32);
	}
}

static bool name_is(const uint8_t *name, size_t name_bytes, const char *ascii)
{
	size_t n = strlen(ascii);
	if (name_bytes != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (load_le16(name + 2 * i) != (uint8_t)ascii[i])
			return false;
	return true;
}

static bool name_is_boot_option(const uint8_t *name, size_t name_bytes)
{
	static const char hex[] = "0123456789ABCDEFabcdef";
	if (name_bytes != 16)
		return false;
	for (size_t i = 0; i < 4; i++)
		if (load_le16(name + 2 * i) != (uint8_t)"Boot"[i])
			return false;
	for (size_t i = 4; i < 8; i++) {
		uint16_t ch = load_le16(name + 2 * i);
		if (ch > 0x7f || !strchr(hex, (char)ch) || ch == 0)
			return false;
	}
	return true;
}

static void put_load_option(FILE *f, const uint8_t *p, size_t n)
{
	struct cursor c, fp;
	uint32_t attrs;
	uint16_t fp_len;
	size_t dlen;

	cursor_init(&c, p, n);
	if (!cursor_get_u32le(&c, &attrs) || !cursor_get_u16le(&c, &fp_len)) {
		put_generic(f, p, n);
		return;
	}
	dlen = utf16_len(c.p, c.len);
	fputs("\"", f);
	put_utf16(f, c.p, dlen);
	fputs("\"", f);
	if (!cursor_skip(&c, dlen) || !cursor_get_bytes(&c, fp_len, &fp))
		return;
	fputs(" ", f);
	put_device_path(f, fp.p, fp.len);
	if (!(attrs & 1))
		fputs(" (inactive)", f);
}

static void put_variable(FILE *f, uint32_t type, const uint8_t *p, size_t n)
{
	struct cursor c, name, data;
	uint8_t guid[16];
	uint64_t name_len, data_len;

	cursor_init(&c, p, n);
	if (!cursor_copy(&c, guid, 16) || !cursor_get_u64le(&c, &name_len) ||
	    !cursor_get_u64le(&c, &data_len) || name_len > cursor_left(&c) / 2 ||
	    !cursor_get_bytes(&c, (size_t)name_len * 2, &name) ||
	    !cursor_get_bytes(&c, (size_t)MIN(data_len, (uint64_t)cursor_left(&c)), &data)) {
		fputs("(malformed variable) ", f);
		put_generic(f, p, n);
		return;
	}
	put_utf16(f, name.p, name.len);
	if (data_len != data.len)
		fprintf(f, " (VariableDataLength %llu exceeds the event)",
			(unsigned long long)data_len);
	fputs(" [", f);
	put_guid(f, guid);
	fputs("]", f);

	if (type == EV_EFI_VARIABLE_AUTHORITY) {
		fputs(": ", f);
		put_signature_data(f, data.p, data.len);
		return;
	}
	if (data.len == 0) {
		fputs(" = (empty)", f);
		return;
	}
	if ((name_is(name.p, name.len, "SecureBoot") || name_is(name.p, name.len, "SetupMode") ||
	     name_is(name.p, name.len, "AuditMode") || name_is(name.p, name.len, "DeployedMode") ||
	     name_is(name.p, name.len, "MokSBState")) &&
	    data.len == 1) {
		fprintf(f, " = %02x (%s)", data.p[0], data.p[0] ? "enabled" : "disabled");
		return;
	}
	if (name_is(name.p, name.len, "BootOrder") && data.len % 2 == 0) {
		fputs(" =", f);
		for (size_t i = 0; i < data.len && i < 2 * EVLOG_DECODE_MAX_LIST; i += 2)
			fprintf(f, "%s%04X", i ? "," : " ", load_le16(data.p + i));
		return;
	}
	if (name_is_boot_option(name.p, name.len)) {
		fputs(" = ", f);
		put_load_option(f, data.p, data.len);
		return;
	}
	if (name_is(name.p, name.len, "PK") || name_is(name.p, name.len, "KEK") ||
	    name_is(name.p, name.len, "db") || name_is(name.p, name.len, "dbx") ||
	    name_is(name.p, name.len, "dbt") || name_is(name.p, name.len, "dbr") ||
	    name_is(name.p, name.len, "MokList") || name_is(name.p, name.len, "MokListX") ||
	    name_is(name.p, name.len, "MokListTrusted")) {
		fputs(" = ", f);
		if (name_is(name.p, name.len, "MokListTrusted") && data.len == 1)
			fprintf(f, "%02x", data.p[0]);
		else
			put_signature_lists(f, data.p, data.len);
		return;
	}
	fputs(" = ", f);
	put_generic(f, data.p, data.len);
}

/* ---- other structures ---- */

static void put_image_load(FILE *f, const uint8_t *p, size_t n)
{
	struct cursor c, dp;
	uint64_t loc, len, link, dp_len;

	cursor_init(&c, p, n);
	if (!cursor_get_u64le(&c, &loc) || !cursor_get_u64le(&c, &len) ||
	    !cursor_get_u64le(&c, &link) || !cursor_get_u64le(&c, &dp_len) ||
	    dp_len > cursor_left(&c) || !cursor_get_bytes(&c, (size_t)dp_len, &dp)) {
		put_generic(f, p, n);
		return;
	}
	if (dp.len > 0)
		put_device_path(f, dp.p, dp.len);
	else
		fputs("(no device path)", f);
	fprintf(f, " (image at 0x%llx, %llu bytes)", (unsigned long long)loc,
		(unsigned long long)len);
}

static void put_gpt(FILE *f, const uint8_t *p, size_t n)
{
	struct cursor c;
	uint8_t disk_guid[16];
	uint64_t n_parts;
	uint32_t entry_size;
	char s[37];

	/* EFI_PARTITION_TABLE_HEADER is 92 bytes: DiskGUID at 56, SizeOfPartitionEntry at 84. */
	if (n < 100 || memcmp(p, "EFI PART", 8) != 0) {
		put_generic(f, p, n);
		return;
	}
	memcpy(disk_guid, p + 56, 16);
	entry_size = load_le32(p + 84);
	cursor_init(&c, p + 92, n - 92);
	if (!cursor_get_u64le(&c, &n_parts) || entry_size < 128) {
		put_generic(f, p, n);
		return;
	}
	evlog_guid_format(disk_guid, s);
	fprintf(f, "GPT disk %s, %llu partitions:", s, (unsigned long long)n_parts);
	for (uint64_t i = 0; i < n_parts; i++) {
		struct cursor e;
		if (i >= EVLOG_DECODE_MAX_LIST) {
			fputs(" ...", f);
			break;
		}
		if (!cursor_get_bytes(&c, entry_size, &e)) {
			fputs(" (truncated)", f);
			break;
		}
		fprintf(f, "%s \"", i ? ";" : "");
		put_utf16(f, e.p + 56, 72);
		fputs("\" ", f);
		put_guid(f, e.p);
		fprintf(f, " %llu-%llu", (unsigned long long)load_le64(e.p + 32),
			(unsigned long long)load_le64(e.p + 40));
	}
}

static void put_blob(FILE *f, const uint8_t *p, size_t n, bool blob2)
{
	struct cursor c;
	uint8_t dlen = 0;
	struct cursor desc = {};
	uint64_t base, len;

	cursor_init(&c, p, n);
	if (blob2 && (!cursor_get_u8(&c, &dlen) || !cursor_get_bytes(&c, dlen, &desc))) {
		put_generic(f, p, n);
		return;
	}
	if (!cursor_get_u64le(&c, &base) || !cursor_get_u64le(&c, &len) || cursor_left(&c) != 0) {
		put_generic(f, p, n);
		return;
	}
	if (blob2) {
		put_ascii(f, desc.p, desc.len);
		fputs(" ", f);
	}
	fprintf(f, "blob at 0x%llx, %llu bytes", (unsigned long long)base, (unsigned long long)len);
}

static void put_handoff(FILE *f, const uint8_t *p, size_t n, bool v2)
{
	struct cursor c, desc = {};
	uint8_t dlen;
	uint64_t count;

	cursor_init(&c, p, n);
	if (v2 && (!cursor_get_u8(&c, &dlen) || !cursor_get_bytes(&c, dlen, &desc))) {
		put_generic(f, p, n);
		return;
	}
	if (!cursor_get_u64le(&c, &count) || count > cursor_left(&c) / 24) {
		put_generic(f, p, n);
		return;
	}
	if (v2) {
		put_ascii(f, desc.p, desc.len);
		fputs(": ", f);
	}
	fprintf(f, "%llu tables:", (unsigned long long)count);
	for (uint64_t i = 0; i < count && i < EVLOG_DECODE_MAX_LIST; i++) {
		uint8_t g[16];
		uint64_t addr;
		if (!cursor_copy(&c, g, 16) || !cursor_get_u64le(&c, &addr))
			break;
		fputs(i ? ", " : " ", f);
		put_guid(f, g);
	}
}

static void put_tag(FILE *f, const uint8_t *p, size_t n)
{
	struct cursor c, data;
	uint32_t id, size;
	const char *name = NULL;

	cursor_init(&c, p, n);
	if (!cursor_get_u32le(&c, &id) || !cursor_get_u32le(&c, &size) ||
	    !cursor_get_bytes(&c, size, &data)) {
		put_generic(f, p, n);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tag_names); i++)
		if (tag_names[i].id == id)
			name = tag_names[i].name;
	if (looks_ascii(data.p, data.len))
		put_ascii(f, data.p, data.len);
	else if (looks_utf16(data.p, data.len))
		put_utf16(f, data.p, data.len);
	else
		put_generic(f, data.p, data.len);
	fprintf(f, " (tag 0x%08x%s%s)", id, name ? " " : "", name ? name : "");
}

static void put_no_action(FILE *f, const struct evlog_event *ev)
{
	int loc = evlog_startup_locality(ev);
	if (loc >= 0) {
		fprintf(f, "StartupLocality %d", loc);
		return;
	}
	if (ev->data_size >= 16 && ev->data[15] == 0 && looks_ascii(ev->data, 16)) {
		put_ascii(f, ev->data, 16);
		return;
	}
	put_generic(f, ev->data, ev->data_size);
}

/* systemd-stub logs two EV_IPL events per PE section on PCR 11, both described by the UTF-16
 * name: the first's digest is H(ASCII name + NUL), the second's H(section contents). */
static bool stub_section_is_name(const struct evlog_event *ev)
{
	char name[64];
	size_t k = 0;
	uint8_t d[DIGEST_MAX];

	for (size_t i = 0; i + 1 < ev->data_size && k + 1 < sizeof(name); i += 2) {
		uint16_t ch = load_le16(ev->data + i);
		if (ch == 0)
			break;
		name[k++] = (char)(ch & 0x7f);
	}
	name[k++] = '\0';
	FOREACH_BANK(b, ev->banks)
		return digest_buffer(b, name, k, d) == 0 && memcmp(d, ev->digest[b], bank_size(b)) == 0;
	return false;
}

static void put_firmware_event(FILE *f, const struct evlog_event *ev)
{
	const uint8_t *p = ev->data;
	size_t n = ev->data_size;

	switch (ev->type) {
	case EV_NO_ACTION:
		put_no_action(f, ev);
		break;
	case EV_SEPARATOR:
		if (n == 4 && load_le32(p) == 0)
			fputs("separator", f);
		else if (n == 4 && load_le32(p) == UINT32_MAX)
			fputs("separator (error)", f);
		else
			put_generic(f, p, n);
		break;
	case EV_EFI_VARIABLE_DRIVER_CONFIG:
	case EV_EFI_VARIABLE_BOOT:
	case EV_EFI_VARIABLE_BOOT2:
	case EV_EFI_VARIABLE_AUTHORITY:
		put_variable(f, ev->type, p, n);
		break;
	case EV_EFI_BOOT_SERVICES_APPLICATION:
	case EV_EFI_BOOT_SERVICES_DRIVER:
	case EV_EFI_RUNTIME_SERVICES_DRIVER:
		put_image_load(f, p, n);
		break;
	case EV_EFI_GPT_EVENT:
	case EV_EFI_GPT_EVENT2:
		put_gpt(f, p, n);
		break;
	case EV_EFI_PLATFORM_FIRMWARE_BLOB:
		put_blob(f, p, n, false);
		break;
	case EV_EFI_PLATFORM_FIRMWARE_BLOB2:
		put_blob(f, p, n, true);
		break;
	case EV_S_CRTM_CONTENTS:
	case EV_POST_CODE:
		if (n == 16)
			put_blob(f, p, n, false);
		else
			put_generic(f, p, n);
		break;
	case EV_S_CRTM_VERSION:
		if (looks_utf16(p, n)) {
			fputs("\"", f);
			put_utf16(f, p, n);
			fputs("\"", f);
		} else
			put_generic(f, p, n);
		break;
	case EV_EFI_HANDOFF_TABLES:
		put_handoff(f, p, n, false);
		break;
	case EV_EFI_HANDOFF_TABLES2:
		put_handoff(f, p, n, true);
		break;
	case EV_EVENT_TAG:
		put_tag(f, p, n);
		break;
	case EV_IPL:
		/* systemd-stub / -boot: UTF-16 (section names on PCR 11, command lines on 12);
		 * grub and shim: ASCII. */
		if (looks_utf16(p, n)) {
			put_utf16(f, p, n);
			if (ev->pcr == 11 && n >= 2 && p[0] == '.')
				fputs(stub_section_is_name(ev) ? " (section name)" : " (section contents)", f);
		} else
			put_generic(f, p, n);
		break;
	default:
		put_generic(f, p, n);
		break;
	}
}

int evlog_event_describe(const struct evlog_event *ev, char **ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	if (ev->source == EVLOG_SOURCE_SYSTEMD) {
		/* The string systemd extended is the best description. */
		if (ev->sd_string)
			fputs(ev->sd_string, f);
		else if (ev->sd_event_type)
			fputs(ev->sd_event_type, f);
		else
			fputs("(userspace record)", f);
	} else
		put_firmware_event(f, ev);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	/* Printable ASCII only, capped: golden.json and terminals get no control characters. */
	for (size_t i = 0; i < len; i++)
		if (!is_print((uint8_t)buf[i]))
			buf[i] = '?';
	if (len > EVLOG_DECODE_MAX_TEXT) {
		memcpy(buf + EVLOG_DECODE_MAX_TEXT - 3, "...", 4);
	}
	*ret = buf;
	return 0;
}

const char *evlog_event_kind(const struct evlog_event *ev, char buf[64])
{
	const char *n;
	if (ev->source == EVLOG_SOURCE_SYSTEMD) {
		(void)snprintf(buf, 64, "%.60s", ev->sd_event_type ? ev->sd_event_type : "systemd");
		return buf;
	}
	n = evlog_event_type_name(ev->type);
	if (n)
		return n;
	(void)snprintf(buf, 64, "EV_UNKNOWN_0x%08x", ev->type);
	return buf;
}
