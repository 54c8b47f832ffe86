/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The target / bare-values half of `bootproof eventlog profile` (verbs-platform.c). */
#pragma once

#include "platform-target.h"

/* Parses --target ('T'), --gce-firmware ('F'), --cvm ('C') into pb; logs and returns -EINVAL
 * on a bad value. */
int profile_target_option(int opt, const char *arg, struct platform_build *pb);

/* Builds the profile (pb->log set by the caller, or NULL), reads yaml if given, writes out.
 * Returns an exit code. */
int verb_profile_build(struct platform_build *pb, const char *yaml, const char *name,
		       unsigned pcrs, unsigned banks, const char *out);
