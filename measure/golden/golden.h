/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* golden.json: the expected PCR values and event lists of a release (docs/golden-format.md).
 *
 * Writer: `bootproof predict`. Readers: `eventlog compare`, `verify`, the release pipeline.
 * golden_load() is strict (the verifier fails closed on what it does not understand): unknown
 * keys, wrong types, non-canonical hex, digests of the wrong size, PCR indexes out of range, and
 * values that do not equal the replay of their own event list are all rejected with a message
 * naming the JSON path and the defect. golden_store() writes canonical JSON atomically.
 *
 * The in-memory model is plain data: readers index g->banks[bank].pcrs[pcr] directly. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "digest.h"
#include "macro.h"
#include "pcr-status.h"

struct seal_policy;

#define GOLDEN_FORMAT "bootproof-golden/1"
#define GOLDEN_FORMAT_V2 "bootproof-golden/2" /* adds PCR status, source, alternatives */
/* Old name of TPM2_PCR_COUNT, kept only for measure/attest/attest-verify.c (edited on another
 * branch at the time): rename its two uses and delete this line once that branch is merged. */
#define GOLDEN_PCR_MAX TPM2_PCR_COUNT
#define GOLDEN_MAX_SIZE (64u << 20)   /* whole document */
#define GOLDEN_MAX_EVENTS 8192u       /* per PCR per bank */
#define GOLDEN_MAX_PHASES 16u         /* per PCR */
#define GOLDEN_MAX_STRING 4096u       /* description, names, versions */
#define GOLDEN_MAX_EVENT_DATA 65536u  /* optional raw event data, bytes */
#define GOLDEN_MAX_ALTERNATIVES 16u   /* per PCR (format 2) */

enum golden_log {
	GOLDEN_LOG_FIRMWARE, /* TCG binary log (binary_bios_measurements) */
	GOLDEN_LOG_SYSTEMD,  /* systemd's JSON-SEQ userspace log (tpm2-measure.log) */
	_GOLDEN_LOG_MAX,
	_GOLDEN_LOG_INVALID = -EINVAL,
};

const char *golden_log_to_string(enum golden_log l);
enum golden_log golden_log_from_string(const char *s);

struct golden_event {
	enum golden_log log;
	char *type;            /* "EV_EFI_ACTION", ... for firmware; "phase", ... for systemd */
	bool has_type_id;
	uint32_t type_id;      /* TCG event type (firmware events) */
	char *description;     /* human-readable; "" allowed */
	uint8_t digest[DIGEST_MAX]; /* bank_size() bytes */
	char *phase;           /* systemd pcrphase word, or NULL */
	uint8_t *data;         /* optional raw event data as it appears in the log, or NULL */
	size_t data_len;
};

struct golden_phase {
	char *phase;                /* "stub" (after the firmware-log events), "enter-initrd", ... */
	uint8_t value[DIGEST_MAX];
};

struct golden_pcr {
	bool present;
	uint8_t value[DIGEST_MAX];  /* after the last event (all zero with no events) */
	bool has_startup_locality;  /* PCR 0 only: initial value 00..00||locality */
	uint8_t startup_locality;
	struct golden_event *events;
	size_t n_events;
	struct golden_phase *phases;
	size_t n_phases;
	/* Format 2 (pcr-status.h). A format 1 file leaves all of these zero. */
	enum pcr_status status;     /* PCR_STATUS_UNSET: judged as exact */
	char *source;               /* where the value comes from (free text), or NULL */
	bool no_value;              /* no value and no events: variable, per-instance, observed
	                             * but not yet seen, or (profiles only) left to predict */
	bool values_only;           /* observed from bare PCR values: a value without events */
	char *name;                 /* an alternative's name ("ebs-retry"); NULL otherwise */
	struct golden_pcr *alternatives; /* other accepted event lists / values */
	size_t n_alternatives;
};

struct golden_bank {
	bool present;
	struct golden_pcr pcrs[TPM2_PCR_COUNT];
};

struct golden {
	/* "image" (every field optional) */
	char *image_name, *image_version, *image_uname;
	bool has_disk_sha256, has_uki_sha256, has_source_date_epoch;
	uint8_t disk_sha256[32], uki_sha256[32];
	uint64_t source_date_epoch;
	/* "stub" (both optional) */
	char *systemd_stub, *systemd_boot;
	/* "platform": null, or name + sha256 of the platform profile file */
	bool has_platform;
	char *platform_name;
	uint8_t platform_profile_sha256[32];
	bool secure_boot;
	struct golden_bank banks[_BANK_MAX];
	/* "seal" (optional): the sealing policy over these values (seal-policy.h); NULL if absent */
	struct seal_policy *seal;
};

struct golden *golden_new(void);
struct golden *golden_free(struct golden *g);
DEFINE_FREE_FUNC(struct golden, golden_free)

/* Parses and validates untrusted bytes. On -EBADMSG / -E2BIG / -EOPNOTSUPP (another format
 * version), errbuf gets "<json path>: <defect>" (or the JSON syntax error with line/column).
 * ret owns everything it points to. */
int golden_load(const void *data, size_t len, struct golden **ret, char *errbuf,
		size_t errbuf_size);
/* Reads path ("-" = stdin, capped at GOLDEN_MAX_SIZE) and golden_load()s it. I/O errors are
 * negative errno with errbuf naming the failing call. */
int golden_load_file(const char *path, struct golden **ret, char *errbuf, size_t errbuf_size);

/* Canonical JSON of g. Values are written as given; call golden_pcr_recompute() first. */
int golden_to_json(const struct golden *g, json_t **ret);
/* Canonical JSON, atomically, to path ("-" = stdout). */
int golden_store(const char *path, const struct golden *g);

/* Builder helpers for the writer. Strings are copied. data may be NULL. */
int golden_pcr_add_event(struct golden_pcr *p, enum golden_log log, const char *type,
			 int64_t type_id /* < 0: none */, const char *description,
			 const uint8_t *digest, size_t digest_len, const char *phase,
			 const void *data, size_t data_len);
int golden_pcr_add_phase(struct golden_pcr *p, const char *phase, const uint8_t *value,
			 size_t value_len);
/* Replays p's events in bank b into ret_value (initial value from the startup locality). */
int golden_pcr_replay(const struct golden_pcr *p, enum bank b, uint8_t ret_value[DIGEST_MAX]);
/* Sets p->value from the replay of its events and p->present = true. */
int golden_pcr_recompute(struct golden_pcr *p, enum bank b);
/* Frees what p owns (events, phases, alternatives, strings) and zeroes it. */
void golden_pcr_clear(struct golden_pcr *p);
/* Writes "12" into buf: the JSON key of a PCR index. */
void golden_pcr_key(unsigned pcr, char buf[4]);

/* The "banks" object alone, in the same shape and with the same checks (a platform profile may
 * reuse it). golden_banks_load() fills banks[] (which must be zeroed); path prefixes errbuf. */
int golden_banks_load(json_t *j, const char *path, struct golden_bank banks[_BANK_MAX],
		      char *errbuf, size_t errbuf_size);
/* The same for format 2 ("status", "source", "alternatives" allowed; version 1 rejects them).
 * profile: a platform profile, where a computed PCR or an alternative may be a bare
 * placeholder (status/name, no value) that `bootproof predict` fills. */
int golden_banks_load_format(json_t *j, const char *path, struct golden_bank banks[_BANK_MAX],
			     unsigned version, bool profile, char *errbuf, size_t errbuf_size);
/* True if any PCR uses a format 2 feature (the writer then writes GOLDEN_FORMAT_V2). */
bool golden_banks_need_v2(const struct golden_bank banks[_BANK_MAX]);
/* Deep copy of src's format 2 fields (status, source, no_value, values_only, alternatives) into
 * dst; dst's own events and value stay. */
int golden_pcr_copy_status(struct golden_pcr *dst, const struct golden_pcr *src, enum bank b);
int golden_banks_to_json(const struct golden_bank banks[_BANK_MAX], json_t **ret);
void golden_banks_clear(struct golden_bank banks[_BANK_MAX]);
