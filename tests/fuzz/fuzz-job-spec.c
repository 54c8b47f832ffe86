/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the job-spec reader (job/job-spec.h): whatever loads is within every cap and every path
 * passes the form check; a refusal always has a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job/job-paths.h"
#include "job/job-spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job_spec *s = NULL;
	char err[300] = "";
	int r = job_spec_parse(data, size, &s, err, sizeof(err));

	if (r < 0) {
		if (!err[0] || !job_spec_error_reason(r, err))
			abort();
		return 0;
	}
	if (s->n_command == 0 || s->n_command > JOB_SPEC_MAX_ARGS ||
	    s->n_inputs > JOB_SPEC_MAX_INPUTS || job_path_defect(s->output))
		abort();
	for (size_t i = 0; i < s->n_inputs; i++)
		if (job_path_defect(s->inputs[i].path))
			abort();
	job_spec_free(s);
	return 0;
}
