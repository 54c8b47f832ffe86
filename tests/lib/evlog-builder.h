/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Builds synthetic TCG event logs (PFP 1.05r23 §10.2) and systemd JSON-SEQ logs in memory for
 * tests and the benchmark: a Spec ID Event03 header, TCG_PCR_EVENT2 records whose digests are
 * the real hashes of their data (or given raw), legacy SHA1 records. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evlog_builder {
	uint8_t *buf;
	size_t len, alloc;
	bool oom;
	/* Algorithms of the Spec ID header (bank-ordered TPM_ALG_IDs and sizes). */
	size_t n_algs;
	uint16_t alg[8], size[8];
};

void evb_init(struct evlog_builder *b);
void evb_done(struct evlog_builder *b);
void evb_bytes(struct evlog_builder *b, const void *p, size_t n);
void evb_u8(struct evlog_builder *b, uint8_t v);
void evb_u16(struct evlog_builder *b, uint16_t v);
void evb_u32(struct evlog_builder *b, uint32_t v);
void evb_u64(struct evlog_builder *b, uint64_t v);

/* The first record with a Spec ID Event03 naming algorithms alg[i] of size[i]. */
void evb_spec_id(struct evlog_builder *b, size_t n, const uint16_t *alg, const uint16_t *size);
/* Convenience: sha1, sha256, sha384, sha512 (mask of helpers/digest.h banks). */
void evb_spec_id_banks(struct evlog_builder *b, unsigned bank_mask);
/* A TCG_PCR_EVENT2 with one digest per header algorithm = H(data) (zeros for EV_NO_ACTION). */
void evb_event(struct evlog_builder *b, uint32_t pcr, uint32_t type, const void *data, size_t n);
/* A TCG_PCR_EVENT2 whose digest d[i] (of the header's size for alg[i]) is given for the first
 * count header algorithms. */
void evb_event_digests(struct evlog_builder *b, uint32_t pcr, uint32_t type, uint32_t count,
		       const uint8_t *const *d, const void *data, size_t n);
/* A legacy TCG_PCClientPCREvent with digest SHA1(data) (zeros for EV_NO_ACTION). */
void evb_legacy(struct evlog_builder *b, uint32_t pcr, uint32_t type, const void *data, size_t n);
/* EV_NO_ACTION StartupLocality on PCR 0 (crypto-agile). */
void evb_startup_locality(struct evlog_builder *b, uint8_t locality);
/* One systemd JSON-SEQ record extending H(word) for the given banks, content_type "systemd",
 * content {"string": word, "eventType": type}. */
void evb_sd_record(struct evlog_builder *b, unsigned pcr, unsigned bank_mask, const char *word,
		   const char *type);
