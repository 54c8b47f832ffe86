/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sealing policy of a release: the TPM2 PolicyPCR digest that data on the machine is sealed
 * to, over the golden values of a chosen set of PCRs (one bank; PCR 11 taken at a chosen boot
 * phase). Computed offline with OpenSSL, no TPM (TPM 2.0 Part 3 §23.7 TPM2_PolicyPCR):
 *
 *   policy' = SHA256(policy || TPM_CC_PolicyPCR || TPML_PCR_SELECTION || SHA256(values...))
 *
 * with policy = 32 zero bytes, the values concatenated in ascending PCR order, and the session
 * hash SHA-256 whatever the bank (as systemd-cryptenroll's sessions; sealing.md §1.5).
 *
 * golden.json carries it as "seal" (docs/golden-format.md); golden.c calls seal_policy_load()
 * and seal_policy_to_json(); golden/golden-seal.h builds it from golden values and checks it
 * against them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "digest.h"

#define SEAL_PROFILE "golden-data"
#define SEAL_DEFAULT_PCRS "4,7,9,11,12"
#define SEAL_DEFAULT_PHASE "enter-initrd:leave-initrd"
#define SEAL_PHASE_PCR 11u          /* the PCR systemd-pcrphase extends */
#define SEAL_PCR_MAX 24u            /* PCR indexes 0..23 */
#define SEAL_PHASE_MAX_LEN 128u
#define SEAL_DIGEST_SIZE 32u        /* policy digests are SHA-256 */
#define TPM_CC_POLICY_PCR 0x0000017Fu

struct seal_policy {
	enum bank bank;                       /* the PCR bank the values are in */
	uint32_t pcr_mask;                    /* bit i = PCR i */
	char phase[SEAL_PHASE_MAX_LEN];       /* phase path PCR 11 is taken at; "" = after the stub */
	uint8_t values[SEAL_PCR_MAX][DIGEST_MAX];
	uint8_t digest[SEAL_DIGEST_SIZE];     /* PolicyPCR from a zero policy */
};

/* "4,7,9,11,12" (also '+' separated, as systemd's --tpm2-pcrs) -> mask. -EINVAL on an empty
 * list, a duplicate, or an index > 23. */
int seal_pcr_mask_parse(const char *list, uint32_t *ret_mask);

/* One PolicyPCR step: out = SHA256(prev || CC || selection(bank, mask) || SHA256(values of the
 * PCRs in mask, ascending)). values[i] holds bank_size(bank) bytes for PCR i. prev NULL = zero
 * policy. out may alias prev. -EINVAL for an empty mask, -EIO for an OpenSSL failure. */
int seal_policy_pcr_step(enum bank bank, uint32_t mask, const uint8_t values[][DIGEST_MAX],
			 const uint8_t *prev, uint8_t out[SEAL_DIGEST_SIZE]);

/* Sets p->digest from p's bank, mask and values. */
int seal_policy_compute(struct seal_policy *p);

/* golden.json's "seal" object, canonical. */
int seal_policy_to_json(const struct seal_policy *p, json_t **ret);

/* Strict reader of the "seal" object (untrusted input): known keys only, bank known, PCR list
 * ascending without duplicates, one value per listed PCR of the bank's size, lowercase hex, and
 * policy_digest equal to the digest recomputed from the values. errbuf gets "seal.<key>: defect".
 * -EBADMSG on any defect. */
int seal_policy_load(json_t *j, struct seal_policy *ret, char *errbuf, size_t errbuf_size);

/* systemd-cryptenroll (>= 255) literal form "4:sha256=HEX+7:sha256=HEX+...", malloc'd. */
int seal_policy_cryptenroll_pcrs(const struct seal_policy *p, char **ret);
/* The PCR list "4,7,9,11,12" into buf (>= 3 * SEAL_PCR_MAX bytes). */
void seal_pcr_mask_format(uint32_t mask, char sep, char *buf, size_t size);

/* The literal form "4:sha256=HEX+7:sha256=HEX..." (systemd-cryptenroll >= 255 --tpm2-pcrs) into
 * ret with its digest; one bank for all, PCRs in any order, each once. -EINVAL on any defect. */
int seal_policy_parse_literal(const char *s, struct seal_policy *ret);
