/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Option values of the verbs; see verb-options.h. */
#include <errno.h>
#include <stdlib.h>

#include "measure-eventlog.h"
#include "measure-golden.h"
#include "measure-platform.h"
#include "measure-seal.h"
#include "verb-options.h"

int pcr_list_parse(const char *s, uint32_t *ret_mask)
{
	uint32_t mask = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		char *end;
		unsigned long a, b;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		a = strtoul(p, &end, 10);
		b = a;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			b = strtoul(p, &end, 10);
		}
		if (a > b || b >= EVLOG_PCR_COUNT)
			return -EINVAL;
		for (unsigned long i = a; i <= b; i++)
			mask |= 1u << i;
		p = end;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -EINVAL;
	}
	*ret_mask = mask;
	return 0;
}
