/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* verify's job part (docs/jobs.md): the release's container_measurements.json (--containers)
 * and the provenance statement of the human summary. */
#pragma once

#include <stdio.h>

#include <jansson.h>

#include "measure-attest.h"

/* Reads and parses --containers FILE; logs the failure once. */
int verify_load_release(const char *path, struct job_release **ret);

/* "job N: ..." lines for the verdict's jobs: release, container, inputs, outputs, status. */
void verify_print_jobs(const json_t *verdict, FILE *f);
