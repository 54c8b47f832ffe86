/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pcr_judge_value(): one quoted or replayed PCR value against a golden PCR: which rule judged it
 * and what came out (pass, fail, warn, not judged), naming the value, phase or alternative that
 * matched (golden format 2, pcr-status.h, docs/golden-format.md "PCR status"). Used by the event
 * log comparison (eventlog-compare.h) and by verify (attest-verify.h). */
#pragma once

#include <stdint.h>

#include "golden.h"
#include "pcr-status.h"

struct pcr_judgement {
	enum pcr_status rule;      /* never UNSET: format 1 PCRs are judged as exact */
	enum pcr_outcome outcome;
	const char *matched;       /* "value", a phase word or an alternative's name; NULL: none */
};

/* Judges value (bank_size(b) bytes) by p's rule. Never fails. */
void pcr_judge_value(const struct golden_pcr *p, enum bank b, const uint8_t *value,
		     struct pcr_judgement *ret);
