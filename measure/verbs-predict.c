/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `predict`: placeholder while the model lands. */
#include "log.h"
#include "verbs-pcr.h"

int verb_predict(int argc, char *argv[])
{
	(void)argc;
	log_error("'%s' is not implemented yet", argv[0]);
	return -95; /* -EOPNOTSUPP */
}
