/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verbs of the attest part of measure/. Placeholders until the issue lands: each fails loudly. */
#include "log.h"
#include "verbs-attest.h"

int verb_extend(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}

int verb_attest(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}

int verb_verify(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}

int verb_manifest(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}

