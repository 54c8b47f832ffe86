/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TCG PC Client PFP 1.05r23 event logs (/sys/kernel/security/tpm0/binary_bios_measurements):
 * the SHA1-only legacy format (TCG_PCClientPCREvent records) and the crypto-agile format (a
 * Spec ID Event03 header, then TCG_PCR_EVENT2 records), with zero/0xFF padded tails.
 *
 * The parser takes untrusted bytes and never reads past them. Every count and size is checked
 * against the caps below. The result holds views into the caller's buffer: a struct evlog is
 * valid while the buffer it was parsed from lives.
 *
 * The same struct evlog_event also carries the records of systemd's userspace log
 * (systemd-log.h), so replay, show and compare walk one kind of event. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "macro.h"
#include "record-error.h"
#include "tcg-types.h"

#define EVLOG_MAX_LOG_SIZE ((size_t)64 * 1024 * 1024)  /* whole log, for the file loader */
#define EVLOG_MAX_EVENTS ((size_t)1 << 20)               /* records in one log */
#define EVLOG_MAX_EVENT_SIZE ((size_t)16 * 1024 * 1024)  /* EventSize of one record */
#define EVLOG_MAX_ALGORITHMS 8                         /* numberOfAlgorithms of the header */
#define EVLOG_MAX_DIGESTS EVLOG_MAX_ALGORITHMS         /* DigestCount of one record */

enum evlog_format {
	EVLOG_FORMAT_LEGACY_SHA1,   /* every record is TCG_PCClientPCREvent (SHA1 only) */
	EVLOG_FORMAT_CRYPTO_AGILE,  /* Spec ID Event03 header + TCG_PCR_EVENT2 records */
};

enum evlog_source {
	EVLOG_SOURCE_FIRMWARE, /* the TCG binary log */
	EVLOG_SOURCE_SYSTEMD,  /* systemd's JSON-SEQ userspace log (systemd-log.h) */
};

struct evlog_event {
	enum evlog_source source;
	size_t index;  /* record number in its log, from 0 (the Spec ID header is event 0) */
	size_t offset; /* byte offset of the record in its log */
	uint32_t pcr;  /* < TPM2_PCR_COUNT */
	uint32_t type; /* TCG event type (EV_*); 0 for systemd records (see source) */
	unsigned banks; /* BANK_MASK() of the banks that have a digest below */
	/* bank_size(b) bytes each, NULL where the record has no digest of that bank. Views into
	 * the log (firmware) or into the struct sdlog (systemd). */
	const uint8_t *digest[_BANK_MAX];
	/* Digests of algorithms bootproof does not replay (SM3_256): only counted. */
	unsigned n_other_digests;
	/* systemd records: content.string and content.eventType, borrowed from the struct sdlog;
	 * NULL when absent and for firmware events. */
	const char *sd_string, *sd_event_type;
	/* Firmware: the event data. systemd: the record's JSON text. A view. */
	const uint8_t *data;
	size_t data_size;
};

struct evlog_algorithm {
	uint16_t alg_id;   /* TPM_ALG_ID */
	uint16_t size;     /* digestSize from the header (checked against the bank for known ones) */
	enum bank bank;    /* _BANK_INVALID for SM3_256 */
};

struct evlog {
	enum evlog_format format;
	/* Spec ID Event03 header fields (crypto-agile only). */
	uint32_t platform_class;
	uint8_t spec_version_minor, spec_version_major, spec_errata, uintn_size;
	size_t n_algorithms;
	struct evlog_algorithm algorithms[EVLOG_MAX_ALGORITHMS];
	unsigned banks; /* banks the log carries and bootproof replays (legacy: sha1) */
	size_t n_events;
	struct evlog_event *events; /* all records, in log order, including EV_NO_ACTION ones */
	size_t size;    /* bytes of records */
	size_t padding; /* bytes of the all-0x00 or all-0xFF tail after the last record */
};


/* Parses a whole TCG log. The first record decides the format: a Spec ID Event03 header means
 * crypto-agile, anything else legacy SHA1. Rejects: records that run past the end (a tail that
 * is not all 0x00 or all 0xFF), PCR indexes >= 24, a DigestCount of 0 or above the header's
 * numberOfAlgorithms (fewer is accepted, as tpm2_eventlog does: the missing banks make replay
 * mark that PCR incomplete), digest algorithms absent from the header or repeated in a record,
 * header algorithms bootproof does not know (other than SM3_256) or whose size differs from
 * the standard one, EventSize > EVLOG_MAX_EVENT_SIZE, more than EVLOG_MAX_EVENTS records, an
 * empty log.
 * Returns 0, or -EBADMSG (malformed), -E2BIG (a cap), -EOPNOTSUPP (unknown algorithm),
 * -ENOMEM; on failure fills ret_error if given. *ret holds views into data. */
int evlog_parse(const uint8_t *data, size_t size, struct evlog **ret,
		struct record_error *ret_error);
struct evlog *evlog_free(struct evlog *log);
DEFINE_FREE_FUNC(struct evlog, evlog_free)

/* "EV_EFI_ACTION"; NULL for types PFP does not name. */
const char *evlog_event_type_name(uint32_t type);
/* Parses "EV_EFI_ACTION" (or a number "0x80000007" / "7"); -EINVAL if unknown. */
int evlog_event_type_from_name(const char *name, uint32_t *ret);

/* The StartupLocality carried by an EV_NO_ACTION event's data, or -ENOENT if the data is not a
 * StartupLocality structure. */
int evlog_startup_locality(const struct evlog_event *ev);
