/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Placeholder until the container-measurement issue lands: fails loudly. */
#include "log.h"
#include "verb-containers.h"

int verb_containers(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}
