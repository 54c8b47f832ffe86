/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One PCR value judged against a golden PCR by its status rule (golden format 2, pcr-judge.h,
 * docs/golden-format.md "PCR status"). */
#include <string.h>

#include "golden.h"
#include "pcr-judge.h"

void pcr_judge_value(const struct golden_pcr *p, enum bank b, const uint8_t *value,
		     struct pcr_judgement *ret)
{
	size_t sz = bank_size(b);

	*ret = (struct pcr_judgement){
		.rule = p->status == PCR_STATUS_UNSET ? PCR_STATUS_EXACT : p->status,
		.outcome = PCR_OUTCOME_FAIL,
	};
	if (ret->rule == PCR_STATUS_VARIABLE || ret->rule == PCR_STATUS_PER_INSTANCE) {
		ret->outcome = PCR_OUTCOME_NOT_JUDGED;
		return;
	}
	if (!p->no_value) {
		if (memcmp(value, p->value, sz) == 0) {
			ret->outcome = PCR_OUTCOME_PASS;
			ret->matched = p->n_phases > 0 ? p->phases[p->n_phases - 1].phase : "value";
			return;
		}
		/* A quote taken before the last phase (PCR 11). */
		for (size_t i = 0; i < p->n_phases; i++)
			if (memcmp(value, p->phases[i].value, sz) == 0) {
				ret->outcome = PCR_OUTCOME_PASS;
				ret->matched = p->phases[i].phase;
				return;
			}
	}
	for (size_t i = 0; i < p->n_alternatives; i++)
		if (!p->alternatives[i].no_value && memcmp(value, p->alternatives[i].value, sz) == 0) {
			ret->outcome = PCR_OUTCOME_PASS;
			ret->matched = p->alternatives[i].name;
			return;
		}
	/* Observed values are the vendor's promise, not ours: a mismatch (or no value seen yet)
	 * is reported, never fatal. */
	if (ret->rule == PCR_STATUS_OBSERVED)
		ret->outcome = PCR_OUTCOME_WARN;
}
