/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verbs of the pcr part of measure/. Placeholders until the issue lands: each fails loudly. */
#include "log.h"
#include "verbs-pcr.h"

int verb_pe_hash(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}

int verb_uki(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}

int verb_predict(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}
