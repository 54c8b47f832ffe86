/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names of the PCR statuses and outcomes (pcr-status.h, docs/golden-format.md "PCR status"). */
#include <string.h>

#include "macro.h"
#include "pcr-status.h"

static const char *const status_names[_PCR_STATUS_MAX] = {
	[PCR_STATUS_UNSET] = "exact",
	[PCR_STATUS_EXACT] = "exact",
	[PCR_STATUS_COMPUTED] = "computed",
	[PCR_STATUS_OBSERVED] = "observed",
	[PCR_STATUS_VARIABLE] = "variable",
	[PCR_STATUS_PER_INSTANCE] = "per-instance",
};

const char *pcr_status_to_string(enum pcr_status s)
{
	if ((unsigned)s >= ARRAY_SIZE(status_names))
		return "?";
	return status_names[s];
}

enum pcr_status pcr_status_from_string(const char *s)
{
	for (size_t i = PCR_STATUS_EXACT; s && i < ARRAY_SIZE(status_names); i++)
		if (strcmp(s, status_names[i]) == 0)
			return (enum pcr_status)i;
	return _PCR_STATUS_INVALID;
}

const char *pcr_outcome_to_string(enum pcr_outcome o)
{
	static const char *const names[_PCR_OUTCOME_MAX] = {
		[PCR_OUTCOME_PASS] = "pass",
		[PCR_OUTCOME_FAIL] = "fail",
		[PCR_OUTCOME_WARN] = "warn",
		[PCR_OUTCOME_NOT_JUDGED] = "not judged",
	};
	if ((unsigned)o >= ARRAY_SIZE(names))
		return "?";
	return names[o];
}
