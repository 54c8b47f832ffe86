/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sealing policy over golden values (seal/'s struct seal_policy, built from and checked
 * against golden.h's banks): predict attaches it to golden.json as "seal", golden_load() checks
 * a loaded "seal" against the document's own PCR values. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "measure-seal.h"

/* Fills ret from golden banks (golden.h's struct golden_bank[_BANK_MAX]): the final value of
 * every PCR in mask, PCR 11 at phase path `phase` (e.g. "enter-initrd:leave-initrd", which must
 * be a prefix of the predicted phases), then the digest. -ENOENT (errbuf says which) when a PCR,
 * the bank or the phase is not in the golden values. */
struct golden_bank;
int seal_policy_from_banks(const struct golden_bank *banks, enum bank bank, uint32_t mask,
			   const char *phase, struct seal_policy *ret, char *errbuf,
			   size_t errbuf_size);

/* Cross-check against the golden values of the same document: every sealed value must equal
 * what seal_policy_from_banks() derives (a hand-edited seal cannot drift from the PCRs).
 * -EBADMSG with errbuf naming the PCR. */
int seal_policy_check_banks(const struct seal_policy *p, const struct golden_bank *banks,
			    char *errbuf, size_t errbuf_size);

/* predict's step: g->seal = the policy over g's own golden values. With required false (the
 * defaults), a missing bank, PCR or phase leaves g->seal NULL and returns 0; with required true
 * it is an error (-ENOENT, errbuf says what is missing). */
struct golden;
int seal_policy_attach(struct golden *g, enum bank bank, uint32_t mask, const char *phase,
		       bool required, char *errbuf, size_t errbuf_size);
