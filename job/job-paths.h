/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec's paths checked on the machine, before anything runs (docs/jobs.md "Refusals"):
 * inputs lie under the input root and exist, neither they nor any symlink inside a folder input
 * lead out of the input root (a symlink inside a folder input must point inside that input); the output folder lies under the output root and is absent
 * (created here, mode 0755) or an empty folder. */
#pragma once

#include <stddef.h>

#include "job-spec.h"

/* A refusal: a reason word for the job-refused record and a message naming the path. */
struct job_refusal {
	const char *reason;
	char msg[600];
};

/* input_root / output_root must be canonical (realpath). Returns 0 when every path is fine,
 * 1 with *ret filled when the job must be refused, < 0 on an internal error (-ENOMEM). */
int job_paths_check(const struct job_spec *s, const char *input_root, const char *output_root,
		    struct job_refusal *ret);

/* The reason word of a job_spec_parse() failure message: spec-unknown-key, path-dotdot,
 * path-invalid, spec-too-large or spec-invalid. */
const char *job_spec_error_reason(int r, const char *msg);
