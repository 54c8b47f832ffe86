/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Platform profile: the events a platform's firmware measures into the PCRs that do not come
 * from the image (0-3, 6, and 7 as a reference), taken from a reference event log of that
 * platform (an OVMF boot, a cloud VM type). Written by `bootproof eventlog profile LOG -o
 * platform.json`, read by `bootproof predict`. Format (canonical JSON, docs/eventlog.md):
 *
 *   {"format": "bootproof-platform/1",
 *    "name": "<platform name>",
 *    "source": "event log sha256:<hex of the reference log file>, crypto-agile, 43 records",
 *    "banks": {"sha256": {"0": {"value": "<hex>", "startup_locality": 3,
 *                               "events": [{"log": "firmware", "type": "EV_S_CRTM_VERSION",
 *                                           "type_id": 8, "description": "...",
 *                                           "digest": "<hex>", "data": "<hex>"}]},
 *                         "7": {...}}, "sha1": {...}}}
 *
 * Top-level keys are exactly format, name, source (a string) and banks; platform_profile_load()
 * is the one reader (predict's).
 * "banks" has exactly golden.json's shape (golden_banks_load), so predict copies the PCR
 * objects into golden.json as they are. EV_NO_ACTION events are left out (never extended);
 * StartupLocality becomes PCR 0's "startup_locality" and an H-CRTM start becomes
 * startup_locality 4 (the same initial value, 00..04). "data" is the raw event data (hex) when
 * it is at most GOLDEN_MAX_EVENT_DATA bytes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "measure-eventlog.h"
#include "measure-golden.h"

#define PLATFORM_PROFILE_FORMAT "bootproof-platform/1"
/* Format 2: PCR status, source and alternatives per PCR (platform-target.h). */
#define PLATFORM_PROFILE_FORMAT_V2 "bootproof-platform/2"
#define PLATFORM_PROFILE_MAX_SIZE GOLDEN_MAX_SIZE
#define PLATFORM_PROFILE_MAX_DEPTH 16u  /* banks.<bank>.<pcr>.events[i].<key> and room */
#define PLATFORM_PROFILE_MAX_NAME 256u  /* bytes of "name" */
#define PLATFORM_PROFILE_DEFAULT_PCRS ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 7))

struct platform_profile {
	char *name;
	char *source;               /* where the events came from (free text; NULL if absent) */
	uint8_t log_sha256[32];     /* sha256 of the reference log file (profiles made here) */
	uint8_t file_sha256[32];    /* sha256 of platform.json itself (golden's profile_sha256) */
	unsigned banks;             /* banks present */
	unsigned pcrs;              /* bit p: PCR p present (in some bank) */
	struct golden_bank bank[_BANK_MAX]; /* bank[b].pcrs[p]: value, startup_locality, events */
};

struct platform_profile *platform_profile_free(struct platform_profile *p);
DEFINE_FREE_FUNC(struct platform_profile, platform_profile_free)

/* Builds a profile from a parsed reference log: PCRs in pcr_mask (0: the default 0-3, 6, 7),
 * banks in bank_mask (0: every bank of the log). log_data/log_size: the raw log file (for
 * log_sha256). -EBADMSG with errbuf if an event lacks a requested bank's digest or the log's
 * StartupLocality is out of place. */
int platform_profile_from_log(const struct evlog *log, const uint8_t *log_data, size_t log_size,
			      const char *name, unsigned pcr_mask, unsigned bank_mask,
			      struct platform_profile **ret, char *errbuf, size_t errbuf_size);

/* Canonical JSON (see above). */
int platform_profile_to_json(const struct platform_profile *p, json_t **ret);

/* The one reader of platform.json (predict --platform): format PLATFORM_PROFILE_FORMAT or _V2,
 * unknown top-level keys rejected, "name" 1..PLATFORM_PROFILE_MAX_NAME bytes, "source" a string
 * (kept) or an object (accepted, not kept), "banks" checked by golden_banks_load_format() (values
 * must equal the replay of their events; format 2 adds status rules). pcrs is the union of the
 * banks' PCRs; file_sha256 the digest of data. -EBADMSG with errbuf naming the JSON path and the
 * defect ("(top level): unknown key \"x\"", "banks.sha256.0: ..."). */
int platform_profile_load(const void *data, size_t len, struct platform_profile **ret,
			  char *errbuf, size_t errbuf_size);
/* Reads path ("-" = stdin) capped at PLATFORM_PROFILE_MAX_SIZE, then platform_profile_load(). */
int platform_profile_load_file(const char *path, struct platform_profile **ret, char *errbuf,
			       size_t errbuf_size);
