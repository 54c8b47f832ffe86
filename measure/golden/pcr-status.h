/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How a verifier judges one PCR of a golden manifest (golden format 2, docs/golden-format.md
 * "PCR status"). Format 1 manifests carry no status: every listed PCR is judged as exact.
 *
 *   exact         a constant that must match (separator-only PCRs, a pinned firmware)
 *   computed      bootproof computes it (from the image, the keys, the firmware version)
 *   observed      seen on a real boot; the vendor says it is stable: a mismatch only warns
 *   variable      changes with the machine shape or firmware updates: listed, never judged
 *   per-instance  differs per VM (Azure's PCR 6 VM UUID): listed, never judged */
#pragma once

#include <errno.h>

enum pcr_status {
	PCR_STATUS_UNSET,        /* format 1: judged as exact */
	PCR_STATUS_EXACT,
	PCR_STATUS_COMPUTED,
	PCR_STATUS_OBSERVED,
	PCR_STATUS_VARIABLE,
	PCR_STATUS_PER_INSTANCE,
	_PCR_STATUS_MAX,
	_PCR_STATUS_INVALID = -EINVAL,
};

/* What the rule made of a value. */
enum pcr_outcome {
	PCR_OUTCOME_PASS,
	PCR_OUTCOME_FAIL,        /* exact or computed mismatch: verification fails (exit 3) */
	PCR_OUTCOME_WARN,        /* observed mismatch (or no observed value yet): passes, warned */
	PCR_OUTCOME_NOT_JUDGED,  /* variable, per-instance */
	_PCR_OUTCOME_MAX,
};

/* "exact", ... ; UNSET gives "exact" (the rule format 1 implies). */
const char *pcr_status_to_string(enum pcr_status s);
/* Inverse of the above for the five written names (never UNSET); -EINVAL otherwise. */
enum pcr_status pcr_status_from_string(const char *s);
const char *pcr_outcome_to_string(enum pcr_outcome o);
