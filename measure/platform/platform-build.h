/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof eventlog profile` beyond one reference log: a target's PCR 0-7 rules
 * (platform-target.h), bare PCR values (tpm2_pcrread YAML, pcr-yaml.h) as observed values, or
 * both. The result is a bootproof-platform/2 profile whenever a rule or value is involved. */
#pragma once

#include "measure-golden.h"
#include "platform-profile.h"
#include "platform-target.h"

struct platform_build {
	int target;                          /* enum platform_target, or -1: none */
	struct platform_target_options target_options;
	const struct evlog *log;             /* reference log or NULL */
	const uint8_t *log_data;
	size_t log_size;
	const struct pcr_values *values;     /* bare PCR values or NULL */
	uint8_t values_sha256[32];           /* of the YAML file, for "source" */
	const char *name;
	unsigned pcr_mask;                   /* 0: target -> 0-7, log -> 0-3, 6, 7, values -> listed */
	unsigned bank_mask;                  /* 0: the log's, the values', or sha1+sha256+sha384 */
};

/* -EINVAL with errbuf on a combination that makes no sense (a cloud target with a log, qemu
 * without one); -EBADMSG with errbuf if the values do not cover what is asked. */
int platform_profile_build(const struct platform_build *in, struct platform_profile **ret,
			   char *errbuf, size_t errbuf_size);

/* The whole `eventlog profile --target/--pcrs`: reads and parses yaml_path (tpm2_pcrread YAML;
 * NULL: none) into in's values and their SHA-256, names the profile (in->name, else the
 * target's name, else "platform") and builds it with platform_profile_build(). in->values and
 * in->values_sha256 are ignored. Errors as there; a YAML file that cannot be read or parsed:
 * its -errno / -EBADMSG / -E2BIG with errbuf "PATH: what". */
int platform_profile_build_files(const struct platform_build *in, const char *yaml_path,
				 struct platform_profile **ret, char *errbuf, size_t errbuf_size);
