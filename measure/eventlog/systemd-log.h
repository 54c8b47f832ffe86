/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd's userspace measurement log, /run/log/systemd/tpm2-measure.log (systemd >= 255,
 * src/shared/tpm2-util.c tpm2_userspace_log): RFC 7464 JSON text sequences, one record per
 * extension:
 *   0x1E {"pcr":11,"digests":[{"hashAlg":"sha256","digest":"<hex>"}],"content_type":"systemd",
 *         "content":{"string":"enter-initrd","eventType":"phase",...}} 0x0A
 * The records are exactly what was extended into the TPM, so replay = the firmware log's events
 * followed by these, in order (pcr-spec.md §8.2 step 6). bootproof's own runtime records
 * (PCR 14/15) use the same format; sdlog_format_record() writes one. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "digest.h"
#include "macro.h"
#include "tcg-eventlog.h"

#define SDLOG_MAX_LOG_SIZE ((size_t)16 * 1024 * 1024) /* whole file */
#define SDLOG_MAX_RECORDS ((size_t)65536)            /* records in one log */
#define SDLOG_MAX_RECORD_SIZE ((size_t)64 * 1024)    /* one JSON text */
#define SDLOG_MAX_DEPTH 16u                          /* JSON nesting of one record */
#define SDLOG_MAX_DIGESTS 8u                         /* entries of "digests" */
#define SDLOG_RS 0x1e                                /* RFC 7464 record separator */

struct sdlog_record {
	/* source = EVLOG_SOURCE_SYSTEMD, index, offset (of the RS byte), pcr, banks, digest[]
	 * (views into digest_buf), data = the record's JSON text (a view into the log buffer). */
	struct evlog_event event;
	/* Borrowed from json: valid while the struct sdlog lives. NULL when absent. */
	const char *content_type; /* "systemd" */
	const char *string;       /* content.string: "enter-initrd", "machine-id:...", ... */
	const char *event_type;   /* content.eventType: "phase", "machine-id", "filesystem", ... */
	json_t *json;             /* the whole record */
	uint8_t digest_buf[_BANK_MAX][DIGEST_MAX];
};

struct sdlog {
	size_t n_records;
	struct sdlog_record *records;
	/* events[i] is a copy of records[i].event: an array replay_events() can take. */
	struct evlog_event *events;
};

/* Parses a whole JSON-SEQ log. Every record must start with RS and end with LF (a record without
 * its LF is a truncated write: rejected), hold one JSON object with "pcr" (0..23) and
 * "digests" (1..SDLOG_MAX_DIGESTS entries of {"hashAlg": bank name, "digest": lowercase hex of
 * the bank's size}, no bank twice); "content_type" must be a string and "content" an object
 * when present. Empty texts between two RS are skipped (RFC 7464 §2.1). An empty file is a
 * valid log with no records.
 * Returns 0, -EBADMSG, -E2BIG, -EOPNOTSUPP (unknown hashAlg), -ENOMEM; fills ret_error on
 * failure. The result keeps views into data: valid while data lives. */
int sdlog_parse(const uint8_t *data, size_t size, struct sdlog **ret,
		struct record_error *ret_error);
struct sdlog *sdlog_free(struct sdlog *log);
DEFINE_FREE_FUNC(struct sdlog, sdlog_free)

/* The events to replay, in extend order: the firmware log's (fw, may be NULL) then the systemd
 * log's (sd, may be NULL). Each PCR's firmware events precede its userspace ones, which is the
 * order a running system extends them in. *ret is a malloc'd array of copies; its views stay
 * valid while fw, sd and their buffers live. */
int evlog_merge(const struct evlog *fw, const struct sdlog *sd, struct evlog_event **ret,
		size_t *ret_n);

/* One record as systemd writes it: RS, compact JSON with sorted keys, LF. content may be NULL
 * (borrowed). digest[b] for each bank in banks. */
int sdlog_format_record(unsigned pcr, unsigned banks, const uint8_t digest[_BANK_MAX][DIGEST_MAX],
			const char *content_type, const json_t *content, char **ret,
			size_t *ret_len);
