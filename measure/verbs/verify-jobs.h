/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* verify's job part (docs/jobs.md): the release's container_measurements.json (--containers)
 * and the provenance statement of the human summary. */
#pragma once

#include <stdio.h>

#include <jansson.h>

#include "measure-attest.h"

/* Reads and parses --containers FILE; logs the failure once. */
int verify_load_release(const char *path, struct job_release **ret);

/* The provenance statement of the verdict's jobs: the release (golden.json's image, when the
 * bundle verified), then per job its spec, status, container (and whether the release lists
 * it), inputs and outputs. golden and containers_path may be NULL. */
void verify_print_jobs(const json_t *verdict, const struct golden *golden,
		       const char *containers_path, FILE *f);
