/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `eventlog` (owned by the eventlog work; declared in verbs-pcr.h). Placeholder until it
 * lands: fails loudly. */
#include "log.h"
#include "verbs-pcr.h"

int verb_eventlog(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}
