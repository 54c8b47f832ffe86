/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof job run SPEC` (docs/jobs.md). */
#pragma once

int verb_job(int argc, char *argv[]);
