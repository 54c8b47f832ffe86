/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TCG binary event log parser.
 * TCG PC Client Platform Firmware Profile Specification 1.05r23: §10.2.1 TCG_PCClientPCREvent
 * (legacy SHA1 records and the first record of every log), §10.2.2 TCG_PCR_EVENT2, §10.4.5.1
 * TCG_EfiSpecIDEvent ("Spec ID Event03"), §10.4.5.3 StartupLocality. All fields little-endian.
 * Padded tails (all 0x00 or all 0xFF) as in the Linux securityfs copy and the TDX CCEL. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "log.h"
#include "size.h"
#include "tcg-eventlog.h"
#include "vec.h"

#define SPEC_ID_SIGNATURE_SIZE 16u
#define LEGACY_DIGEST_SIZE 20u
/* platformClass..uintnSize + numberOfAlgorithms, after the 16-byte signature */
#define SPEC_ID_FIXED_SIZE 24u

/* The defect of record index at offset, into e; see record-error.h. */
#define parse_fail(e, ...) record_error_set((e), "evlog", __VA_ARGS__)

struct evlog *evlog_free(struct evlog *log)
{
	if (!log)
		return NULL;
	free(log->events);
	free(log);
	return NULL;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static int push_event(struct evlog *log, size_t *alloc, struct evlog_event **ret)
{
	struct evlog_event *p;

	if (log->n_events >= EVLOG_MAX_EVENTS)
		return -E2BIG;
	p = vec_grow(log->events, log->n_events, alloc, sizeof(*p), 256, EVLOG_MAX_EVENTS);
	if (!p)
		return -ENOMEM;
	log->events = p;
	*ret = &log->events[log->n_events++];
	memset(*ret, 0, sizeof(**ret));
	return 0;
}

/* The event data of a record: EventSize bytes, capped, inside the log. */
static int get_event_data(struct cursor *c, uint32_t size, struct record_error *e, size_t index,
			  size_t off, struct cursor *ret)
{
	if (size > EVLOG_MAX_EVENT_SIZE)
		return parse_fail(e, index, off, -E2BIG, "EventSize %u exceeds the cap %zu", size,
				  EVLOG_MAX_EVENT_SIZE);
	if (!cursor_get_bytes(c, size, ret))
		return parse_fail(e, index, off, -EBADMSG,
				  "EventSize %u runs past the end of the log (%zu bytes left)",
				  size, cursor_left(c));
	return 0;
}

/* TCG_EfiSpecIDEvent in the header's event data. */
static int parse_spec_id(struct evlog *log, struct cursor *c, struct record_error *e)
{
	uint32_t n_algs;
	uint8_t vendor_size;
	size_t off = cursor_offset(c);

	if (!cursor_skip(c, SPEC_ID_SIGNATURE_SIZE) || !cursor_get_u32le(c, &log->platform_class) ||
	    !cursor_get_u8(c, &log->spec_version_minor) ||
	    !cursor_get_u8(c, &log->spec_version_major) || !cursor_get_u8(c, &log->spec_errata) ||
	    !cursor_get_u8(c, &log->uintn_size) || !cursor_get_u32le(c, &n_algs))
		return parse_fail(e, 0, 0, -EBADMSG, "Spec ID event truncated at 0x%zx", off);
	if (log->spec_version_major != 2)
		return parse_fail(e, 0, 0, -EBADMSG, "Spec ID specVersionMajor %u, expected 2",
				  log->spec_version_major);
	if (log->uintn_size != 1 && log->uintn_size != 2)
		return parse_fail(e, 0, 0, -EBADMSG, "Spec ID uintnSize %u, expected 1 or 2",
				  log->uintn_size);
	if (n_algs == 0)
		return parse_fail(e, 0, 0, -EBADMSG, "Spec ID lists no algorithm");
	if (n_algs > EVLOG_MAX_ALGORITHMS)
		return parse_fail(e, 0, 0, -E2BIG, "Spec ID lists %u algorithms, cap %u", n_algs,
				  EVLOG_MAX_ALGORITHMS);
	for (uint32_t i = 0; i < n_algs; i++) {
		struct evlog_algorithm *a = &log->algorithms[i];
		if (!cursor_get_u16le(c, &a->alg_id) || !cursor_get_u16le(c, &a->size))
			return parse_fail(e, 0, 0, -EBADMSG, "Spec ID algorithm %u truncated", i);
		for (uint32_t j = 0; j < i; j++)
			if (log->algorithms[j].alg_id == a->alg_id)
				return parse_fail(e, 0, 0, -EBADMSG,
						  "Spec ID lists algorithm 0x%04x twice", a->alg_id);
		a->bank = bank_from_tpm_alg(a->alg_id);
		if (a->bank >= 0) {
			if (a->size != bank_size(a->bank))
				return parse_fail(e, 0, 0, -EBADMSG,
						  "Spec ID digestSize %u of %s, expected %zu",
						  a->size, bank_name(a->bank),
						  bank_size(a->bank));
			log->banks |= BANK_MASK(a->bank);
		} else if (a->alg_id == TPM_ALG_SM3_256) {
			if (a->size != 32)
				return parse_fail(e, 0, 0, -EBADMSG,
						  "Spec ID digestSize %u of sm3_256, expected 32",
						  a->size);
		} else
			return parse_fail(e, 0, 0, -EOPNOTSUPP,
					  "Spec ID lists unknown algorithm 0x%04x", a->alg_id);
	}
	log->n_algorithms = n_algs;
	if (!cursor_get_u8(c, &vendor_size) || !cursor_skip(c, vendor_size))
		return parse_fail(e, 0, 0, -EBADMSG, "Spec ID vendorInfo truncated");
	/* Bytes after vendorInfo: tolerated (PFP says nothing follows; none seen). */
	return 0;
}

/* One TCG_PCClientPCREvent: the first record of every log, and every record of a legacy one. */
static int parse_legacy_record(struct evlog *log, struct cursor *c, size_t *alloc, bool header,
			       struct record_error *e)
{
	size_t off = cursor_offset(c), index = log->n_events;
	struct evlog_event *ev;
	struct cursor digest, data;
	uint32_t pcr, type, size;
	int r;

	if (!cursor_get_u32le(c, &pcr) || !cursor_get_u32le(c, &type) ||
	    !cursor_get_bytes(c, LEGACY_DIGEST_SIZE, &digest) || !cursor_get_u32le(c, &size))
		return parse_fail(e, index, off, -EBADMSG, "record header truncated");
	if (pcr >= TPM2_PCR_COUNT)
		return parse_fail(e, index, off, -EBADMSG, "PCR index %u out of range", pcr);
	r = get_event_data(c, size, e, index, off, &data);
	if (r < 0)
		return r;
	r = push_event(log, alloc, &ev);
	if (r < 0)
		return parse_fail(e, index, off, r, "too many records (cap %zu)", EVLOG_MAX_EVENTS);
	ev->source = EVLOG_SOURCE_FIRMWARE;
	ev->index = index;
	ev->offset = off;
	ev->pcr = pcr;
	ev->type = type;
	ev->data = data.p;
	ev->data_size = size;
	if (!header) {
		ev->banks = BANK_MASK(BANK_SHA1);
		ev->digest[BANK_SHA1] = digest.p;
	}
	return 0;
}

static int parse_event2(struct evlog *log, struct cursor *c, size_t *alloc,
			struct record_error *e)
{
	size_t off = cursor_offset(c), index = log->n_events;
	struct evlog_event tmp = {};
	struct evlog_event *ev;
	struct cursor data;
	uint32_t count, size;
	unsigned seen = 0; /* bit i: header algorithm i already in this record */
	int r;

	tmp.source = EVLOG_SOURCE_FIRMWARE;
	tmp.index = index;
	tmp.offset = off;
	if (!cursor_get_u32le(c, &tmp.pcr) || !cursor_get_u32le(c, &tmp.type) ||
	    !cursor_get_u32le(c, &count))
		return parse_fail(e, index, off, -EBADMSG, "record header truncated");
	if (tmp.pcr >= TPM2_PCR_COUNT)
		return parse_fail(e, index, off, -EBADMSG, "PCR index %u out of range", tmp.pcr);
	if (count > EVLOG_MAX_DIGESTS)
		return parse_fail(e, index, off, -E2BIG, "DigestCount %u exceeds the cap %u", count,
				  EVLOG_MAX_DIGESTS);
	/* PFP wants one digest per header algorithm; tpm2-tools' fixtures carry fewer, and
	 * tpm2_eventlog accepts them. A missing bank makes that PCR's replay incomplete. */
	if (count == 0 || count > log->n_algorithms)
		return parse_fail(e, index, off, -EBADMSG,
				  "DigestCount %u, the header lists %zu algorithms", count,
				  log->n_algorithms);
	for (uint32_t i = 0; i < count; i++) {
		const struct evlog_algorithm *a = NULL;
		struct cursor d;
		uint16_t alg;
		size_t k;

		if (!cursor_get_u16le(c, &alg))
			return parse_fail(e, index, off, -EBADMSG, "digest %u truncated", i);
		for (k = 0; k < log->n_algorithms; k++)
			if (log->algorithms[k].alg_id == alg) {
				a = &log->algorithms[k];
				break;
			}
		if (!a)
			return parse_fail(e, index, off, -EBADMSG,
					  "digest %u uses algorithm 0x%04x, not in the header", i,
					  alg);
		if (seen & (1u << k))
			return parse_fail(e, index, off, -EBADMSG,
					  "digest %u repeats algorithm 0x%04x", i, alg);
		seen |= 1u << k;
		if (!cursor_get_bytes(c, a->size, &d))
			return parse_fail(e, index, off, -EBADMSG, "digest %u truncated", i);
		if (a->bank >= 0) {
			tmp.digest[a->bank] = d.p;
			tmp.banks |= BANK_MASK(a->bank);
		} else
			tmp.n_other_digests++;
	}
	if (!cursor_get_u32le(c, &size))
		return parse_fail(e, index, off, -EBADMSG, "EventSize truncated");
	r = get_event_data(c, size, e, index, off, &data);
	if (r < 0)
		return r;
	tmp.data = data.p;
	tmp.data_size = size;
	r = push_event(log, alloc, &ev);
	if (r < 0)
		return parse_fail(e, index, off, r, "too many records (cap %zu)", EVLOG_MAX_EVENTS);
	*ev = tmp;
	return 0;
}

static bool is_spec_id(const struct evlog_event *ev)
{
	return ev->pcr == 0 && ev->type == EV_NO_ACTION && ev->data_size >= SPEC_ID_SIGNATURE_SIZE &&
	       memcmp(ev->data, TCG_SPEC_ID_EVENT03, SPEC_ID_SIGNATURE_SIZE) == 0;
}

int evlog_parse(const uint8_t *data, size_t size, struct evlog **ret,
		struct record_error *ret_error)
{
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	struct cursor c;
	size_t alloc = 0;
	int r;

	if (size == 0)
		return parse_fail(ret_error, 0, 0, -EBADMSG, "empty log");
	log = calloc(1, sizeof(*log));
	if (!log)
		return -ENOMEM;
	cursor_init(&c, data, size);

	r = parse_legacy_record(log, &c, &alloc, false, ret_error);
	if (r < 0)
		return r;
	if (is_spec_id(&log->events[0])) {
		struct cursor spec;
		log->format = EVLOG_FORMAT_CRYPTO_AGILE;
		log->events[0].banks = 0;
		log->events[0].digest[BANK_SHA1] = NULL;
		cursor_init(&spec, log->events[0].data, log->events[0].data_size);
		r = parse_spec_id(log, &spec, ret_error);
		if (r < 0)
			return r;
	} else {
		log->format = EVLOG_FORMAT_LEGACY_SHA1;
		log->banks = BANK_MASK(BANK_SHA1);
		log->n_algorithms = 1;
		log->algorithms[0] = (struct evlog_algorithm){TPM_ALG_SHA1, 20, BANK_SHA1};
	}

	while (cursor_left(&c) > 0) {
		if (all_bytes(c.p, c.len, 0x00) || all_bytes(c.p, c.len, 0xff)) {
			log->padding = c.len;
			break;
		}
		if (log->format == EVLOG_FORMAT_CRYPTO_AGILE)
			r = parse_event2(log, &c, &alloc, ret_error);
		else
			r = parse_legacy_record(log, &c, &alloc, false, ret_error);
		if (r < 0)
			return r;
	}
	log->size = size - log->padding;
	*ret = TAKE_PTR(log);
	return 0;
}

static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
	{EV_PREBOOT_CERT, "EV_PREBOOT_CERT"},
	{EV_POST_CODE, "EV_POST_CODE"},
	{EV_UNUSED, "EV_UNUSED"},
	{EV_NO_ACTION, "EV_NO_ACTION"},
	{EV_SEPARATOR, "EV_SEPARATOR"},
	{EV_ACTION, "EV_ACTION"},
	{EV_EVENT_TAG, "EV_EVENT_TAG"},
	{EV_S_CRTM_CONTENTS, "EV_S_CRTM_CONTENTS"},
	{EV_S_CRTM_VERSION, "EV_S_CRTM_VERSION"},
	{EV_CPU_MICROCODE, "EV_CPU_MICROCODE"},
	{EV_PLATFORM_CONFIG_FLAGS, "EV_PLATFORM_CONFIG_FLAGS"},
	{EV_TABLE_OF_DEVICES, "EV_TABLE_OF_DEVICES"},
	{EV_COMPACT_HASH, "EV_COMPACT_HASH"},
	{EV_IPL, "EV_IPL"},
	{EV_IPL_PARTITION_DATA, "EV_IPL_PARTITION_DATA"},
	{EV_NONHOST_CODE, "EV_NONHOST_CODE"},
	{EV_NONHOST_CONFIG, "EV_NONHOST_CONFIG"},
	{EV_NONHOST_INFO, "EV_NONHOST_INFO"},
	{EV_OMIT_BOOT_DEVICE_EVENTS, "EV_OMIT_BOOT_DEVICE_EVENTS"},
	{EV_EFI_VARIABLE_DRIVER_CONFIG, "EV_EFI_VARIABLE_DRIVER_CONFIG"},
	{EV_EFI_VARIABLE_BOOT, "EV_EFI_VARIABLE_BOOT"},
	{EV_EFI_BOOT_SERVICES_APPLICATION, "EV_EFI_BOOT_SERVICES_APPLICATION"},
	{EV_EFI_BOOT_SERVICES_DRIVER, "EV_EFI_BOOT_SERVICES_DRIVER"},
	{EV_EFI_RUNTIME_SERVICES_DRIVER, "EV_EFI_RUNTIME_SERVICES_DRIVER"},
	{EV_EFI_GPT_EVENT, "EV_EFI_GPT_EVENT"},
	{EV_EFI_ACTION, "EV_EFI_ACTION"},
	{EV_EFI_PLATFORM_FIRMWARE_BLOB, "EV_EFI_PLATFORM_FIRMWARE_BLOB"},
	{EV_EFI_HANDOFF_TABLES, "EV_EFI_HANDOFF_TABLES"},
	{EV_EFI_PLATFORM_FIRMWARE_BLOB2, "EV_EFI_PLATFORM_FIRMWARE_BLOB2"},
	{EV_EFI_HANDOFF_TABLES2, "EV_EFI_HANDOFF_TABLES2"},
	{EV_EFI_VARIABLE_BOOT2, "EV_EFI_VARIABLE_BOOT2"},
	{EV_EFI_GPT_EVENT2, "EV_EFI_GPT_EVENT2"},
	{EV_EFI_HCRTM_EVENT, "EV_EFI_HCRTM_EVENT"},
	{EV_EFI_VARIABLE_AUTHORITY, "EV_EFI_VARIABLE_AUTHORITY"},
	{EV_EFI_SPDM_FIRMWARE_BLOB, "EV_EFI_SPDM_FIRMWARE_BLOB"},
	{EV_EFI_SPDM_FIRMWARE_CONFIG, "EV_EFI_SPDM_FIRMWARE_CONFIG"},
};

const char *evlog_event_type_name(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return NULL;
}

int evlog_event_type_from_name(const char *name, uint32_t *ret)
{
	char *end = NULL;
	unsigned long v;

	if (!name || !*name)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (strcmp(type_names[i].name, name) == 0) {
			*ret = type_names[i].type;
			return 0;
		}
	if (name[0] < '0' || name[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(name, &end, 0);
	if (errno != 0 || !end || *end || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int evlog_startup_locality(const struct evlog_event *ev)
{
	/* PFP §10.4.5.3: "StartupLocality\0" then one byte; larger structures are not this one. */
	if (ev->source != EVLOG_SOURCE_FIRMWARE || ev->type != EV_NO_ACTION ||
	    ev->data_size != sizeof(TCG_STARTUP_LOCALITY) + 1 ||
	    memcmp(ev->data, TCG_STARTUP_LOCALITY, sizeof(TCG_STARTUP_LOCALITY)) != 0)
		return -ENOENT;
	return ev->data[sizeof(TCG_STARTUP_LOCALITY)];
}
